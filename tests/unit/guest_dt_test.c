/* Host tests of src/hv/guest_dt.c: the guest's ISA string and device tree. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <libfdt.h>

#include "hv/guest_dt.h"

#define QEMU_ISA "rv64imafdch_zicsr_zifencei_zihintpause_zba_zbb_zbc_zbs_sstc"

static void test_isa_drops_h_and_sstc(void **state)
{
	char isa[128];

	(void)state;
	assert_int_equal(guest_dt_isa(QEMU_ISA, isa, sizeof(isa)), 0);
	assert_string_equal(isa, "rv64imafdc_zicsr_zifencei_zihintpause_zba_zbb_zbc_zbs");
}

static void test_isa_drops_unknown_letters_and_extensions(void **state)
{
	char isa[128];

	(void)state;
	assert_int_equal(guest_dt_isa("rv64imafdcvh_svinval_svpbmt_zicbom_zba", isa,
				      sizeof(isa)), 0);
	assert_string_equal(isa, "rv64imafdc_zba");
}

static void test_isa_rejects_non_rv64_and_short_buffers(void **state)
{
	char isa[8];

	(void)state;
	assert_int_equal(guest_dt_isa("rv32imac", isa, sizeof(isa)), -1);
	assert_int_equal(guest_dt_isa(QEMU_ISA, isa, sizeof(isa)), -1);
}

static const struct guest_dt_params params = {
	.ram_base = 0x80000000UL,
	.ram_size = 128UL << 20,
	.timebase_hz = 10000000,
	.ncpus = 1,
	.host_isa = QEMU_ISA,
	.bootargs = "console=hvc0",
	.initrd_start = 0x87000000UL,
	.initrd_end = 0x87100000UL,
	.uart_base = 0x10000000UL,
	.uart_size = 0x100,
	.uart_clock_hz = 3686400,
	.uart_irq = 10,
	.plic_base = 0x0c000000UL,
	.plic_size = 0x600000,
	.plic_ndev = 63,
	.virtio_base = 0x10008000UL,
	.virtio_size = 0x1000,
	.virtio_irq = 8,
};

static void test_tree_has_memory_cpu_and_chosen(void **state)
{
	static char buf[16384];
	int len;

	(void)state;
	assert_int_equal(guest_dt_build(buf, sizeof(buf), &params), 0);
	assert_int_equal(fdt_check_header(buf), 0);

	int mem = fdt_path_offset(buf, "/memory@80000000");
	assert_true(mem >= 0);
	const fdt64_t *reg = fdt_getprop(buf, mem, "reg", &len);
	assert_int_equal(len, 16);
	assert_int_equal(fdt64_ld(&reg[0]), 0x80000000UL);
	assert_int_equal(fdt64_ld(&reg[1]), 128UL << 20);

	int cpu = fdt_path_offset(buf, "/cpus/cpu@0");
	assert_true(cpu >= 0);
	assert_string_equal(fdt_getprop(buf, cpu, "riscv,isa", NULL),
			    "rv64imafdc_zicsr_zifencei_zihintpause_zba_zbb_zbc_zbs");
	assert_string_equal(fdt_getprop(buf, cpu, "mmu-type", NULL), "riscv,sv39");
	assert_true(fdt_path_offset(buf, "/cpus/cpu@0/interrupt-controller") >= 0);

	int chosen = fdt_path_offset(buf, "/chosen");
	assert_string_equal(fdt_getprop(buf, chosen, "bootargs", NULL), "console=hvc0");
	assert_string_equal(fdt_getprop(buf, chosen, "stdout-path", NULL), "/soc/serial@10000000");
	int uart = fdt_path_offset(buf, "/soc/serial@10000000");
	assert_true(uart >= 0);
	assert_string_equal(fdt_getprop(buf, uart, "compatible", NULL), "ns16550a");
	const fdt64_t *start = fdt_getprop(buf, chosen, "linux,initrd-start", &len);
	assert_int_equal(len, 8);
	assert_int_equal(fdt64_ld(start), 0x87000000UL);
}

static uint32_t u32_prop(const void *fdt, int node, const char *name)
{
	int len;
	const fdt32_t *v = fdt_getprop(fdt, node, name, &len);

	assert_non_null(v);
	assert_int_equal(len, 4);
	return fdt32_ld(v);
}

static void test_devices_interrupt_through_the_plic_s_context(void **state)
{
	static char buf[16384];
	int len;

	(void)state;
	assert_int_equal(guest_dt_build(buf, sizeof(buf), &params), 0);
	int plic = fdt_path_offset(buf, "/soc/plic@c000000");
	assert_true(plic >= 0);
	assert_int_equal(fdt_node_check_compatible(buf, plic, "riscv,plic0"), 0);
	assert_int_equal(fdt_node_check_compatible(buf, plic, "sifive,plic-1.0.0"), 0);
	assert_int_equal(u32_prop(buf, plic, "riscv,ndev"), 63);
	assert_non_null(fdt_getprop(buf, plic, "interrupt-controller", NULL));
	const fdt64_t *reg = fdt_getprop(buf, plic, "reg", &len);
	assert_int_equal(len, 16);
	assert_int_equal(fdt64_ld(&reg[0]), 0x0c000000UL);
	assert_int_equal(fdt64_ld(&reg[1]), 0x600000UL);

	/* Context 0: M external (11), context 1: S external (9), both on
	 * the hart's own interrupt controller. */
	int intc = fdt_path_offset(buf, "/cpus/cpu@0/interrupt-controller");
	uint32_t intc_phandle = fdt_get_phandle(buf, intc);
	assert_true(intc_phandle != 0);
	const fdt32_t *ext = fdt_getprop(buf, plic, "interrupts-extended", &len);
	assert_int_equal(len, 16);
	assert_int_equal(fdt32_ld(&ext[0]), intc_phandle);
	assert_int_equal(fdt32_ld(&ext[1]), 11);
	assert_int_equal(fdt32_ld(&ext[2]), intc_phandle);
	assert_int_equal(fdt32_ld(&ext[3]), 9);

	uint32_t plic_phandle = fdt_get_phandle(buf, plic);
	int uart = fdt_path_offset(buf, "/soc/serial@10000000");
	assert_int_equal(u32_prop(buf, uart, "interrupt-parent"), plic_phandle);
	assert_int_equal(u32_prop(buf, uart, "interrupts"), 10);
	int disk = fdt_path_offset(buf, "/soc/virtio_mmio@10008000");
	assert_true(disk >= 0);
	assert_string_equal(fdt_getprop(buf, disk, "compatible", NULL), "virtio,mmio");
	assert_int_equal(u32_prop(buf, disk, "interrupt-parent"), plic_phandle);
	assert_int_equal(u32_prop(buf, disk, "interrupts"), 8);
}

static void test_tree_without_disk_has_no_virtio_node(void **state)
{
	static char buf[16384];
	struct guest_dt_params p = params;

	(void)state;
	p.virtio_size = 0;
	assert_int_equal(guest_dt_build(buf, sizeof(buf), &p), 0);
	assert_int_equal(fdt_node_offset_by_compatible(buf, -1, "virtio,mmio"),
			 -FDT_ERR_NOTFOUND);
}

static void test_tree_without_initrd_has_no_initrd_properties(void **state)
{
	static char buf[16384];
	struct guest_dt_params p = params;

	(void)state;
	p.initrd_start = p.initrd_end = 0;
	assert_int_equal(guest_dt_build(buf, sizeof(buf), &p), 0);
	int chosen = fdt_path_offset(buf, "/chosen");
	assert_null(fdt_getprop(buf, chosen, "linux,initrd-start", NULL));
}

static void test_each_hart_has_a_cpu_node_and_two_plic_contexts(void **state)
{
	static char buf[16384];
	struct guest_dt_params p = params;
	int len;

	(void)state;
	p.ncpus = 4;
	assert_int_equal(guest_dt_build(buf, sizeof(buf), &p), 0);
	int plic = fdt_path_offset(buf, "/soc/plic@c000000");
	const fdt32_t *ext = fdt_getprop(buf, plic, "interrupts-extended", &len);
	assert_int_equal(len, 4 * 16);
	uint32_t seen[4];
	for (unsigned h = 0; h < 4; h++) {
		char path[48];
		snprintf(path, sizeof(path), "/cpus/cpu@%u", h);
		int cpu = fdt_path_offset(buf, path);
		assert_true(cpu >= 0);
		assert_int_equal(u32_prop(buf, cpu, "reg"), h);
		snprintf(path, sizeof(path), "/cpus/cpu@%u/interrupt-controller", h);
		uint32_t intc = fdt_get_phandle(buf, fdt_path_offset(buf, path));
		assert_true(intc != 0 && intc != fdt_get_phandle(buf, plic));
		for (unsigned k = 0; k < h; k++)
			assert_true(seen[k] != intc);
		seen[h] = intc;
		/* Context 2h: hart h's M external, 2h + 1: its S external. */
		assert_int_equal(fdt32_ld(&ext[4 * h]), intc);
		assert_int_equal(fdt32_ld(&ext[4 * h + 1]), 11);
		assert_int_equal(fdt32_ld(&ext[4 * h + 2]), intc);
		assert_int_equal(fdt32_ld(&ext[4 * h + 3]), 9);
	}
	assert_true(fdt_path_offset(buf, "/cpus/cpu@4") < 0);
}

static void test_tree_needs_one_to_eight_harts(void **state)
{
	static char buf[16384];
	struct guest_dt_params p = params;

	(void)state;
	p.ncpus = 0;
	assert_true(guest_dt_build(buf, sizeof(buf), &p) < 0);
	p.ncpus = 9;
	assert_true(guest_dt_build(buf, sizeof(buf), &p) < 0);
	p.ncpus = 8;
	assert_int_equal(guest_dt_build(buf, sizeof(buf), &p), 0);
}

static void test_tree_too_small_buffer_fails_cleanly(void **state)
{
	static char buf[256];

	(void)state;
	assert_true(guest_dt_build(buf, sizeof(buf), &params) < 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_isa_drops_h_and_sstc),
		cmocka_unit_test(test_isa_drops_unknown_letters_and_extensions),
		cmocka_unit_test(test_isa_rejects_non_rv64_and_short_buffers),
		cmocka_unit_test(test_tree_has_memory_cpu_and_chosen),
		cmocka_unit_test(test_tree_without_initrd_has_no_initrd_properties),
		cmocka_unit_test(test_devices_interrupt_through_the_plic_s_context),
		cmocka_unit_test(test_tree_without_disk_has_no_virtio_node),
		cmocka_unit_test(test_each_hart_has_a_cpu_node_and_two_plic_contexts),
		cmocka_unit_test(test_tree_needs_one_to_eight_harts),
		cmocka_unit_test(test_tree_too_small_buffer_fails_cleanly),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
