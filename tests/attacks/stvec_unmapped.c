/*
 * A trap vector nobody mapped: with Sv39 on, stvec aims at a page the
 * guest's tables do not map, and a trap is taken. On the machine the hart
 * takes a fetch page fault at stvec, which traps to stvec again: a trap
 * loop for ever, sepc and stval the vector. Under the hypervisor the same
 * loop must be the guest's alone: each fault delivered to the guest as its
 * own (the hypervisor neither stops nor spins itself), and the other
 * guest, on its own hart, runs to its end.
 */
#include "vm.h"
#include "attack.h"

static uint64_t root[PT_ENTRIES] PT_ALIGNED;

#define UNMAPPED_VA UL(0x40000000)

int main(void)
{
	attack_begin();
	vm_on(root, 0);
	attack_loops();
	csr_write(CSR_STVEC, UNMAPPED_VA);
	__asm__ volatile("ebreak");
	return 1;
}
