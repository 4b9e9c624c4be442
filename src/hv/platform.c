#include "hv/platform.h"

#include <libfdt.h>
#include <string.h>

#include "hv/layout.h"

/* A property of one or two 32-bit cells, as /chosen initrd bounds are. */
static int read_cells(const void *fdt, int node, const char *name, uint64_t *out)
{
	int len;
	const fdt32_t *v = fdt_getprop(fdt, node, name, &len);
	if (!v)
		return -FDT_ERR_NOTFOUND;
	if (len == 4)
		*out = fdt32_to_cpu(v[0]);
	else if (len == 8)
		*out = (uint64_t)fdt32_to_cpu(v[0]) << 32 | fdt32_to_cpu(v[1]);
	else
		return -FDT_ERR_BADVALUE;
	return 0;
}

static uint64_t read_number(const fdt32_t *cells, int count)
{
	uint64_t v = 0;
	for (int i = 0; i < count; i++)
		v = v << 32 | fdt32_to_cpu(cells[i]);
	return v;
}

/* The first (address, size) pair of a node's "reg", in its parent's cells. */
static int read_reg(const void *fdt, int node, uint64_t *base, uint64_t *size)
{
	int parent = fdt_parent_offset(fdt, node);
	if (parent < 0)
		return parent;
	int ac = fdt_address_cells(fdt, parent);
	int sc = fdt_size_cells(fdt, parent);
	if (ac < 1 || ac > 2 || sc < 1 || sc > 2)
		return -FDT_ERR_BADNCELLS;
	int len;
	const fdt32_t *reg = fdt_getprop(fdt, node, "reg", &len);
	if (!reg)
		return len;
	if (len < (ac + sc) * 4)
		return -FDT_ERR_BADVALUE;
	*base = read_number(reg, ac);
	*size = read_number(reg + ac, sc);
	return 0;
}

/* The harts /cpus lists (not those marked disabled), with their ISA and
 * the phandle of their interrupt controller. */
static void probe_harts(const void *fdt, struct platform *p, uint32_t *intc)
{
	p->nharts = 0;
	int cpu = -1;
	while ((cpu = fdt_node_offset_by_prop_value(fdt, cpu, "device_type", "cpu",
						    sizeof("cpu"))) >= 0 &&
	       p->nharts < PLATFORM_MAX_HARTS) {
		uint64_t reg;
		const char *status = fdt_getprop(fdt, cpu, "status", NULL);
		if (read_cells(fdt, cpu, "reg", &reg) || (status && strcmp(status, "okay")))
			continue;
		struct platform_hart *h = &p->harts[p->nharts];
		h->hartid = reg;
		h->isa = fdt_getprop(fdt, cpu, "riscv,isa", NULL);
		if (!h->isa)
			h->isa = "";
		h->has_plic_context = false;
		int node = fdt_subnode_offset(fdt, cpu, "interrupt-controller");
		intc[p->nharts] = node >= 0 ? fdt_get_phandle(fdt, node) : 0;
		p->nharts++;
	}
}

/* The PLIC, and for each hart the index of the context that interrupts
 * its S-mode: the position of the pair (its intc, IRQ_S_EXT) in
 * interrupts-extended. A machine without one gives size 0. */
static void probe_plic(const void *fdt, struct platform *p, const uint32_t *intc)
{
	struct platform_plic *plic = &p->plic;
	plic->size = 0;
	int node = fdt_node_offset_by_compatible(fdt, -1, "riscv,plic0");
	if (node < 0)
		node = fdt_node_offset_by_compatible(fdt, -1, "sifive,plic-1.0.0");
	uint64_t ndev;
	if (node < 0 || read_cells(fdt, node, "riscv,ndev", &ndev) ||
	    read_reg(fdt, node, &plic->base, &plic->size))
		return;
	plic->ndev = (uint32_t)ndev;
	int len;
	const fdt32_t *ext = fdt_getprop(fdt, node, "interrupts-extended", &len);
	for (int i = 0; ext && i + 1 < len / 4; i += 2) {
		for (unsigned h = 0; h < p->nharts; h++) {
			if (intc[h] && fdt32_to_cpu(ext[i]) == intc[h] &&
			    fdt32_to_cpu(ext[i + 1]) == IRQ_S_EXT) {
				p->harts[h].plic_s_context = (uint32_t)(i / 2);
				p->harts[h].has_plic_context = true;
			}
		}
	}
}

static void probe_virtio(const void *fdt, struct platform *p)
{
	p->nvirtio = 0;
	int node = -1;
	while ((node = fdt_node_offset_by_compatible(fdt, node, "virtio,mmio")) >= 0 &&
	       p->nvirtio < PLATFORM_VIRTIO_MAX) {
		struct platform_virtio *v = &p->virtio[p->nvirtio];
		uint64_t irq;
		if (read_reg(fdt, node, &v->base, &v->size) ||
		    read_cells(fdt, node, "interrupts", &irq))
			continue;
		v->irq = (uint32_t)irq;
		p->nvirtio++;
	}
}

int platform_probe(struct platform *p, uint64_t dtb_pa)
{
	const void *fdt = pa_to_va(dtb_pa);
	int err = fdt_check_header(fdt);
	if (err)
		return err;
	p->dtb = (struct mem_range){ dtb_pa, dtb_pa + fdt_totalsize(fdt) };
	p->qemu_virt = fdt_node_check_compatible(fdt, 0, "riscv-virtio") == 0;

	int mem = fdt_node_offset_by_prop_value(fdt, -1, "device_type", "memory",
						sizeof("memory"));
	if (mem < 0)
		return mem;
	uint64_t base = 0, size = 0;
	err = read_reg(fdt, mem, &base, &size);
	if (err)
		return err;
	p->ram = (struct mem_range){ base, base + size };

	p->initrd = (struct mem_range){ 0, 0 };
	p->bootargs = "";
	int chosen = fdt_path_offset(fdt, "/chosen");
	if (chosen >= 0) {
		uint64_t start, end;
		if (!read_cells(fdt, chosen, "linux,initrd-start", &start) &&
		    !read_cells(fdt, chosen, "linux,initrd-end", &end) && start <= end)
			p->initrd = (struct mem_range){ start, end };
		const char *args = fdt_getprop(fdt, chosen, "bootargs", NULL);
		if (args)
			p->bootargs = args;
	}

	p->timebase_hz = 0;
	int cpus = fdt_path_offset(fdt, "/cpus");
	if (cpus >= 0)
		read_cells(fdt, cpus, "timebase-frequency", &p->timebase_hz);
	uint32_t intc[PLATFORM_MAX_HARTS];
	probe_harts(fdt, p, intc);
	p->isa = p->nharts ? p->harts[0].isa : "";
	probe_plic(fdt, p, intc);
	probe_virtio(fdt, p);
	return 0;
}

#define LOADER_DT_LIMIT (UINT64_C(3) << 30)
#define LOADER_DT_SPAN  (UINT64_C(4) << 20)

struct mem_range platform_loader_dt(const struct platform *p)
{
	uint64_t top = p->ram.end;
	if (p->ram.start < LOADER_DT_LIMIT && top > LOADER_DT_LIMIT)
		top = LOADER_DT_LIMIT;
	if (!p->qemu_virt || top - p->ram.start < LOADER_DT_SPAN)
		return (struct mem_range){ p->ram.start, p->ram.start };
	return (struct mem_range){ top - LOADER_DT_SPAN, top };
}

bool platform_isa_has(const char *isa, const char *ext)
{
	size_t len = strlen(ext);
	for (const char *p = strchr(isa, '_'); p; p = strchr(p + 1, '_'))
		if (!strncmp(p + 1, ext, len) && (p[len + 1] == '_' || p[len + 1] == '\0'))
			return true;
	return false;
}

static uint64_t align_down(uint64_t v, uint64_t a)
{
	return v & ~(a - 1);
}

uint64_t platform_place(uint64_t size, uint64_t align, struct mem_range ram,
			const struct mem_range *busy, size_t nbusy)
{
	if (size == 0 || ram.end - ram.start < size)
		return 0;
	uint64_t start = align_down(ram.end - size, align);
	while (start >= ram.start) {
		struct mem_range r = { start, start + size };
		size_t i = 0;
		while (i < nbusy && !ranges_overlap(r, busy[i]))
			i++;
		if (i == nbusy)
			return start;
		if (busy[i].start < ram.start + size)
			return 0;
		start = align_down(busy[i].start - size, align);
	}
	return 0;
}
