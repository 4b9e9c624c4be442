/* CSR accesses a correct S-mode must refuse: each traps with scause 2
 * (illegal instruction), sepc at the instruction, and stval = the
 * instruction bits (QEMU 7.2 reports them natively, directly or through
 * OpenSBI's redirect; the hypervisor must report the same). */
#include "rt/rt.h"

/* Each snippet is one CSR instruction then ret. */
#define SNIPPET(name, insn) \
	".balign 4\n" #name ": " insn "\n    ret\n"
void ill_custom(void);
void ill_mstatus(void);
void ill_mscratch_w(void);
void ill_hstatus(void);
void ill_dcsr(void);
void ill_stimecmp(void);
void ill_time_w(void);
void ill_cycle_rsi(void);
void ill_instret_rc(void);
void ill_mret(void);
void ok_time_r(void);
void ok_cycle_rs0(void);
void ok_time_rsi0(void);

__asm__(".text\n"
	SNIPPET(ill_custom, "csrr a0, 0x5c0")
	SNIPPET(ill_mstatus, "csrr a0, mstatus")
	SNIPPET(ill_mscratch_w, "csrw mscratch, a0")
	SNIPPET(ill_hstatus, "csrr a0, 0x600")
	SNIPPET(ill_dcsr, "csrr a0, 0x7b0")
	SNIPPET(ill_stimecmp, "csrr a0, 0x14d")
	SNIPPET(ill_time_w, "csrw time, a0")
	SNIPPET(ill_cycle_rsi, "csrrsi a0, cycle, 1")
	SNIPPET(ill_instret_rc, "csrrc a0, instret, a0")
	SNIPPET(ill_mret, "mret")
	/* Reads of read-only counters with no write are fine. */
	SNIPPET(ok_time_r, "csrr a0, time")
	SNIPPET(ok_cycle_rs0, "csrrs a0, cycle, x0")
	SNIPPET(ok_time_rsi0, "csrrsi a0, time, 0"));

/* The 32-bit instruction at p (code may be only 2-byte aligned). */
static uint32_t insn_at(uintptr_t p)
{
	const volatile uint16_t *h = (const volatile uint16_t *)p;
	return (uint32_t)h[0] | ((uint32_t)h[1] << 16);
}

static void expect_illegal(void (*fn)(void), unsigned skip, uint32_t bits,
			   const char *what, int line)
{
	struct rt_trap t = { 0, 0, 0 };
	uintptr_t pc = (uintptr_t)fn + skip;
	bool trapped = rt_catch(fn, &t);
	if (!rt_check_eq(trapped, 1, what, "trapped", __FILE__, line))
		return;
	rt_check_eq(t.scause, CAUSE_ILLEGAL_INSTRUCTION, what, "scause 2",
		    __FILE__, line);
	rt_check_eq(t.sepc, pc, what, "sepc", __FILE__, line);
	/* The encoding we expect is the one assembled at pc. */
	rt_check_eq(insn_at(pc), bits, what, "encoding", __FILE__, line);
	rt_check_eq(t.stval, bits, what, "stval = instruction bits", __FILE__, line);
}

static void expect_ok(void (*fn)(void), const char *what, int line)
{
	struct rt_trap t = { 0, 0, 0 };
	bool trapped = rt_catch(fn, &t);
	if (trapped)
		rt_printf("illegal_csr: %s trapped: scause=0x%lx stval=0x%lx\n",
			  what, t.scause, t.stval);
	rt_check_eq(trapped, 0, what, "no trap", __FILE__, line);
}

#define ILLEGAL(fn, skip, bits) expect_illegal(fn, skip, bits, #fn, __LINE__)
#define OK(fn) expect_ok(fn, #fn, __LINE__)

int main(void)
{
	ILLEGAL(ill_custom, 0, 0x5c002573U);     /* csrrs a0, 0x5c0, x0 */
	ILLEGAL(ill_mstatus, 0, 0x30002573U);    /* csrrs a0, mstatus, x0 */
	ILLEGAL(ill_mscratch_w, 0, 0x34051073U); /* csrrw x0, mscratch, a0 */
	ILLEGAL(ill_hstatus, 0, 0x60002573U);    /* csrrs a0, hstatus, x0 */
	ILLEGAL(ill_dcsr, 0, 0x7b002573U);       /* csrrs a0, dcsr, x0 */
	ILLEGAL(ill_stimecmp, 0, 0x14d02573U);   /* no Sstc in our profile */
	ILLEGAL(ill_time_w, 0, 0xc0151073U);     /* csrrw x0, time, a0 */
	ILLEGAL(ill_cycle_rsi, 0, 0xc000e573U);  /* csrrsi a0, cycle, 1 */
	/* a0 holds a non-zero address here. The spec also calls csrrs/csrrc
	 * with rs1 != x0 holding 0 a write, but QEMU 7.2 lets that read a
	 * read-only CSR without a trap, so it is not checked. */
	ILLEGAL(ill_instret_rc, 0, 0xc0253573U); /* csrrc a0, instret, a0 */
	ILLEGAL(ill_mret, 0, 0x30200073U);
	OK(ok_time_r);
	OK(ok_cycle_rs0);
	OK(ok_time_rsi0);
	return 0;
}
