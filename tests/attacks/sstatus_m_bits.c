/*
 * sstatus written with every bit set, and with each bit alone: only the
 * fields S-mode owns may stick (SIE, SPIE, SPP, FS, SUM, MXR; UBE, UXL and
 * XS never, VS not without V), and no M-mode field (MIE, MPIE, MPP, MPRV,
 * TVM, TW, TSR, SXL) ever shows in sstatus: the guest reads the S view of
 * a machine whose M state is not its to change. An sret then returns to
 * the mode SPP names, S or U, never higher.
 */
#include "attack.h"

#define S_WRITABLE (SSTATUS_SIE | SSTATUS_SPIE | SSTATUS_SPP | SSTATUS_FS | SSTATUS_SUM | \
		    SSTATUS_MXR)
#define S_READ_ONLY (SSTATUS_UXL | SSTATUS_SD | SSTATUS_XS)

static void back_from_u(void)
{
	__asm__ volatile("ecall");
}

int main(void)
{
	attack_begin();
	const uint64_t keep = csr_read(CSR_SSTATUS);
	for (unsigned b = 0; b < 64; b++) {
		csr_write(CSR_SSTATUS, keep ^ (UL(1) << b));
		uint64_t v = csr_read(CSR_SSTATUS);
		if (!CHECK_EQ(v & ~(S_WRITABLE | S_READ_ONLY), 0))
			rt_printf("sstatus_m_bits: bit %u gave 0x%lx\n", b, v);
		csr_write(CSR_SSTATUS, keep & ~SSTATUS_SIE);
	}
	csr_write(CSR_SSTATUS, ~SSTATUS_SIE);
	uint64_t v = csr_read(CSR_SSTATUS);
	CHECK_EQ(v & ~(S_WRITABLE | S_READ_ONLY), 0);
	CHECK_EQ(v & SSTATUS_UXL, XLEN_64 << SSTATUS_UXL_SHIFT);
	csr_write(CSR_SSTATUS, keep);
	/* SPP = 0: sret lands in U-mode, where the ecall is a U ecall. */
	struct rt_trap t = { 0, 0, 0 };
	rt_user(back_from_u, &t);
	CHECK_EQ(t.scause, CAUSE_USER_ECALL);
	return 0;
}
