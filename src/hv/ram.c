/*
 * Guest RAM, and the guest-memory accessors the proved walker calls
 * (core/gmem.h). Their contracts are trusted by the proofs: each touches
 * exactly the 8 bytes at gpa, which the walker has shown to lie inside
 * this guest's RAM.
 */
#include "hv/ram.h"

#include <stdbool.h>
#include <stddef.h>

#include "hv/console.h"
#include "hv/layout.h"

void ram_init(struct guest_ram *r, uint64_t gpa_base, uint64_t size, uint64_t hpa_base)
{
	r->gmem = (struct gmem){ gpa_base, size };
	r->map = (struct host_map){ gpa_base, size, hpa_base };
}

void *ram_gpa_to_hva(const struct guest_ram *r, uint64_t gpa, uint64_t len)
{
	uint64_t base = r->map.gpa_base, size = r->map.size;
	if (gpa < base || len > size || gpa - base > size - len)
		return NULL;
	return pa_to_va(gpa - base + r->map.hpa_base);
}

static volatile uint64_t *pte_ptr(const struct gmem *m, uint64_t gpa)
{
	_Static_assert(offsetof(struct guest_ram, gmem) == 0, "gmem starts struct guest_ram");
	const struct guest_ram *r = (const struct guest_ram *)(const void *)m;
	volatile uint64_t *p = ram_gpa_to_hva(r, gpa, sizeof(uint64_t));
	if (!p || gpa % sizeof(uint64_t))
		hv_panic("walker asked for guest PTE at %lx outside guest RAM", gpa);
	return p;
}

uint64_t gmem_read_pte(const struct gmem *m, uint64_t gpa)
{
	return *pte_ptr(m, gpa);
}

/* LR/SC so that a PTE the guest (or its DMA) changes meanwhile is not
 * overwritten with A/D bits computed from the old value. */
bool gmem_cas_pte(const struct gmem *m, uint64_t gpa, uint64_t expected, uint64_t desired)
{
	volatile uint64_t *p = pte_ptr(m, gpa);
	uint64_t seen, failed;
	__asm__ volatile("1: lr.d %0, (%2)\n"
			 "   bne %0, %3, 2f\n"
			 "   sc.d %1, %4, (%2)\n"
			 "   bnez %1, 1b\n"
			 "2:"
			 : "=&r"(seen), "=&r"(failed)
			 : "r"(p), "r"(expected), "r"(desired)
			 : "memory");
	return seen == expected;
}
