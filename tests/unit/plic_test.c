/* Host tests of src/dev/plic.c: the register map, the WARL fields, the
 * gateway's claim/complete cycle, and a randomised comparison against a
 * small reference written from the spec with one bool per bit. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dev/plic.h"

/* Most tests use a PLIC for TEST_HARTS harts; CTX_M/CTX_S are hart 0's. */
#define TEST_HARTS 4u
#define NCTX (2u * TEST_HARTS)
#define CTX_S PLIC_CONTEXT_S(0)
#define CTX_M PLIC_CONTEXT_M(0)

/* Records every completion callback. */
struct fake_hv {
	unsigned calls;
	unsigned last_src;
};

static void fake_complete(void *ctx, unsigned src)
{
	struct fake_hv *h = ctx;

	h->calls++;
	h->last_src = src;
}

static void setup_plic(struct plic *p, struct fake_hv *h)
{
	struct plic_io io = {fake_complete, h};

	memset(h, 0, sizeof(*h));
	plic_init(p, &io, TEST_HARTS);
}

static uint64_t priority_reg(unsigned src)
{
	return PLIC_PRIORITY_BASE + 4u * src;
}

static uint64_t pending_reg(unsigned word)
{
	return PLIC_PENDING_BASE + 4u * word;
}

static uint64_t enable_reg(unsigned ctx, unsigned word)
{
	return PLIC_ENABLE_BASE + PLIC_ENABLE_STRIDE * ctx + 4u * word;
}

static uint64_t threshold_reg(unsigned ctx)
{
	return PLIC_CONTEXT_BASE + PLIC_CONTEXT_STRIDE * ctx + PLIC_THRESHOLD;
}

static uint64_t claim_reg(unsigned ctx)
{
	return PLIC_CONTEXT_BASE + PLIC_CONTEXT_STRIDE * ctx + PLIC_CLAIM;
}

static unsigned claim(struct plic *p, unsigned ctx)
{
	return plic_read(p, claim_reg(ctx));
}

static void complete(struct plic *p, unsigned ctx, uint32_t src)
{
	plic_write(p, claim_reg(ctx), src);
}

static bool is_pending(struct plic *p, unsigned src)
{
	return ((plic_read(p, pending_reg(src / 32u)) >> (src % 32u)) & 1u) != 0;
}

/* Source src enabled for ctx at priority prio (other enables unchanged). */
static void route(struct plic *p, unsigned ctx, unsigned src, uint32_t prio)
{
	uint64_t reg = enable_reg(ctx, src / 32u);

	plic_write(p, priority_reg(src), prio);
	plic_write(p, reg, plic_read(p, reg) | 1u << (src % 32u));
}

static void test_reset_state_reads_zero(void **state)
{
	struct plic p;
	struct fake_hv h;
	unsigned src, ctx, w;

	(void)state;
	setup_plic(&p, &h);
	for (src = 0; src < PLIC_NSOURCES; src++)
		assert_int_equal(plic_read(&p, priority_reg(src)), 0);
	for (w = 0; w < PLIC_NSOURCES / 32u; w++)
		assert_int_equal(plic_read(&p, pending_reg(w)), 0);
	for (ctx = 0; ctx < NCTX; ctx++) {
		for (w = 0; w < PLIC_NSOURCES / 32u; w++)
			assert_int_equal(plic_read(&p, enable_reg(ctx, w)), 0);
		assert_int_equal(plic_read(&p, threshold_reg(ctx)), 0);
		assert_int_equal(claim(&p, ctx), 0);
		assert_false(plic_context_pending(&p, ctx));
	}
}

static void test_register_map_matches_qemu_virt(void **state)
{
	struct plic p;
	struct fake_hv h;

	(void)state;
	assert_int_equal(priority_reg(10), 0x28);
	assert_int_equal(pending_reg(1), 0x1004);
	assert_int_equal(enable_reg(CTX_M, 0), 0x2000);
	assert_int_equal(enable_reg(CTX_S, 1), 0x2084);
	assert_int_equal(threshold_reg(CTX_M), 0x200000);
	assert_int_equal(threshold_reg(CTX_S), 0x201000);
	assert_int_equal(claim_reg(CTX_S), 0x201004);
	assert_int_equal(PLIC_SIZE, 0x600000);
	/* Source 63, the last, through those offsets. */
	setup_plic(&p, &h);
	plic_write(&p, 0xfc, 6);
	plic_write(&p, 0x2084, 1u << 31);
	plic_write(&p, 0x201000, 5);
	plic_set_level(&p, 63, true);
	assert_int_equal(plic_read(&p, 0x1004), 1u << 31);
	assert_int_equal(plic_read(&p, 0x201004), 63);
	plic_write(&p, 0x201004, 63);
	assert_int_equal(h.calls, 1);
}

static void test_priority_is_warl_three_bits(void **state)
{
	struct plic p;
	struct fake_hv h;
	uint32_t v;

	(void)state;
	setup_plic(&p, &h);
	plic_write(&p, priority_reg(10), 0xffffffffu);
	assert_int_equal(plic_read(&p, priority_reg(10)), 7);
	for (v = 0; v < 8; v++) {
		plic_write(&p, priority_reg(10), v);
		assert_int_equal(plic_read(&p, priority_reg(10)), v);
	}
	plic_write(&p, priority_reg(10), 0x1b);
	assert_int_equal(plic_read(&p, priority_reg(10)), 3);
	assert_int_equal(plic_read(&p, priority_reg(11)), 0);
}

static void test_priority_of_source_zero_reads_zero(void **state)
{
	struct plic p;
	struct fake_hv h;

	(void)state;
	setup_plic(&p, &h);
	plic_write(&p, priority_reg(0), 7);
	assert_int_equal(plic_read(&p, priority_reg(0)), 0);
}

static void test_threshold_is_warl_three_bits_per_context(void **state)
{
	struct plic p;
	struct fake_hv h;

	(void)state;
	setup_plic(&p, &h);
	plic_write(&p, threshold_reg(CTX_S), 0xffffffffu);
	assert_int_equal(plic_read(&p, threshold_reg(CTX_S)), 7);
	assert_int_equal(plic_read(&p, threshold_reg(CTX_M)), 0);
	plic_write(&p, threshold_reg(CTX_M), 0x0a);
	assert_int_equal(plic_read(&p, threshold_reg(CTX_M)), 2);
	assert_int_equal(plic_read(&p, threshold_reg(CTX_S)), 7);
}

static void test_enable_bit_of_source_zero_reads_zero(void **state)
{
	struct plic p;
	struct fake_hv h;

	(void)state;
	setup_plic(&p, &h);
	plic_write(&p, enable_reg(CTX_S, 0), 0xffffffffu);
	plic_write(&p, enable_reg(CTX_S, 1), 0xffffffffu);
	assert_int_equal(plic_read(&p, enable_reg(CTX_S, 0)), 0xfffffffeu);
	assert_int_equal(plic_read(&p, enable_reg(CTX_S, 1)), 0xffffffffu);
}

static void test_enable_words_beyond_sources_read_zero(void **state)
{
	struct plic p;
	struct fake_hv h;
	unsigned w;

	(void)state;
	setup_plic(&p, &h);
	for (w = PLIC_NSOURCES / 32u; w < PLIC_ENABLE_STRIDE / 4u; w++) {
		plic_write(&p, enable_reg(CTX_S, w), 0xffffffffu);
		assert_int_equal(plic_read(&p, enable_reg(CTX_S, w)), 0);
	}
	assert_int_equal(plic_read(&p, enable_reg(CTX_S, 0)), 0);
	assert_int_equal(plic_read(&p, enable_reg(CTX_S, 1)), 0);
}

static void test_enables_of_contexts_are_separate(void **state)
{
	struct plic p;
	struct fake_hv h;

	(void)state;
	setup_plic(&p, &h);
	plic_write(&p, enable_reg(CTX_M, 0), 0x00000400u);
	plic_write(&p, enable_reg(CTX_S, 0), 0x00000006u);
	assert_int_equal(plic_read(&p, enable_reg(CTX_M, 0)), 0x00000400u);
	assert_int_equal(plic_read(&p, enable_reg(CTX_S, 0)), 0x00000006u);
	plic_write(&p, enable_reg(CTX_S, 0), 0);
	assert_int_equal(plic_read(&p, enable_reg(CTX_M, 0)), 0x00000400u);
}

static void test_high_line_pends_even_when_disabled(void **state)
{
	struct plic p;
	struct fake_hv h;

	(void)state;
	setup_plic(&p, &h);
	plic_set_level(&p, 10, true);
	assert_true(is_pending(&p, 10));
	assert_int_equal(plic_read(&p, pending_reg(0)), 1u << 10);
	assert_false(plic_context_pending(&p, CTX_S));
	assert_int_equal(claim(&p, CTX_S), 0);
	assert_true(is_pending(&p, 10));
}

static void test_pending_is_read_only(void **state)
{
	struct plic p;
	struct fake_hv h;

	(void)state;
	setup_plic(&p, &h);
	plic_write(&p, pending_reg(0), 0xffffffffu);
	assert_int_equal(plic_read(&p, pending_reg(0)), 0);
	plic_set_level(&p, 10, true);
	plic_write(&p, pending_reg(0), 0);
	assert_int_equal(plic_read(&p, pending_reg(0)), 1u << 10);
}

static void test_pending_stays_after_line_drops(void **state)
{
	struct plic p;
	struct fake_hv h;

	(void)state;
	setup_plic(&p, &h);
	route(&p, CTX_S, 10, 1);
	plic_set_level(&p, 10, true);
	plic_set_level(&p, 10, false);
	assert_true(is_pending(&p, 10));
	assert_true(plic_context_pending(&p, CTX_S));
	assert_int_equal(claim(&p, CTX_S), 10);
	complete(&p, CTX_S, 10);
	assert_false(is_pending(&p, 10));
	assert_int_equal(claim(&p, CTX_S), 0);
}

static void test_claim_with_nothing_pending_returns_zero(void **state)
{
	struct plic p;
	struct fake_hv h;

	(void)state;
	setup_plic(&p, &h);
	route(&p, CTX_S, 10, 7);
	assert_int_equal(claim(&p, CTX_S), 0);
	assert_int_equal(plic_read(&p, pending_reg(0)), 0);
}

static void test_claim_clears_pending_and_second_claim_returns_zero(void **state)
{
	struct plic p;
	struct fake_hv h;

	(void)state;
	setup_plic(&p, &h);
	route(&p, CTX_S, 10, 1);
	plic_set_level(&p, 10, true);
	assert_true(plic_context_pending(&p, CTX_S));
	assert_int_equal(claim(&p, CTX_S), 10);
	assert_false(is_pending(&p, 10));
	assert_false(plic_context_pending(&p, CTX_S));
	assert_int_equal(claim(&p, CTX_S), 0);
}

static void test_claim_picks_highest_priority(void **state)
{
	struct plic p;
	struct fake_hv h;

	(void)state;
	setup_plic(&p, &h);
	route(&p, CTX_S, 3, 2);
	route(&p, CTX_S, 40, 6);
	route(&p, CTX_S, 10, 4);
	plic_set_level(&p, 3, true);
	plic_set_level(&p, 40, true);
	plic_set_level(&p, 10, true);
	assert_int_equal(claim(&p, CTX_S), 40);
	assert_int_equal(claim(&p, CTX_S), 10);
	assert_int_equal(claim(&p, CTX_S), 3);
	assert_int_equal(claim(&p, CTX_S), 0);
}

static void test_claim_breaks_priority_ties_by_lowest_id(void **state)
{
	struct plic p;
	struct fake_hv h;

	(void)state;
	setup_plic(&p, &h);
	route(&p, CTX_S, 50, 3);
	route(&p, CTX_S, 8, 3);
	route(&p, CTX_S, 9, 3);
	plic_set_level(&p, 50, true);
	plic_set_level(&p, 9, true);
	plic_set_level(&p, 8, true);
	assert_int_equal(claim(&p, CTX_S), 8);
	assert_int_equal(claim(&p, CTX_S), 9);
	assert_int_equal(claim(&p, CTX_S), 50);
}

static void test_threshold_masks_equal_and_lower_priorities(void **state)
{
	struct plic p;
	struct fake_hv h;

	(void)state;
	setup_plic(&p, &h);
	route(&p, CTX_S, 10, 3);
	plic_set_level(&p, 10, true);
	plic_write(&p, threshold_reg(CTX_S), 3);
	assert_false(plic_context_pending(&p, CTX_S));
	assert_int_equal(claim(&p, CTX_S), 0);
	plic_write(&p, threshold_reg(CTX_S), 7);
	assert_int_equal(claim(&p, CTX_S), 0);
	assert_true(is_pending(&p, 10));
	plic_write(&p, threshold_reg(CTX_S), 2);
	assert_true(plic_context_pending(&p, CTX_S));
	assert_int_equal(claim(&p, CTX_S), 10);
}

static void test_source_deliverable_needs_enable_and_priority_above_threshold(void **state)
{
	struct plic p;
	struct fake_hv h;

	(void)state;
	setup_plic(&p, &h);
	assert_false(plic_source_deliverable(&p, CTX_S, 8));
	route(&p, CTX_S, 8, 3);
	assert_true(plic_source_deliverable(&p, CTX_S, 8));
	assert_false(plic_source_deliverable(&p, CTX_M, 8));
	plic_write(&p, threshold_reg(CTX_S), 3);
	assert_false(plic_source_deliverable(&p, CTX_S, 8));
	plic_write(&p, threshold_reg(CTX_S), 2);
	assert_true(plic_source_deliverable(&p, CTX_S, 8));
	plic_write(&p, priority_reg(8), 0);
	assert_false(plic_source_deliverable(&p, CTX_S, 8));
	assert_false(plic_source_deliverable(&p, CTX_S, 0));
	assert_false(plic_source_deliverable(&p, CTX_S, PLIC_NSOURCES));
	assert_false(plic_source_deliverable(&p, NCTX, 8));
}

static void test_priority_zero_never_interrupts(void **state)
{
	struct plic p;
	struct fake_hv h;

	(void)state;
	setup_plic(&p, &h);
	route(&p, CTX_S, 10, 0);
	plic_set_level(&p, 10, true);
	assert_true(is_pending(&p, 10));
	assert_false(plic_context_pending(&p, CTX_S));
	assert_int_equal(claim(&p, CTX_S), 0);
	plic_write(&p, priority_reg(10), 1);
	assert_int_equal(claim(&p, CTX_S), 10);
}

static void test_disabled_source_is_not_claimable(void **state)
{
	struct plic p;
	struct fake_hv h;

	(void)state;
	setup_plic(&p, &h);
	route(&p, CTX_S, 10, 5);
	plic_write(&p, enable_reg(CTX_S, 0), 1u << 11);
	plic_set_level(&p, 10, true);
	assert_false(plic_context_pending(&p, CTX_S));
	assert_int_equal(claim(&p, CTX_S), 0);
	assert_true(is_pending(&p, 10));
}

static void test_claimed_source_does_not_pend_again_before_completion(void **state)
{
	struct plic p;
	struct fake_hv h;

	(void)state;
	setup_plic(&p, &h);
	route(&p, CTX_S, 10, 1);
	plic_set_level(&p, 10, true);
	assert_int_equal(claim(&p, CTX_S), 10);
	plic_set_level(&p, 10, false);
	plic_set_level(&p, 10, true);
	assert_false(is_pending(&p, 10));
	assert_int_equal(claim(&p, CTX_S), 0);
}

static void test_complete_pends_again_while_line_high(void **state)
{
	struct plic p;
	struct fake_hv h;

	(void)state;
	setup_plic(&p, &h);
	route(&p, CTX_S, 10, 1);
	plic_set_level(&p, 10, true);
	assert_int_equal(claim(&p, CTX_S), 10);
	complete(&p, CTX_S, 10);
	assert_true(is_pending(&p, 10));
	assert_true(plic_context_pending(&p, CTX_S));
	assert_int_equal(claim(&p, CTX_S), 10);
}

static void test_complete_with_line_low_leaves_source_idle(void **state)
{
	struct plic p;
	struct fake_hv h;

	(void)state;
	setup_plic(&p, &h);
	route(&p, CTX_S, 10, 1);
	plic_set_level(&p, 10, true);
	assert_int_equal(claim(&p, CTX_S), 10);
	plic_set_level(&p, 10, false);
	complete(&p, CTX_S, 10);
	assert_false(is_pending(&p, 10));
	assert_int_equal(claim(&p, CTX_S), 0);
	/* Idle, not stuck in service: the next rising line is a request. */
	plic_set_level(&p, 10, true);
	assert_int_equal(claim(&p, CTX_S), 10);
}

static void test_complete_of_source_not_enabled_is_ignored(void **state)
{
	struct plic p;
	struct fake_hv h;

	(void)state;
	setup_plic(&p, &h);
	route(&p, CTX_S, 10, 1);
	plic_set_level(&p, 10, true);
	assert_int_equal(claim(&p, CTX_S), 10);
	plic_write(&p, enable_reg(CTX_S, 0), 0);
	complete(&p, CTX_S, 10);
	assert_int_equal(h.calls, 0);
	/* Still in service: enabling again shows no new request. */
	plic_write(&p, enable_reg(CTX_S, 0), 1u << 10);
	assert_int_equal(claim(&p, CTX_S), 0);
	complete(&p, CTX_S, 10);
	assert_int_equal(h.calls, 1);
	assert_int_equal(claim(&p, CTX_S), 10);
}

static void test_complete_from_context_without_the_source_is_ignored(void **state)
{
	struct plic p;
	struct fake_hv h;

	(void)state;
	setup_plic(&p, &h);
	route(&p, CTX_S, 10, 1);
	plic_set_level(&p, 10, true);
	assert_int_equal(claim(&p, CTX_S), 10);
	complete(&p, CTX_M, 10);
	assert_int_equal(h.calls, 0);
	assert_false(is_pending(&p, 10));
	complete(&p, CTX_S, 10);
	assert_int_equal(h.calls, 1);
}

static void test_complete_of_never_claimed_source_changes_nothing(void **state)
{
	struct plic p, before;
	struct fake_hv h;

	(void)state;
	setup_plic(&p, &h);
	route(&p, CTX_S, 10, 1);
	route(&p, CTX_S, 11, 1);
	plic_set_level(&p, 10, true);
	memcpy(&before, &p, sizeof(p));
	complete(&p, CTX_S, 10); /* pending, not claimed */
	complete(&p, CTX_S, 11); /* idle */
	assert_memory_equal(&p, &before, sizeof(p));
	assert_int_equal(h.calls, 0);
	assert_int_equal(claim(&p, CTX_S), 10);
	assert_int_equal(claim(&p, CTX_S), 0);
}

static void test_complete_of_ids_outside_sources_is_ignored(void **state)
{
	struct plic p, before;
	struct fake_hv h;

	(void)state;
	setup_plic(&p, &h);
	plic_write(&p, enable_reg(CTX_S, 0), 0xffffffffu);
	plic_write(&p, enable_reg(CTX_S, 1), 0xffffffffu);
	route(&p, CTX_S, 10, 1);
	plic_set_level(&p, 10, true);
	assert_int_equal(claim(&p, CTX_S), 10);
	memcpy(&before, &p, sizeof(p));
	complete(&p, CTX_S, 0);
	complete(&p, CTX_S, PLIC_NSOURCES);
	complete(&p, CTX_S, 10u + 64u);
	complete(&p, CTX_S, 0xffffffffu);
	assert_memory_equal(&p, &before, sizeof(p));
	assert_int_equal(h.calls, 0);
}

static void test_complete_callback_reports_the_source_once(void **state)
{
	struct plic p;
	struct fake_hv h;

	(void)state;
	setup_plic(&p, &h);
	route(&p, CTX_S, 33, 2);
	plic_set_level(&p, 33, true);
	assert_int_equal(claim(&p, CTX_S), 33);
	assert_int_equal(h.calls, 0);
	plic_set_level(&p, 33, false);
	complete(&p, CTX_S, 33);
	assert_int_equal(h.calls, 1);
	assert_int_equal(h.last_src, 33);
	complete(&p, CTX_S, 33);
	assert_int_equal(h.calls, 1);
}

/* The hypervisor may report the host line from inside the callback. */
static void relevel_complete(void *ctx, unsigned src)
{
	struct plic *p = ctx;

	plic_set_level(p, src, true);
}

static void test_complete_callback_runs_after_state_update(void **state)
{
	struct plic p;
	struct plic_io io = {relevel_complete, &p};

	(void)state;
	plic_init(&p, &io, TEST_HARTS);
	route(&p, CTX_S, 10, 1);
	plic_set_level(&p, 10, true);
	assert_int_equal(claim(&p, CTX_S), 10);
	plic_set_level(&p, 10, false);
	complete(&p, CTX_S, 10);
	assert_true(is_pending(&p, 10));
	assert_int_equal(claim(&p, CTX_S), 10);
}

static void test_null_io_is_harmless(void **state)
{
	struct plic p;

	(void)state;
	plic_init(&p, NULL, TEST_HARTS);
	route(&p, CTX_S, 10, 1);
	plic_set_level(&p, 10, true);
	assert_int_equal(claim(&p, CTX_S), 10);
	complete(&p, CTX_S, 10);
	assert_int_equal(claim(&p, CTX_S), 10);
}

static void test_claim_by_one_context_hides_source_from_other(void **state)
{
	struct plic p;
	struct fake_hv h;

	(void)state;
	setup_plic(&p, &h);
	route(&p, CTX_S, 10, 1);
	route(&p, CTX_M, 10, 1);
	plic_set_level(&p, 10, true);
	assert_true(plic_context_pending(&p, CTX_M));
	assert_true(plic_context_pending(&p, CTX_S));
	assert_int_equal(claim(&p, CTX_M), 10);
	assert_false(plic_context_pending(&p, CTX_S));
	assert_int_equal(claim(&p, CTX_S), 0);
	complete(&p, CTX_M, 10);
	assert_int_equal(h.calls, 1);
	assert_int_equal(claim(&p, CTX_S), 10);
}

static void test_context_pending_follows_each_context(void **state)
{
	struct plic p;
	struct fake_hv h;

	(void)state;
	setup_plic(&p, &h);
	route(&p, CTX_M, 10, 4);
	plic_set_level(&p, 10, true);
	assert_true(plic_context_pending(&p, CTX_M));
	assert_false(plic_context_pending(&p, CTX_S));
	assert_false(plic_context_pending(&p, NCTX));
	assert_false(plic_context_pending(&p, 0xffffffffu));
	plic_write(&p, threshold_reg(CTX_M), 4);
	assert_false(plic_context_pending(&p, CTX_M));
}

static void test_each_hart_has_its_own_s_context(void **state)
{
	struct plic p;
	struct fake_hv h;

	(void)state;
	setup_plic(&p, &h);
	route(&p, PLIC_CONTEXT_S(2), 10, 1);
	plic_set_level(&p, 10, true);
	assert_true(plic_context_pending(&p, PLIC_CONTEXT_S(2)));
	assert_false(plic_context_pending(&p, PLIC_CONTEXT_S(1)));
	assert_false(plic_context_pending(&p, PLIC_CONTEXT_M(2)));
	assert_int_equal(claim(&p, PLIC_CONTEXT_S(1)), 0);
	assert_int_equal(claim(&p, PLIC_CONTEXT_S(2)), 10);
	complete(&p, PLIC_CONTEXT_S(2), 10);
	assert_int_equal(h.calls, 1);
}

static void test_contexts_exist_only_for_its_harts(void **state)
{
	struct plic p;

	(void)state;
	plic_init(&p, NULL, 1);
	plic_write(&p, enable_reg(PLIC_CONTEXT_S(1), 0), 0xfffffffeu);
	plic_write(&p, threshold_reg(PLIC_CONTEXT_S(1)), 3);
	assert_int_equal(plic_read(&p, enable_reg(PLIC_CONTEXT_S(1), 0)), 0);
	assert_int_equal(plic_read(&p, threshold_reg(PLIC_CONTEXT_S(1))), 0);
	route(&p, CTX_S, 10, 1);
	plic_set_level(&p, 10, true);
	assert_int_equal(claim(&p, PLIC_CONTEXT_S(1)), 0);
	assert_false(plic_source_deliverable(&p, PLIC_CONTEXT_S(1), 10));
	assert_int_equal(claim(&p, CTX_S), 10);
	/* More harts than the model has are cut to its maximum. */
	plic_init(&p, NULL, PLIC_MAX_HARTS + 3);
	assert_int_equal(p.ncontexts, PLIC_MAX_CONTEXTS);
}

static void test_set_level_ignores_source_zero_and_out_of_range(void **state)
{
	struct plic p, before;
	struct fake_hv h;

	(void)state;
	setup_plic(&p, &h);
	memcpy(&before, &p, sizeof(p));
	plic_set_level(&p, 0, true);
	plic_set_level(&p, PLIC_NSOURCES, true);
	plic_set_level(&p, 0xffffffffu, true);
	assert_memory_equal(&p, &before, sizeof(p));
}

static void test_offsets_that_are_no_register_read_zero(void **state)
{
	const uint64_t holes[] = {
	    4u * PLIC_NSOURCES, /* after the priorities */
	    0xffc,
	    pending_reg(PLIC_NSOURCES / 32u), /* after the pending words */
	    0x1ffc,
	    enable_reg(NCTX, 0), /* the context after the last */
	    0x1ffffc,
	    PLIC_CONTEXT_BASE + 8, /* after claim/complete */
	    PLIC_CONTEXT_BASE + PLIC_CONTEXT_STRIDE - 4u,
	    threshold_reg(NCTX),
	    claim_reg(NCTX),
	    PLIC_SIZE - 4u,
	};
	struct plic p, before;
	struct fake_hv h;
	size_t i;

	(void)state;
	setup_plic(&p, &h);
	route(&p, CTX_S, 10, 1);
	route(&p, CTX_M, 10, 1);
	plic_set_level(&p, 10, true);
	memcpy(&before, &p, sizeof(p));
	for (i = 0; i < sizeof(holes) / sizeof(holes[0]); i++) {
		plic_write(&p, holes[i], 0xffffffffu);
		assert_int_equal(plic_read(&p, holes[i]), 0);
	}
	assert_memory_equal(&p, &before, sizeof(p));
}

/* The reference: the spec's rules over one bool per bit, registers built
 * bit by bit. Shares nothing with the model but the register map. */
struct ref {
	bool level[PLIC_NSOURCES];
	bool pending[PLIC_NSOURCES];
	bool claimed[PLIC_NSOURCES];
	bool enabled[NCTX][PLIC_NSOURCES];
	unsigned priority[PLIC_NSOURCES];
	unsigned threshold[NCTX];
	unsigned completions;
	unsigned last_completed;
};

static void ref_set_level(struct ref *r, unsigned src, bool level)
{
	if (src == 0 || src >= PLIC_NSOURCES)
		return;
	r->level[src] = level;
	if (level && !r->claimed[src])
		r->pending[src] = true;
}

static unsigned ref_best(const struct ref *r, unsigned ctx)
{
	unsigned best = 0, src;

	for (src = PLIC_NSOURCES - 1; src >= 1; src--)
		if (r->pending[src] && r->enabled[ctx][src] &&
		    r->priority[src] > r->threshold[ctx] &&
		    (best == 0 || r->priority[src] >= r->priority[best]))
			best = src;
	return best;
}

static unsigned ref_claim(struct ref *r, unsigned ctx)
{
	unsigned src = ref_best(r, ctx);

	if (src != 0) {
		r->pending[src] = false;
		r->claimed[src] = true;
	}
	return src;
}

static void ref_complete(struct ref *r, unsigned ctx, uint32_t id)
{
	if (id == 0 || id >= PLIC_NSOURCES || !r->enabled[ctx][id] || !r->claimed[id])
		return;
	r->claimed[id] = false;
	if (r->level[id])
		r->pending[id] = true;
	r->completions++;
	r->last_completed = id;
}

static uint32_t ref_bits(const bool *bits, unsigned word)
{
	uint32_t v = 0;
	unsigned i;

	for (i = 0; i < 32; i++)
		if (bits[32u * word + i])
			v |= 1u << i;
	return v;
}

static void ref_write_enable(struct ref *r, unsigned ctx, unsigned word, uint32_t v)
{
	unsigned i;

	for (i = 0; i < 32; i++)
		r->enabled[ctx][32u * word + i] = 32u * word + i != 0 && ((v >> i) & 1u) != 0;
}

/* xorshift32: reproducible without libc's rand(). */
static uint32_t next_rand(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* Mostly a handful of sources, so that they meet; now and then any ID,
 * including 0 and ones past the last source. */
static unsigned random_source(uint32_t r)
{
	static const unsigned few[] = {1, 2, 10, 31, 32, 33, 62, 63};

	if ((r & 0x3f) != 0)
		return few[(r >> 6) % 8u];
	return (r >> 6) % (PLIC_NSOURCES + 8u);
}

/* A source in service, searched from a random start; 0 if none. */
static unsigned some_claimed(const struct ref *r, uint32_t start)
{
	unsigned i, src;

	for (i = 0; i < PLIC_NSOURCES; i++) {
		src = (start + i) % PLIC_NSOURCES;
		if (r->claimed[src])
			return src;
	}
	return 0;
}

static void check_same_state(struct plic *p, const struct ref *r, const struct fake_hv *h)
{
	unsigned ctx, w, src;

	for (w = 0; w < PLIC_NSOURCES / 32u; w++) {
		assert_int_equal(plic_read(p, pending_reg(w)), ref_bits(r->pending, w));
		for (ctx = 0; ctx < NCTX; ctx++)
			assert_int_equal(plic_read(p, enable_reg(ctx, w)),
					 ref_bits(r->enabled[ctx], w));
	}
	for (ctx = 0; ctx < NCTX; ctx++) {
		assert_int_equal(plic_read(p, threshold_reg(ctx)), r->threshold[ctx]);
		assert_int_equal(plic_context_pending(p, ctx), ref_best(r, ctx) != 0);
	}
	for (src = 0; src < PLIC_NSOURCES; src++)
		assert_int_equal(plic_read(p, priority_reg(src)), r->priority[src]);
	assert_int_equal(h->calls, r->completions);
	assert_int_equal(h->last_src, r->last_completed);
}

static void test_random_operations_match_reference(void **state)
{
	struct plic p;
	struct fake_hv h;
	struct ref r;
	uint32_t seed = 0x2545f491u;
	unsigned i, claims = 0;

	(void)state;
	setup_plic(&p, &h);
	memset(&r, 0, sizeof(r));
	for (i = 0; i < 400000; i++) {
		uint32_t a = next_rand(&seed), v = next_rand(&seed);
		unsigned ctx = (a >> 8) % NCTX;
		unsigned src = random_source(a >> 12);
		unsigned word = (a >> 16) % (PLIC_NSOURCES / 32u);
		bool often = (a & 0x10000000u) != 0;
		unsigned got;
		uint32_t x;

		switch (a % 9u) {
		case 0:
		case 1:
			plic_set_level(&p, src, (v & 1u) != 0);
			ref_set_level(&r, src, (v & 1u) != 0);
			break;
		case 2:
		case 3:
			got = claim(&p, ctx);
			assert_int_equal(got, ref_claim(&r, ctx));
			if (got != 0)
				claims++;
			break;
		case 4:
			/* Mostly an ID in service, as a driver completes what
			 * it claimed; else any. */
			x = (v & 3u) != 0 ? some_claimed(&r, v >> 8) : (v & 4u) != 0 ? src : v;
			complete(&p, ctx, x);
			ref_complete(&r, ctx, x);
			break;
		case 5:
			if (src < PLIC_NSOURCES) {
				plic_write(&p, priority_reg(src), v);
				if (src != 0)
					r.priority[src] = v & 7u;
			}
			break;
		case 6:
			/* Low thresholds half the time, so that claims succeed. */
			x = often ? v % 3u : v;
			plic_write(&p, threshold_reg(ctx), x);
			r.threshold[ctx] = x & 7u;
			break;
		case 7:
			/* Half the sources enabled, or a quarter. */
			x = often ? v : v & next_rand(&seed);
			plic_write(&p, enable_reg(ctx, word), x);
			ref_write_enable(&r, ctx, word, x);
			break;
		default:
			plic_write(&p, pending_reg(word), v);
			assert_int_equal(plic_read(&p, pending_reg(word)),
					 ref_bits(r.pending, word));
			break;
		}
		if (i % 64u == 0)
			check_same_state(&p, &r, &h);
	}
	check_same_state(&p, &r, &h);
	/* The run exercised the interesting paths, not just empty claims. */
	assert_true(claims > 10000);
	assert_true(r.completions > 10000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_reset_state_reads_zero),
	    cmocka_unit_test(test_register_map_matches_qemu_virt),
	    cmocka_unit_test(test_priority_is_warl_three_bits),
	    cmocka_unit_test(test_priority_of_source_zero_reads_zero),
	    cmocka_unit_test(test_threshold_is_warl_three_bits_per_context),
	    cmocka_unit_test(test_enable_bit_of_source_zero_reads_zero),
	    cmocka_unit_test(test_enable_words_beyond_sources_read_zero),
	    cmocka_unit_test(test_enables_of_contexts_are_separate),
	    cmocka_unit_test(test_high_line_pends_even_when_disabled),
	    cmocka_unit_test(test_pending_is_read_only),
	    cmocka_unit_test(test_pending_stays_after_line_drops),
	    cmocka_unit_test(test_claim_with_nothing_pending_returns_zero),
	    cmocka_unit_test(test_claim_clears_pending_and_second_claim_returns_zero),
	    cmocka_unit_test(test_claim_picks_highest_priority),
	    cmocka_unit_test(test_claim_breaks_priority_ties_by_lowest_id),
	    cmocka_unit_test(test_threshold_masks_equal_and_lower_priorities),
	    cmocka_unit_test(test_source_deliverable_needs_enable_and_priority_above_threshold),
	    cmocka_unit_test(test_priority_zero_never_interrupts),
	    cmocka_unit_test(test_disabled_source_is_not_claimable),
	    cmocka_unit_test(test_claimed_source_does_not_pend_again_before_completion),
	    cmocka_unit_test(test_complete_pends_again_while_line_high),
	    cmocka_unit_test(test_complete_with_line_low_leaves_source_idle),
	    cmocka_unit_test(test_complete_of_source_not_enabled_is_ignored),
	    cmocka_unit_test(test_complete_from_context_without_the_source_is_ignored),
	    cmocka_unit_test(test_complete_of_never_claimed_source_changes_nothing),
	    cmocka_unit_test(test_complete_of_ids_outside_sources_is_ignored),
	    cmocka_unit_test(test_complete_callback_reports_the_source_once),
	    cmocka_unit_test(test_complete_callback_runs_after_state_update),
	    cmocka_unit_test(test_null_io_is_harmless),
	    cmocka_unit_test(test_claim_by_one_context_hides_source_from_other),
	    cmocka_unit_test(test_context_pending_follows_each_context),
	    cmocka_unit_test(test_each_hart_has_its_own_s_context),
	    cmocka_unit_test(test_contexts_exist_only_for_its_harts),
	    cmocka_unit_test(test_set_level_ignores_source_zero_and_out_of_range),
	    cmocka_unit_test(test_offsets_that_are_no_register_read_zero),
	    cmocka_unit_test(test_random_operations_match_reference),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
