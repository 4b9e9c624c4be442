/*
 * A 1 GiB leaf over the guest's 32 MiB of RAM and the 992 MiB of nothing
 * after it, and a 2 MiB leaf just past its end: inside RAM the leaf
 * works, at and past RAM's end every load, store and fetch is an access
 * fault, stval the address. A shadow superpage may never cover more than
 * the guest's RAM.
 */
#include "vm.h"
#include "attack.h"

static uint64_t root[PT_ENTRIES] PT_ALIGNED;
static uint64_t l1[PT_ENTRIES] PT_ALIGNED;

#define VA_1G UL(0xc0000000) /* root 3 -> RAM_BASE */
#define VA_2M UL(0x40000000) /* root 1, l1 0 -> RAM_END */

int main(void)
{
	attack_begin();
	root[3] = pte_leaf(ATTACK_RAM_BASE, F_RW_AD);
	root[1] = pte_table(l1);
	l1[0] = pte_leaf(ATTACK_RAM_END, F_RWX_AD);
	vm_on(root, 0);
	volatile uint64_t *last = (volatile uint64_t *)(ATTACK_RAM_END - 64);
	*last = 0x1a57000000000001UL;
	EXPECT_LOAD(VA_1G + ATTACK_RAM_SIZE - 64, 0x1a57000000000001UL, "last word of RAM");
	static const uint64_t past[] = { 0, 8, SZ_4K, SZ_2M, SZ_2M * 7 + 0x88,
					 SZ_1G - ATTACK_RAM_SIZE - 8 };
	for (unsigned i = 0; i < sizeof past / sizeof past[0]; i++) {
		uint64_t va = VA_1G + ATTACK_RAM_SIZE + past[i];
		EXPECT_FAULT(VM_LOAD, va, CAUSE_LOAD_ACCESS, "1 GiB leaf past RAM");
		EXPECT_FAULT(VM_STORE, va, CAUSE_STORE_ACCESS, "1 GiB leaf past RAM");
	}
	EXPECT_FAULT(VM_LOAD, VA_2M + 0x100, CAUSE_LOAD_ACCESS, "2 MiB leaf past RAM");
	EXPECT_FAULT(VM_FETCH, VA_2M + 0x100, CAUSE_FETCH_ACCESS, "2 MiB leaf past RAM");
	vm_off();
	return 0;
}
