/*
 * M-mode and debug instructions from the guest's S-mode: mret, mnret,
 * dret, uret, and the reserved encodings of the privileged space next to
 * sret and wfi (nonzero rd or rs1, other funct7), and sfence.w.inval and
 * sfence.inval.ir (no Svinval on the guest's hart). Each is an illegal
 * instruction with stval the instruction.
 */
#include "attack.h"

int main(void)
{
	attack_begin();
	static const uint32_t insns[] = {
		0x30200073, /* mret */
		0x70200073, /* mnret */
		0x7b200073, /* dret */
		0x00200073, /* uret */
		0x18000073, /* sfence.w.inval */
		0x18100073, /* sfence.inval.ir */
		0x10200173, /* sret with rd = x2 */
		0x10260073, /* sret with rs1 = x12 */
		0x10500273, /* wfi with rd = x4 */
		0x30500073, /* mret's funct7, wfi's rs2 */
		0x00300073, /* imm 3 */
		0x7ff00073, /* imm 0x7ff */
		0x00000173, /* ecall with rd */
		0x00100873, /* ebreak with rd */
	};
	for (unsigned i = 0; i < sizeof insns / sizeof insns[0]; i++)
		attack_expect_illegal(insns[i]);
	return 0;
}
