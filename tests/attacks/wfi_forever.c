/*
 * A hart that waits for an interrupt that never comes, with every
 * interrupt disabled, sharing its host hart with the other guest
 * (ATTACK_SHARES_HART). On the machine the hart sleeps for ever; under
 * the hypervisor the host hart must go to the other guest meanwhile.
 */
#include "attack.h"

int main(void)
{
	attack_begin();
	attack_loops();
	csr_clear(CSR_SSTATUS, SSTATUS_SIE);
	csr_write(CSR_SIE, 0);
	for (;;)
		__asm__ volatile("wfi" ::: "memory");
}
