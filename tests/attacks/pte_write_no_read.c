/*
 * Leaves with W but no R (W-only, and W+X without R): reserved encodings.
 * Every access through them is a page fault of its kind, stval the
 * address; the page behind them is never written.
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
	vm_on(root, 0);
	static const uint64_t flags[] = {
		PTE_V | PTE_W | PTE_A | PTE_D, PTE_V | PTE_W | PTE_X | PTE_A | PTE_D,
		PTE_V | PTE_W | PTE_U | PTE_A | PTE_D,
	};
	for (unsigned i = 0; i < 3; i++) {
		l0[0] = pte_leaf(pa_of(page), flags[i]);
		sfence_all();
		EXPECT_PAGE_FAULTS(VA + 8, "W without R");
	}
	CHECK_EQ(page[1], 0);
	vm_off();
	return 0;
}
