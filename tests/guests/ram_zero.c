/*
 * RAM at the first start of a guest: everything between the end of its
 * image and the device tree it was given reads zero, as natively (QEMU
 * starts with RAM zero). Under the hypervisor that RAM was never cleared
 * on a first start, but for the part where QEMU may have put its own copy
 * of the host's device tree: that copy (with the host's bootargs and
 * rng-seed) must not reach a guest.
 */
#include <stddef.h>

#include "rt/rt.h"

extern char rt_trap_stack_top[];

int main(void)
{
	const uint64_t *p = (const uint64_t *)rt_trap_stack_top;
	const uint64_t *end = (const uint64_t *)rt_dtb;
	const uint64_t *first = NULL;
	uint64_t nonzero = 0;
	CHECK(end > p);
	for (; p < end; p++)
		if (*p) {
			if (!first)
				first = p;
			nonzero++;
		}
	rt_printf("ram_zero: %lu KiB from %p to the device tree at %lx\n",
		  (rt_dtb - (uint64_t)rt_trap_stack_top) >> 10, (void *)rt_trap_stack_top, rt_dtb);
	if (first)
		rt_printf("ram_zero: first nonzero word at %p: %lx\n", (const void *)first, *first);
	CHECK_EQ(nonzero, 0);
	return 0;
}
