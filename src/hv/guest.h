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

#include "hv/platform.h"
#include "hv/vcpu.h"

#define GUEST_RAM_BASE   UL(0x80000000)
/* Images are loaded where Linux-style firmware puts a kernel. */
#define GUEST_IMAGE_OFFSET UL(0x200000)
#define GUEST_RAM_ALIGN  UL(0x200000) /* megapage shadows need it */

struct guest {
	uint64_t ram_hpa;
	uint64_t ram_size;
	struct mem_range image; /* host physical copy of the guest image */
	uint64_t *shadow_root;  /* Sv39 root the hardware uses for the guest */
	struct vcpu vcpu;
};

/* Reserve RAM for g away from everything in `busy`, build its shadow root
 * and load its image. Returns NULL on success or a message saying why the
 * guest cannot start. */
const char *guest_create(struct guest *g, uint64_t ram_size, struct mem_range ram,
			 const struct mem_range *busy, size_t nbusy,
			 struct mem_range image, uint64_t hv_sp);

/* Reload the image and reset the vCPU, as after a reboot of the guest. */
void guest_reset(struct guest *g);

/* Host virtual address of guest-physical [gpa, gpa + len) if it lies
 * wholly inside guest RAM, else NULL. */
void *guest_gpa_to_hva(const struct guest *g, uint64_t gpa, uint64_t len);

#endif
