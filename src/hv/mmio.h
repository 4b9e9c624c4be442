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

/* Carry out the guest's access of type acc at gpa (a device answers
 * there, hv/devices.h): write rd or the device and step pc; or give the
 * guest the access fault hardware gives for an access the device cannot
 * take (misaligned, atomic, floating-point, wider than the register). */
void mmio_emulate(struct vcpu *v, uint64_t gpa, uint64_t va, enum sv39_access acc);

#endif
