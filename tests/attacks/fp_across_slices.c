/*
 * The guest's FP state while it shares a host hart with the other guest
 * (ATTACK_SHARES_HART, time-sliced): every f register and fcsr set to
 * values of its own, then two seconds of guest time spinning (many
 * slices of the other guest in between), then read back: the same values,
 * and sstatus.FS still Dirty. The other guest's or the hypervisor's FP
 * state never shows through.
 */
#include "attack.h"

static uint64_t want[32], got[32];

#define FREGS(op, base)                                                        \
	op " f0, 0(" base ")\n" op " f1, 8(" base ")\n" op " f2, 16(" base ")\n"    \
	op " f3, 24(" base ")\n" op " f4, 32(" base ")\n" op " f5, 40(" base ")\n"  \
	op " f6, 48(" base ")\n" op " f7, 56(" base ")\n" op " f8, 64(" base ")\n"  \
	op " f9, 72(" base ")\n" op " f10, 80(" base ")\n" op " f11, 88(" base ")\n" \
	op " f12, 96(" base ")\n" op " f13, 104(" base ")\n" op " f14, 112(" base ")\n" \
	op " f15, 120(" base ")\n" op " f16, 128(" base ")\n" op " f17, 136(" base ")\n" \
	op " f18, 144(" base ")\n" op " f19, 152(" base ")\n" op " f20, 160(" base ")\n" \
	op " f21, 168(" base ")\n" op " f22, 176(" base ")\n" op " f23, 184(" base ")\n" \
	op " f24, 192(" base ")\n" op " f25, 200(" base ")\n" op " f26, 208(" base ")\n" \
	op " f27, 216(" base ")\n" op " f28, 224(" base ")\n" op " f29, 232(" base ")\n" \
	op " f30, 240(" base ")\n" op " f31, 248(" base ")\n"

int main(void)
{
	attack_begin();
	for (unsigned i = 0; i < 32; i++)
		want[i] = 0xf00dface00000000UL | i * 0x01010101u;
	csr_set(CSR_SSTATUS, SSTATUS_FS);
	uint64_t fcsr;
	__asm__ volatile(".option push\n.option arch, +d\n" FREGS("fld", "%0")
			 "fscsr %1\n.option pop\n" ::"r"(want), "r"(UL(0x65)) : "memory");
	uint64_t start = csr_read(CSR_TIME);
	while (csr_read(CSR_TIME) - start < 20000000) /* 2 s at 10 MHz */
		__asm__ volatile("" ::: "memory");
	__asm__ volatile(".option push\n.option arch, +d\n" FREGS("fsd", "%1")
			 "frcsr %0\n.option pop\n" : "=r"(fcsr) : "r"(got) : "memory");
	unsigned bad = 0;
	for (unsigned i = 0; i < 32; i++)
		bad += got[i] != want[i];
	CHECK_EQ(bad, 0);
	CHECK_EQ(fcsr, 0x65);
	CHECK_EQ(csr_read(CSR_SSTATUS) & SSTATUS_FS, SSTATUS_FS);
	return 0;
}
