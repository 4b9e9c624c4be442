/*
 * SBI v0.1 calls take their hart mask by address, and nothing asks that
 * address to be aligned: the mask is read at every offset, natively (on
 * OpenSBI; the M-stub has no v0.1 IPIs) and under the hypervisor.
 */
#include "lib/sbi.h"
#include "rt/rt.h"

static uint8_t buf[16] __attribute__((aligned(8)));

static volatile const uint8_t *mask_at(unsigned off, uint64_t mask)
{
	for (unsigned i = 0; i < sizeof(buf); i++)
		buf[i] = 0;
	for (unsigned i = 0; i < 8; i++)
		buf[off + i] = (uint8_t)(mask >> (8 * i));
	return &buf[off];
}

static long legacy(unsigned long eid, volatile const uint8_t *mask, unsigned long a1,
		   unsigned long a2)
{
	return sbi_call(eid, 0, (unsigned long)(uintptr_t)mask, a1, a2).error;
}

int main(void)
{
	uint64_t self = UL(1) << rt_hartid;
	csr_write(CSR_SIE, 0);
	for (unsigned off = 0; off < 8; off++) {
		csr_clear(CSR_SIP, MIP_SSIP);
		CHECK_EQ(legacy(SBI_EXT_LEGACY_SEND_IPI, mask_at(off, self), 0, 0), 0);
		CHECK(csr_read(CSR_SIP) & MIP_SSIP);
		csr_clear(CSR_SIP, MIP_SSIP);
		/* A mask naming other harts only (there are none): no IPI here. */
		CHECK_EQ(legacy(SBI_EXT_LEGACY_SEND_IPI, mask_at(off, ~self & UL(0xff00)), 0, 0),
			 0);
		CHECK_EQ(csr_read(CSR_SIP) & MIP_SSIP, 0);
		CHECK_EQ(legacy(SBI_EXT_LEGACY_REMOTE_FENCE_I, mask_at(off, self), 0, 0), 0);
		CHECK_EQ(legacy(SBI_EXT_LEGACY_REMOTE_SFENCE_VMA, mask_at(off, self), 0, ~0UL), 0);
	}
	return 0;
}
