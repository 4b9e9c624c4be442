/* Host tests of src/hv/cmdline.c: hv.* options and the guest's bootargs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "hv/cmdline.h"

static struct hv_options defaults(void)
{
	return (struct hv_options){ .guest_mem = 128UL << 20 };
}

static void test_empty_line_keeps_defaults(void **state)
{
	struct hv_options o = defaults();
	char args[64];

	(void)state;
	assert_null(cmdline_parse("", &o, args, sizeof(args)));
	assert_int_equal(o.guest_mem, 128UL << 20);
	assert_int_equal(o.initrd_size, 0);
	assert_string_equal(args, "");
}

static void test_guest_words_pass_through_in_order(void **state)
{
	struct hv_options o = defaults();
	char args[64];

	(void)state;
	assert_null(cmdline_parse("  console=hvc0   earlycon=sbi quiet ", &o, args, sizeof(args)));
	assert_string_equal(args, "console=hvc0 earlycon=sbi quiet");
}

static void test_hv_mem_with_suffixes(void **state)
{
	struct hv_options o = defaults();
	char args[64];

	(void)state;
	assert_null(cmdline_parse("hv.mem=256M", &o, args, sizeof(args)));
	assert_int_equal(o.guest_mem, 256UL << 20);
	assert_null(cmdline_parse("hv.mem=1G", &o, args, sizeof(args)));
	assert_int_equal(o.guest_mem, 1UL << 30);
	assert_null(cmdline_parse("hv.mem=0x400000", &o, args, sizeof(args)));
	assert_int_equal(o.guest_mem, 0x400000);
}

static void test_hv_options_are_removed_from_guest_args(void **state)
{
	struct hv_options o = defaults();
	char args[64];

	(void)state;
	assert_null(cmdline_parse("root=/dev/vda hv.mem=64M rw", &o, args, sizeof(args)));
	assert_string_equal(args, "root=/dev/vda rw");
}

static void test_hv_initrd_address_and_size(void **state)
{
	struct hv_options o = defaults();
	char args[64];

	(void)state;
	assert_null(cmdline_parse("hv.initrd=0x8a000000,12345", &o, args, sizeof(args)));
	assert_int_equal(o.initrd_addr, 0x8a000000UL);
	assert_int_equal(o.initrd_size, 12345);
}

static void test_bad_options_are_named(void **state)
{
	struct hv_options o = defaults();
	char args[64];
	const char *err;

	(void)state;
	err = cmdline_parse("hv.mem=lots", &o, args, sizeof(args));
	assert_non_null(err);
	assert_non_null(strstr(err, "hv.mem=lots"));
	assert_non_null(cmdline_parse("hv.mem=12Q", &o, args, sizeof(args)));
	assert_non_null(cmdline_parse("hv.mem", &o, args, sizeof(args)));
	assert_non_null(cmdline_parse("hv.initrd=0x80000000", &o, args, sizeof(args)));
	err = cmdline_parse("hv.frobnicate=1", &o, args, sizeof(args));
	assert_non_null(strstr(err, "unknown"));
	assert_non_null(cmdline_parse("hv.mem=99999999999999999G", &o, args, sizeof(args)));
}

static void test_guest_args_too_long_is_an_error(void **state)
{
	struct hv_options o = defaults();
	char args[8];

	(void)state;
	assert_non_null(cmdline_parse("abc defgh", &o, args, sizeof(args)));
	assert_null(cmdline_parse("abc def", &o, args, sizeof(args)));
	assert_string_equal(args, "abc def");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_line_keeps_defaults),
		cmocka_unit_test(test_guest_words_pass_through_in_order),
		cmocka_unit_test(test_hv_mem_with_suffixes),
		cmocka_unit_test(test_hv_options_are_removed_from_guest_args),
		cmocka_unit_test(test_hv_initrd_address_and_size),
		cmocka_unit_test(test_bad_options_are_named),
		cmocka_unit_test(test_guest_args_too_long_is_an_error),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
