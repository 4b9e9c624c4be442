/*
 * Accuracy of the SBI timer, seen through sip.STIP and the time CSR: a
 * deadline in the past fires at once; a future one never fires before
 * time reaches it and arrives within LATE_LIMIT; set_timer clears a
 * pending timer and moves the deadline; UINT64_MAX cancels; a hundred
 * short timers in a row all arrive; WFI wakes for it; the interrupt, when
 * enabled, is taken with the right cause; the legacy call works too; and
 * stimecmp is not there (no Sstc). Interrupts stay off (sstatus.SIE = 0)
 * except in the one test that takes the interrupt.
 */
#include "lib/sbi.h"
#include "rt/rt.h"

/* QEMU virt's timebase is 10 MHz. */
#define TICKS_PER_US UL(10)
#define TICKS_PER_MS UL(10000)
/* QEMU's timers follow host time, and a busy host stalls QEMU (up to 28 ms
 * seen natively with both cores of a 2-core host busy): one timer may be
 * this late. */
#define LATE_LIMIT (50 * TICKS_PER_MS)
/* Most timers of a burst are not hit by a stall: their median shows
 * whether timers are punctual (about 50 us natively). */
#define BURST_MEDIAN_LIMIT TICKS_PER_MS
/* A wait this long past the deadline means the timer was lost. */
#define LOST_LIMIT (1000 * TICKS_PER_MS)
#define CANCEL_WATCH (50 * TICKS_PER_MS)
#define BURST_TIMERS 100U
#define BURST_PERIOD (200 * TICKS_PER_US)

static uint64_t now(void)
{
	return csr_read(CSR_TIME);
}

static bool stip(void)
{
	return (csr_read(CSR_SIP) & MIP_STIP) != 0;
}

static void set_timer(uint64_t when)
{
	struct sbiret r = sbi_call(SBI_EXT_TIME, SBI_TIME_SET_TIMER, when, 0, 0);
	CHECK_EQ(r.error, SBI_SUCCESS);
}

struct arrival {
	bool seen;
	uint64_t at; /* time read just after STIP was first seen set */
};

/* Polls STIP until it is set or the deadline is LOST_LIMIT behind. sip is
 * read before time, so an arrival at < deadline proves an early timer. */
static struct arrival wait_stip(uint64_t deadline)
{
	for (;;) {
		bool set = stip();
		uint64_t t = now();
		if (set)
			return (struct arrival){ true, t };
		if (t > deadline + LOST_LIMIT)
			return (struct arrival){ false, t };
	}
}

/* Checks one arrival for the deadline (for a deadline already past: the
 * time of the call); returns how late it was. */
static uint64_t check_arrival(struct arrival a, uint64_t deadline, const char *what)
{
	if (!rt_check(a.seen, what, __FILE__, __LINE__))
		return 0;
	if (!rt_check(a.at >= deadline, what, __FILE__, __LINE__)) {
		rt_printf("timer: %s: %lu us early\n", what, (deadline - a.at) / TICKS_PER_US);
		return 0;
	}
	uint64_t late = a.at - deadline;
	if (!rt_check(late <= LATE_LIMIT, what, __FILE__, __LINE__))
		rt_printf("timer: %s: %lu us late\n", what, late / TICKS_PER_US);
	return late;
}

/* Nothing pending, no deadline. */
static void disarm(void)
{
	set_timer(UINT64_MAX);
	CHECK(!stip());
}

static void test_past_deadline(void)
{
	uint64_t t0 = now();
	set_timer(t0 - 1);
	uint64_t late = check_arrival(wait_stip(t0), t0, "deadline in the past fires");
	rt_printf("timer: past deadline: STIP after %lu us\n", late / TICKS_PER_US);
	disarm();
	t0 = now();
	set_timer(0);
	check_arrival(wait_stip(t0), t0, "deadline 0 fires");
	disarm();
}

static void test_future_deadline(void)
{
	uint64_t d = now() + 5 * TICKS_PER_MS;
	set_timer(d);
	CHECK(!stip());
	uint64_t late = check_arrival(wait_stip(d), d, "5 ms deadline fires on time");
	rt_printf("timer: 5 ms deadline: late by %lu us\n", late / TICKS_PER_US);
	disarm();
}

/* set_timer clears a pending timer, and a new deadline replaces the old
 * one before it fires. */
static void test_rearm(void)
{
	uint64_t d = now() + TICKS_PER_MS;
	set_timer(d);
	check_arrival(wait_stip(d), d, "1 ms deadline fires");
	d = now() + 5 * TICKS_PER_MS;
	set_timer(d);
	CHECK(!stip());
	check_arrival(wait_stip(d), d, "re-armed after firing, fires at the new deadline");

	set_timer(now() + 2 * TICKS_PER_MS);
	d = now() + 10 * TICKS_PER_MS;
	set_timer(d);
	check_arrival(wait_stip(d), d, "moved before firing, fires at the new deadline");
	disarm();
}

static bool stip_within(uint64_t ticks)
{
	uint64_t end = now() + ticks;
	while (now() < end)
		if (stip())
			return true;
	return false;
}

/* UINT64_MAX clears a pending timer and cancels an armed one. */
static void test_cancel(void)
{
	uint64_t d = now() + TICKS_PER_MS;
	set_timer(d);
	check_arrival(wait_stip(d), d, "1 ms deadline fires");
	set_timer(UINT64_MAX);
	CHECK(!stip());
	CHECK(!stip_within(CANCEL_WATCH));

	set_timer(now() + TICKS_PER_MS);
	set_timer(UINT64_MAX);
	CHECK(!stip_within(CANCEL_WATCH));
}

/* Legacy SBI v0.1 set_timer (EID 0), as older kernels call it. */
static void test_legacy(void)
{
	uint64_t d = now() + 2 * TICKS_PER_MS;
	sbi_call(SBI_EXT_LEGACY_SET_TIMER, 0, d, 0, 0);
	check_arrival(wait_stip(d), d, "legacy set_timer fires on time");
	sbi_call(SBI_EXT_LEGACY_SET_TIMER, 0, UINT64_MAX, 0, 0);
	CHECK(!stip());
}

/* Sorted in place (insertion sort: a hundred values). */
static void sort(uint64_t *v, unsigned n)
{
	for (unsigned i = 1; i < n; i++) {
		uint64_t x = v[i];
		unsigned j = i;
		for (; j > 0 && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

static void test_burst(void)
{
	static uint64_t late[BURST_TIMERS];
	unsigned arrived = 0;
	for (unsigned i = 0; i < BURST_TIMERS; i++) {
		uint64_t d = now() + BURST_PERIOD;
		set_timer(d);
		struct arrival a = wait_stip(d);
		if (!a.seen || a.at < d || a.at - d > LATE_LIMIT) {
			check_arrival(a, d, "burst timer on time");
			break;
		}
		late[arrived++] = a.at - d;
	}
	disarm();
	if (!CHECK_EQ(arrived, BURST_TIMERS))
		return;
	sort(late, BURST_TIMERS);
	uint64_t median = late[BURST_TIMERS / 2];
	CHECK(median <= BURST_MEDIAN_LIMIT);
	rt_printf("timer: %u timers of %lu us: late by %lu us median, %lu us at 90%%, "
		  "%lu us at most\n", BURST_TIMERS, BURST_PERIOD / TICKS_PER_US,
		  median / TICKS_PER_US, late[BURST_TIMERS * 9 / 10] / TICKS_PER_US,
		  late[BURST_TIMERS - 1] / TICKS_PER_US);
}

/* WFI returns once the timer is pending and enabled in sie, even with
 * sstatus.SIE off; it may also return early (it is a hint), so loop. A
 * WFI that never returns ends in the runner's timeout. */
static void test_wfi(void)
{
	csr_write(CSR_SIE, MIP_STIP);
	uint64_t d = now() + 5 * TICKS_PER_MS;
	set_timer(d);
	unsigned wakeups = 0;
	while (!stip() && now() <= d + LOST_LIMIT) {
		__asm__ volatile("wfi" ::: "memory");
		wakeups++;
	}
	bool set = stip();
	uint64_t at = now();
	uint64_t late = check_arrival((struct arrival){ set, at }, d, "WFI wakes for the timer");
	rt_printf("timer: WFI: woke %lu us after the deadline, %u wakeups\n",
		  late / TICKS_PER_US, wakeups);
	disarm();
	csr_write(CSR_SIE, 0);
}

static uint64_t spin_until;

static void spin_with_interrupts(void)
{
	csr_set(CSR_SSTATUS, SSTATUS_SIE);
	while (now() < spin_until)
		;
	csr_clear(CSR_SSTATUS, SSTATUS_SIE);
}

/* With sie.STIE and sstatus.SIE the interrupt is taken, not early. */
static void test_interrupt_taken(void)
{
	struct rt_trap t = { 0, 0, 0 };
	uint64_t d = now() + 2 * TICKS_PER_MS;
	spin_until = d + LOST_LIMIT;
	csr_write(CSR_SIE, MIP_STIP);
	set_timer(d);
	bool trapped = rt_catch(spin_with_interrupts, &t);
	uint64_t at = now();
	csr_write(CSR_SIE, 0);
	CHECK(trapped);
	CHECK_EQ(t.scause, CAUSE_INTERRUPT | IRQ_S_TIMER);
	check_arrival((struct arrival){ trapped, at }, d, "timer interrupt taken on time");
	CHECK_EQ(csr_read(CSR_SSTATUS) & SSTATUS_SIE, 0);
	disarm();
}

static void read_stimecmp(void)
{
	(void)csr_read(CSR_STIMECMP);
}

static void write_stimecmp(void)
{
	csr_write(CSR_STIMECMP, UINT64_MAX);
}

/* The hart has no Sstc: the timer is the SBI's alone. */
static void test_no_stimecmp(void)
{
	struct rt_trap t = { 0, 0, 0 };
	CHECK(rt_catch(read_stimecmp, &t));
	CHECK_EQ(t.scause, CAUSE_ILLEGAL_INSTRUCTION);
	t.scause = 0;
	CHECK(rt_catch(write_stimecmp, &t));
	CHECK_EQ(t.scause, CAUSE_ILLEGAL_INSTRUCTION);
}

int main(void)
{
	csr_write(CSR_SIE, 0);
	csr_clear(CSR_SSTATUS, SSTATUS_SIE);
	disarm();
	test_past_deadline();
	test_future_deadline();
	test_rearm();
	test_cancel();
	test_legacy();
	test_burst();
	test_wfi();
	test_interrupt_taken();
	test_no_stimecmp();
	return 0;
}
