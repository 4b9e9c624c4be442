/*
 * A guest's devices: the models of src/dev wired to the real machine. The
 * UART is the real console, the virtual PLIC collects the models'
 * interrupt lines and drives the guest's SEIP, and the virtio-blk model
 * hands confined requests to the hypervisor's driver of the real disk.
 * Every device sits where QEMU virt puts it, with QEMU virt's interrupt.
 */
#ifndef HV_DEVICES_H
#define HV_DEVICES_H

#include <stdbool.h>
#include <stdint.h>

#include "hv/host_vblk.h"

struct guest;
struct guest_dt_params;

/* Guest-physical placement, as on QEMU virt. */
#define GUEST_PLIC_BASE UL(0x0c000000)
#define GUEST_UART_BASE UL(0x10000000)
#define GUEST_UART_SIZE UL(0x100)
#define GUEST_UART_CLOCK_HZ 3686400U
#define GUEST_UART_IRQ 10U
#define GUEST_VIRTIO_SIZE UL(0x1000)

/* Every device in its reset state (boot, and each guest reboot: in-flight
 * disk requests are waited for first, so none lands in the new guest). */
void devices_reset(struct guest *g);
/* Where the devices appear in the guest's device tree. */
void devices_dt_params(const struct guest *g, struct guest_dt_params *dt);

/* Whether a device answers at guest-physical gpa. */
bool devices_mmio_at(const struct guest *g, uint64_t gpa);
/* An aligned access of width 1, 2 or 4 bytes at gpa (a device address).
 * false: the device cannot take an access of that width (the guest gets
 * an access fault). */
bool devices_mmio_read(struct guest *g, uint64_t gpa, unsigned width, uint64_t *value);
bool devices_mmio_write(struct guest *g, uint64_t gpa, unsigned width, uint64_t value);

/* The real external interrupt: claim it from the real PLIC and serve it. */
void devices_external_interrupt(struct guest *g);
/* Pull console input waiting for the guest's UART. */
void devices_poll_input(struct guest *g);
/* Whether the guest's UART waits for input with its interrupt enabled. */
bool devices_want_input(const struct guest *g);
/* Bring the guest's SEIP up to date with the devices' interrupt lines. */
void devices_update_irqs(struct guest *g);
/* Wait until the real disk has finished everything the guest gave it
 * (before the machine powers off or the guest restarts). */
void devices_quiesce(struct guest *g);

#endif
