/*
 * A hart that never gives itself up: interrupts off, no wfi, no SBI call,
 * a loop for ever, while the other guest's vCPU shares the same host hart
 * (ATTACK_SHARES_HART: both guests time-sliced on one). The hypervisor's
 * own timer must take the hart back at each slice, so the other guest
 * gets its time and runs to its end.
 */
#include "attack.h"

int main(void)
{
	attack_begin();
	attack_loops();
	csr_clear(CSR_SSTATUS, SSTATUS_SIE);
	csr_write(CSR_SIE, 0);
	for (;;)
		__asm__ volatile("" ::: "memory");
}
