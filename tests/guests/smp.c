/*
 * SBI HSM, IPI and RFENCE across two harts (QEMU -smp 2): the same checks
 * natively (on the M-stub and on OpenSBI) and under the hypervisor (two
 * vCPUs). The boot hart drives; the other hart runs a command loop that
 * the boot hart feeds through shared memory.
 *
 * HSM: states and errors of hart_start/get_status, the started hart's
 * registers (a0 = hart id, a1 = opaque, satp 0, sstatus.SIE 0), hart_stop
 * and a second start, retentive and non-retentive suspend. IPI: the
 * hart_mask/hart_mask_base rules, an IPI seen in sip and one waking WFI.
 * RFENCE: the other hart reads a page through its TLB, the boot hart remaps
 * it, and after remote_sfence_vma the other hart sees the new page.
 * PLIC: the UART's interrupt, enabled only in the other hart's S context,
 * wakes that hart (and only it) from WFI, and it claims the source there.
 */
#include "dev/plic.h"
#include "dev/uart16550.h"
#include "lib/sbi.h"
#include "rt/rt.h"

#define NHARTS 2
#define TIMEOUT_TICKS 50000000UL /* 5 s at QEMU virt's 10 MHz */
#define TEST_VA 0x40000000UL     /* mapped by this guest's own table */
#define OPAQUE1 0x0123456789abcdefUL
#define OPAQUE2 0xfedcba9876543210UL
#define OPAQUE3 0x5a5a5a5a00000003UL
#define PLIC_BASE 0x0c000000UL
#define UART_BASE 0x10000000UL
#define UART_IRQ 10U

enum cmd {
	CMD_NONE,
	CMD_SATP,       /* satp = arg, sfence.vma */
	CMD_READ,       /* result = *(uint64_t *)arg */
	CMD_WFI_IPI,    /* WFI until an IPI arrives */
	CMD_SUSPEND,    /* retentive suspend until a timer arg ticks away */
	CMD_SUSPEND_NR, /* non-retentive suspend, resuming at second_entry */
	CMD_STOP,       /* hart_stop */
	CMD_EXT_WAIT,   /* WFI until SEIP, then claim from its S context */
};

/* What the other hart reports; every field is written by one hart only
 * (cmd and arg by the boot hart). */
static volatile struct {
	unsigned long entries;            /* times it entered second_entry */
	unsigned long a0, a1, satp, sie;  /* at the last entry */
	unsigned long cmd, arg, result, done;
	unsigned long ipis;               /* IPIs seen in sip */
	unsigned long trapped;            /* it took a trap: scause */
} other;

static unsigned long self_hart, other_hart;
/* What IPI and RFENCE give for a hart set naming a hart that does not
 * exist: INVALID_PARAM (SBI v2.0), but OpenSBI 1.1 leaves such harts out
 * and succeeds; that difference is expected, and checked. */
static long no_such_hart;

static uint64_t root[512] __attribute__((aligned(4096)));
static uint64_t l1[512] __attribute__((aligned(4096)));
static uint64_t l0[512] __attribute__((aligned(4096)));
static uint64_t page_a[512] __attribute__((aligned(4096)));
static uint64_t page_b[512] __attribute__((aligned(4096)));

/* ---- The other hart ---- */

void second_main(unsigned long hartid, unsigned long opaque);
void second_trap(void);

#define SECOND_STACK_SIZE 8192
char second_stack[SECOND_STACK_SIZE] __attribute__((aligned(16)));

/* Entered by hart_start and by the non-retentive resume, paging off. */
__asm__(".pushsection .text\n"
	".balign 4\n"
	".globl second_entry\n"
	"second_entry:\n"
	"	la sp, second_stack + 8192\n"
	"	la t0, second_trap_entry\n"
	"	csrw stvec, t0\n"
	"	j second_main\n"
	".balign 4\n"
	"second_trap_entry:\n"
	"	la sp, second_stack + 8192\n"
	"	j second_trap\n"
	".popsection\n");
_Static_assert(SECOND_STACK_SIZE == 8192, "second_entry's stack size");
extern char second_entry[];

static void fence(void)
{
	__asm__ volatile("fence rw, rw" : : : "memory");
}

/* The other hart takes no trap in these tests: report one and stop. */
void second_trap(void)
{
	other.trapped = csr_read(CSR_SCAUSE) | 1;
	for (;;)
		__asm__ volatile("wfi");
}

static volatile uint32_t *plic_reg(uint64_t offset)
{
	return (volatile uint32_t *)(PLIC_BASE + offset);
}

static uint64_t plic_claim_reg(unsigned long hart)
{
	return PLIC_CONTEXT_BASE + PLIC_CONTEXT_STRIDE * PLIC_CONTEXT_S(hart) + PLIC_CLAIM;
}

static volatile uint8_t *uart_reg(unsigned reg)
{
	return (volatile uint8_t *)(UART_BASE + reg);
}

static void count_ipi(void)
{
	if (csr_read(CSR_SIP) & MIP_SSIP) {
		csr_clear(CSR_SIP, MIP_SSIP);
		other.ipis++;
	}
}

static void run_command(unsigned long hartid, unsigned long cmd)
{
	switch (cmd) {
	case CMD_SATP:
		csr_write(CSR_SATP, other.arg);
		sfence_vma_all();
		break;
	case CMD_READ:
		other.result = *(volatile uint64_t *)other.arg;
		break;
	case CMD_WFI_IPI:
		csr_write(CSR_SIE, MIP_SSIP);
		while (!(csr_read(CSR_SIP) & MIP_SSIP))
			__asm__ volatile("wfi");
		count_ipi();
		csr_write(CSR_SIE, 0);
		break;
	case CMD_SUSPEND:
		csr_write(CSR_SIE, MIP_STIP);
		sbi_set_timer(csr_read(CSR_TIME) + other.arg);
		other.result = (unsigned long)sbi_call(SBI_EXT_HSM, SBI_HSM_HART_SUSPEND,
						       SBI_HSM_SUSPEND_RETENTIVE, 0, 0).error;
		other.result |= (csr_read(CSR_SIP) & MIP_STIP) ? 0 : 0x100;
		sbi_set_timer(~0UL);
		csr_write(CSR_SIE, 0);
		break;
	case CMD_SUSPEND_NR:
		csr_write(CSR_SIE, MIP_STIP);
		sbi_set_timer(csr_read(CSR_TIME) + other.arg);
		/* On success this resumes at second_entry instead. */
		other.result = (unsigned long)sbi_call(SBI_EXT_HSM, SBI_HSM_HART_SUSPEND,
						       SBI_HSM_SUSPEND_NON_RETENTIVE,
						       (unsigned long)second_entry, OPAQUE3).error;
		break;
	case CMD_STOP:
		other.result = (unsigned long)sbi_call(SBI_EXT_HSM, SBI_HSM_HART_STOP, 0, 0, 0).error;
		break;
	case CMD_EXT_WAIT:
		csr_write(CSR_SIE, MIP_SEIP);
		while (!(csr_read(CSR_SIP) & MIP_SEIP))
			__asm__ volatile("wfi");
		other.result = *plic_reg(plic_claim_reg(hartid));
		/* The line drops before the completion, or it pends again. */
		*uart_reg(UART16550_IER) = 0;
		*plic_reg(plic_claim_reg(hartid)) = (uint32_t)other.result;
		csr_write(CSR_SIE, 0);
		break;
	default:
		break;
	}
	(void)hartid;
}

void second_main(unsigned long hartid, unsigned long opaque)
{
	other.a0 = hartid;
	other.a1 = opaque;
	other.satp = csr_read(CSR_SATP);
	other.sie = csr_read(CSR_SSTATUS) & SSTATUS_SIE;
	csr_write(CSR_SIE, 0);
	/* Back from a non-retentive suspend: the timer did it. */
	if (opaque == OPAQUE3)
		sbi_set_timer(~0UL);
	/* A stop or non-retentive suspend left its command unfinished. */
	other.cmd = CMD_NONE;
	fence();
	other.entries++;
	for (;;) {
		count_ipi();
		unsigned long cmd = other.cmd;
		if (cmd == CMD_NONE)
			continue;
		fence();
		run_command(hartid, cmd);
		fence();
		other.cmd = CMD_NONE;
		other.done++;
	}
}

/* ---- The boot hart ---- */

static bool wait_until(volatile unsigned long *p, unsigned long want)
{
	unsigned long start = csr_read(CSR_TIME);
	while (*p != want)
		if (csr_read(CSR_TIME) - start > TIMEOUT_TICKS)
			return false;
	fence();
	return true;
}

/* Run one command on the other hart and wait for it to finish. */
static bool command(enum cmd cmd, unsigned long arg)
{
	unsigned long done = other.done;
	other.arg = arg;
	fence();
	other.cmd = cmd;
	return wait_until(&other.done, done + 1);
}

static long hsm_status(unsigned long hart)
{
	struct sbiret r = sbi_call(SBI_EXT_HSM, SBI_HSM_HART_GET_STATUS, hart, 0, 0);
	return r.error ? r.error : r.value;
}

/* Poll the other hart's status until it is want (or time runs out). */
static bool status_becomes(long want)
{
	unsigned long start = csr_read(CSR_TIME);
	while (hsm_status(other_hart) != want)
		if (csr_read(CSR_TIME) - start > TIMEOUT_TICKS)
			return false;
	return true;
}

static long hart_start(unsigned long hart, unsigned long addr, unsigned long opaque)
{
	return sbi_call(SBI_EXT_HSM, SBI_HSM_HART_START, hart, addr, opaque).error;
}

static long send_ipi(unsigned long mask, unsigned long base)
{
	return sbi_call(SBI_EXT_IPI, SBI_IPI_SEND_IPI, mask, base, 0).error;
}

static void test_start(void)
{
	CHECK_EQ(hsm_status(self_hart), SBI_HSM_STATE_STARTED);
	CHECK_EQ(hsm_status(other_hart), SBI_HSM_STATE_STOPPED);
	CHECK_EQ(hsm_status(NHARTS), SBI_ERR_INVALID_PARAM);
	CHECK_EQ(hsm_status(~0UL), SBI_ERR_INVALID_PARAM);
	CHECK_EQ(hart_start(self_hart, (unsigned long)second_entry, 0), SBI_ERR_ALREADY_AVAILABLE);
	CHECK_EQ(hart_start(NHARTS, (unsigned long)second_entry, 0), SBI_ERR_INVALID_PARAM);

	CHECK_EQ(hart_start(other_hart, (unsigned long)second_entry, OPAQUE1), SBI_SUCCESS);
	CHECK(wait_until(&other.entries, 1));
	CHECK(status_becomes(SBI_HSM_STATE_STARTED));
	CHECK_EQ(other.a0, other_hart);
	CHECK_EQ(other.a1, OPAQUE1);
	CHECK_EQ(other.satp, 0);
	CHECK_EQ(other.sie, 0);
	CHECK_EQ(hart_start(other_hart, (unsigned long)second_entry, 0), SBI_ERR_ALREADY_AVAILABLE);
}

static void test_ipi(void)
{
	unsigned long seen = other.ipis;
	CHECK_EQ(send_ipi(1UL << other_hart, 0), SBI_SUCCESS);
	CHECK(wait_until(&other.ipis, seen + 1));
	CHECK_EQ(send_ipi(1, other_hart), SBI_SUCCESS);
	CHECK(wait_until(&other.ipis, seen + 2));

	/* Base -1: every hart, this one too. */
	csr_clear(CSR_SIP, MIP_SSIP);
	CHECK_EQ(send_ipi(0, ~0UL), SBI_SUCCESS);
	CHECK(wait_until(&other.ipis, seen + 3));
	CHECK(csr_read(CSR_SIP) & MIP_SSIP);
	csr_clear(CSR_SIP, MIP_SSIP);

	/* A hart that does not exist anywhere in the set: nothing is sent. */
	CHECK_EQ(send_ipi(1UL << NHARTS, 0), no_such_hart);
	CHECK_EQ(send_ipi(3, 1), no_such_hart);
	CHECK_EQ(send_ipi(1, NHARTS), SBI_ERR_INVALID_PARAM);

	/* An IPI wakes the other hart from WFI (its sstatus.SIE is 0). */
	unsigned long done = other.done;
	other.cmd = CMD_WFI_IPI;
	/* Let it reach its WFI; an earlier IPI would only end it sooner. */
	for (unsigned long t = csr_read(CSR_TIME); csr_read(CSR_TIME) - t < 100000;)
		;
	CHECK_EQ(send_ipi(1UL << other_hart, 0), SBI_SUCCESS);
	CHECK(wait_until(&other.done, done + 1));
	CHECK(other.ipis >= seen + 4);
}

static uint64_t leaf(const void *page, uint64_t perms)
{
	return ((uint64_t)(uintptr_t)page >> PAGE_SHIFT) << PTE_PPN_SHIFT | perms;
}

static void test_rfence(void)
{
	for (unsigned i = 0; i < 512; i++) {
		page_a[i] = 0xaaaa000000000000UL | i;
		page_b[i] = 0xbbbb000000000000UL | i;
	}
	/* The guest's own RAM identity-mapped (a gigapage), and TEST_VA. */
	root[0x80000000UL >> 30] = leaf((void *)0x80000000UL, PTE_V | PTE_R | PTE_W | PTE_X |
								     PTE_A | PTE_D);
	root[TEST_VA >> 30] = leaf(l1, PTE_V);
	l1[0] = leaf(l0, PTE_V);
	l0[0] = leaf(page_a, PTE_V | PTE_R | PTE_A);
	fence();
	uint64_t satp = SATP_MODE_SV39 << SATP_MODE_SHIFT | (uint64_t)(uintptr_t)root >> PAGE_SHIFT;
	CHECK(command(CMD_SATP, satp));
	CHECK(command(CMD_READ, TEST_VA + 8));
	CHECK_EQ(other.result, page_a[1]);

	/* Remap; the other hart's TLB may still hold page A until the fence. */
	l0[0] = leaf(page_b, PTE_V | PTE_R | PTE_A);
	fence();
	CHECK_EQ(sbi_call4(SBI_EXT_RFENCE, SBI_RFENCE_REMOTE_SFENCE_VMA, 1UL << other_hart, 0,
			   TEST_VA, PAGE_SIZE).error,
		 SBI_SUCCESS);
	CHECK(command(CMD_READ, TEST_VA + 8));
	CHECK_EQ(other.result, page_b[1]);

	/* Back, fenced by ASID this time, for every hart (base -1). */
	l0[0] = leaf(page_a, PTE_V | PTE_R | PTE_A);
	fence();
	CHECK_EQ(sbi_call4(SBI_EXT_RFENCE, SBI_RFENCE_REMOTE_SFENCE_VMA_ASID, 0, ~0UL, TEST_VA,
			   PAGE_SIZE).error,
		 SBI_SUCCESS);
	CHECK(command(CMD_READ, TEST_VA + 16));
	CHECK_EQ(other.result, page_a[2]);

	CHECK_EQ(sbi_call4(SBI_EXT_RFENCE, SBI_RFENCE_REMOTE_FENCE_I, 1UL << other_hart, 0, 0, 0)
			 .error,
		 SBI_SUCCESS);
	CHECK_EQ(sbi_call4(SBI_EXT_RFENCE, SBI_RFENCE_REMOTE_SFENCE_VMA, 1UL << NHARTS, 0, 0, 0)
			 .error,
		 no_such_hart);
	CHECK(command(CMD_SATP, 0));
}

static void test_suspend(void)
{
	/* Retentive: the call returns once the timer interrupt is pending. */
	CHECK(command(CMD_SUSPEND, 100000));
	CHECK_EQ(other.result, SBI_SUCCESS);

	/* Non-retentive: seen suspended, then back at second_entry with the
	 * resume's a1, as a fresh start. */
	unsigned long entries = other.entries;
	other.arg = 2000000;
	fence();
	other.cmd = CMD_SUSPEND_NR;
	CHECK(status_becomes(SBI_HSM_STATE_SUSPENDED));
	CHECK(wait_until(&other.entries, entries + 1));
	CHECK(status_becomes(SBI_HSM_STATE_STARTED));
	CHECK_EQ(other.a0, other_hart);
	CHECK_EQ(other.a1, OPAQUE3);
	CHECK_EQ(other.satp, 0);
	CHECK_EQ(other.sie, 0);
}

static uint64_t plic_enable_reg(unsigned long hart)
{
	return PLIC_ENABLE_BASE + PLIC_ENABLE_STRIDE * PLIC_CONTEXT_S(hart) + 4 * (UART_IRQ / 32);
}

static void test_plic_routing(void)
{
	*plic_reg(PLIC_PRIORITY_BASE + 4 * UART_IRQ) = 1;
	*plic_reg(plic_enable_reg(self_hart)) = 0;
	*plic_reg(plic_enable_reg(other_hart)) = 1U << (UART_IRQ % 32);
	*plic_reg(PLIC_CONTEXT_BASE + PLIC_CONTEXT_STRIDE * PLIC_CONTEXT_S(other_hart) +
		  PLIC_THRESHOLD) = 0;
	unsigned long done = other.done;
	other.cmd = CMD_EXT_WAIT;
	for (unsigned long t = csr_read(CSR_TIME); csr_read(CSR_TIME) - t < 100000;)
		;
	/* THR is empty: enabling its interrupt raises the UART's line. */
	*uart_reg(UART16550_IER) = UART16550_IER_ETBEI;
	CHECK(wait_until(&other.done, done + 1));
	CHECK_EQ(other.result, UART_IRQ);
	CHECK_EQ(csr_read(CSR_SIP) & MIP_SEIP, 0);
	*plic_reg(plic_enable_reg(other_hart)) = 0;
	*plic_reg(PLIC_PRIORITY_BASE + 4 * UART_IRQ) = 0;
}

static void test_stop_and_restart(void)
{
	unsigned long entries = other.entries;
	other.cmd = CMD_STOP;
	CHECK(status_becomes(SBI_HSM_STATE_STOPPED));
	CHECK_EQ(hart_start(other_hart, (unsigned long)second_entry, OPAQUE2), SBI_SUCCESS);
	CHECK(wait_until(&other.entries, entries + 1));
	CHECK_EQ(other.a0, other_hart);
	CHECK_EQ(other.a1, OPAQUE2);
	CHECK(command(CMD_READ, (unsigned long)&page_b[3]));
	CHECK_EQ(other.result, page_b[3]);
	/* Leave it stopped. */
	other.cmd = CMD_STOP;
	CHECK(status_becomes(SBI_HSM_STATE_STOPPED));
}

int main(void)
{
	self_hart = rt_hartid;
	other_hart = rt_hartid ^ 1;
	no_such_hart = SBI_ERR_INVALID_PARAM;
	if (sbi_call(SBI_EXT_BASE, SBI_BASE_GET_IMPL_ID, 0, 0, 0).value == SBI_IMPL_ID_OPENSBI) {
		rt_printf("smp: KNOWN OpenSBI ignores hart ids that do not exist in a hart set\n");
		no_such_hart = SBI_SUCCESS;
	}
	CHECK_EQ(sbi_call(SBI_EXT_BASE, SBI_BASE_PROBE_EXTENSION, SBI_EXT_HSM, 0, 0).value, 1);
	test_start();
	test_ipi();
	test_rfence();
	test_suspend();
	test_plic_routing();
	test_stop_and_restart();
	CHECK_EQ(other.trapped, 0);
	return 0;
}
