/*
 * Every M-mode CSR number a guest might try (0x300-0x3ff, 0x700-0x7ff
 * with the debug and trigger CSRs, 0xb00-0xbff counters, 0xf00-0xfff IDs),
 * read, written and set from S-mode: each is an illegal instruction with
 * stval the instruction, as on the machine (no S-mode reaches M-level
 * CSRs), and the guest's own S-mode CSRs are unchanged after.
 */
#include "attack.h"

int main(void)
{
	attack_begin();
	const uint64_t stvec = csr_read(CSR_STVEC), satp = csr_read(CSR_SATP);
	static const unsigned ranges[][2] = { { 0x300, 0x400 }, { 0x700, 0x800 },
					      { 0xb00, 0xc00 }, { 0xf00, 0x1000 } };
	for (unsigned r = 0; r < 4; r++)
		for (unsigned csr = ranges[r][0]; csr < ranges[r][1]; csr++) {
			/* csrr a0; csrw a1; csrs a1 */
			attack_expect_illegal(csr << 20 | 2 << 12 | 10 << 7 | 0x73);
			attack_expect_illegal(csr << 20 | 11 << 15 | 1 << 12 | 0x73);
			attack_expect_illegal(csr << 20 | 11 << 15 | 2 << 12 | 0x73);
		}
	CHECK_EQ(csr_read(CSR_STVEC), stvec);
	CHECK_EQ(csr_read(CSR_SATP), satp);
	return 0;
}
