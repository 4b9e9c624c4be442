/*
 * Address-space churn: 12 address spaces (more than the hypervisor keeps
 * shadows for), each mapping the same VA to a page of its own, switched
 * among 20000 times in an order that defeats any LRU, with and without
 * ASIDs, some written twice over without a fence. After every switch the
 * VA reads its own space's page and a store lands there only: no shadow
 * kept for one space ever serves another.
 */
#include "vm.h"
#include "attack.h"

#define SPACES 12
#define VA UL(0x40000000)

static uint64_t roots[SPACES][PT_ENTRIES] PT_ALIGNED;
static uint64_t l1s[SPACES][PT_ENTRIES] PT_ALIGNED;
static uint64_t l0s[SPACES][PT_ENTRIES] PT_ALIGNED;
static volatile uint64_t pages[SPACES][PT_ENTRIES] PT_ALIGNED;

int main(void)
{
	attack_begin();
	for (unsigned s = 0; s < SPACES; s++) {
		roots[s][2] = pte_leaf(ATTACK_RAM_BASE, F_RWX_AD);
		roots[s][1] = pte_table(l1s[s]);
		l1s[s][0] = pte_table(l0s[s]);
		l0s[s][0] = pte_leaf(pa_of(pages[s]), F_RW_AD);
		pages[s][0] = 0x5ace000000000000UL | s;
	}
	unsigned bad = 0, x = 1;
	for (unsigned n = 0; n < 20000; n++) {
		x = x * 1103515245u + 12345u;
		unsigned s = (x >> 16) % SPACES;
		uint64_t asid = n % 3 == 0 ? 0 : s + 1;
		csr_write(CSR_SATP, satp_sv39(roots[s], asid));
		if (asid == 0)
			sfence_all();
		volatile uint64_t *p = (volatile uint64_t *)VA;
		bad += p[0] != (0x5ace000000000000UL | s);
		p[1] = n;
		bad += pages[s][1] != n;
	}
	CHECK_EQ(bad, 0);
	vm_off();
	return 0;
}
