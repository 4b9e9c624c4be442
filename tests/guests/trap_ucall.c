/* Traps from U-mode: ecall, illegal instructions, ebreak, and the time
 * counter gated by scounteren. Each U-mode snippet ends in a trap that
 * brings us back to S-mode through rt_user(). */
#include "rt/rt.h"

void u_ecall(void);
void u_csr_sstatus(void);
void u_sret(void);
void u_unimp(void);
void u_ebreak(void);
void u_rdtime(void);

__asm__(".text\n"
	".balign 4\n"
	"u_ecall: ecall\n"
	"    j u_ecall\n"
	"u_csr_sstatus: csrr a0, sstatus\n"
	"    ecall\n"
	"u_sret: sret\n"
	"    ecall\n"
	"u_unimp: unimp\n"
	"    ecall\n"
	"u_ebreak: ebreak\n"
	"    ecall\n"
	/* Reads time then ecalls; sepc tells which of the two trapped. */
	"u_rdtime: rdtime a0\n"
	"    ecall\n");

static uint64_t addr(void (*fn)(void))
{
	return (uint64_t)(uintptr_t)fn;
}

static void test_ecall(void)
{
	struct rt_trap t = { 0, 0, 0 };
	CHECK(rt_user(u_ecall, &t));
	CHECK_EQ(t.scause, CAUSE_USER_ECALL);
	CHECK_EQ(t.sepc, addr(u_ecall));
	CHECK_EQ(t.stval, 0);
	/* The trap came from U-mode, so SPP must say U. */
	CHECK_EQ(csr_read(CSR_SSTATUS) & SSTATUS_SPP, 0);
	/* Twice, to see that the way back to S-mode is repeatable. */
	CHECK(rt_user(u_ecall, &t));
	CHECK_EQ(t.scause, CAUSE_USER_ECALL);
}

/* One U-mode instruction that must raise an illegal-instruction trap. */
static void check_u_illegal(void (*fn)(void), int line)
{
	struct rt_trap t = { 0, 0, 0 };
	bool trapped = rt_user(fn, &t);
	if (!rt_check_eq(trapped, 1, "trapped", "1", __FILE__, line))
		return;
	rt_check_eq(t.scause, CAUSE_ILLEGAL_INSTRUCTION, "scause",
		    "CAUSE_ILLEGAL_INSTRUCTION", __FILE__, line);
	rt_check_eq(t.sepc, addr(fn), "sepc", "fn", __FILE__, line);
}

static void test_illegal(void)
{
	check_u_illegal(u_csr_sstatus, __LINE__);
	check_u_illegal(u_sret, __LINE__);
	check_u_illegal(u_unimp, __LINE__);
}

static void test_ebreak(void)
{
	struct rt_trap t = { 0, 0, 0 };
	CHECK(rt_user(u_ebreak, &t));
	CHECK_EQ(t.scause, CAUSE_BREAKPOINT);
	CHECK_EQ(t.sepc, addr(u_ebreak));
}

/* U-mode may read time only if scounteren.TM is set (and M allows it).
 * The refusal is only reported, not checked: OpenSBI 1.1 catches the
 * illegal instruction in M-mode and emulates the read whatever
 * scounteren says, so the result depends on the firmware below. */
static void test_time_gate(void)
{
	struct rt_trap t = { 0, 0, 0 };
	unsigned long saved = csr_read(CSR_SCOUNTEREN);

	csr_write(CSR_SCOUNTEREN, 0);
	CHECK(rt_user(u_rdtime, &t));
	if (t.scause == CAUSE_ILLEGAL_INSTRUCTION && t.sepc == addr(u_rdtime))
		rt_printf("trap_ucall: U-mode time read with scounteren.TM=0 "
			  "trapped (as the spec says)\n");
	else
		rt_printf("trap_ucall: note: U-mode time read with "
			  "scounteren.TM=0 did not trap (scause=0x%lx); firmware "
			  "emulation?\n",
			  t.scause);

	csr_write(CSR_SCOUNTEREN, COUNTEREN_TM);
	/* WARL, but our guest profile makes time readable from U-mode. */
	CHECK(csr_read(CSR_SCOUNTEREN) & COUNTEREN_TM);
	CHECK(rt_user(u_rdtime, &t));
	CHECK_EQ(t.scause, CAUSE_USER_ECALL);
	CHECK_EQ(t.sepc, addr(u_rdtime) + 4);
	csr_write(CSR_SCOUNTEREN, saved);
}

/* An S-mode trap (ebreak) reports SPP = S. */
static void s_ebreak(void)
{
	__asm__ volatile("ebreak");
}

static void test_s_trap_spp(void)
{
	struct rt_trap t = { 0, 0, 0 };
	CHECK(rt_catch(s_ebreak, &t));
	CHECK_EQ(t.scause, CAUSE_BREAKPOINT);
	CHECK(csr_read(CSR_SSTATUS) & SSTATUS_SPP);
}

int main(void)
{
	test_ecall();
	test_illegal();
	test_ebreak();
	test_time_gate();
	test_s_trap_spp();
	return 0;
}
