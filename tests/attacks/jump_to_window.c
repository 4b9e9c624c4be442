/*
 * Jumps, loads and stores into the hypervisor's window that the guest's
 * own tables do not map, from S and with every window slot's first and
 * last page: each is the guest's own page fault (its walk fails first),
 * stval the address, sepc the target for a jump; nothing of the
 * hypervisor's is ever read, written or run.
 */
#include "vm.h"
#include "attack.h"

static uint64_t root[PT_ENTRIES] PT_ALIGNED;

int main(void)
{
	attack_begin();
	vm_on(root, 0);
	for (unsigned s = 476; s < 508; s++) {
		const uint64_t va[] = { slot_va(s), slot_va(s) + SZ_1G - SZ_4K + 0x10 };
		for (unsigned i = 0; i < 2; i++) {
			EXPECT_FAULT(VM_FETCH, va[i], CAUSE_FETCH_PAGE_FAULT, "jump into the window");
			EXPECT_FAULT(VM_LOAD, va[i], CAUSE_LOAD_PAGE_FAULT, "load from the window");
			EXPECT_FAULT(VM_STORE, va[i], CAUSE_STORE_PAGE_FAULT, "store to the window");
		}
	}
	vm_off();
	return 0;
}
