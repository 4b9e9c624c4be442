#include "hv/guest_dt.h"

#include <libfdt.h>
#include <stdbool.h>
#include <string.h>

#include "encoding.h"
#include "lib/printf.h"

/* Hart h's interrupt controller, and the PLIC after all of them. */
#define CPU_INTC_PHANDLE(h) (1U + (h))
#define PLIC_PHANDLE (1U + GUEST_DT_MAX_CPUS)

/* Single-letter extensions the virtual hart implements as the host does:
 * they need no help from the privileged architecture (F and D do, through
 * sstatus.FS, which the core emulates). */
static const char base_letters[] = "imafdc";

/* Unprivileged multi-letter extensions: instructions that behave the same
 * in real U-mode. Sstc, Svpbmt, Svinval, Zicbom and the like are not here:
 * they would need emulation the hypervisor does not do. */
static const char *const passthrough_exts[] = {
	"zicsr", "zifencei", "zihintpause", "zba", "zbb", "zbc", "zbs",
};

static bool passthrough(const char *ext, size_t len)
{
	for (size_t i = 0; i < sizeof(passthrough_exts) / sizeof(passthrough_exts[0]); i++)
		if (strlen(passthrough_exts[i]) == len && !strncmp(passthrough_exts[i], ext, len))
			return true;
	return false;
}

static bool put(char *out, size_t size, size_t *n, const char *s, size_t len)
{
	if (*n + len + 1 > size)
		return false;
	memcpy(out + *n, s, len);
	*n += len;
	out[*n] = '\0';
	return true;
}

int guest_dt_isa(const char *host_isa, char *out, size_t size)
{
	size_t n = 0;
	if (strncmp(host_isa, "rv64", 4) || !put(out, size, &n, "rv64", 4))
		return -1;
	const char *p = host_isa + 4;
	for (; *p && *p != '_'; p++)
		if (strchr(base_letters, *p) && !put(out, size, &n, p, 1))
			return -1;
	while (*p == '_') {
		const char *ext = ++p;
		while (*p && *p != '_')
			p++;
		size_t len = (size_t)(p - ext);
		if (passthrough(ext, len) &&
		    (!put(out, size, &n, "_", 1) || !put(out, size, &n, ext, len)))
			return -1;
	}
	return 0;
}

/* libfdt's fdt_property_string() hides a size_t-to-int conversion. */
static int prop_str(void *fdt, const char *name, const char *value)
{
	return fdt_property(fdt, name, value, (int)strlen(value) + 1);
}

static int reg_prop(void *fdt, uint64_t base, uint64_t size)
{
	fdt64_t reg[2] = { cpu_to_fdt64(base), cpu_to_fdt64(size) };
	return fdt_property(fdt, "reg", reg, sizeof(reg));
}

/* Each libfdt call returns 0 or a negative error: stop at the first. */
#define TRY(call)                  \
	do {                       \
		int err_ = (call); \
		if (err_)          \
			return err_; \
	} while (0)

static int build_cpus(void *fdt, const struct guest_dt_params *p)
{
	char isa[128];
	if (guest_dt_isa(p->host_isa, isa, sizeof(isa)))
		return -FDT_ERR_BADVALUE;
	TRY(fdt_begin_node(fdt, "cpus"));
	TRY(fdt_property_u32(fdt, "#address-cells", 1));
	TRY(fdt_property_u32(fdt, "#size-cells", 0));
	TRY(fdt_property_u32(fdt, "timebase-frequency", (uint32_t)p->timebase_hz));
	for (unsigned h = 0; h < p->ncpus; h++) {
		char node[16];
		fmt_snprintf(node, sizeof(node), "cpu@%u", h);
		TRY(fdt_begin_node(fdt, node));
		TRY(prop_str(fdt, "device_type", "cpu"));
		TRY(fdt_property_u32(fdt, "reg", h));
		TRY(prop_str(fdt, "status", "okay"));
		TRY(prop_str(fdt, "compatible", "riscv"));
		TRY(prop_str(fdt, "riscv,isa", isa));
		TRY(prop_str(fdt, "mmu-type", "riscv,sv39"));
		TRY(fdt_begin_node(fdt, "interrupt-controller"));
		TRY(fdt_property_u32(fdt, "#interrupt-cells", 1));
		TRY(fdt_property(fdt, "interrupt-controller", "", 0));
		TRY(prop_str(fdt, "compatible", "riscv,cpu-intc"));
		TRY(fdt_property_u32(fdt, "phandle", CPU_INTC_PHANDLE(h)));
		TRY(fdt_end_node(fdt));
		TRY(fdt_end_node(fdt));
	}
	return fdt_end_node(fdt);
}

/* Context 2h is hart h's M-mode, context 2h + 1 its S-mode, as on QEMU
 * virt. */
static int build_plic(void *fdt, const struct guest_dt_params *p)
{
	static const char compatible[] = "sifive,plic-1.0.0\0riscv,plic0";
	fdt32_t contexts[4 * GUEST_DT_MAX_CPUS];
	for (unsigned h = 0; h < p->ncpus; h++) {
		contexts[4 * h] = cpu_to_fdt32(CPU_INTC_PHANDLE(h));
		contexts[4 * h + 1] = cpu_to_fdt32(IRQ_M_EXT);
		contexts[4 * h + 2] = cpu_to_fdt32(CPU_INTC_PHANDLE(h));
		contexts[4 * h + 3] = cpu_to_fdt32(IRQ_S_EXT);
	}
	char node[32];
	fmt_snprintf(node, sizeof(node), "plic@%lx", p->plic_base);
	TRY(fdt_begin_node(fdt, node));
	TRY(fdt_property(fdt, "compatible", compatible, sizeof(compatible)));
	TRY(reg_prop(fdt, p->plic_base, p->plic_size));
	TRY(fdt_property_u32(fdt, "#address-cells", 0));
	TRY(fdt_property_u32(fdt, "#interrupt-cells", 1));
	TRY(fdt_property(fdt, "interrupt-controller", "", 0));
	TRY(fdt_property(fdt, "interrupts-extended", contexts,
			 (int)(p->ncpus * 4 * sizeof(contexts[0]))));
	TRY(fdt_property_u32(fdt, "riscv,ndev", p->plic_ndev));
	TRY(fdt_property_u32(fdt, "phandle", PLIC_PHANDLE));
	return fdt_end_node(fdt);
}

static int interrupt_props(void *fdt, uint32_t irq)
{
	TRY(fdt_property_u32(fdt, "interrupt-parent", PLIC_PHANDLE));
	return fdt_property_u32(fdt, "interrupts", irq);
}

static int build_soc(void *fdt, const struct guest_dt_params *p, const char *uart_node)
{
	TRY(fdt_begin_node(fdt, "soc"));
	TRY(fdt_property_u32(fdt, "#address-cells", 2));
	TRY(fdt_property_u32(fdt, "#size-cells", 2));
	TRY(prop_str(fdt, "compatible", "simple-bus"));
	TRY(fdt_property(fdt, "ranges", "", 0));
	TRY(build_plic(fdt, p));
	TRY(fdt_begin_node(fdt, uart_node));
	TRY(prop_str(fdt, "compatible", "ns16550a"));
	TRY(reg_prop(fdt, p->uart_base, p->uart_size));
	TRY(fdt_property_u32(fdt, "clock-frequency", p->uart_clock_hz));
	TRY(interrupt_props(fdt, p->uart_irq));
	TRY(fdt_end_node(fdt));
	if (p->virtio_size) {
		char node[32];
		fmt_snprintf(node, sizeof(node), "virtio_mmio@%lx", p->virtio_base);
		TRY(fdt_begin_node(fdt, node));
		TRY(prop_str(fdt, "compatible", "virtio,mmio"));
		TRY(reg_prop(fdt, p->virtio_base, p->virtio_size));
		TRY(interrupt_props(fdt, p->virtio_irq));
		TRY(fdt_end_node(fdt));
	}
	return fdt_end_node(fdt);
}

int guest_dt_build(void *buf, size_t size, const struct guest_dt_params *p)
{
	if (p->ncpus < 1 || p->ncpus > GUEST_DT_MAX_CPUS)
		return -FDT_ERR_BADVALUE;
	char uart_node[32], uart_path[40];
	fmt_snprintf(uart_node, sizeof(uart_node), "serial@%lx", p->uart_base);
	fmt_snprintf(uart_path, sizeof(uart_path), "/soc/%s", uart_node);
	void *fdt = buf;
	TRY(fdt_create(fdt, (int)size));
	TRY(fdt_finish_reservemap(fdt));
	TRY(fdt_begin_node(fdt, ""));
	TRY(fdt_property_u32(fdt, "#address-cells", 2));
	TRY(fdt_property_u32(fdt, "#size-cells", 2));
	TRY(prop_str(fdt, "compatible", "riscv-virtio"));
	TRY(prop_str(fdt, "model", "riscv-virtio,qemu guest of the hypervisor"));

	TRY(fdt_begin_node(fdt, "chosen"));
	TRY(prop_str(fdt, "bootargs", p->bootargs));
	TRY(prop_str(fdt, "stdout-path", uart_path));
	if (p->initrd_end > p->initrd_start) {
		TRY(fdt_property_u64(fdt, "linux,initrd-start", p->initrd_start));
		TRY(fdt_property_u64(fdt, "linux,initrd-end", p->initrd_end));
	}
	TRY(fdt_end_node(fdt));

	char memory_node[32];
	fmt_snprintf(memory_node, sizeof(memory_node), "memory@%lx", p->ram_base);
	TRY(fdt_begin_node(fdt, memory_node));
	TRY(prop_str(fdt, "device_type", "memory"));
	TRY(reg_prop(fdt, p->ram_base, p->ram_size));
	TRY(fdt_end_node(fdt));

	TRY(build_cpus(fdt, p));
	TRY(build_soc(fdt, p, uart_node));
	TRY(fdt_end_node(fdt));
	return fdt_finish(fdt);
}
