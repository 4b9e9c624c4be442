/*
 * A guest's devices: the models of src/dev wired to the real machine. The
 * UART is the guest's console port, the virtual PLIC collects the models'
 * interrupt lines and drives each vCPU's SEIP, and the virtio-blk model
 * hands confined requests to the hypervisor's driver of the guest's real
 * disk. Every device sits where QEMU virt puts it, with QEMU virt's
 * interrupt. Any hart may call these; one lock per guest serializes them.
 */
#ifndef HV_DEVICES_H
#define HV_DEVICES_H

#include <stdbool.h>
#include <stdint.h>

#include "dev/plic.h"
#include "dev/uart16550.h"
#include "dev/virtio_blk.h"
#include "hv/console.h"
#include "hv/host_vblk.h"
#include "hv/lock.h"
#include "hv/platform.h"
#include "hv/ram.h"

struct guest_dt_params;

/* Guest-physical placement, as on QEMU virt. */
#define GUEST_PLIC_BASE UL(0x0c000000)
#define GUEST_UART_BASE UL(0x10000000)
#define GUEST_UART_SIZE UL(0x100)
#define GUEST_UART_CLOCK_HZ 3686400U
#define GUEST_UART_IRQ 10U
#define GUEST_VIRTIO_SIZE UL(0x1000)

struct devices {
	struct spinlock lock;
	const struct guest_ram *ram;
	struct console_port *console;
	unsigned nharts;               /* the guest's harts: PLIC contexts */
	const struct platform_plic *host_plic;
	struct host_vblk *disk;        /* the real disk behind vblk; NULL: none */
	struct uart16550 uart;
	struct plic plic;
	struct virtio_blk vblk;
	/* The real disk's source, in service at the real PLIC (claimed by
	 * context held_ctx) until the guest completes its own; 0: none. */
	uint32_t held_irq, held_ctx;
	uint32_t seip;         /* bit h: context S(h) asks for SEIP */
	uint32_t seip_changed; /* bits of seip changed since last taken */
};

void devices_init(struct devices *d, const struct guest_ram *ram, struct console_port *console,
		  unsigned nharts, const struct platform_plic *host_plic, struct host_vblk *disk);
/* Every device in its reset state (boot, and each guest reboot: in-flight
 * disk requests are waited for first, so none lands in the new guest). */
void devices_reset(struct devices *d);
/* Where the devices appear in the guest's device tree. */
void devices_dt_params(const struct devices *d, struct guest_dt_params *dt);

/* Whether a device answers at guest-physical gpa. */
bool devices_mmio_at(const struct devices *d, uint64_t gpa);
/* Whether the device at gpa takes an aligned access of width bytes. */
bool devices_mmio_takes(const struct devices *d, uint64_t gpa, unsigned width);
/* An aligned access of width 1, 2 or 4 bytes at gpa (a device address).
 * false: the device cannot take an access of that width (the guest gets
 * an access fault). */
bool devices_mmio_read(struct devices *d, uint64_t gpa, unsigned width, uint64_t *value);
bool devices_mmio_write(struct devices *d, uint64_t gpa, unsigned width, uint64_t value);

/* Whether the real PLIC source src is this guest's disk. */
bool devices_owns_irq(const struct devices *d, uint32_t src);
/* The real disk's interrupt, claimed by real PLIC context ctx: collect
 * the finished requests and raise the guest's line. */
void devices_host_irq(struct devices *d, uint32_t src, uint32_t ctx);
/* Pull console input waiting for the guest's UART. */
void devices_poll_input(struct devices *d);
/* Whether the guest's UART waits for input with its interrupt enabled. */
bool devices_want_input(struct devices *d);
/* Whether the real disk still has requests of this guest. */
bool devices_disk_busy(struct devices *d);
/* Wait until the real disk has finished everything the guest gave it
 * (before the guest restarts or ends). */
void devices_quiesce(struct devices *d);

/* The SEIP lines, bit h for the guest's hart h, as a word vCPUs read. */
const uint32_t *devices_seip_lines(const struct devices *d);
/* The lines that changed since the last call (their vCPUs need a kick). */
uint32_t devices_take_seip_changes(struct devices *d);

#endif
