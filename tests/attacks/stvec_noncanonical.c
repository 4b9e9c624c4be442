/*
 * A trap vector that no Sv39 address can be: stvec holds a non-canonical
 * address (bits 63:39 not copies of bit 38). With Sv39 on, the first trap
 * fetches from it, takes a fetch page fault, and traps there again: the
 * machine loops for ever; under the hypervisor the loop must stay the
 * guest's (the hypervisor must not take the address for one of its own,
 * its window lies in the canonical upper half), and the other guest runs
 * on.
 */
#include "vm.h"
#include "attack.h"

static uint64_t root[PT_ENTRIES] PT_ALIGNED;

int main(void)
{
	attack_begin();
	vm_on(root, 0);
	attack_loops();
	csr_write(CSR_STVEC, UL(0x8000000080200000));
	__asm__ volatile("ebreak" ::: "memory");
	return 1;
}
