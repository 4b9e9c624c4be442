/*
 * The H extension's CSRs (hstatus and the rest at 0x600-0x6ff, 0xa00-0xaff,
 * 0xe00-0xeff) and the VS CSRs (0x200-0x2ff), read and written from the
 * guest's S-mode. The guest's hart has no H extension (whatever the host
 * hart has): every one is an illegal instruction with stval the
 * instruction.
 */
#include "attack.h"

int main(void)
{
	attack_begin();
	static const unsigned ranges[][2] = { { 0x200, 0x300 }, { 0x600, 0x700 },
					      { 0xa00, 0xb00 }, { 0xe00, 0xf00 } };
	for (unsigned r = 0; r < 4; r++)
		for (unsigned csr = ranges[r][0]; csr < ranges[r][1]; csr++) {
			attack_expect_illegal(csr << 20 | 2 << 12 | 10 << 7 | 0x73);
			attack_expect_illegal(csr << 20 | 11 << 15 | 1 << 12 | 0x73);
		}
	return 0;
}
