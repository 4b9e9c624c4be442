/*
 * Host tests of src/core/vreal.c: the real sstatus and scounteren derived
 * from the virtual hart, one behaviour per test, then random harts and
 * real values against a reference written here with its own masks.
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
#include "core/vreal.h"
#include "core/vtrap.h"

/* The shell's real counters, faked (vcsr.c reads them). */
uint64_t hw_counter_read(unsigned csr)
{
	return 0x1000UL + csr;
}

static struct vhart fresh(void)
{
	struct vhart h;

	memset(&h, 0x3c, sizeof(h));
	vhart_reset(&h, 0x80200000UL);
	return h;
}

/* Whether the virtual hart may read counter csr (vcsr_emulate says so). */
static int counter_legal(const struct vhart *h, unsigned csr)
{
	struct vhart copy = *h;
	uint32_t insn = (uint32_t)(csr << 20 | FUNCT3_CSRRS << 12 | 10U << 7 | OPCODE_SYSTEM);

	return vcsr_emulate(&copy, insn, 0).status == VCSR_OK;
}

static void test_sstatus_spp_always_cleared(void **state)
{
	struct vhart h = fresh();

	(void)state;
	h.sstatus |= SSTATUS_SPP;
	assert_int_equal(vreal_sstatus(&h, SSTATUS_SPP) & SSTATUS_SPP, 0);
}

static void test_sstatus_spie_sie_always_cleared(void **state)
{
	struct vhart h = fresh();

	(void)state;
	h.sstatus |= SSTATUS_SIE | SSTATUS_SPIE;
	assert_int_equal(vreal_sstatus(&h, SSTATUS_SIE | SSTATUS_SPIE) &
				 (SSTATUS_SIE | SSTATUS_SPIE),
			 0);
}

static void test_sstatus_sum_cleared_even_if_guest_sets_it(void **state)
{
	struct vhart h = fresh();

	(void)state;
	h.sstatus |= SSTATUS_SUM;
	assert_int_equal(vreal_sstatus(&h, SSTATUS_SUM) & SSTATUS_SUM, 0);
}

static void test_sstatus_mxr_follows_guest(void **state)
{
	struct vhart h = fresh();

	(void)state;
	h.sstatus |= SSTATUS_MXR;
	assert_int_equal(vreal_sstatus(&h, 0) & SSTATUS_MXR, SSTATUS_MXR);
	h.sstatus &= ~SSTATUS_MXR;
	assert_int_equal(vreal_sstatus(&h, SSTATUS_MXR) & SSTATUS_MXR, 0);
}

static void test_sstatus_fs_follows_guest(void **state)
{
	struct vhart h = fresh();
	uint64_t fs, cur;

	(void)state;
	for (fs = FS_OFF; fs <= FS_DIRTY; fs++)
		for (cur = FS_OFF; cur <= FS_DIRTY; cur++) {
			h.sstatus = (h.sstatus & ~SSTATUS_FS) | fs << SSTATUS_FS_SHIFT;
			assert_int_equal(vreal_sstatus(&h, cur << SSTATUS_FS_SHIFT) & SSTATUS_FS,
					 fs << SSTATUS_FS_SHIFT);
		}
}

static void test_sstatus_other_bits_kept(void **state)
{
	struct vhart h = fresh();
	const uint64_t others = SSTATUS_UBE | SSTATUS_XS | SSTATUS_UXL | SSTATUS_SD | BIT(0) |
				BIT(2) | BIT(62);

	(void)state;
	h.sstatus = ~0UL;
	assert_int_equal(vreal_sstatus(&h, others) & ~(SSTATUS_MXR | SSTATUS_FS), others);
	h.sstatus = 0;
	assert_int_equal(vreal_sstatus(&h, ~0UL),
			 ~(SSTATUS_SIE | SSTATUS_SPIE | SSTATUS_SPP | SSTATUS_SUM | SSTATUS_MXR |
			   SSTATUS_FS));
}

static void test_scounteren_vs_enables_all_three(void **state)
{
	struct vhart h = fresh();

	(void)state;
	h.scounteren = 0;
	assert_int_equal(vreal_scounteren(&h), COUNTEREN_CY | COUNTEREN_TM | COUNTEREN_IR);
	h.scounteren = ~0UL;
	assert_int_equal(vreal_scounteren(&h), COUNTEREN_CY | COUNTEREN_TM | COUNTEREN_IR);
}

static void test_scounteren_vu_follows_guest(void **state)
{
	struct vhart h = fresh();

	(void)state;
	h.priv = PRV_U;
	h.scounteren = 0;
	assert_int_equal(vreal_scounteren(&h), 0);
	h.scounteren = COUNTEREN_TM;
	assert_int_equal(vreal_scounteren(&h), COUNTEREN_TM);
	h.scounteren = COUNTEREN_CY | COUNTEREN_IR;
	assert_int_equal(vreal_scounteren(&h), COUNTEREN_CY | COUNTEREN_IR);
}

static void test_scounteren_vu_drops_hpm_bits(void **state)
{
	struct vhart h = fresh();

	(void)state;
	h.priv = PRV_U;
	h.scounteren = ~0UL;
	assert_int_equal(vreal_scounteren(&h), COUNTEREN_CY | COUNTEREN_TM | COUNTEREN_IR);
	h.scounteren = ~7UL;
	assert_int_equal(vreal_scounteren(&h), 0);
}

static void test_scounteren_agrees_with_emulated_reads(void **state)
{
	static const unsigned csrs[] = { CSR_CYCLE, CSR_TIME, CSR_INSTRET };
	struct vhart h = fresh();
	uint64_t en;
	size_t i;

	(void)state;
	for (en = 0; en < 16; en++) {
		h.scounteren = en | (en << 8);
		for (h.priv = PRV_U; h.priv <= PRV_S; h.priv++)
			for (i = 0; i < 3; i++)
				assert_int_equal((vreal_scounteren(&h) >> i) & 1,
						 counter_legal(&h, csrs[i]));
	}
}

static uint64_t rng_state = 0x9e3779b97f4a7c15UL;

static uint64_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dUL;
}

static void test_random_harts_match_reference(void **state)
{
	struct vhart h = fresh();
	long step;

	(void)state;
	for (step = 0; step < 100000; step++) {
		uint64_t cur = rnd(), s, c;

		h.priv = rnd() % 2 ? PRV_S : PRV_U;
		h.sstatus = (rnd() & 0xc6122UL) | 2UL << 32;
		h.scounteren = rnd();
		s = vreal_sstatus(&h, cur);
		c = vreal_scounteren(&h);
		assert_int_equal(s & ~0xc6122UL, cur & ~0xc6122UL);
		assert_int_equal(s & 0xc6122UL, h.sstatus & 0x86000UL);
		assert_int_equal(c, h.priv == PRV_S ? 7 : h.scounteren & 7);
	}
}

/* The virtual hart an emulated instruction may leave: every field that
 * no real state derives from changed, SIE cleared. */
static void test_unchanged_for_fields_nothing_derives_from(void **state)
{
	struct vhart h = fresh();

	(void)state;
	h.sstatus |= SSTATUS_SIE | SSTATUS_SUM | SSTATUS_MXR;
	struct vreal_inputs in = vreal_inputs_of(&h);
	h.sscratch = 1;
	h.sepc = 2;
	h.scause = 3;
	h.stval = 4;
	h.stvec = 8;
	h.pc += 4;
	h.sstatus &= ~SSTATUS_SIE;
	h.sstatus |= SSTATUS_SPIE | SSTATUS_SPP;
	assert_true(vreal_unchanged(&h, &in));
}

static void test_changed_by_each_input(void **state)
{
	static const uint64_t bits[] = { SSTATUS_SUM, SSTATUS_MXR, 1UL << SSTATUS_FS_SHIFT,
					 2UL << SSTATUS_FS_SHIFT };
	struct vhart h = fresh();
	struct vreal_inputs in = vreal_inputs_of(&h);
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bits) / sizeof(bits[0]); i++) {
		struct vhart c = h;
		c.sstatus ^= bits[i];
		assert_false(vreal_unchanged(&c, &in));
	}
	struct vhart c = h;
	c.priv = PRV_U;
	assert_false(vreal_unchanged(&c, &in));
	c = h;
	c.satp = 8UL << 60 | 0x80000UL;
	assert_false(vreal_unchanged(&c, &in));
	c = h;
	c.scounteren = COUNTEREN_TM;
	assert_false(vreal_unchanged(&c, &in));
}

/* An interrupt to take now (here: SIE set with one pending and enabled)
 * must go the long way, where it is delivered. */
static void test_changed_when_an_interrupt_is_due(void **state)
{
	struct vhart h = fresh();

	(void)state;
	h.sie = MIP_SSIP;
	h.sip = MIP_SSIP;
	struct vreal_inputs in = vreal_inputs_of(&h);
	assert_true(vreal_unchanged(&h, &in));
	h.sstatus |= SSTATUS_SIE;
	assert_false(vreal_unchanged(&h, &in));
}

/* What the proof leaves to the reader: when vreal_unchanged() holds, the
 * real sstatus and scounteren derived from the new hart are those derived
 * from the old one, whatever the current real sstatus. */
static void test_unchanged_means_same_real_state(void **state)
{
	struct vhart a = fresh(), b = fresh();
	long step, same = 0;

	(void)state;
	for (step = 0; step < 200000; step++) {
		uint64_t cur = rnd();

		a.priv = rnd() % 2 ? PRV_S : PRV_U;
		a.sstatus = (rnd() & 0xc6122UL) | 2UL << 32;
		a.scounteren = rnd() % 4 ? 7 : rnd();
		a.satp = rnd() % 2 ? 0 : 8UL << 60;
		a.sie = rnd() & 0x222UL;
		a.sip = rnd() & 0x222UL;
		b = a;
		/* Flip a few bits of the fields the real state may derive from. */
		if (rnd() % 2)
			b.sstatus = (b.sstatus ^ (rnd() & rnd() & 0xc6122UL));
		if (rnd() % 8 == 0)
			b.priv ^= PRV_S ^ PRV_U;
		if (rnd() % 8 == 0)
			b.scounteren ^= 1UL << (rnd() % 4);
		struct vreal_inputs in = vreal_inputs_of(&a);
		if (!vreal_unchanged(&b, &in))
			continue;
		same++;
		assert_int_equal(vreal_sstatus(&b, cur), vreal_sstatus(&a, cur));
		assert_int_equal(vreal_scounteren(&b), vreal_scounteren(&a));
		assert_int_equal(b.sstatus & SSTATUS_SUM, a.sstatus & SSTATUS_SUM);
		assert_int_equal(vtrap_pending_interrupt(&b), 0);
	}
	assert_true(same > 10000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sstatus_spp_always_cleared),
		cmocka_unit_test(test_sstatus_spie_sie_always_cleared),
		cmocka_unit_test(test_sstatus_sum_cleared_even_if_guest_sets_it),
		cmocka_unit_test(test_sstatus_mxr_follows_guest),
		cmocka_unit_test(test_sstatus_fs_follows_guest),
		cmocka_unit_test(test_sstatus_other_bits_kept),
		cmocka_unit_test(test_scounteren_vs_enables_all_three),
		cmocka_unit_test(test_scounteren_vu_follows_guest),
		cmocka_unit_test(test_scounteren_vu_drops_hpm_bits),
		cmocka_unit_test(test_scounteren_agrees_with_emulated_reads),
		cmocka_unit_test(test_random_harts_match_reference),
		cmocka_unit_test(test_unchanged_for_fields_nothing_derives_from),
		cmocka_unit_test(test_changed_by_each_input),
		cmocka_unit_test(test_changed_when_an_interrupt_is_due),
		cmocka_unit_test(test_unchanged_means_same_real_state),
	};

	return cmocka_run_group_tests_name("vreal", tests, NULL, NULL);
}
