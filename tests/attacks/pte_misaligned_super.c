/*
 * Superpages whose PPN is not aligned to their size: a 2 MiB leaf with a
 * nonzero PPN[0] and a 1 GiB leaf with a nonzero PPN[1] or PPN[0], both
 * aimed inside the guest's RAM. The spec makes them page faults (a
 * misaligned superpage), whatever their flags: a shadow that rounded the
 * PPN would map memory the guest never named. Load, store, fetch each
 * page fault with stval the address.
 */
#include "vm.h"
#include "attack.h"

static uint64_t root[PT_ENTRIES] PT_ALIGNED;
static uint64_t l1[PT_ENTRIES] PT_ALIGNED;

int main(void)
{
	attack_begin();
	root[1] = pte_table(l1);
	vm_on(root, 0);
	static const uint64_t off4k[] = { SZ_4K, 3 * SZ_4K, 511 * SZ_4K };
	for (unsigned i = 0; i < 3; i++) {
		l1[7] = pte_leaf(ATTACK_RAM_BASE + 4 * SZ_2M + off4k[i], F_RWX_AD);
		root[3] = pte_leaf(ATTACK_RAM_BASE + off4k[i] * 512, F_RWX_AD);
		sfence_all();
		EXPECT_PAGE_FAULTS(UL(0x40000000) + 7 * SZ_2M + 0x10, "misaligned 2 MiB leaf");
		EXPECT_PAGE_FAULTS(UL(0xc0000000) + 0x10, "misaligned 1 GiB leaf");
	}
	root[3] = pte_leaf(ATTACK_RAM_BASE + SZ_4K, F_RWX_AD);
	sfence_all();
	EXPECT_PAGE_FAULTS(UL(0xc0000000) + 0x10, "1 GiB leaf with PPN[0] set");
	vm_off();
	return 0;
}
