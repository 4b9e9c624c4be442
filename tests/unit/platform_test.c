/* Host tests of src/hv/platform.c: what the hypervisor learns from a host
 * device tree shaped like QEMU virt's (built here with libfdt), and the ISA
 * extension lookup. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <libfdt.h>

#include "hv/layout.h"
#include "hv/platform.h"

#define QEMU_ISA "rv64imafdch_zicsr_zifencei_zihintpause_zba_zbb_zbc_zbs_sstc"

static char tree[8192] __attribute__((aligned(8)));
/* The root's compatible (QEMU virt's), or none if NULL. */
static const char *root_compatible = "riscv-virtio";

static void reg(void *fdt, uint64_t base, uint64_t size)
{
	fdt64_t r[2] = { cpu_to_fdt64(base), cpu_to_fdt64(size) };
	assert_int_equal(fdt_property(fdt, "reg", r, sizeof(r)), 0);
}

/* harts: cpu@0..cpu@harts-1 with intc phandles 1..harts; the PLIC lists
 * (M external, S external) per hart, as QEMU virt does; virtio slots at
 * 0x10001000 + 0x1000 * i with interrupt i + 1. */
static uint64_t build_tree(unsigned harts, unsigned virtio_slots, bool with_plic)
{
	void *fdt = tree;
	assert_int_equal(fdt_create(fdt, sizeof(tree)), 0);
	assert_int_equal(fdt_finish_reservemap(fdt), 0);
	assert_int_equal(fdt_begin_node(fdt, ""), 0);
	assert_int_equal(fdt_property_u32(fdt, "#address-cells", 2), 0);
	assert_int_equal(fdt_property_u32(fdt, "#size-cells", 2), 0);
	if (root_compatible)
		assert_int_equal(fdt_property(fdt, "compatible", root_compatible,
					      (int)strlen(root_compatible) + 1), 0);
	assert_int_equal(fdt_begin_node(fdt, "memory@80000000"), 0);
	assert_int_equal(fdt_property_string(fdt, "device_type", "memory"), 0);
	reg(fdt, 0x80000000UL, 512UL << 20);
	assert_int_equal(fdt_end_node(fdt), 0);

	assert_int_equal(fdt_begin_node(fdt, "cpus"), 0);
	assert_int_equal(fdt_property_u32(fdt, "#address-cells", 1), 0);
	assert_int_equal(fdt_property_u32(fdt, "#size-cells", 0), 0);
	assert_int_equal(fdt_property_u32(fdt, "timebase-frequency", 10000000), 0);
	for (unsigned h = 0; h < harts; h++) {
		char name[16];
		snprintf(name, sizeof(name), "cpu@%u", h);
		assert_int_equal(fdt_begin_node(fdt, name), 0);
		assert_int_equal(fdt_property_string(fdt, "device_type", "cpu"), 0);
		assert_int_equal(fdt_property_u32(fdt, "reg", h), 0);
		assert_int_equal(fdt_property_string(fdt, "riscv,isa", QEMU_ISA), 0);
		assert_int_equal(fdt_begin_node(fdt, "interrupt-controller"), 0);
		assert_int_equal(fdt_property_string(fdt, "compatible", "riscv,cpu-intc"), 0);
		assert_int_equal(fdt_property_u32(fdt, "phandle", h + 1), 0);
		assert_int_equal(fdt_end_node(fdt), 0);
		assert_int_equal(fdt_end_node(fdt), 0);
	}
	assert_int_equal(fdt_end_node(fdt), 0);

	assert_int_equal(fdt_begin_node(fdt, "soc"), 0);
	assert_int_equal(fdt_property_u32(fdt, "#address-cells", 2), 0);
	assert_int_equal(fdt_property_u32(fdt, "#size-cells", 2), 0);
	for (unsigned i = virtio_slots; i-- > 0;) {
		char name[32];
		snprintf(name, sizeof(name), "virtio_mmio@%x", 0x10001000 + 0x1000 * i);
		assert_int_equal(fdt_begin_node(fdt, name), 0);
		assert_int_equal(fdt_property_u32(fdt, "interrupts", i + 1), 0);
		reg(fdt, 0x10001000UL + 0x1000UL * i, 0x1000);
		assert_int_equal(fdt_property_string(fdt, "compatible", "virtio,mmio"), 0);
		assert_int_equal(fdt_end_node(fdt), 0);
	}
	if (with_plic) {
		fdt32_t ext[16];
		for (unsigned h = 0; h < harts; h++) {
			ext[4 * h] = cpu_to_fdt32(h + 1);
			ext[4 * h + 1] = cpu_to_fdt32(11);
			ext[4 * h + 2] = cpu_to_fdt32(h + 1);
			ext[4 * h + 3] = cpu_to_fdt32(9);
		}
		assert_int_equal(fdt_begin_node(fdt, "plic@c000000"), 0);
		assert_int_equal(fdt_property_u32(fdt, "riscv,ndev", 0x60), 0);
		reg(fdt, 0x0c000000UL, 0x600000);
		assert_int_equal(fdt_property(fdt, "interrupts-extended", ext,
					      (int)(16 * harts)), 0);
		assert_int_equal(fdt_property(fdt, "compatible",
					      "sifive,plic-1.0.0\0riscv,plic0", 30), 0);
		assert_int_equal(fdt_end_node(fdt), 0);
	}
	assert_int_equal(fdt_end_node(fdt), 0);
	assert_int_equal(fdt_end_node(fdt), 0);
	assert_int_equal(fdt_finish(fdt), 0);
	/* The hypervisor reaches physical memory through its window. */
	return (uint64_t)(uintptr_t)tree - HV_WINDOW_BASE;
}

static void test_probe_finds_ram_timebase_and_isa(void **state)
{
	struct platform p;

	(void)state;
	assert_int_equal(platform_probe(&p, build_tree(1, 8, true)), 0);
	assert_int_equal(p.ram.start, 0x80000000UL);
	assert_int_equal(p.ram.end, 0xa0000000UL);
	assert_int_equal(p.timebase_hz, 10000000);
	assert_string_equal(p.isa, QEMU_ISA);
}

/* QEMU virt's own device tree copy lies in the 4 MiB below the end of RAM
 * or 3 GiB; on another machine nothing is known. */
static void test_loader_dt_on_qemu_virt_only(void **state)
{
	struct platform p;

	(void)state;
	assert_int_equal(platform_probe(&p, build_tree(1, 0, true)), 0);
	assert_true(p.qemu_virt);
	struct mem_range r = platform_loader_dt(&p);
	assert_int_equal(r.start, 0xa0000000UL - (4UL << 20));
	assert_int_equal(r.end, 0xa0000000UL);
	p.ram.end = 0x80000000UL + (8UL << 30);
	r = platform_loader_dt(&p);
	assert_int_equal(r.start, (3UL << 30) - (4UL << 20));
	assert_int_equal(r.end, 3UL << 30);
	p.ram.end = 0x80000000UL + (2UL << 20);
	r = platform_loader_dt(&p);
	assert_int_equal(r.end - r.start, 0);

	root_compatible = "sifive,hifive-unmatched-a00";
	assert_int_equal(platform_probe(&p, build_tree(1, 0, true)), 0);
	root_compatible = "riscv-virtio";
	assert_false(p.qemu_virt);
	r = platform_loader_dt(&p);
	assert_int_equal(r.end - r.start, 0);
}

static void test_probe_finds_plic_and_the_harts_s_context(void **state)
{
	struct platform p;

	(void)state;
	assert_int_equal(platform_probe(&p, build_tree(1, 8, true)), 0);
	assert_int_equal(p.plic.base, 0x0c000000UL);
	assert_int_equal(p.plic.size, 0x600000UL);
	assert_int_equal(p.plic.ndev, 0x60);
	assert_int_equal(p.nharts, 1);
	assert_true(p.harts[0].has_plic_context);
	assert_int_equal(p.harts[0].plic_s_context, 1);

	/* Four harts: hart h's S context is entry 2h + 1. */
	assert_int_equal(platform_probe(&p, build_tree(4, 0, true)), 0);
	assert_int_equal(p.nharts, 4);
	for (unsigned h = 0; h < 4; h++) {
		assert_int_equal(p.harts[h].hartid, h);
		assert_string_equal(p.harts[h].isa, QEMU_ISA);
		assert_true(p.harts[h].has_plic_context);
		assert_int_equal(p.harts[h].plic_s_context, 2 * h + 1);
	}
}

static void test_probe_without_plic_or_hart_reports_none(void **state)
{
	struct platform p;

	(void)state;
	assert_int_equal(platform_probe(&p, build_tree(1, 1, false)), 0);
	assert_int_equal(p.plic.size, 0);
	assert_false(p.harts[0].has_plic_context);
	/* Only the harts the tree has are listed: hart 3 of a one-hart tree
	 * is not there for the boot code to find. */
	assert_int_equal(platform_probe(&p, build_tree(1, 1, true)), 0);
	assert_int_equal(p.nharts, 1);
	assert_int_equal(p.harts[0].hartid, 0);
	assert_int_equal(platform_probe(&p, build_tree(0, 1, true)), 0);
	assert_int_equal(p.nharts, 0);
	assert_string_equal(p.isa, "");
}

static void test_probe_lists_virtio_slots_with_their_interrupts(void **state)
{
	struct platform p;

	(void)state;
	assert_int_equal(platform_probe(&p, build_tree(1, 8, true)), 0);
	assert_int_equal(p.nvirtio, 8);
	bool seen[9] = { false };
	for (unsigned i = 0; i < p.nvirtio; i++) {
		assert_int_equal(p.virtio[i].size, 0x1000);
		assert_true(p.virtio[i].irq >= 1 && p.virtio[i].irq <= 8);
		assert_int_equal(p.virtio[i].base, 0x10001000UL + 0x1000UL * (p.virtio[i].irq - 1));
		seen[p.virtio[i].irq] = true;
	}
	for (unsigned irq = 1; irq <= 8; irq++)
		assert_true(seen[irq]);
}

static void test_isa_has_matches_whole_extension_names(void **state)
{
	(void)state;
	assert_true(platform_isa_has(QEMU_ISA, "sstc"));
	assert_true(platform_isa_has(QEMU_ISA, "zicsr"));
	assert_true(platform_isa_has(QEMU_ISA, "zbs"));
	assert_false(platform_isa_has(QEMU_ISA, "zb"));
	assert_false(platform_isa_has(QEMU_ISA, "sst"));
	assert_false(platform_isa_has("rv64imafdc_zicsr", "sstc"));
	assert_false(platform_isa_has("rv64imafdc", "imafdc"));
	assert_false(platform_isa_has("", "sstc"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_probe_finds_ram_timebase_and_isa),
		cmocka_unit_test(test_loader_dt_on_qemu_virt_only),
		cmocka_unit_test(test_probe_finds_plic_and_the_harts_s_context),
		cmocka_unit_test(test_probe_without_plic_or_hart_reports_none),
		cmocka_unit_test(test_probe_lists_virtio_slots_with_their_interrupts),
		cmocka_unit_test(test_isa_has_matches_whole_extension_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
