/*
 * Page tables aimed past the end of RAM: leaves (4 KiB, 2 MiB and 1 GiB)
 * whose targets lie just past the guest's 32 MiB of RAM, at the end of
 * the 32-bit space, at 4 GiB (where a bigger machine has RAM) and at the
 * top of the 56-bit physical space. The walk succeeds, the access finds
 * no memory: a load, store or fetch access fault with stval the virtual
 * address, every time, and no value read.
 */
#include "vm.h"
#include "attack.h"

static uint64_t root[PT_ENTRIES] PT_ALIGNED;
static uint64_t l1[PT_ENTRIES] PT_ALIGNED;
static uint64_t l0[PT_ENTRIES] PT_ALIGNED;

#define VA_4K UL(0x40000000)  /* root 1, l1 0, l0 i */
#define VA_2M UL(0x40200000)  /* root 1, l1 1 + i */
#define VA_1G UL(0xc0000000)  /* root 3 + i */

static const uint64_t targets[] = {
	ATTACK_RAM_END, ATTACK_RAM_END + UL(0x200000), UL(0xffe00000), UL(0x100000000),
	UL(0x40000000) * 255, (UL(1) << 56) - UL(0x40000000),
};
#define TARGETS (sizeof targets / sizeof targets[0])

int main(void)
{
	attack_begin();
	root[1] = pte_table(l1);
	l1[0] = pte_table(l0);
	for (unsigned i = 0; i < TARGETS; i++) {
		l0[i] = pte_leaf(targets[i], F_RWX_AD);
		l1[1 + i] = pte_leaf(targets[i] & ~(SZ_2M - 1), F_RWX_AD);
		root[3 + i] = pte_leaf(targets[i] & ~(SZ_1G - 1), F_RWX_AD);
	}
	vm_on(root, 0);
	for (unsigned i = 0; i < TARGETS; i++) {
		const uint64_t vas[] = {
			VA_4K + i * SZ_4K + 0x238,
			VA_2M + i * SZ_2M + (targets[i] & (SZ_2M - 1)) + 0x1238,
			VA_1G + i * SZ_1G + (targets[i] & (SZ_1G - 1)) + 0x1238,
		};
		for (unsigned k = 0; k < 3; k++) {
			EXPECT_FAULT(VM_LOAD, vas[k], CAUSE_LOAD_ACCESS, "load beyond RAM");
			EXPECT_FAULT(VM_STORE, vas[k], CAUSE_STORE_ACCESS, "store beyond RAM");
			EXPECT_FAULT(VM_FETCH, vas[k] & ~UL(3), CAUSE_FETCH_ACCESS,
				     "fetch beyond RAM");
		}
	}
	vm_off();
	return 0;
}
