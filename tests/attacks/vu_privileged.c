/*
 * The guest's user mode reaching for supervisor state: every S-level CSR
 * number (0x100-0x1ff and 0x500-0x5ff, 0x900-0x9ff, 0xd00-0xdff) read and
 * written from vU, and sret, sfence.vma, wfi, and the H and M
 * instructions. Each is an illegal instruction delivered to the guest's
 * own S-mode, stval the instruction, sepc the U-mode pc; the supervisor
 * CSRs keep their values.
 */
#include "attack.h"

/* The U-mode slot: one instruction, then ecall back (scause 8). */
extern uint32_t u_slot[];
__asm__(".section .attack_u_slot, \"awx\", @progbits\n"
	".balign 8\n"
	".globl u_slot\n"
	"u_slot:\n"
	"    .word 0x00000013\n"
	"    .word 0x00000073\n" /* ecall */
	".text\n");

static bool u_illegal(uint32_t insn)
{
	struct rt_trap t = { 0, 0, 0 };
	u_slot[0] = insn;
	__asm__ volatile("fence.i" ::: "memory");
	rt_user((void (*)(void))(uintptr_t)u_slot, &t);
	bool ok = t.scause == CAUSE_ILLEGAL_INSTRUCTION && t.stval == insn &&
		  t.sepc == (uint64_t)(uintptr_t)u_slot &&
		  (csr_read(CSR_SSTATUS) & SSTATUS_SPP) == 0;
	if (!ok)
		rt_printf("vu_privileged: %08x from U: scause %lu stval 0x%lx sepc 0x%lx\n", insn,
			  t.scause, t.stval, t.sepc);
	return rt_check(ok, "illegal from U", __FILE__, __LINE__);
}

int main(void)
{
	attack_begin();
	const uint64_t stvec = csr_read(CSR_STVEC);
	csr_write(CSR_SSCRATCH, 0x5c7a7c4);
	static const unsigned ranges[][2] = { { 0x100, 0x200 }, { 0x500, 0x600 },
					      { 0x900, 0xa00 }, { 0xd00, 0xe00 } };
	for (unsigned r = 0; r < 4; r++)
		for (unsigned csr = ranges[r][0]; csr < ranges[r][1]; csr++) {
			u_illegal(csr << 20 | 2 << 12 | 10 << 7 | 0x73);
			u_illegal(csr << 20 | 11 << 15 | 1 << 12 | 0x73);
		}
	static const uint32_t insns[] = {
		0x10200073, 0x12000073, 0x12b50073, 0x10500073, 0x30200073, 0x7b200073,
		0x22000073, 0x62000073, 0x6005c573, 0x00000000,
	};
	for (unsigned i = 0; i < sizeof insns / sizeof insns[0]; i++)
		u_illegal(insns[i]);
	CHECK_EQ(csr_read(CSR_STVEC), stvec);
	CHECK_EQ(csr_read(CSR_SSCRATCH), 0x5c7a7c4);
	return 0;
}
