/*
 * Page tables that point at themselves: a root whose entry for a range
 * points back at the root, so that every level of the walk reads the
 * same table, and the level-0 entry it lands on is a pointer again (no
 * leaf). The walk ends after three levels with a page fault, stval the
 * address: no walk without end, no pointer taken for a leaf. Also a
 * level-1 table pointing at itself.
 */
#include "vm.h"
#include "attack.h"

static uint64_t root[PT_ENTRIES] PT_ALIGNED;
static uint64_t l1[PT_ENTRIES] PT_ALIGNED;

int main(void)
{
	attack_begin();
	root[1] = pte_table(root);
	root[3] = pte_table(l1);
	l1[1] = pte_table(l1);
	vm_on(root, 0);
	/* vpn 1/1/1: root[1] -> root, root[1] -> root, root[1]: a pointer at level 0 */
	EXPECT_PAGE_FAULTS(UL(0x40000000) + SZ_2M + SZ_4K + 0x18, "root pointing at itself");
	/* vpn 3/1/1: root[3] -> l1, l1[1] -> l1, l1[1]: a pointer at level 0 */
	EXPECT_PAGE_FAULTS(UL(0xc0000000) + SZ_2M + SZ_4K + 0x28, "l1 pointing at itself");
	vm_off();
	return 0;
}
