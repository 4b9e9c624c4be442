/*
 * Leaves with bits the machine reserves: each of bits 54-60, the Svpbmt
 * field (61-62) and the Svnapot bit (63), none of which the guest's
 * machine has, on a 4 KiB leaf that is otherwise good. Each makes the
 * leaf invalid: a page fault of the access's kind, stval the address,
 * never an access through it; and the same leaf without them works.
 */
#include "vm.h"
#include "attack.h"

static uint64_t root[PT_ENTRIES] PT_ALIGNED;
static uint64_t l1[PT_ENTRIES] PT_ALIGNED;
static uint64_t l0[PT_ENTRIES] PT_ALIGNED;
static volatile uint64_t page[PT_ENTRIES] PT_ALIGNED;

#define VA UL(0x40000000)

int main(void)
{
	attack_begin();
	root[1] = pte_table(l1);
	l1[0] = pte_table(l0);
	page[3] = 0x0123456789abcdefUL;
	vm_on(root, 0);
	for (unsigned b = 54; b < 64; b++) {
		l0[0] = pte_leaf(pa_of(page), F_RWX_AD) | UL(1) << b;
		sfence_all();
		EXPECT_PAGE_FAULTS(VA + 24, "a reserved bit");
	}
	CHECK_EQ(page[3], 0x0123456789abcdefUL);
	l0[0] = pte_leaf(pa_of(page), F_RW_AD);
	sfence_all();
	EXPECT_LOAD(VA + 24, 0x0123456789abcdefUL, "the same leaf, bits clear");
	vm_off();
	return 0;
}
