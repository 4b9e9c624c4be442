/*
 * A guest's RAM: one contiguous host region seen at guest-physical
 * gmem.base. Guest physical address gpa is valid iff gmem.base <= gpa <
 * gmem.base + gmem.size, and lives at host physical gpa - gmem.base +
 * map.hpa_base. The proved walker sees it as gmem, the shadow-leaf
 * derivation as map; ram.c implements the walker's accessors.
 */
#ifndef HV_RAM_H
#define HV_RAM_H

#include <stdint.h>

#include "core/gmem.h"
#include "core/sv39.h"

struct guest_ram {
	struct gmem gmem;    /* first: the accessors find the rest from it */
	struct host_map map; /* the same range, with its host address */
};

void ram_init(struct guest_ram *r, uint64_t gpa_base, uint64_t size, uint64_t hpa_base);

/* Host virtual address of guest-physical [gpa, gpa + len) if it lies
 * wholly inside the guest's RAM, else NULL. */
void *ram_gpa_to_hva(const struct guest_ram *r, uint64_t gpa, uint64_t len);

#endif
