/*
 * The H extension's instructions from the guest's S-mode: every hlv,
 * hlvx and hsv width, hfence.vvma and hfence.gvma, and hinval.* , with
 * assorted registers. The guest's hart has no H: each is an illegal
 * instruction with stval the instruction itself, never the bits of an
 * earlier trapped instruction (a host hart with H leaves those in stval).
 */
#include "attack.h"

int main(void)
{
	attack_begin();
	static const uint32_t f7[] = { 0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37 };
	static const uint32_t rs2[] = { 0, 1, 3 };
	for (unsigned i = 0; i < 8; i++)
		for (unsigned j = 0; j < 3; j++)
			for (unsigned rd = 0; rd < 32; rd += 9) {
				uint32_t insn = f7[i] << 25 | rs2[j] << 20 | 11 << 15 | 4 << 12 |
						rd << 7 | 0x73;
				/* a csrw sscratch first: its bits must not come back */
				csr_write(CSR_SSCRATCH, 0);
				attack_expect_illegal(insn);
			}
	static const uint32_t fences[] = { 0x11, 0x31, 0x13, 0x33 };
	for (unsigned i = 0; i < 4; i++)
		for (unsigned r = 0; r < 32; r += 5)
			attack_expect_illegal(fences[i] << 25 | r << 20 | (31 - r) << 15 | 0x73);
	return 0;
}
