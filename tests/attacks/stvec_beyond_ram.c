/*
 * A trap vector in no memory, with translation off: stvec aims past the
 * end of the guest's RAM, where the guest's machine has nothing. The
 * first trap fetches there and takes a fetch access fault, which traps
 * there again, for ever, on the machine as under the hypervisor; there
 * it must stay the guest's loop (no host memory behind that address is
 * ever fetched), and the other guest runs on.
 */
#include "attack.h"

int main(void)
{
	attack_begin();
	attack_loops();
	csr_write(CSR_STVEC, ATTACK_RAM_END + UL(0x1000));
	__asm__ volatile("ebreak");
	return 1;
}
