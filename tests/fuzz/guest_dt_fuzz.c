/*
 * libFuzzer target for the guest device tree (src/hv/guest_dt.c): any host
 * ISA string and any bootargs (they come from the host DTB and QEMU's
 * -append). The ISA filter must never overrun its buffer and only ever
 * offer rv64 plus allowed letters and extensions; the built tree must be
 * valid and carry the bootargs unchanged, or the build must fail cleanly.
 * Input: one byte n, then n bytes of ISA string, then the bootargs.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "hv/guest_dt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_isa(const char *isa)
{
	if (strncmp(isa, "rv64", 4))
		abort();
	const char *p = isa + 4;
	for (; *p && *p != '_'; p++)
		if (!strchr("imafdc", *p))
			abort();
	/* Extensions: only names from the allow list, each after a '_'. */
	static const char *const allowed[] = { "zicsr", "zifencei", "zihintpause",
					       "zba", "zbb", "zbc", "zbs" };
	while (*p == '_') {
		const char *e = ++p;
		while (*p && *p != '_')
			p++;
		size_t len = (size_t)(p - e), i;
		for (i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
			if (strlen(allowed[i]) == len && !strncmp(allowed[i], e, len))
				break;
		if (i == sizeof(allowed) / sizeof(allowed[0]))
			abort();
	}
	if (*p)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	size_t n = data[0];
	if (n > size - 1)
		n = size - 1;
	char *host_isa = malloc(n + 1), *bootargs = malloc(size - 1 - n + 1);
	memcpy(host_isa, data + 1, n);
	host_isa[n] = '\0';
	memcpy(bootargs, data + 1 + n, size - 1 - n);
	bootargs[size - 1 - n] = '\0';

	/* A buffer exactly as long as the filter may use: ASan sees overruns. */
	size_t out_size = 1 + (size_t)(data[0] % 64);
	char *isa = malloc(out_size);
	if (guest_dt_isa(host_isa, isa, out_size) == 0)
		check_isa(isa);

	static char tree[16384];
	const struct guest_dt_params p = {
		.ram_base = 0x80000000UL,
		.ram_size = 128UL << 20,
		.timebase_hz = 10000000,
		.ncpus = 1 + data[0] % 8,
		.host_isa = host_isa,
		.bootargs = bootargs,
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
	if (guest_dt_build(tree, sizeof(tree), &p) == 0) {
		if (fdt_check_header(tree))
			abort();
		int chosen = fdt_path_offset(tree, "/chosen");
		const char *args = chosen < 0 ? NULL : fdt_getprop(tree, chosen, "bootargs", NULL);
		if (!args || strcmp(args, bootargs))
			abort();
		int cpu = fdt_path_offset(tree, "/cpus/cpu@0");
		const char *t_isa = cpu < 0 ? NULL : fdt_getprop(tree, cpu, "riscv,isa", NULL);
		if (!t_isa)
			abort();
		check_isa(t_isa);
	}
	free(isa);
	free(host_isa);
	free(bootargs);
	return 0;
}
