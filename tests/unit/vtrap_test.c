/*
 * Host tests of src/core/vtrap.c: trap entry into vS and sret, one
 * behaviour per test, then random states against a reference model.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "encoding.h"
#include "core/vcsr.h"
#include "core/vhart.h"
#include "core/vtrap.h"

#define UXL64 (XLEN_64 << SSTATUS_UXL_SHIFT)

/* The shell's real counters (vcsr.c reads them): not used here. */
uint64_t hw_counter_read(unsigned csr)
{
	return 0x1000UL + csr;
}

static struct vhart fresh(void)
{
	struct vhart h;

	memset(&h, 0x5a, sizeof(h));
	vhart_reset(&h, 0x80200000UL);
	h.pc = 0x80201234UL;
	h.stvec = 0x80300000UL;
	return h;
}

static void test_trap_enter_sets_cause_tval_epc(void **state)
{
	struct vhart h = fresh();

	(void)state;
	vtrap_enter(&h, CAUSE_LOAD_PAGE_FAULT, 0xdead000UL);
	assert_int_equal(h.scause, CAUSE_LOAD_PAGE_FAULT);
	assert_int_equal(h.stval, 0xdead000UL);
	assert_int_equal(h.sepc, 0x80201234UL);
}

static void test_trap_enter_from_vs_sets_spp(void **state)
{
	struct vhart h = fresh();

	(void)state;
	vtrap_enter(&h, CAUSE_ILLEGAL_INSTRUCTION, 0);
	assert_true(h.sstatus & SSTATUS_SPP);
	assert_int_equal(h.priv, PRV_S);
}

static void test_trap_enter_from_vu_clears_spp(void **state)
{
	struct vhart h = fresh();

	(void)state;
	h.priv = PRV_U;
	h.sstatus |= SSTATUS_SPP;
	vtrap_enter(&h, CAUSE_USER_ECALL, 0);
	assert_false(h.sstatus & SSTATUS_SPP);
	assert_int_equal(h.priv, PRV_S);
}

static void test_trap_enter_moves_sie_to_spie(void **state)
{
	struct vhart h = fresh();

	(void)state;
	h.sstatus |= SSTATUS_SIE;
	vtrap_enter(&h, CAUSE_BREAKPOINT, 0);
	assert_true(h.sstatus & SSTATUS_SPIE);
	assert_false(h.sstatus & SSTATUS_SIE);
	h.sstatus &= ~(SSTATUS_SIE | SSTATUS_SPIE);
	vtrap_enter(&h, CAUSE_BREAKPOINT, 0);
	assert_false(h.sstatus & SSTATUS_SPIE);
}

static void test_trap_enter_keeps_fs_sum_mxr_uxl(void **state)
{
	struct vhart h = fresh();
	uint64_t kept = SSTATUS_FS | SSTATUS_SUM | SSTATUS_MXR | UXL64;

	(void)state;
	h.sstatus = kept | SSTATUS_SIE;
	vtrap_enter(&h, CAUSE_BREAKPOINT, 0);
	assert_int_equal(h.sstatus, kept | SSTATUS_SPIE | SSTATUS_SPP);
}

static void test_trap_enter_direct_exception_goes_to_base(void **state)
{
	struct vhart h = fresh();

	(void)state;
	vtrap_enter(&h, CAUSE_STORE_PAGE_FAULT, 0);
	assert_int_equal(h.pc, 0x80300000UL);
}

static void test_trap_enter_direct_interrupt_goes_to_base(void **state)
{
	struct vhart h = fresh();

	(void)state;
	vtrap_enter(&h, CAUSE_INTERRUPT | IRQ_S_TIMER, 0);
	assert_int_equal(h.pc, 0x80300000UL);
	assert_int_equal(h.scause, CAUSE_INTERRUPT | IRQ_S_TIMER);
}

static void test_trap_enter_vectored_interrupt(void **state)
{
	struct vhart h = fresh();

	(void)state;
	h.stvec = 0x80300000UL | TVEC_MODE_VECTORED;
	vtrap_enter(&h, CAUSE_INTERRUPT | IRQ_S_EXT, 0);
	assert_int_equal(h.pc, 0x80300000UL + 4 * IRQ_S_EXT);
}

static void test_trap_enter_vectored_exception_goes_to_base(void **state)
{
	struct vhart h = fresh();

	(void)state;
	h.stvec = 0x80300000UL | TVEC_MODE_VECTORED;
	vtrap_enter(&h, CAUSE_USER_ECALL, 0);
	assert_int_equal(h.pc, 0x80300000UL);
}

static void test_trap_enter_clears_sepc_bit0(void **state)
{
	struct vhart h = fresh();

	(void)state;
	h.pc = 0x80201235UL;
	vtrap_enter(&h, CAUSE_MISALIGNED_FETCH, h.pc);
	assert_int_equal(h.sepc, 0x80201234UL);
	assert_int_equal(h.stval, 0x80201235UL);
}

static void test_sret_from_vu_is_illegal(void **state)
{
	struct vhart h = fresh(), before;

	(void)state;
	h.priv = PRV_U;
	before = h;
	assert_int_equal(vtrap_sret(&h), VCSR_ILLEGAL);
	assert_memory_equal(&before, &h, sizeof(h));
}

static void test_sret_returns_to_spp(void **state)
{
	struct vhart h = fresh();

	(void)state;
	h.sstatus |= SSTATUS_SPP;
	assert_int_equal(vtrap_sret(&h), VCSR_OK);
	assert_int_equal(h.priv, PRV_S);
	assert_int_equal(vtrap_sret(&h), VCSR_OK); /* SPP is now U */
	assert_int_equal(h.priv, PRV_U);
}

static void test_sret_restores_sie_from_spie(void **state)
{
	struct vhart h = fresh();

	(void)state;
	h.sstatus |= SSTATUS_SPIE | SSTATUS_SPP;
	vtrap_sret(&h);
	assert_true(h.sstatus & SSTATUS_SIE);
	h.sstatus &= ~SSTATUS_SPIE;
	vtrap_sret(&h);
	assert_false(h.sstatus & SSTATUS_SIE);
}

static void test_sret_sets_spie_and_clears_spp(void **state)
{
	struct vhart h = fresh();

	(void)state;
	h.sstatus |= SSTATUS_SPP | SSTATUS_FS | SSTATUS_SUM;
	vtrap_sret(&h);
	assert_int_equal(h.sstatus, SSTATUS_SPIE | SSTATUS_FS | SSTATUS_SUM | UXL64);
}

static void test_sret_jumps_to_sepc(void **state)
{
	struct vhart h = fresh();

	(void)state;
	h.sepc = 0x80400000UL;
	vtrap_sret(&h);
	assert_int_equal(h.pc, 0x80400000UL);
}

static void test_trap_then_sret_round_trip(void **state)
{
	struct vhart h = fresh();

	(void)state;
	h.priv = PRV_U;
	h.sstatus |= SSTATUS_SIE;
	vtrap_enter(&h, CAUSE_USER_ECALL, 0);
	h.sepc += 4; /* the handler skips the ecall */
	assert_int_equal(vtrap_sret(&h), VCSR_OK);
	assert_int_equal(h.priv, PRV_U);
	assert_int_equal(h.pc, 0x80201238UL);
	assert_true(h.sstatus & SSTATUS_SIE);
}

static void test_no_interrupt_when_nothing_pending(void **state)
{
	struct vhart h = fresh();

	(void)state;
	h.sstatus |= SSTATUS_SIE;
	h.sie = MIP_SSIP | MIP_STIP | MIP_SEIP;
	assert_int_equal(vtrap_pending_interrupt(&h), 0);
	assert_false(vtrap_wfi_wakes(&h));
}

static void test_interrupt_needs_sie_bit(void **state)
{
	struct vhart h = fresh();

	(void)state;
	h.sstatus |= SSTATUS_SIE;
	h.sip = MIP_STIP;
	h.sie = MIP_SSIP;
	assert_int_equal(vtrap_pending_interrupt(&h), 0);
	assert_false(vtrap_wfi_wakes(&h));
}

static void test_interrupt_in_vs_needs_sstatus_sie(void **state)
{
	struct vhart h = fresh();

	(void)state;
	h.sip = MIP_STIP;
	h.sie = MIP_STIP;
	assert_int_equal(vtrap_pending_interrupt(&h), 0);
	/* WFI wakes even with interrupts globally off. */
	assert_true(vtrap_wfi_wakes(&h));
	h.sstatus |= SSTATUS_SIE;
	assert_int_equal(vtrap_pending_interrupt(&h), CAUSE_INTERRUPT | IRQ_S_TIMER);
}

static void test_interrupt_in_vu_ignores_sstatus_sie(void **state)
{
	struct vhart h = fresh();

	(void)state;
	h.priv = PRV_U;
	h.sip = MIP_SSIP;
	h.sie = MIP_SSIP;
	assert_int_equal(vtrap_pending_interrupt(&h), CAUSE_INTERRUPT | IRQ_S_SOFT);
}

static void test_interrupt_priority_sei_ssi_sti(void **state)
{
	struct vhart h = fresh();

	(void)state;
	h.sstatus |= SSTATUS_SIE;
	h.sie = MIP_SSIP | MIP_STIP | MIP_SEIP;
	h.sip = MIP_SSIP | MIP_STIP | MIP_SEIP;
	assert_int_equal(vtrap_pending_interrupt(&h), CAUSE_INTERRUPT | IRQ_S_EXT);
	h.sip = MIP_SSIP | MIP_STIP;
	assert_int_equal(vtrap_pending_interrupt(&h), CAUSE_INTERRUPT | IRQ_S_SOFT);
	h.sip = MIP_STIP;
	assert_int_equal(vtrap_pending_interrupt(&h), CAUSE_INTERRUPT | IRQ_S_TIMER);
}

/* Reference model, from the privileged spec 4.1.1 and 3.3.2. */
static void ref_enter(struct vhart *h, uint64_t cause, uint64_t tval)
{
	uint64_t s = h->sstatus & ~0x122UL; /* SIE SPIE SPP */

	if (h->sstatus & 2)
		s |= 0x20;
	if (h->priv == 1)
		s |= 0x100;
	h->sstatus = s;
	h->scause = cause;
	h->stval = tval;
	h->sepc = h->pc & ~1UL;
	h->priv = 1;
	h->pc = h->stvec & ~3UL;
	if ((cause >> 63) && (h->stvec & 3) == 1)
		h->pc += 4 * (cause & ~(1UL << 63));
}

static enum vcsr_status ref_sret(struct vhart *h)
{
	uint64_t s = h->sstatus & ~0x122UL;

	if (h->priv == 0)
		return VCSR_ILLEGAL;
	h->priv = (h->sstatus >> 8) & 1;
	if (h->sstatus & 0x20)
		s |= 2;
	h->sstatus = s | 0x20;
	h->pc = h->sepc;
	return VCSR_OK;
}

static uint64_t rng_state = 0x9e3779b97f4a7c15UL;

static uint64_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dUL;
}

static void test_random_traps_and_srets_match_reference(void **state)
{
	long step;

	(void)state;
	for (step = 0; step < 200000; step++) {
		struct vhart h = fresh(), ref;
		uint64_t cause = rnd();

		/* A random valid hart: only the values the WARL invariant allows. */
		h.priv = rnd() % 2 ? PRV_S : PRV_U;
		h.pc = rnd();
		h.sstatus = (rnd() & 0xc6122UL) | UXL64;
		h.stvec = rnd() & ~2UL;
		if (step % 3 == 0) /* interrupts with a small code, and near the top */
			cause = CAUSE_INTERRUPT | (rnd() % 16);
		h.sepc = rnd() & ~1UL;
		ref = h;
		if (rnd() % 2) {
			vtrap_enter(&h, cause, (uint64_t)step);
			ref_enter(&ref, cause, (uint64_t)step);
		} else {
			assert_int_equal(vtrap_sret(&h), ref_sret(&ref));
		}
		assert_memory_equal(&h, &ref, sizeof(h));
		assert_int_equal(h.sepc & 1, 0);
		assert_true((h.sstatus & ~(0xc6122UL | UXL64)) == 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_trap_enter_sets_cause_tval_epc),
		cmocka_unit_test(test_trap_enter_from_vs_sets_spp),
		cmocka_unit_test(test_trap_enter_from_vu_clears_spp),
		cmocka_unit_test(test_trap_enter_moves_sie_to_spie),
		cmocka_unit_test(test_trap_enter_keeps_fs_sum_mxr_uxl),
		cmocka_unit_test(test_trap_enter_direct_exception_goes_to_base),
		cmocka_unit_test(test_trap_enter_direct_interrupt_goes_to_base),
		cmocka_unit_test(test_trap_enter_vectored_interrupt),
		cmocka_unit_test(test_trap_enter_vectored_exception_goes_to_base),
		cmocka_unit_test(test_trap_enter_clears_sepc_bit0),
		cmocka_unit_test(test_sret_from_vu_is_illegal),
		cmocka_unit_test(test_sret_returns_to_spp),
		cmocka_unit_test(test_sret_restores_sie_from_spie),
		cmocka_unit_test(test_sret_sets_spie_and_clears_spp),
		cmocka_unit_test(test_sret_jumps_to_sepc),
		cmocka_unit_test(test_trap_then_sret_round_trip),
		cmocka_unit_test(test_random_traps_and_srets_match_reference),
		cmocka_unit_test(test_no_interrupt_when_nothing_pending),
		cmocka_unit_test(test_interrupt_needs_sie_bit),
		cmocka_unit_test(test_interrupt_in_vs_needs_sstatus_sie),
		cmocka_unit_test(test_interrupt_in_vu_ignores_sstatus_sie),
		cmocka_unit_test(test_interrupt_priority_sei_ssi_sti),
	};

	return cmocka_run_group_tests_name("vtrap", tests, NULL, NULL);
}
