/*
 * A fence storm while a mapping moves: 30000 rounds of rewriting one leaf
 * between two pages, each followed by one sfence.vma of a random form
 * (all, one VA, one ASID, VA and ASID; VAs in and out of the range, in
 * the hypervisor's window, non-canonical; ASIDs up to 2^16 and beyond).
 * After a fence that covers the VA (and its ASID), the load sees the new
 * page; after one that does not, the old page or the new (both allowed),
 * never anything else.
 */
#include "vm.h"
#include "attack.h"

static uint64_t root[PT_ENTRIES] PT_ALIGNED;
static uint64_t l1[PT_ENTRIES] PT_ALIGNED;
static uint64_t l0[PT_ENTRIES] PT_ALIGNED;
static volatile uint64_t page[2][PT_ENTRIES] PT_ALIGNED;

#define VA UL(0x40000000)
#define ASID 9

int main(void)
{
	attack_begin();
	page[0][0] = 0xa0a0a0a0a0a0a0a0UL;
	page[1][0] = 0xb1b1b1b1b1b1b1b1UL;
	root[1] = pte_table(l1);
	l1[0] = pte_table(l0);
	l0[0] = pte_leaf(pa_of(page[0]), F_RW_AD);
	vm_on(root, ASID);
	static const uint64_t other_va[] = { UL(0x40001000), UL(0xfffffff780200000),
					     UL(0x8000000040000000), UL(0xc0000000) };
	static const uint64_t other_asid[] = { 0, 8, 0xffff, 0x10009 };
	unsigned bad = 0, x = 7;
	for (unsigned n = 0; n < 30000; n++) {
		unsigned now = (n + 1) % 2;
		l0[0] = pte_leaf(pa_of(page[now]), F_RW_AD);
		x = x * 1103515245u + 12345u;
		unsigned form = (x >> 16) % 5;
		uint64_t ova = other_va[(x >> 8) % 4], oasid = other_asid[(x >> 4) % 4];
		bool covers = true;
		switch (form) {
		case 0: sfence_all(); break;
		case 1: sfence_va(VA); break;
		case 2: sfence_va_asid(VA, ASID); break;
		case 3: sfence_va(ova); covers = false; break;
		default: sfence_va_asid(VA, oasid); covers = false; break;
		}
		uint64_t v = *(volatile uint64_t *)VA;
		bad += covers ? v != page[now][0] : v != page[now][0] && v != page[1 - now][0];
	}
	CHECK_EQ(bad, 0);
	vm_off();
	return 0;
}
