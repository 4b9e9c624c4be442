/*
 * The guest-memory accessors the proved walker calls (core/gmem.h). Their
 * contracts are trusted by the proofs: each touches exactly the 8 bytes at
 * gpa, which the walker has shown to lie inside guest RAM.
 */
#include "core/gmem.h"

#include <stddef.h>

#include "hv/console.h"
#include "hv/guest.h"

static volatile uint64_t *pte_ptr(const struct gmem *m, uint64_t gpa)
{
	const struct guest *g = (const struct guest *)(const void *)
		((const char *)m - offsetof(struct guest, gmem));
	volatile uint64_t *p = guest_gpa_to_hva(g, gpa, sizeof(uint64_t));
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
