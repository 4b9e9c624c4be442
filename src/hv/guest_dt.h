/*
 * The device tree a guest boots with, generated with libfdt: its own
 * memory, its harts, whose ISA string is the host's minus what the virtual
 * hart does not provide, Sv39 as the MMU type, and /chosen with the guest's
 * bootargs, initrd and console. Only devices the guest really gets appear:
 * the PLIC, the UART and, when the machine has a disk, one virtio-blk
 * transport, each where and with the interrupt QEMU virt gives it.
 */
#ifndef HV_GUEST_DT_H
#define HV_GUEST_DT_H

#include <stddef.h>
#include <stdint.h>

#define GUEST_DT_MAX_CPUS 8

struct guest_dt_params {
	uint64_t ram_base;
	uint64_t ram_size;
	uint64_t timebase_hz;
	unsigned ncpus;       /* harts 0..ncpus-1, at most GUEST_DT_MAX_CPUS */
	const char *host_isa; /* the host hart's riscv,isa */
	const char *bootargs;
	uint64_t initrd_start; /* guest-physical; both 0 when there is none */
	uint64_t initrd_end;
	uint64_t uart_base;    /* the emulated NS16550A */
	uint64_t uart_size;
	uint32_t uart_clock_hz;
	uint32_t uart_irq;
	uint64_t plic_base;    /* the virtual PLIC: contexts M and S of each hart */
	uint64_t plic_size;
	uint32_t plic_ndev;
	uint64_t virtio_base;  /* the virtual virtio-blk; size 0: none */
	uint64_t virtio_size;
	uint32_t virtio_irq;
};

/* The guest's riscv,isa: the base letters the virtual hart offers (no h,
 * no v) and only the multi-letter extensions that need nothing from the
 * privileged architecture. Returns 0, or -1 if out is too small. */
int guest_dt_isa(const char *host_isa, char *out, size_t size);

/* Write the guest's DTB into buf; returns 0 or a negative libfdt error. */
int guest_dt_build(void *buf, size_t size, const struct guest_dt_params *p);

#endif
