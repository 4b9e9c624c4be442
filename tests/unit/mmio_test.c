/* Host tests of src/core/mmio.c: decoding trapped loads and stores, with
 * encodings taken from the GNU assembler, and load-value extension. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/mmio.h"

static void expect(uint32_t insn, enum mmio_kind kind, unsigned width, int sign,
		   unsigned reg, unsigned len, unsigned base, int64_t offset)
{
	struct mmio_insn d = mmio_decode(insn);
	assert_int_equal(d.kind, kind);
	assert_int_equal(d.width, width);
	assert_int_equal(d.sign_extend, sign);
	assert_int_equal(d.reg, reg);
	assert_int_equal(d.len, len);
	assert_int_equal(d.base, base);
	assert_int_equal(d.offset, offset);
}

static void test_rv64i_loads(void **state)
{
	(void)state;
	expect(0x0005a503, MMIO_LOAD, 4, 1, 10, 4, 11, 0); /* lw a0, 0(a1) */
	expect(0x00134283, MMIO_LOAD, 1, 0, 5, 4, 6, 1);  /* lbu t0, 1(t1) */
	expect(0xffe51483, MMIO_LOAD, 2, 1, 9, 4, 10, -2);  /* lh s1, -2(a0) */
	expect(0x00476783, MMIO_LOAD, 4, 0, 15, 4, 14, 4); /* lwu a5, 4(a4) */
	expect(0x00053003, MMIO_LOAD, 8, 0, 0, 4, 10, 0);  /* ld zero, 0(a0) */
}

static void test_rv64i_stores(void **state)
{
	(void)state;
	expect(0x00b53423, MMIO_STORE, 8, 0, 11, 4, 10, 8); /* sd a1, 8(a0) */
	expect(0x01f401a3, MMIO_STORE, 1, 0, 31, 4, 8, 3); /* sb t6, 3(s0) */
	expect(0x00c69123, MMIO_STORE, 2, 0, 12, 4, 13, 2); /* sh a2, 2(a3) */
}

static void test_compressed_register_forms(void **state)
{
	(void)state;
	expect(0x4188, MMIO_LOAD, 4, 1, 10, 2, 11, 0);  /* c.lw a0, 0(a1) */
	expect(0x6784, MMIO_LOAD, 8, 0, 9, 2, 15, 8);   /* c.ld s1, 8(a5) */
	expect(0xc258, MMIO_STORE, 4, 0, 14, 2, 12, 4); /* c.sw a4, 4(a2) */
	expect(0xe880, MMIO_STORE, 8, 0, 8, 2, 9, 16);  /* c.sd s0, 16(s1) */
}

static void test_compressed_stack_forms(void **state)
{
	(void)state;
	expect(0x4332, MMIO_LOAD, 4, 1, 6, 2, 2, 12);   /* c.lwsp t1, 12(sp) */
	expect(0x6962, MMIO_LOAD, 8, 0, 18, 2, 2, 24);  /* c.ldsp s2, 24(sp) */
	expect(0xc246, MMIO_STORE, 4, 0, 17, 2, 2, 4); /* c.swsp a7, 4(sp) */
	expect(0xe406, MMIO_STORE, 8, 0, 1, 2, 2, 8);  /* c.sdsp ra, 8(sp) */
}

static void test_compressed_upper_half_is_ignored(void **state)
{
	(void)state;
	expect(0xdead4188, MMIO_LOAD, 4, 1, 10, 2, 11, 0);
}

static void test_offsets_at_their_extremes(void **state)
{
	(void)state;
	expect(0x8005a503, MMIO_LOAD, 4, 1, 10, 4, 11, -2048); /* lw a0, -2048(a1) */
	expect(0x7eb53fa3, MMIO_STORE, 8, 0, 11, 4, 10, 2047); /* sd a1, 2047(a0) */
	expect(0xfff40fa3, MMIO_STORE, 1, 0, 31, 4, 8, -1);    /* sb t6, -1(s0) */
	expect(0x5de8, MMIO_LOAD, 4, 1, 10, 2, 11, 124);       /* c.lw a0, 124(a1) */
	expect(0x7fe4, MMIO_LOAD, 8, 0, 9, 2, 15, 248);        /* c.ld s1, 248(a5) */
	expect(0xc238, MMIO_STORE, 4, 0, 14, 2, 12, 64);       /* c.sw a4, 64(a2) */
	expect(0xe4c0, MMIO_STORE, 8, 0, 8, 2, 9, 136);        /* c.sd s0, 136(s1) */
	expect(0x537e, MMIO_LOAD, 4, 1, 6, 2, 2, 252);         /* c.lwsp t1, 252(sp) */
	expect(0x797e, MMIO_LOAD, 8, 0, 18, 2, 2, 504);        /* c.ldsp s2, 504(sp) */
	expect(0xdfc6, MMIO_STORE, 4, 0, 17, 2, 2, 252);       /* c.swsp a7, 252(sp) */
	expect(0xff86, MMIO_STORE, 8, 0, 1, 2, 2, 504);        /* c.sdsp ra, 504(sp) */
}

static void test_fp_loads_and_lr(void **state)
{
	(void)state;
	expect(0x00c5a507, MMIO_FP_LOAD, 4, 0, 10, 4, 11, 12); /* flw fa0, 12(a1) */
	expect(0xff813187, MMIO_FP_LOAD, 8, 0, 3, 4, 2, -8);   /* fld ft3, -8(sp) */
	expect(0x26f0, MMIO_FP_LOAD, 8, 0, 12, 2, 13, 200);    /* c.fld fa2, 200(a3) */
	expect(0x34de, MMIO_FP_LOAD, 8, 0, 9, 2, 2, 496);      /* c.fldsp fs1, 496(sp) */
	expect(0x1005a52f, MMIO_LR, 4, 1, 10, 4, 11, 0);       /* lr.w a0, (a1) */
	expect(0x1004b3af, MMIO_LR, 8, 0, 7, 4, 9, 0);         /* lr.d t2, (s1) */
	expect(0x1005b52f, MMIO_LR, 8, 0, 10, 4, 11, 0);       /* lr.d a0, (a1) */
}

static void test_fp_stores_atomics_and_reserved_are_invalid(void **state)
{
	(void)state;
	assert_int_equal(mmio_decode(0x00a5a227).kind, MMIO_INVALID); /* fsw */
	assert_int_equal(mmio_decode(0xa690).kind, MMIO_INVALID);     /* c.fsd */
	assert_int_equal(mmio_decode(0x18c5a52f).kind, MMIO_INVALID); /* sc.w */
	assert_int_equal(mmio_decode(0x00b6252f).kind, MMIO_INVALID); /* amoadd.w */
	assert_int_equal(mmio_decode(0x1025b52f).kind, MMIO_INVALID); /* lr.d with rs2 = 2 */
	assert_int_equal(mmio_decode(0x1005452f).kind, MMIO_INVALID); /* lr with funct3 4 */
	assert_int_equal(mmio_decode(0x00051507).kind, MMIO_INVALID); /* flh: no Zfh */
	assert_int_equal(mmio_decode(0x00007003).kind, MMIO_INVALID); /* load funct3 7 */
	assert_int_equal(mmio_decode(0x00004023).kind, MMIO_INVALID); /* store funct3 4 */
	assert_int_equal(mmio_decode(0x4002).kind, MMIO_INVALID);     /* c.lwsp x0 */
	assert_int_equal(mmio_decode(0x6002).kind, MMIO_INVALID);     /* c.ldsp x0 */
}

static void test_load_value_extension(void **state)
{
	(void)state;
	assert_int_equal(mmio_load_value(0x1234567880, 1, true), 0xffffffffffffff80UL);
	assert_int_equal(mmio_load_value(0x1234567880, 1, false), 0x80);
	assert_int_equal(mmio_load_value(0x12348000, 2, true), 0xffffffffffff8000UL);
	assert_int_equal(mmio_load_value(0x12347fff, 2, true), 0x7fff);
	assert_int_equal(mmio_load_value(0xff80000000UL, 4, true), 0xffffffff80000000UL);
	assert_int_equal(mmio_load_value(0xff80000000UL, 4, false), 0x80000000UL);
	assert_int_equal(mmio_load_value(0x8000000000000001UL, 8, true), 0x8000000000000001UL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rv64i_loads),
		cmocka_unit_test(test_rv64i_stores),
		cmocka_unit_test(test_compressed_register_forms),
		cmocka_unit_test(test_compressed_stack_forms),
		cmocka_unit_test(test_compressed_upper_half_is_ignored),
		cmocka_unit_test(test_offsets_at_their_extremes),
		cmocka_unit_test(test_fp_loads_and_lr),
		cmocka_unit_test(test_fp_stores_atomics_and_reserved_are_invalid),
		cmocka_unit_test(test_load_value_extension),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
