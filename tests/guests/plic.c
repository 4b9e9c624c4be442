/*
 * The PLIC a guest sees at 0x0c000000, through context 1 (hart 0's
 * S-mode), natively QEMU's and under the hypervisor the emulated one. The
 * interrupt source is the UART (source 10): IER.ETBEI with THR empty holds
 * its line high, IER = 0 lowers it. Checked: WARL priority and threshold,
 * enable bits, the pending bit, claim and complete, masking by threshold,
 * priority 0 and enable, sip.SEIP, and the interrupt taken. Only what QEMU
 * 7.2 and the PLIC spec agree on. QEMU 7.2's PLIC has no gateway: each
 * raise the device reports sets the pending bit, even while the source is
 * claimed, and a completion does not make a source whose line is still high
 * pending again. So the UART reports its line again before a completion
 * that must re-pend, and pending is not read between that report and the
 * completion.
 */
#include "rt/rt.h"

#define PLIC_BASE UL(0x0c000000)
#define PRIORITY(src) (4 * (src))
#define PENDING0 0x1000
#define ENABLE0_CTX1 0x2080
#define THRESHOLD_CTX1 0x201000
#define CLAIM_CTX1 0x201004

#define UART_BASE UL(0x10000000)
#define UART_IRQ 10
#define IER 1
#define FCR 2
#define IER_ETBEI 0x02U
#define FCR_ENABLE 0x01U

/* How long an interrupt that must come may take (QEMU virt: 10 MHz). */
#define WAIT_TICKS UL(1000000)

#define SEI (CAUSE_INTERRUPT | IRQ_S_EXT)

static volatile uint8_t *const uart = (volatile uint8_t *)UART_BASE;

static uint32_t plic_rd(unsigned long off)
{
	return *(volatile uint32_t *)(PLIC_BASE + off);
}

static void plic_wr(unsigned long off, uint32_t v)
{
	*(volatile uint32_t *)(PLIC_BASE + off) = v;
}

static uint32_t claim(void)
{
	return plic_rd(CLAIM_CTX1);
}

static void complete(uint32_t src)
{
	plic_wr(CLAIM_CTX1, src);
}

static bool uart_pending(void)
{
	return (plic_rd(PENDING0) & (1U << UART_IRQ)) != 0;
}

static bool seip(void)
{
	return (csr_read(CSR_SIP) & MIP_SEIP) != 0;
}

/* THR is empty (output is immediate), so ETBEI alone sets the line. */
static void uart_line(bool high)
{
	uart[IER] = high ? IER_ETBEI : 0;
}

/* The UART reports its line again without changing it: QEMU's 16550
 * re-evaluates its interrupt on every FCR write. */
static void uart_rereport(void)
{
	uart[FCR] = FCR_ENABLE;
}

/* Source 10 routed to context 1 at priority 1, threshold 0. */
static void route_uart(void)
{
	plic_wr(PRIORITY(UART_IRQ), 1);
	plic_wr(ENABLE0_CTX1, 1U << UART_IRQ);
	plic_wr(THRESHOLD_CTX1, 0);
}

static void test_warl_and_enable(void)
{
	plic_wr(PRIORITY(UART_IRQ), 0xffffffffU);
	CHECK_EQ(plic_rd(PRIORITY(UART_IRQ)), 7);
	plic_wr(PRIORITY(UART_IRQ), 3);
	CHECK_EQ(plic_rd(PRIORITY(UART_IRQ)), 3);
	plic_wr(PRIORITY(UART_IRQ), 0);
	CHECK_EQ(plic_rd(PRIORITY(UART_IRQ)), 0);

	plic_wr(THRESHOLD_CTX1, 0xffffffffU);
	CHECK_EQ(plic_rd(THRESHOLD_CTX1), 7);
	plic_wr(THRESHOLD_CTX1, 2);
	CHECK_EQ(plic_rd(THRESHOLD_CTX1), 2);
	plic_wr(THRESHOLD_CTX1, 0);
	CHECK_EQ(plic_rd(THRESHOLD_CTX1), 0);

	plic_wr(ENABLE0_CTX1, 1U << UART_IRQ);
	CHECK_EQ(plic_rd(ENABLE0_CTX1), 1U << UART_IRQ);
	plic_wr(ENABLE0_CTX1, 0);
	CHECK_EQ(plic_rd(ENABLE0_CTX1), 0);
}

/* Line low: nothing to claim, and completing 10 unclaimed changes nothing. */
static void test_idle(void)
{
	route_uart();
	CHECK(!uart_pending());
	CHECK(!seip());
	CHECK_EQ(claim(), 0);
	complete(UART_IRQ);
	CHECK(!uart_pending());
	CHECK(!seip());
	CHECK_EQ(claim(), 0);
}

/* Line high, source pending and not claimed: each mask hides it from the
 * context (no claim, no SEIP) and leaves it pending. */
static void check_masked(int line)
{
	rt_check_eq(claim(), 0, "claim()", "0", __FILE__, line);
	rt_check(!seip(), "!seip()", __FILE__, line);
	rt_check(uart_pending(), "uart_pending()", __FILE__, line);
}

static void test_masks(void)
{
	uart_line(true);
	CHECK(uart_pending());
	CHECK(seip());
	/* Completing a source that is pending but was never claimed. */
	complete(UART_IRQ);
	CHECK(uart_pending());
	CHECK(seip());

	plic_wr(THRESHOLD_CTX1, 1); /* = priority */
	check_masked(__LINE__);
	plic_wr(PRIORITY(UART_IRQ), 7);
	plic_wr(THRESHOLD_CTX1, 7);
	check_masked(__LINE__);
	plic_wr(THRESHOLD_CTX1, 6);
	CHECK(seip());
	route_uart();
	CHECK(seip());

	plic_wr(PRIORITY(UART_IRQ), 0);
	check_masked(__LINE__);
	route_uart();

	plic_wr(ENABLE0_CTX1, 0);
	check_masked(__LINE__);
	route_uart();
	CHECK(seip());
}

/* Claim takes the pending source; it is in service until completed, and a
 * completion with the line still high makes it pending again. */
static void test_claim_complete(void)
{
	CHECK_EQ(claim(), UART_IRQ);
	CHECK(!uart_pending());
	CHECK(!seip());
	CHECK_EQ(claim(), 0);

	uart_rereport();
	complete(UART_IRQ);
	CHECK(uart_pending());
	CHECK(seip());
	CHECK_EQ(claim(), UART_IRQ);

	/* Lowered while in service: the completion leaves it idle. */
	uart_line(false);
	complete(UART_IRQ);
	CHECK(!uart_pending());
	CHECK(!seip());
	CHECK_EQ(claim(), 0);
}

/* A request stays pending after the line falls, until claimed. */
static void test_request_outlives_line(void)
{
	uart_line(true);
	uart_line(false);
	CHECK(uart_pending());
	CHECK(seip());
	CHECK_EQ(claim(), UART_IRQ);
	complete(UART_IRQ);
	CHECK(!uart_pending());
	CHECK_EQ(claim(), 0);
}

static void spin(void)
{
	uint64_t until = csr_read(CSR_TIME) + WAIT_TICKS;

	while (csr_read(CSR_TIME) < until)
		;
}

/* Interrupts on with the source already pending: taken at once. */
static void enable_and_wait(void)
{
	csr_set(CSR_SSTATUS, SSTATUS_SIE);
	spin();
	csr_clear(CSR_SSTATUS, SSTATUS_SIE);
}

/* Interrupts on first, then the device raises its line. */
static void raise_and_wait(void)
{
	csr_set(CSR_SSTATUS, SSTATUS_SIE);
	uart_line(true);
	spin();
	csr_clear(CSR_SSTATUS, SSTATUS_SIE);
}

/* The handler's part: claim, quiet the device, complete. */
static void service(void)
{
	CHECK_EQ(claim(), UART_IRQ);
	uart_line(false);
	complete(UART_IRQ);
	CHECK(!seip());
	CHECK_EQ(claim(), 0);
}

static void test_interrupt_taken(void)
{
	struct rt_trap t = {0, 0, 0};

	csr_set(CSR_SIE, MIP_SEIP);
	uart_line(true);
	CHECK(seip());
	CHECK(rt_catch(enable_and_wait, &t));
	CHECK_EQ(t.scause, SEI);
	CHECK_EQ(csr_read(CSR_SSTATUS) & SSTATUS_SIE, 0);
	service();

	t.scause = 0;
	CHECK(rt_catch(raise_and_wait, &t));
	CHECK_EQ(t.scause, SEI);
	service();

	/* Masked by the threshold: not taken. */
	plic_wr(THRESHOLD_CTX1, 1);
	CHECK(!rt_catch(raise_and_wait, &t));
	CHECK(uart_pending());
	plic_wr(THRESHOLD_CTX1, 0);
	t.scause = 0;
	CHECK(rt_catch(enable_and_wait, &t));
	CHECK_EQ(t.scause, SEI);
	service();
	csr_clear(CSR_SIE, MIP_SEIP);
}

/* Leave the UART and context 1 as an OS would find them. */
static void quiet(void)
{
	uart_line(false);
	plic_wr(ENABLE0_CTX1, 0);
	plic_wr(PRIORITY(UART_IRQ), 0);
	plic_wr(THRESHOLD_CTX1, 0);
}

int main(void)
{
	csr_clear(CSR_SSTATUS, SSTATUS_SIE);
	uart_line(false);
	test_warl_and_enable();
	test_idle();
	test_masks();
	test_claim_complete();
	test_request_outlives_line();
	test_interrupt_taken();
	quiet();
	CHECK(!seip());
	return 0;
}
