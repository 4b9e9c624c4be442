/* Host tests of src/hv/cmdline.c: hv.* options, guest sections and each
 * guest's bootargs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "hv/cmdline.h"

static struct hv_options o;

static void test_empty_line_is_one_guest_with_nothing_given(void **state)
{
	(void)state;
	assert_null(cmdline_parse("", &o));
	assert_int_equal(o.nguests, 1);
	assert_int_equal(o.guest[0].mem, 0);
	assert_int_equal(o.guest[0].cpus, 0);
	assert_int_equal(o.guest[0].image_size, 0);
	assert_int_equal(o.guest[0].initrd_size, 0);
	assert_int_equal(o.guest[0].disk, CMDLINE_DISK_DEFAULT);
	assert_string_equal(o.guest[0].bootargs, "");
}

static void test_guest_words_pass_through_in_order(void **state)
{
	(void)state;
	assert_null(cmdline_parse("  console=hvc0   earlycon=sbi quiet ", &o));
	assert_string_equal(o.guest[0].bootargs, "console=hvc0 earlycon=sbi quiet");
}

static void test_hv_mem_with_suffixes(void **state)
{
	(void)state;
	assert_null(cmdline_parse("hv.mem=256M", &o));
	assert_int_equal(o.guest[0].mem, 256UL << 20);
	assert_null(cmdline_parse("hv.mem=1G", &o));
	assert_int_equal(o.guest[0].mem, 1UL << 30);
	assert_null(cmdline_parse("hv.mem=0x400000", &o));
	assert_int_equal(o.guest[0].mem, 0x400000);
}

static void test_hv_options_are_removed_from_guest_args(void **state)
{
	(void)state;
	assert_null(cmdline_parse("root=/dev/vda hv.mem=64M rw", &o));
	assert_string_equal(o.guest[0].bootargs, "root=/dev/vda rw");
}

static void test_hv_initrd_and_image_address_and_size(void **state)
{
	(void)state;
	assert_null(cmdline_parse("hv.initrd=0x8a000000,12345 hv.image=0x90000000,4K", &o));
	assert_int_equal(o.guest[0].initrd_addr, 0x8a000000UL);
	assert_int_equal(o.guest[0].initrd_size, 12345);
	assert_int_equal(o.guest[0].image_addr, 0x90000000UL);
	assert_int_equal(o.guest[0].image_size, 4096);
}

static void test_cpus_and_disk(void **state)
{
	(void)state;
	assert_null(cmdline_parse("hv.cpus=4 hv.disk=2", &o));
	assert_int_equal(o.guest[0].cpus, 4);
	assert_int_equal(o.guest[0].disk, 2);
	assert_null(cmdline_parse("hv.disk=none", &o));
	assert_int_equal(o.guest[0].disk, CMDLINE_DISK_NONE);
	assert_non_null(cmdline_parse("hv.cpus=0", &o));
	assert_non_null(cmdline_parse("hv.cpus=9", &o));
	assert_non_null(cmdline_parse("hv.disk=some", &o));
}

static void test_hv_guest_starts_the_next_guest(void **state)
{
	(void)state;
	assert_null(cmdline_parse("hv.mem=256M console=hvc0 hv.guest hv.cpus=2 quiet hv.guest",
				  &o));
	assert_int_equal(o.nguests, 3);
	assert_int_equal(o.guest[0].mem, 256UL << 20);
	assert_int_equal(o.guest[0].cpus, 0);
	assert_string_equal(o.guest[0].bootargs, "console=hvc0");
	assert_int_equal(o.guest[1].mem, 0);
	assert_int_equal(o.guest[1].cpus, 2);
	assert_string_equal(o.guest[1].bootargs, "quiet");
	assert_int_equal(o.guest[2].disk, CMDLINE_DISK_DEFAULT);
	assert_string_equal(o.guest[2].bootargs, "");
}

static void test_at_most_four_guests(void **state)
{
	const char *err;

	(void)state;
	assert_null(cmdline_parse("a hv.guest b hv.guest c hv.guest d", &o));
	assert_int_equal(o.nguests, 4);
	err = cmdline_parse("a hv.guest b hv.guest c hv.guest d hv.guest e", &o);
	assert_non_null(err);
	assert_non_null(strstr(err, "hv.guest"));
}

static void test_bad_options_are_named(void **state)
{
	const char *err;

	(void)state;
	err = cmdline_parse("hv.mem=lots", &o);
	assert_non_null(err);
	assert_non_null(strstr(err, "hv.mem=lots"));
	assert_non_null(cmdline_parse("hv.mem=12Q", &o));
	assert_non_null(cmdline_parse("hv.mem=0", &o));
	assert_non_null(cmdline_parse("hv.mem", &o));
	assert_non_null(cmdline_parse("hv.initrd=0x80000000", &o));
	assert_non_null(cmdline_parse("hv.image=0x80000000,0", &o));
	err = cmdline_parse("hv.frobnicate=1", &o);
	assert_non_null(strstr(err, "unknown"));
	assert_non_null(cmdline_parse("hv.mem=99999999999999999G", &o));
}

static void test_guest_args_too_long_is_an_error(void **state)
{
	char line[2 * CMDLINE_ARGS_SIZE];

	(void)state;
	memset(line, 'a', CMDLINE_ARGS_SIZE - 1);
	line[CMDLINE_ARGS_SIZE - 1] = '\0';
	assert_null(cmdline_parse(line, &o));
	assert_int_equal(strlen(o.guest[0].bootargs), CMDLINE_ARGS_SIZE - 1);
	strcat(line, " b");
	assert_non_null(cmdline_parse(line, &o));
	/* Each guest has the whole room. */
	memcpy(line + CMDLINE_ARGS_SIZE - 1, " hv.guest b", 12);
	assert_null(cmdline_parse(line, &o));
	assert_string_equal(o.guest[1].bootargs, "b");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_line_is_one_guest_with_nothing_given),
		cmocka_unit_test(test_guest_words_pass_through_in_order),
		cmocka_unit_test(test_hv_mem_with_suffixes),
		cmocka_unit_test(test_hv_options_are_removed_from_guest_args),
		cmocka_unit_test(test_hv_initrd_and_image_address_and_size),
		cmocka_unit_test(test_cpus_and_disk),
		cmocka_unit_test(test_hv_guest_starts_the_next_guest),
		cmocka_unit_test(test_at_most_four_guests),
		cmocka_unit_test(test_bad_options_are_named),
		cmocka_unit_test(test_guest_args_too_long_is_an_error),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
