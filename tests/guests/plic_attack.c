/*
 * Hostile use of the emulated PLIC (run under the hypervisor: QEMU virt's
 * layout at 0x0c000000, sources 1..63, context 0 = M, context 1 = S).
 * Every access must end in the architectural answer and the PLIC must
 * keep working:
 *  - every word of the register blocks (priorities and what follows up to
 *    the pending block, the pending words, both contexts' enables and the
 *    gaps after them, both context pages whole, the first words of the
 *    context after them) and the first and last word of every 4 KiB page
 *    of the region: 4-byte loads and stores work (all-ones written
 *    everywhere reads back as the model says), every byte, halfword and
 *    doubleword access and every misaligned word access faults with
 *    stval = the address, and changes nothing (but a word load across a
 *    page edge, carried out as two aligned word loads); past the region
 *    every width faults;
 *  - AMOs, LR, FP loads and stores, compressed doubleword accesses and
 *    fetches fault, and one aimed at the claim register neither claims
 *    nor completes (SC is left out: without a reservation QEMU fails it
 *    without an access, the hypervisor never sees it);
 *  - with every source enabled at the top priority, no interrupt of the
 *    host's leaks in: claims return 0 and SEIP stays low;
 *  - completions of IDs never claimed (including aliases of a claimed
 *    source: + 64, + 1024, top bit set) change nothing, writes to the
 *    pending words are ignored, context 0 claims and completes but never
 *    raises SEIP, priorities and thresholds keep 3 bits;
 *  - afterwards a genuine UART interrupt is claimed, taken and completed.
 * It ends with every source disabled, thresholds 0 and the UART quiet.
 */
#include "access.h"
#include "rt/rt.h"

#define PLIC_BASE UL(0x0c000000)
#define PLIC_SIZE UL(0x600000)
#define NSOURCES 64U /* sources 1..63; 0 is no source */
#define PRIORITY_MAX 7U
#define PRIORITY(src) (4UL * (src))
#define PENDING(w) (0x1000UL + 4UL * (w))
#define ENABLE(ctx, w) (0x2000UL + 0x80UL * (ctx) + 4UL * (w))
#define CONTEXT(ctx) (0x200000UL + 0x1000UL * (ctx))
#define THRESHOLD(ctx) CONTEXT(ctx)
#define CLAIM(ctx) (CONTEXT(ctx) + 4UL)
#define CTX_M 0U
#define CTX_S 1U
#define PAGE UL(0x1000)

#define UART_BASE UL(0x10000000)
#define UART_IRQ 10U
#define IER 1
#define FCR 2
#define IER_ETBEI 0x02U
#define FCR_ENABLE 0x01U

#define SEI (CAUSE_INTERRUPT | IRQ_S_EXT)
#define ALL_ONES 0xffffffffU

/* How long an interrupt that must come (or must not) gets: 100 ms. */
#define WAIT_TICKS UL(1000000)

/* Wrong answers printed per sweep; the rest are only counted. */
#define MAX_REPORTS 8U

static volatile uint8_t *const uart = (volatile uint8_t *)UART_BASE;

/* An access that must fault: which instruction, its width (for where it
 * may sit in a word) and the cause it must give. */
#define N(a) (sizeof(a) / sizeof((a)[0]))

/* An access that must fault, and the cause it must give. */
struct bad_access {
	void (*fn)(void);
	uint64_t cause;
	const char *name;
};

/* Every access of a word that is not the whole aligned word: at byte
 * offsets first, first + step, ... below 4. */
static const struct {
	struct bad_access a;
	unsigned first, step;
} word_faults[] = {
	{ { lb, CAUSE_LOAD_ACCESS, "lb" }, 0, 1 },  { { lh, CAUSE_LOAD_ACCESS, "lh" }, 0, 2 },
	{ { lw, CAUSE_LOAD_ACCESS, "lw" }, 1, 1 },  { { ld, CAUSE_LOAD_ACCESS, "ld" }, 0, 4 },
	{ { sb, CAUSE_STORE_ACCESS, "sb" }, 0, 1 }, { { sh, CAUSE_STORE_ACCESS, "sh" }, 0, 2 },
	{ { sw, CAUSE_STORE_ACCESS, "sw" }, 1, 1 }, { { sd, CAUSE_STORE_ACCESS, "sd" }, 0, 4 },
};

/* What no device register takes. */
static const struct bad_access odd_faults[] = {
	{ amoswap, CAUSE_STORE_ACCESS, "amoswap.w" },
	{ amoadd, CAUSE_STORE_ACCESS, "amoadd.w" },
	{ lr, CAUSE_LOAD_ACCESS, "lr.w" },
	{ flw, CAUSE_LOAD_ACCESS, "flw" },
	{ fsw, CAUSE_STORE_ACCESS, "fsw" },
	{ c_ld, CAUSE_LOAD_ACCESS, "c.ld" },
	{ c_sd, CAUSE_STORE_ACCESS, "c.sd" },
	{ fetch, CAUSE_FETCH_ACCESS, "fetch" },
};

static unsigned wrong, reports, accesses;

/* One wrong answer: what was done where, and what came back. */
static void report(const char *what, uint64_t at, const char *how, uint64_t a, uint64_t b)
{
	wrong++;
	if (reports++ < MAX_REPORTS)
		rt_printf("plic_attack: %s at 0x%lx: %s (0x%lx, 0x%lx)\n", what, at, how, a, b);
}

/* One access that must fault with b's cause and stval = at. */
static void faults(const struct bad_access *b, uint64_t at)
{
	struct rt_trap t = { 0, 0, 0 };
	addr = at;
	accesses++;
	if (!rt_catch(b->fn, &t))
		report(b->name, at, "no fault", 0, 0);
	else if (t.scause != b->cause || t.stval != at)
		report(b->name, at, "wrong scause, stval", t.scause, t.stval);
}

/* A misaligned word load across a page edge: carried out as QEMU's hart
 * does it, as two aligned word loads, one on each page; past the region's
 * end, the second faults (stval: that portion, the region's end). */
static void word_load_across(uint64_t at)
{
	struct rt_trap t = { 0, 0, 0 };
	uint64_t next = (at & ~(PAGE - 1)) + PAGE;
	bool past_end = next == PLIC_BASE + PLIC_SIZE;
	addr = at;
	accesses++;
	bool trapped = rt_catch(lw, &t);
	if (trapped != past_end || (past_end && (t.scause != CAUSE_LOAD_ACCESS || t.stval != next)))
		report("lw across pages", at, "trapped: scause, stval", t.scause, t.stval);
}

/* Every access of word_faults at the word at. */
static void word_faults_at(uint64_t at)
{
	for (unsigned i = 0; i < N(word_faults); i++)
		for (unsigned byte = word_faults[i].first; byte < 4; byte += word_faults[i].step) {
			if (word_faults[i].a.fn == lw && (at + byte) % PAGE + 4 > PAGE)
				word_load_across(at + byte);
			else
				faults(&word_faults[i].a, at + byte);
		}
}

/* A 4-byte load that must work; its value, or ~0 after reporting. */
static uint64_t load_word(uint64_t at)
{
	struct rt_trap t = { 0, 0, 0 };
	addr = at;
	if (rt_catch(lw, &t)) {
		report("lw", at, "faulted: scause, stval", t.scause, t.stval);
		return ~UL(0);
	}
	return loaded;
}

static void store_word(uint64_t at, uint32_t v)
{
	*(volatile uint32_t *)(uintptr_t)at = v;
}

static uint32_t plic_rd(uint64_t off)
{
	return *(volatile uint32_t *)(uintptr_t)(PLIC_BASE + off);
}

static void plic_wr(uint64_t off, uint32_t v)
{
	store_word(PLIC_BASE + off, v);
}

static bool seip(void)
{
	return (csr_read(CSR_SIP) & MIP_SEIP) != 0;
}

static uint32_t claim(unsigned ctx)
{
	return plic_rd(CLAIM(ctx));
}

static void complete(unsigned ctx, uint32_t src)
{
	plic_wr(CLAIM(ctx), src);
}

static bool uart_pending(void)
{
	return (plic_rd(PENDING(0)) & (1U << UART_IRQ)) != 0;
}

/* THR is empty (output is immediate), so ETBEI alone holds the line high. */
static void uart_line(bool high)
{
	uart[IER] = high ? IER_ETBEI : 0;
}

/* What a word of the PLIC reads once all-ones was stored to every word:
 * priorities of sources 1..63 and the thresholds keep their 3 bits, the
 * enable words all sources but 0, claims find nothing pending, and the
 * rest (priority 0, pending, holes) is 0. */
static uint32_t after_all_ones(uint64_t off)
{
	if (off >= PRIORITY(1) && off < PRIORITY(NSOURCES))
		return PRIORITY_MAX;
	for (unsigned ctx = CTX_M; ctx <= CTX_S; ctx++) {
		if (off == ENABLE(ctx, 0))
			return ALL_ONES & ~1U;
		if (off == ENABLE(ctx, 1))
			return ALL_ONES;
		if (off == THRESHOLD(ctx))
			return PRIORITY_MAX;
	}
	return 0;
}

/* One word: all-ones stored and the model's value read back, then every
 * narrower, wider and misaligned access faults, the stores among them
 * (of zero) leaving the value as it was. */
static void attack_word(uint64_t off)
{
	const uint64_t at = PLIC_BASE + off;
	const uint32_t want = after_all_ones(off);

	store_word(at, ALL_ONES);
	uint64_t got = load_word(at);
	if (got != want)
		report("lw", at, "read, want", got, want);
	word_faults_at(at);
	got = load_word(at);
	if (got != want)
		report("lw after the faults", at, "read, want", got, want);
	accesses += 3;
}

static void sweep(uint64_t from, uint64_t to)
{
	for (uint64_t off = from; off < to; off += 4)
		attack_word(off);
}

/* Every register block word by word; every page's first and last word. */
static void test_every_word(void)
{
	wrong = reports = accesses = 0;
	sweep(PRIORITY(0), PENDING(0));
	sweep(PENDING(0), PENDING(32)); /* QEMU's pending block: 1024 sources */
	sweep(ENABLE(CTX_M, 0), ENABLE(3, 0)); /* contexts 0, 1 and a missing 2 */
	sweep(CONTEXT(CTX_M), CONTEXT(CTX_S) + PAGE);
	sweep(CONTEXT(2), CONTEXT(2) + 16);
	unsigned words = 0;
	for (uint64_t page = 0; page < PLIC_SIZE; page += PAGE) {
		attack_word(page);
		attack_word(page + PAGE - 4);
		words += 2;
	}
	rt_printf("plic_attack: register blocks and %u page-edge words: %u accesses, %u wrong\n",
		  words, accesses, wrong);
	CHECK_EQ(wrong, 0);
	CHECK(!seip());
}

/* Just past the region, further past it and just below it: every width
 * faults. */
static void test_outside(void)
{
	static const struct bad_access any_width[] = {
		{ lb, CAUSE_LOAD_ACCESS, "lb" },  { lh, CAUSE_LOAD_ACCESS, "lh" },
		{ lw, CAUSE_LOAD_ACCESS, "lw" },  { ld, CAUSE_LOAD_ACCESS, "ld" },
		{ sb, CAUSE_STORE_ACCESS, "sb" }, { sh, CAUSE_STORE_ACCESS, "sh" },
		{ sw, CAUSE_STORE_ACCESS, "sw" }, { sd, CAUSE_STORE_ACCESS, "sd" },
	};
	static const uint64_t outside[] = { PLIC_BASE + PLIC_SIZE, PLIC_BASE + PLIC_SIZE + 8,
					    PLIC_BASE - 8, PLIC_BASE + PLIC_SIZE + PAGE };
	wrong = reports = 0;
	for (unsigned i = 0; i < N(outside); i++)
		for (unsigned k = 0; k < N(any_width); k++)
			faults(&any_width[k], outside[i]);
	CHECK_EQ(wrong, 0);
}

/* AMOs, LR, FP, compressed doublewords and fetches at registers and a
 * hole: all fault. */
static void test_odd_instructions(void)
{
	static const uint64_t regs[] = {
		PRIORITY(UART_IRQ), PENDING(0), ENABLE(CTX_S, 0), THRESHOLD(CTX_S), CLAIM(CTX_S),
		CLAIM(CTX_M), PRIORITY(NSOURCES), CONTEXT(CTX_S) + 8, PLIC_SIZE - 8,
	};
	wrong = reports = 0;
	csr_set(CSR_SSTATUS, SSTATUS_FS);
	for (unsigned i = 0; i < N(regs); i++)
		for (unsigned k = 0; k < N(odd_faults); k++)
			faults(&odd_faults[k], PLIC_BASE + regs[i]);
	csr_clear(CSR_SSTATUS, SSTATUS_FS);
	CHECK_EQ(wrong, 0);

	/* The compressed word load is an ordinary register read. */
	plic_wr(PRIORITY(UART_IRQ), 5);
	addr = PLIC_BASE + PRIORITY(UART_IRQ);
	struct rt_trap t;
	CHECK(!rt_catch(c_lw, &t));
	CHECK_EQ(loaded, 5);
}

/* Priorities and thresholds are 3 bits wide: higher bits are dropped. */
static void test_priority_bits(void)
{
	static const uint32_t written[] = { 8, 0xf, 0x80000005U, ALL_ONES, 0xfffffff8U, 3 };
	static const uint32_t kept[] = { 0, 7, 5, 7, 0, 3 };
	unsigned bad = 0;
	for (unsigned i = 0; i < N(written); i++) {
		for (unsigned src = 1; src < NSOURCES; src++) {
			plic_wr(PRIORITY(src), written[i]);
			bad += plic_rd(PRIORITY(src)) != kept[i];
		}
		for (unsigned ctx = CTX_M; ctx <= CTX_S; ctx++) {
			plic_wr(THRESHOLD(ctx), written[i]);
			bad += plic_rd(THRESHOLD(ctx)) != kept[i];
		}
	}
	CHECK_EQ(bad, 0);
	plic_wr(PRIORITY(0), ALL_ONES);
	CHECK_EQ(plic_rd(PRIORITY(0)), 0);
}

static void spin(void)
{
	uint64_t until = csr_read(CSR_TIME) + WAIT_TICKS;
	while (csr_read(CSR_TIME) < until)
		;
}

/* External interrupts on for a while; an interrupt taken ends it. */
static void wait_with_interrupts(void)
{
	csr_set(CSR_SSTATUS, SSTATUS_SIE);
	spin();
	csr_clear(CSR_SSTATUS, SSTATUS_SIE);
}

/* Interrupts on first, then the UART raises its line. */
static void raise_and_wait(void)
{
	csr_set(CSR_SSTATUS, SSTATUS_SIE);
	uart_line(true);
	spin();
	csr_clear(CSR_SSTATUS, SSTATUS_SIE);
}

static bool nothing_pending(void)
{
	return plic_rd(PENDING(0)) == 0 && plic_rd(PENDING(1)) == 0;
}

static void enable_all(unsigned ctx, bool on)
{
	plic_wr(ENABLE(ctx, 0), on ? ALL_ONES : 0);
	plic_wr(ENABLE(ctx, 1), on ? ALL_ONES : 0);
}

static void set_all_priorities(uint32_t p)
{
	for (unsigned src = 1; src < NSOURCES; src++)
		plic_wr(PRIORITY(src), p);
}

/* Every source enabled at the top priority for the S context and no device
 * of the guest raising a line: whatever the host's devices do, nothing is
 * pending, claimable or taken. */
static void test_no_host_interrupts(void)
{
	struct rt_trap t = { 0, 0, 0 };
	uart_line(false);
	set_all_priorities(PRIORITY_MAX);
	enable_all(CTX_S, true);
	enable_all(CTX_M, true);
	plic_wr(THRESHOLD(CTX_S), 0);
	plic_wr(THRESHOLD(CTX_M), 0);
	CHECK_EQ(plic_rd(ENABLE(CTX_S, 0)), ALL_ONES & ~1U);
	CHECK_EQ(plic_rd(ENABLE(CTX_S, 1)), ALL_ONES);

	csr_set(CSR_SIE, MIP_SEIP);
	CHECK(!rt_catch(wait_with_interrupts, &t));
	csr_clear(CSR_SIE, MIP_SEIP);
	unsigned claimed = 0;
	for (unsigned i = 0; i < 1000; i++)
		claimed += claim(CTX_S) != 0 || claim(CTX_M) != 0 || seip();
	CHECK_EQ(claimed, 0);
	CHECK(nothing_pending());
}

/* Completions of IDs never claimed, on both contexts: nothing happens. */
static const uint32_t foreign_ids[] = { 0, 1, 8, 10, 63, 64, 74, 1023, 1034, 0x8000000aU,
					ALL_ONES };

static void complete_foreign(bool but_uart)
{
	for (unsigned i = 0; i < N(foreign_ids); i++) {
		if (but_uart && foreign_ids[i] == UART_IRQ)
			continue;
		complete(CTX_S, foreign_ids[i]);
		complete(CTX_M, foreign_ids[i]);
	}
}

/* Pending is read-only: writes neither raise nor drop a request. */
static void write_pending_words(uint32_t v)
{
	for (unsigned w = 0; w < 32; w++)
		plic_wr(PENDING(w), v);
}

static void test_foreign_completions(void)
{
	struct rt_trap t = { 0, 0, 0 };
	complete_foreign(false);
	write_pending_words(ALL_ONES);
	CHECK(nothing_pending());
	CHECK(!seip());
	CHECK_EQ(claim(CTX_S), 0);
	CHECK_EQ(claim(CTX_M), 0);

	/* A genuine request: pending, and writing pending cannot drop it. */
	enable_all(CTX_M, false);
	uart_line(true);
	write_pending_words(0);
	CHECK_EQ(plic_rd(PENDING(0)), 1U << UART_IRQ);
	CHECK(seip());

	/* Faulting accesses to the claim register neither claim nor complete. */
	wrong = reports = 0;
	csr_set(CSR_SSTATUS, SSTATUS_FS);
	for (unsigned k = 0; k < N(odd_faults); k++)
		faults(&odd_faults[k], PLIC_BASE + CLAIM(CTX_S));
	csr_clear(CSR_SSTATUS, SSTATUS_FS);
	word_faults_at(PLIC_BASE + CLAIM(CTX_S));
	CHECK_EQ(wrong, 0);
	CHECK(uart_pending());
	CHECK(seip());

	/* Claimed with the line still high: completing anything but 10 (its
	 * aliases included) must not end the service and re-pend it. */
	CHECK_EQ(claim(CTX_S), UART_IRQ);
	CHECK(!seip());
	complete_foreign(true);
	complete(CTX_M, UART_IRQ); /* not enabled for context 0: ignored */
	CHECK(nothing_pending());
	CHECK(!seip());
	CHECK_EQ(claim(CTX_S), 0);

	/* The real completion: re-pended (line high), claimed again, then
	 * quieted and completed. */
	complete(CTX_S, UART_IRQ);
	CHECK(uart_pending());
	CHECK(seip());
	CHECK_EQ(claim(CTX_S), UART_IRQ);
	uart_line(false);
	complete(CTX_S, UART_IRQ);
	CHECK(nothing_pending());
	CHECK(!seip());

	/* And taken as an interrupt. */
	csr_set(CSR_SIE, MIP_SEIP);
	CHECK(rt_catch(raise_and_wait, &t));
	CHECK_EQ(t.scause, SEI);
	CHECK_EQ(claim(CTX_S), UART_IRQ);
	uart_line(false);
	complete(CTX_S, UART_IRQ);
	csr_clear(CSR_SIE, MIP_SEIP);
	CHECK(nothing_pending());
	CHECK_EQ(claim(CTX_S), 0);
}

/* Context 0 is M-mode's: it claims and completes, but the guest's SEIP
 * only ever follows context 1. */
static void test_m_context(void)
{
	struct rt_trap t = { 0, 0, 0 };
	enable_all(CTX_S, false);
	plic_wr(ENABLE(CTX_M, 0), 1U << UART_IRQ);
	plic_wr(THRESHOLD(CTX_M), 0);
	uart_line(true);
	CHECK(uart_pending());
	CHECK(!seip());
	csr_set(CSR_SIE, MIP_SEIP);
	CHECK(!rt_catch(wait_with_interrupts, &t));
	csr_clear(CSR_SIE, MIP_SEIP);

	plic_wr(THRESHOLD(CTX_M), PRIORITY_MAX);
	CHECK_EQ(claim(CTX_M), 0);
	plic_wr(THRESHOLD(CTX_M), 0);
	CHECK_EQ(claim(CTX_S), 0);
	CHECK_EQ(claim(CTX_M), UART_IRQ);
	CHECK(nothing_pending());
	complete(CTX_S, UART_IRQ); /* not enabled for context 1: ignored */
	CHECK(nothing_pending());
	uart_line(false);
	complete(CTX_M, UART_IRQ);
	CHECK(nothing_pending());
	CHECK_EQ(claim(CTX_M), 0);
	CHECK(!seip());
}

/* As an OS would find them. */
static void quiet(void)
{
	uart_line(false);
	enable_all(CTX_M, false);
	enable_all(CTX_S, false);
	set_all_priorities(0);
	plic_wr(THRESHOLD(CTX_M), 0);
	plic_wr(THRESHOLD(CTX_S), 0);
}

int main(void)
{
	csr_clear(CSR_SSTATUS, SSTATUS_SIE);
	uart_line(false);
	test_every_word();
	test_outside();
	test_odd_instructions();
	test_priority_bits();
	test_no_host_interrupts();
	test_foreign_completions();
	test_m_context();
	quiet();
	CHECK(!seip());
	CHECK(nothing_pending());
	CHECK_EQ(plic_rd(ENABLE(CTX_S, 0)) | plic_rd(ENABLE(CTX_S, 1)), 0);
	CHECK_EQ(plic_rd(THRESHOLD(CTX_S)), 0);
	CHECK_EQ(uart[IER], 0);
	return 0;
}
