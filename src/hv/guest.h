/*
 * A guest: its RAM (one contiguous host region seen at GUEST_RAM_BASE),
 * its shadow page table and its vCPU. Guest physical address gpa is valid
 * iff GUEST_RAM_BASE <= gpa < GUEST_RAM_BASE + ram_size, and lives at host
 * physical address gpa - GUEST_RAM_BASE + ram_hpa.
 */
#ifndef HV_GUEST_H
#define HV_GUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/gmem.h"
#include "dev/plic.h"
#include "dev/uart16550.h"
#include "dev/virtio_blk.h"
#include "hv/host_vblk.h"
#include "hv/platform.h"
#include "hv/shadow.h"
#include "hv/vcpu.h"

#define GUEST_RAM_BASE   UL(0x80000000)
/* Raw images are loaded where Linux-style firmware puts a kernel. */
#define GUEST_IMAGE_OFFSET UL(0x200000)
#define GUEST_RAM_ALIGN  UL(0x200000) /* the Bare shadow uses megapages */
#define GUEST_DT_SIZE    UL(0x10000)  /* at the top of guest RAM */

/* What to run: everything named here is in host memory, read-only. */
struct guest_config {
	uint64_t ram_size;
	struct mem_range image;  /* the kernel or raw binary, host physical */
	struct mem_range initrd; /* the guest's initrd, host physical; may be empty */
	const char *bootargs;
	const char *host_isa;
	uint64_t timebase_hz;
	bool has_disk;            /* the real disk is the guest's */
	struct host_vblk_info disk;
};

/* Where guest_reset put things, guest-physical. */
struct guest_layout {
	uint64_t entry;
	uint64_t image_end;
	uint64_t initrd_start, initrd_end;
	uint64_t dt;
	bool linux_image;
};

struct guest {
	uint64_t ram_hpa;
	uint64_t ram_size;
	struct guest_config config;
	struct guest_layout layout;
	struct gmem gmem;       /* guest RAM as the proved walker sees it */
	struct shadow shadow;
	/* Its devices (hv/devices.h says where they appear). */
	struct uart16550 uart;
	struct plic plic;
	struct virtio_blk vblk; /* only with config.has_disk */
	uint32_t held_host_irq; /* real PLIC source in service until the guest
				   completes its own (hv/devices.c); 0: none */
	struct vcpu vcpu;
};

/* Reserve RAM for g away from everything in `busy`, build its shadow roots
 * and load it. Returns NULL on success or a message saying why the guest
 * cannot start (a malformed or oversized image among them). */
const char *guest_create(struct guest *g, const struct guest_config *cfg, struct mem_range ram,
			 const struct mem_range *busy, size_t nbusy, uint64_t hv_sp);

/* Reload image, initrd and device tree and reset the vCPU, as after a
 * reboot of the guest. NULL, or why the guest cannot start. */
const char *guest_reset(struct guest *g);

/* Host virtual address of guest-physical [gpa, gpa + len) if it lies
 * wholly inside guest RAM, else NULL. */
void *guest_gpa_to_hva(const struct guest *g, uint64_t gpa, uint64_t len);

#endif
