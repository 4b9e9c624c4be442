/*
 * A timer storm: 50000 SBI set_timer calls for a time already past (the
 * interrupt pending at once), each seen in sip.STIP and cleared by the
 * next far-future one, through the TIME extension and the legacy call,
 * with interrupts enabled in sie but not taken (sstatus.SIE = 0). The
 * hypervisor must keep every host timer its own business: the victim on
 * the next hart runs on.
 */
#include "attack.h"

int main(void)
{
	attack_begin();
	csr_clear(CSR_SSTATUS, SSTATUS_SIE);
	csr_write(CSR_SIE, MIP_STIP);
	unsigned pending = 0, cleared = 0;
	for (unsigned n = 0; n < 50000; n++) {
		uint64_t eid = n % 2 ? SBI_EXT_TIME : SBI_EXT_LEGACY_SET_TIMER;
		sbi_call(eid, 0, n % 3 ? 0 : csr_read(CSR_TIME), 0, 0);
		pending += (csr_read(CSR_SIP) & MIP_STIP) != 0;
		sbi_call(eid, 0, ~UL(0), 0, 0);
		cleared += (csr_read(CSR_SIP) & MIP_STIP) == 0;
	}
	CHECK_EQ(pending, 50000);
	CHECK_EQ(cleared, 50000);
	csr_write(CSR_SIE, 0);
	return 0;
}
