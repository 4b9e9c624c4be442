/*
 * An IPI storm: 50000 IPIs to itself through the IPI extension and the
 * legacy call, each seen as sip.SSIP and cleared, plus IPIs to every hart
 * ID that is not its own (they do not exist in its machine: refused with
 * SBI_ERR_INVALID_PARAM, whatever host harts exist). The victim checks
 * that no IPI ever reached it.
 */
#include "attack.h"

static uint64_t mask;

int main(void)
{
	attack_begin();
	csr_clear(CSR_SSTATUS, SSTATUS_SIE);
	csr_write(CSR_SIE, MIP_SSIP);
	unsigned seen = 0;
	for (unsigned n = 0; n < 50000; n++) {
		if (n % 2) {
			mask = 1;
			sbi_call(SBI_EXT_LEGACY_SEND_IPI, 0, (uint64_t)(uintptr_t)&mask, 0, 0);
		} else {
			sbi_call(SBI_EXT_IPI, SBI_IPI_SEND_IPI, 1, 0, 0);
		}
		seen += (csr_read(CSR_SIP) & MIP_SSIP) != 0;
		csr_clear(CSR_SIP, MIP_SSIP);
	}
	CHECK_EQ(seen, 50000);
	for (uint64_t base = 1; base < 4096; base = base * 2 + 1) {
		struct sbiret r = sbi_call(SBI_EXT_IPI, SBI_IPI_SEND_IPI, ~UL(0), base, 0);
		CHECK_EQ(r.error, SBI_ERR_INVALID_PARAM);
		r = sbi_call(SBI_EXT_IPI, SBI_IPI_SEND_IPI, 1, base, 0);
		CHECK_EQ(r.error, SBI_ERR_INVALID_PARAM);
	}
	CHECK_EQ(csr_read(CSR_SIP) & MIP_SSIP, 0);
	csr_write(CSR_SIE, 0);
	return 0;
}
