/*
 * A trap vector in the hypervisor's window, which the guest's tables do
 * not map: the first trap fetches at stvec and takes a fetch page fault
 * (the guest's own walk fails), and so again, for ever, on the machine as
 * under the hypervisor, which must not fetch its own code for the guest.
 */
#include "vm.h"
#include "attack.h"

static uint64_t root[PT_ENTRIES] PT_ALIGNED;

int main(void)
{
	attack_begin();
	vm_on(root, 0);
	attack_loops();
	csr_write(CSR_STVEC, UL(0xfffffff780200000));
	__asm__ volatile("ebreak");
	return 1;
}
