/*
 * Pressure on the hypervisor's shadow tables: one page of the guest's
 * mapped at 4096 VAs spread so that each needs shadow tables of its own
 * (a different 2 MiB and 1 GiB region each time), all touched, in three
 * address spaces in turn, then all again. The hypervisor must make room
 * by dropping shadows, never stop the guest for it nor serve a stale one:
 * every read sees the page's word.
 */
#include "vm.h"
#include "attack.h"

#define MAPPINGS 4096
#define L1S 16

static uint64_t root[PT_ENTRIES] PT_ALIGNED;
static uint64_t l1[L1S][PT_ENTRIES] PT_ALIGNED;
static uint64_t l0[PT_ENTRIES] PT_ALIGNED;
static volatile uint64_t page[PT_ENTRIES] PT_ALIGNED;

/* Mapping i: root slot 8 + i % 16 (each its own l1), l1 entry i / 16
 * (its own 2 MiB), all sharing one l0 whose entry 7 is the page. */
static uint64_t va_of(unsigned i)
{
	return slot_va(8 + i % L1S) + (uint64_t)(i / L1S) * SZ_2M + 7 * SZ_4K + 0x40;
}

int main(void)
{
	attack_begin();
	page[8] = 0x9a9e5ed000000001UL;
	root[2] = pte_leaf(ATTACK_RAM_BASE, F_RWX_AD);
	for (unsigned k = 0; k < L1S; k++) {
		root[8 + k] = pte_table(l1[k]);
		for (unsigned e = 0; e < PT_ENTRIES; e++)
			l1[k][e] = pte_table(l0);
	}
	l0[7] = pte_leaf(pa_of(page), F_RW_AD);
	unsigned bad = 0;
	for (unsigned round = 0; round < 6; round++) {
		csr_write(CSR_SATP, satp_sv39(root, round % 3 + 1));
		sfence_all();
		for (unsigned i = 0; i < MAPPINGS; i++)
			bad += *(volatile uint64_t *)va_of(i) != page[8];
	}
	CHECK_EQ(bad, 0);
	vm_off();
	return 0;
}
