/*
 * Emulated devices: a guest load or store to a device page faults (device
 * pages are never shadow-mapped), the instruction is decoded by the proved
 * decoder and carried out on the device model here.
 */
#ifndef HV_MMIO_H
#define HV_MMIO_H

#include <stdbool.h>
#include <stdint.h>

#include "core/sv39.h"
#include "hv/vcpu.h"

/* Guest-physical placement of the emulated devices: QEMU virt's own. */
#define GUEST_UART_BASE UL(0x10000000)
#define GUEST_UART_SIZE UL(0x100)
#define GUEST_UART_CLOCK_HZ 3686400U

/* Whether an emulated device answers at guest-physical gpa. */
bool mmio_device_at(uint64_t gpa);
/* Carry out the guest's access of type acc at gpa (the device at gpa
 * exists): write rd or the device and step pc; or give the guest the
 * access fault hardware gives for an access the device cannot take
 * (misaligned, atomic, floating-point, wider than the register). */
void mmio_emulate(struct vcpu *v, uint64_t gpa, uint64_t va, enum sv39_access acc);

#endif
