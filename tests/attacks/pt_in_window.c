/*
 * A guest mapping inside the hypervisor's window (Sv39 root slots
 * 476-507, which every shadow root keeps for the hypervisor): the guest
 * maps one of its own pages at the window VA where the hypervisor's code
 * lives and jumps there. The hypervisor cannot shadow that mapping
 * without giving up its own; it must stop this guest cleanly, naming the
 * window (pt_in_window.stop), never run the guest's bytes nor its own
 * code at the guest's privilege, and the other guest runs on.
 */
#include "vm.h"
#include "attack.h"

static uint64_t root[PT_ENTRIES] PT_ALIGNED;
static uint64_t l1[PT_ENTRIES] PT_ALIGNED;
static uint64_t l0[PT_ENTRIES] PT_ALIGNED;
static uint32_t code[PT_ENTRIES * 2] PT_ALIGNED;

#define WINDOW_VA UL(0xfffffff780200000)

int main(void)
{
	attack_begin();
	code[0] = 0x00008067; /* ret */
	root[vpn_of(WINDOW_VA, 2)] = pte_table(l1);
	l1[vpn_of(WINDOW_VA, 1)] = pte_table(l0);
	l0[vpn_of(WINDOW_VA, 0)] = pte_leaf(pa_of(code), F_RWX_AD);
	vm_on(root, 0);
	__asm__ volatile("fence.i" ::: "memory");
	rt_printf("pt_in_window: jumping to 0x%lx\n", WINDOW_VA);
	((void (*)(void))WINDOW_VA)();
	rt_printf("pt_in_window: FAIL the jump came back\n");
	return 1;
}
