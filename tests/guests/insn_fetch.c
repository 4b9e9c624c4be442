/*
 * The instruction a hypervisor emulates must be the one the hart ran.
 *
 * H-extension loads and stores (hlv.d, hlvx.hu, hsv.w) right after an
 * emulated CSR write: a guest without H gets an illegal-instruction trap
 * with stval = the instruction, and the CSR write is not done again (a
 * host hart with H, as QEMU 7.2's, traps them from U-mode with the
 * previous trap's bits left in stval).
 *
 * A code page remapped without sfence.vma: the hart may still run the old
 * page's instruction (a byte load from the UART's scratch register) or the
 * new one's (a byte store there), but whichever it ran is the one carried
 * out, never a fault that matches neither; after the fence, the new one.
 */
#include "rt/rt.h"

#define UART_SCR UL(0x10000007)
#define SCR_VALUE 0x5aU
#define SENTINEL UL(0x77)
#define CODE_VA UL(0x40000000)

/* hlv.d a0, (a1); hlvx.hu a0, (a1); hsv.w a0, (a1). */
#define INSN_HLV_D    0x6c05c573U
#define INSN_HLVX_HU  0x6435c573U
#define INSN_HSV_W    0x6aa5c073U
/* lbu a0, 0(a1); sb zero, 0(a1); ret. */
#define INSN_LBU_A0_A1 0x0005c503U
#define INSN_SB_ZERO_A1 0x00058023U
#define INSN_RET 0x00008067U

static volatile uint64_t h_target;

static void csrw_then_hlv_d(void)
{
	__asm__ volatile("li t0, 0x1111\n"
			 "csrw sscratch, t0\n"
			 "li t0, 0x2222\n"
			 "mv a1, %0\n"
			 ".word 0x6c05c573\n"
			 :
			 : "r"(&h_target)
			 : "t0", "a0", "a1", "memory");
}

static void csrw_then_hlvx_hu(void)
{
	__asm__ volatile("li t0, 0x3333\n"
			 "csrw sscratch, t0\n"
			 "li t0, 0x4444\n"
			 "mv a1, %0\n"
			 ".word 0x6435c573\n"
			 :
			 : "r"(&h_target)
			 : "t0", "a0", "a1", "memory");
}

static void csrw_then_hsv_w(void)
{
	__asm__ volatile("li t0, 0x5555\n"
			 "csrw sscratch, t0\n"
			 "li t0, 0x6666\n"
			 "mv a1, %0\n"
			 ".word 0x6aa5c073\n"
			 :
			 : "r"(&h_target)
			 : "t0", "a0", "a1", "memory");
}

static void check_h_insn(void (*fn)(void), uint32_t insn, uint64_t scratch, int line)
{
	struct rt_trap t;
	csr_write(CSR_SSCRATCH, 0);
	bool trapped = rt_catch(fn, &t);
	rt_check(trapped && t.scause == CAUSE_ILLEGAL_INSTRUCTION, "H load/store is illegal",
		 __FILE__, line);
	rt_check_eq(t.stval, insn, "stval", "the H instruction", __FILE__, line);
	rt_check_eq(csr_read(CSR_SSCRATCH), scratch, "sscratch", "the one CSR write", __FILE__,
		    line);
}

static void test_h_instructions(void)
{
	check_h_insn(csrw_then_hlv_d, INSN_HLV_D, 0x1111, __LINE__);
	check_h_insn(csrw_then_hlvx_hu, INSN_HLVX_HU, 0x3333, __LINE__);
	check_h_insn(csrw_then_hsv_w, INSN_HSV_W, 0x5555, __LINE__);
}

/* ---- A code page remapped without a fence ---- */

static uint64_t root[512] __attribute__((aligned(4096)));
static uint64_t l1[512] __attribute__((aligned(4096)));
static uint64_t l0[512] __attribute__((aligned(4096)));
static uint32_t code_load[1024] __attribute__((aligned(4096)));
static uint32_t code_store[1024] __attribute__((aligned(4096)));

static uint64_t leaf(uint64_t pa, uint64_t flags)
{
	return (pa >> PAGE_SHIFT) << PTE_PPN_SHIFT | flags;
}

static volatile uint8_t *scr(void)
{
	return (volatile uint8_t *)UART_SCR;
}

static volatile uint64_t ran;

static void run_code(void)
{
	ran = ((uint64_t(*)(uint64_t, uint64_t))CODE_VA)(SENTINEL, UART_SCR);
}

/* Runs CODE_VA; false if it trapped. */
static bool run(void)
{
	struct rt_trap t;
	*scr() = SCR_VALUE;
	if (rt_catch(run_code, &t)) {
		rt_printf("insn_fetch: trap scause 0x%lx stval 0x%lx sepc 0x%lx\n", t.scause,
			  t.stval, t.sepc);
		return false;
	}
	return true;
}

static bool ran_load(void)
{
	return ran == SCR_VALUE && *scr() == SCR_VALUE;
}

static bool ran_store(void)
{
	return ran == SENTINEL && *scr() == 0;
}

static void test_stale_code_page(void)
{
	code_load[0] = INSN_LBU_A0_A1;
	code_load[1] = INSN_RET;
	code_store[0] = INSN_SB_ZERO_A1;
	code_store[1] = INSN_RET;
	__asm__ volatile("fence.i" ::: "memory");
	/* Devices (gigapage 0), this image (gigapage 2), CODE_VA. */
	root[0] = leaf(0, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D);
	root[2] = leaf(UL(0x80000000), PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D);
	root[CODE_VA >> 30] = leaf((uint64_t)(uintptr_t)l1, PTE_V);
	l1[0] = leaf((uint64_t)(uintptr_t)l0, PTE_V);
	l0[0] = leaf((uint64_t)(uintptr_t)code_load, PTE_V | PTE_R | PTE_X | PTE_A);
	csr_write(CSR_SATP, SATP_MODE_SV39 << SATP_MODE_SHIFT |
				    (uint64_t)(uintptr_t)root >> PAGE_SHIFT);
	__asm__ volatile("sfence.vma" ::: "memory");

	CHECK(run());
	CHECK(ran_load());
	/* The new page, no fence: old or new instruction, whole. */
	l0[0] = leaf((uint64_t)(uintptr_t)code_store, PTE_V | PTE_R | PTE_X | PTE_A);
	__asm__ volatile("fence rw, rw" ::: "memory");
	CHECK(run());
	CHECK(ran_load() || ran_store());
	rt_printf("insn_fetch: without a fence the hart ran the %s page\n",
		  ran_load() ? "old" : ran_store() ? "new" : "(neither)");
	__asm__ volatile("sfence.vma" ::: "memory");
	CHECK(run());
	CHECK(ran_store());
	csr_write(CSR_SATP, 0);
	__asm__ volatile("sfence.vma" ::: "memory");
}

int main(void)
{
	test_h_instructions();
	test_stale_code_page();
	return 0;
}
