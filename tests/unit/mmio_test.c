/* Host tests of src/core/mmio.c: decoding trapped loads and stores, with
 * encodings taken from the GNU assembler, and load-value extension. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/mmio.h"

static void expect(uint32_t insn, enum mmio_kind kind, unsigned width, int sign,
		   unsigned reg, unsigned len)
{
	struct mmio_insn d = mmio_decode(insn);
	assert_int_equal(d.kind, kind);
	assert_int_equal(d.width, width);
	assert_int_equal(d.sign_extend, sign);
	assert_int_equal(d.reg, reg);
	assert_int_equal(d.len, len);
}

static void test_rv64i_loads(void **state)
{
	(void)state;
	expect(0x0005a503, MMIO_LOAD, 4, 1, 10, 4); /* lw a0, 0(a1) */
	expect(0x00134283, MMIO_LOAD, 1, 0, 5, 4);  /* lbu t0, 1(t1) */
	expect(0xffe51483, MMIO_LOAD, 2, 1, 9, 4);  /* lh s1, -2(a0) */
	expect(0x00476783, MMIO_LOAD, 4, 0, 15, 4); /* lwu a5, 4(a4) */
	expect(0x00053003, MMIO_LOAD, 8, 0, 0, 4);  /* ld zero, 0(a0) */
}

static void test_rv64i_stores(void **state)
{
	(void)state;
	expect(0x00b53423, MMIO_STORE, 8, 0, 11, 4); /* sd a1, 8(a0) */
	expect(0x01f401a3, MMIO_STORE, 1, 0, 31, 4); /* sb t6, 3(s0) */
	expect(0x00c69123, MMIO_STORE, 2, 0, 12, 4); /* sh a2, 2(a3) */
}

static void test_compressed_register_forms(void **state)
{
	(void)state;
	expect(0x4188, MMIO_LOAD, 4, 1, 10, 2);  /* c.lw a0, 0(a1) */
	expect(0x6784, MMIO_LOAD, 8, 0, 9, 2);   /* c.ld s1, 8(a5) */
	expect(0xc258, MMIO_STORE, 4, 0, 14, 2); /* c.sw a4, 4(a2) */
	expect(0xe880, MMIO_STORE, 8, 0, 8, 2);  /* c.sd s0, 16(s1) */
}

static void test_compressed_stack_forms(void **state)
{
	(void)state;
	expect(0x4332, MMIO_LOAD, 4, 1, 6, 2);   /* c.lwsp t1, 12(sp) */
	expect(0x6962, MMIO_LOAD, 8, 0, 18, 2);  /* c.ldsp s2, 24(sp) */
	expect(0xc246, MMIO_STORE, 4, 0, 17, 2); /* c.swsp a7, 4(sp) */
	expect(0xe406, MMIO_STORE, 8, 0, 1, 2);  /* c.sdsp ra, 8(sp) */
}

static void test_compressed_upper_half_is_ignored(void **state)
{
	(void)state;
	expect(0xdead4188, MMIO_LOAD, 4, 1, 10, 2);
}

static void test_fp_atomic_and_reserved_are_invalid(void **state)
{
	(void)state;
	assert_int_equal(mmio_decode(0x00052507).kind, MMIO_INVALID); /* flw */
	assert_int_equal(mmio_decode(0xa58c).kind, MMIO_INVALID);     /* c.fsd */
	assert_int_equal(mmio_decode(0x2588).kind, MMIO_INVALID);     /* c.fld */
	assert_int_equal(mmio_decode(0x00b6252f).kind, MMIO_INVALID); /* amoadd.w */
	assert_int_equal(mmio_decode(0x1005b52f).kind, MMIO_INVALID); /* lr.d */
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
		cmocka_unit_test(test_fp_atomic_and_reserved_are_invalid),
		cmocka_unit_test(test_load_value_extension),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
