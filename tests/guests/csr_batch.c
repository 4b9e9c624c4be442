/*
 * Privileged instructions back to back, as Linux's exception entry runs
 * them. Under the hypervisor the ones after a trapped instruction may be
 * emulated in the same trap; each must still behave as if run one at a
 * time: every destination register written, an FP CSR access run on the
 * hart (not emulated), an interrupt taken right after the instruction
 * that enabled it, and an illegal one raised at its own address.
 */
#include "rt/rt.h"

#define MARKER 0x5aUL
#define FCSR_VALUE 0x61UL /* frm 3, fflags NX */

/* Five CSR accesses in a row into caller- and callee-saved registers. */
static void test_run_of_reads(void)
{
	register uint64_t s3 __asm__("s3");
	register uint64_t s11 __asm__("s11");
	uint64_t old, scause, stval;
	uint64_t saved_scratch = csr_read(CSR_SSCRATCH), saved_epc = csr_read(CSR_SEPC);
	csr_write(CSR_SEPC, 0x80204444UL);
	csr_write(CSR_STVAL, 0x1234UL);
	csr_write(CSR_SCAUSE, CAUSE_BREAKPOINT);
	__asm__ volatile("csrw sscratch, %[a]\n\t"
			 "csrrw %[old], sscratch, %[b]\n\t"
			 "csrr %[s3], sepc\n\t"
			 "csrr %[stval], stval\n\t"
			 "csrr %[scause], scause\n\t"
			 "csrrsi %[s11], sscratch, 1"
			 : [old] "=&r"(old), [s3] "=&r"(s3), [stval] "=&r"(stval),
			   [scause] "=&r"(scause), [s11] "=&r"(s11)
			 : [a] "r"(0x1111UL), [b] "r"(0x2222UL)
			 : "memory");
	CHECK_EQ(old, 0x1111UL);
	CHECK_EQ(s3, 0x80204444UL);
	CHECK_EQ(stval, 0x1234UL);
	CHECK_EQ(scause, CAUSE_BREAKPOINT);
	CHECK_EQ(s11, 0x2222UL);
	CHECK_EQ(csr_read(CSR_SSCRATCH), 0x2223UL);
	csr_write(CSR_SSCRATCH, saved_scratch);
	csr_write(CSR_SEPC, saved_epc);
}

/* sstatus.SUM cleared and set again between other accesses. */
static void test_sum_in_run(void)
{
	uint64_t before, mid, after;
	__asm__ volatile("csrs sstatus, %[sum]\n\t"
			 "csrr %[before], sstatus\n\t"
			 "csrc sstatus, %[sum]\n\t"
			 "csrr %[mid], sstatus\n\t"
			 "csrs sstatus, %[sum]\n\t"
			 "csrrc %[after], sstatus, %[sum]"
			 : [before] "=&r"(before), [mid] "=&r"(mid), [after] "=&r"(after)
			 : [sum] "r"(SSTATUS_SUM)
			 : "memory");
	CHECK(before & SSTATUS_SUM);
	CHECK(!(mid & SSTATUS_SUM));
	CHECK(after & SSTATUS_SUM);
	CHECK(!(csr_read(CSR_SSTATUS) & SSTATUS_SUM));
}

/* FP on, then fcsr (a U-level CSR, accessible with FS on) written and
 * read between supervisor CSR accesses. */
static void fp_between(void)
{
	uint64_t got;
	__asm__ volatile("csrs sstatus, %[fs]\n\t"
			 "csrw 0x003, %[v]\n\t"
			 "csrw sscratch, zero\n\t"
			 "csrr %[got], 0x003\n\t"
			 "csrw sscratch, zero"
			 : [got] "=&r"(got)
			 : [fs] "r"(SSTATUS_FS), [v] "r"(FCSR_VALUE)
			 : "memory");
	CHECK_EQ(got, FCSR_VALUE);
}

static void test_fp_csr_between(void)
{
	struct rt_trap t;
	CHECK(!rt_catch(fp_between, &t));
	csr_clear(CSR_SSTATUS, SSTATUS_FS);
}

/* SIE set with a software interrupt pending and enabled: the interrupt
 * comes before the next instruction, which writes sscratch. */
extern void enable_then_write(void);
extern char enable_then_write_next[];
__asm__(".text\n"
	".balign 4\n"
	"enable_then_write:\n\t"
	"li t0, 0x5a\n\t"
	"csrsi sstatus, 2\n"
	"enable_then_write_next:\n\t"
	"csrw sscratch, t0\n\t"
	"csrci sstatus, 2\n\t"
	"ret\n");

static void test_interrupt_between(void)
{
	struct rt_trap t;
	uint64_t saved = csr_read(CSR_SSCRATCH);
	csr_write(CSR_SSCRATCH, 0);
	csr_write(CSR_SIE, MIP_SSIP);
	csr_set(CSR_SIP, MIP_SSIP);
	bool trapped = rt_catch(enable_then_write, &t);
	csr_clear(CSR_SIP, MIP_SSIP);
	csr_write(CSR_SIE, 0);
	CHECK(trapped);
	CHECK_EQ(t.scause, CAUSE_INTERRUPT | IRQ_S_SOFT);
	CHECK_EQ(t.sepc, (uint64_t)enable_then_write_next);
	CHECK_EQ(csr_read(CSR_SSCRATCH), 0);
	CHECK_EQ(csr_read(CSR_SSTATUS) & SSTATUS_SIE, 0);
	csr_write(CSR_SSCRATCH, saved);
}

/* An M-level CSR right after a legal access: illegal at its own address,
 * the access before it done. */
#define CSRR_T1_MHARTID 0xf1402373U
extern void write_then_mhartid(void);
extern char write_then_mhartid_next[];
__asm__(".text\n"
	".balign 4\n"
	"write_then_mhartid:\n\t"
	"li t0, 0x5a\n\t"
	"csrw sscratch, t0\n"
	"write_then_mhartid_next:\n\t"
	".word 0xf1402373\n\t"
	"ret\n");

static void test_illegal_in_run(void)
{
	struct rt_trap t;
	uint64_t saved = csr_read(CSR_SSCRATCH);
	csr_write(CSR_SSCRATCH, 0);
	CHECK(rt_catch(write_then_mhartid, &t));
	CHECK_EQ(t.scause, CAUSE_ILLEGAL_INSTRUCTION);
	CHECK_EQ(t.sepc, (uint64_t)write_then_mhartid_next);
	/* The spec lets stval be 0 or the instruction. */
	CHECK(t.stval == 0 || t.stval == CSRR_T1_MHARTID);
	CHECK_EQ(csr_read(CSR_SSCRATCH), MARKER);
	csr_write(CSR_SSCRATCH, saved);
}

int main(void)
{
	test_run_of_reads();
	test_sum_in_run();
	test_fp_csr_between();
	test_interrupt_between();
	test_illegal_in_run();
	return 0;
}
