/* Host tests of src/lib/string.c's memcpy and memset, built with their
 * names prefixed (lib_memcpy, ...) so that they do not stand in for the
 * host's: every length up to a few words at every alignment of source and
 * destination, against a byte loop, with the bytes around untouched. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

void *lib_memcpy(void *dst, const void *src, size_t n);
void *lib_memset(void *dst, int c, size_t n);

#define SPAN 200
#define GUARD 0xeeU

static unsigned char buf[SPAN + 64], want[SPAN + 64], src[SPAN + 64];

static void fill(unsigned char *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)(seed + i * 7);
}

static void test_memset_every_length_and_alignment(void **state)
{
	(void)state;
	for (size_t off = 0; off < 16; off++)
		for (size_t n = 0; n < SPAN - 16; n++) {
			for (size_t i = 0; i < sizeof(buf); i++)
				buf[i] = want[i] = GUARD;
			for (size_t i = 0; i < n; i++)
				want[off + i] = 0xa5;
			assert_ptr_equal(lib_memset(buf + off, 0xa5, n), buf + off);
			assert_memory_equal(buf, want, sizeof(buf));
		}
}

static void test_memset_takes_the_low_byte(void **state)
{
	(void)state;
	lib_memset(buf, 0x1234, 40);
	for (size_t i = 0; i < 40; i++)
		assert_int_equal(buf[i], 0x34);
}

static void test_memcpy_every_length_and_alignment(void **state)
{
	(void)state;
	fill(src, sizeof(src), 3);
	for (size_t doff = 0; doff < 16; doff++)
		for (size_t soff = 0; soff < 16; soff++)
			for (size_t n = 0; n < SPAN - 16; n += 1 + n / 16) {
				for (size_t i = 0; i < sizeof(buf); i++)
					buf[i] = want[i] = GUARD;
				for (size_t i = 0; i < n; i++)
					want[doff + i] = src[soff + i];
				assert_ptr_equal(lib_memcpy(buf + doff, src + soff, n), buf + doff);
				assert_memory_equal(buf, want, sizeof(buf));
			}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_memset_every_length_and_alignment),
		cmocka_unit_test(test_memset_takes_the_low_byte),
		cmocka_unit_test(test_memcpy_every_length_and_alignment),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
