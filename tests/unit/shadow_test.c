/* Host tests of the ASID decision in src/hv/shadow.h: unique real ASIDs
 * only when every vCPU's roots fit beside the hypervisor's ASID 0. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "hv/shadow.h"

static void test_no_asid_bits_means_asid_zero_and_fences(void **state)
{
	(void)state;
	assert_int_equal(shadow_asid_first(0, 1), 0);
}

static void test_qemu_width_gives_every_vcpu_its_own(void **state)
{
	(void)state;
	assert_int_equal(shadow_asid_first(16, 1), 1);
	assert_int_equal(shadow_asid_first(16, 32), 1);
}

static void test_exactly_enough_and_one_short(void **state)
{
	(void)state;
	/* 6 bits: 64 ASIDs, 0 taken; 2 vCPUs need 50 more, 3 need 75. */
	assert_int_equal(SHADOW_ASIDS, 25);
	assert_int_equal(shadow_asid_first(6, 2), 1);
	assert_int_equal(shadow_asid_first(6, 3), 0);
	assert_int_equal(shadow_asid_first(7, 5), 1);
	assert_int_equal(shadow_asid_first(7, 6), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_asid_bits_means_asid_zero_and_fences),
		cmocka_unit_test(test_qemu_width_gives_every_vcpu_its_own),
		cmocka_unit_test(test_exactly_enough_and_one_short),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
