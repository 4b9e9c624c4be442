/*
 * sie and sip written with every bit set: only the S-level interrupts
 * stick in sie (SSIE, STIE, SEIE), only SSIP in sip, and no M-level or
 * H-level bit (MSIP, MTIP, MEIP, SGEIP, VS*) ever shows in either: the
 * guest cannot raise, mask or see the machine's own interrupts. STIP and
 * SEIP cannot be set by a write either.
 */
#include "attack.h"

int main(void)
{
	attack_begin();
	csr_clear(CSR_SSTATUS, SSTATUS_SIE);
	csr_write(CSR_SIE, ~UL(0));
	CHECK_EQ(csr_read(CSR_SIE), MIP_SSIP | MIP_STIP | MIP_SEIP);
	csr_write(CSR_SIE, 0);
	CHECK_EQ(csr_read(CSR_SIE), 0);
	csr_write(CSR_SIP, ~UL(0));
	CHECK_EQ(csr_read(CSR_SIP) & ~(MIP_STIP | MIP_SEIP), MIP_SSIP);
	CHECK_EQ(csr_read(CSR_SIP) & (MIP_STIP | MIP_SEIP), 0);
	csr_write(CSR_SIP, 0);
	CHECK_EQ(csr_read(CSR_SIP), 0);
	for (unsigned b = 0; b < 64; b++) {
		csr_write(CSR_SIE, UL(1) << b);
		uint64_t e = csr_read(CSR_SIE);
		csr_write(CSR_SIP, UL(1) << b);
		uint64_t p = csr_read(CSR_SIP);
		CHECK_EQ(e & ~(MIP_SSIP | MIP_STIP | MIP_SEIP), 0);
		CHECK_EQ(p & ~MIP_SSIP, 0);
	}
	csr_write(CSR_SIE, 0);
	csr_write(CSR_SIP, 0);
	return 0;
}
