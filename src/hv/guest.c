#include "hv/guest.h"

#include <string.h>

#include "core/vcsr.h"
#include "hv/guest_dt.h"
#include "hv/devices.h"
#include "hv/layout.h"
#include "hv/mm.h"
#include "hv/timer.h"

#define GIGAPAGE_SIZE (UL(1) << 30)

/* The RISC-V Linux Image header (Documentation/riscv/boot-image-header.rst). */
struct linux_header {
	uint32_t code0, code1;
	uint64_t text_offset;
	uint64_t image_size;
	uint64_t flags;
	uint32_t version, res1;
	uint64_t res2;
	uint64_t magic;  /* "RISCV\0\0\0", deprecated */
	uint32_t magic2; /* "RSC\x05" */
	uint32_t res3;
};
#define LINUX_MAGIC  UL(0x5643534952)
#define LINUX_MAGIC2 0x05435352U

static const struct linux_header *linux_header_of(struct mem_range image)
{
	if (image.end - image.start < sizeof(struct linux_header))
		return NULL;
	const struct linux_header *h = pa_to_va(image.start);
	return h->magic2 == LINUX_MAGIC2 || h->magic == LINUX_MAGIC ? h : NULL;
}

const char *guest_create(struct guest *g, const struct guest_config *cfg, struct mem_range ram,
			 const struct mem_range *busy, size_t nbusy, uint64_t hv_sp)
{
	if (cfg->ram_size % GUEST_RAM_ALIGN || cfg->ram_size > GIGAPAGE_SIZE ||
	    cfg->ram_size < 2 * GUEST_RAM_ALIGN)
		return "guest RAM size must be a multiple of 2 MiB, from 4 MiB to 1 GiB";
	if (cfg->image.end <= cfg->image.start)
		return "no guest image: give one to QEMU with -initrd";
	g->ram_hpa = platform_place(cfg->ram_size, GUEST_RAM_ALIGN, ram, busy, nbusy);
	if (!g->ram_hpa)
		return "not enough free host RAM for the guest";
	g->ram_size = cfg->ram_size;
	g->config = *cfg;
	g->gmem = (struct gmem){ GUEST_RAM_BASE, cfg->ram_size };
	const char *err = shadow_init(g);
	if (err)
		return err;
	g->vcpu.guest = g;
	g->vcpu.hv_sp = hv_sp;
	return guest_reset(g);
}

/* Image at its load address, device tree at the top of RAM, the initrd
 * right below it; everything checked against guest RAM first. */
static const char *plan_layout(const struct guest *g, struct guest_layout *l)
{
	const struct guest_config *c = &g->config;
	uint64_t file_size = c->image.end - c->image.start;
	uint64_t load_offset = GUEST_IMAGE_OFFSET, mem_size = file_size;
	const struct linux_header *h = linux_header_of(c->image);
	l->linux_image = h != NULL;
	if (h) {
		if (h->text_offset % PAGE_SIZE || h->text_offset >= g->ram_size)
			return "Linux image header has an unusable text_offset";
		load_offset = h->text_offset;
		if (h->image_size > mem_size)
			mem_size = h->image_size;
	}
	uint64_t initrd_size = c->initrd.end - c->initrd.start;
	uint64_t top = g->ram_size - GUEST_DT_SIZE;
	if (initrd_size > top)
		return "guest initrd does not fit in guest RAM";
	uint64_t initrd_offset = (top - initrd_size) & ~(PAGE_SIZE - 1);
	if (mem_size > initrd_offset || load_offset > initrd_offset - mem_size)
		return "guest image (and initrd) do not fit in guest RAM: raise hv.mem";
	l->entry = GUEST_RAM_BASE + load_offset;
	l->image_end = l->entry + mem_size;
	l->initrd_start = initrd_size ? GUEST_RAM_BASE + initrd_offset : 0;
	l->initrd_end = initrd_size ? l->initrd_start + initrd_size : 0;
	l->dt = GUEST_RAM_BASE + top;
	return NULL;
}

const char *guest_reset(struct guest *g)
{
	struct guest_layout *l = &g->layout;
	const struct guest_config *c = &g->config;
	const char *err = plan_layout(g, l);
	if (err)
		return err;
	devices_reset(g);
	memset(pa_to_va(g->ram_hpa), 0, g->ram_size);
	memcpy(guest_gpa_to_hva(g, l->entry, 1), pa_to_va(c->image.start),
	       c->image.end - c->image.start);
	if (l->initrd_end)
		memcpy(guest_gpa_to_hva(g, l->initrd_start, 1), pa_to_va(c->initrd.start),
		       l->initrd_end - l->initrd_start);
	struct guest_dt_params dt = {
		.ram_base = GUEST_RAM_BASE,
		.ram_size = g->ram_size,
		.timebase_hz = c->timebase_hz,
		.host_isa = c->host_isa,
		.bootargs = c->bootargs,
		.initrd_start = l->initrd_start,
		.initrd_end = l->initrd_end,
	};
	devices_dt_params(g, &dt);
	if (guest_dt_build(guest_gpa_to_hva(g, l->dt, GUEST_DT_SIZE), GUEST_DT_SIZE, &dt))
		return "cannot build the guest device tree";

	struct vcpu *v = &g->vcpu;
	memset(v->x, 0, sizeof(v->x));
	memset(&v->stats, 0, sizeof(v->stats));
	vhart_reset(&v->vh, l->entry);
	/* As firmware leaves S-mode (OpenSBI does; Linux relies on it and never
	 * writes scounteren): guest user mode may read the counters. */
	v->vh.scounteren = COUNTEREN_CY | COUNTEREN_TM | COUNTEREN_IR;
	shadow_flush_all(g);
	/* Not yet installed: vcpu_load_real_state writes them. */
	v->real_satp = 0;
	v->real_scounteren = UL(-1);
	v->x[10] = 0;     /* a0: hart id */
	v->x[11] = l->dt; /* a1: device tree */
	timer_set(v, UL(-1));
	return NULL;
}

void *guest_gpa_to_hva(const struct guest *g, uint64_t gpa, uint64_t len)
{
	if (gpa < GUEST_RAM_BASE || len > g->ram_size ||
	    gpa - GUEST_RAM_BASE > g->ram_size - len)
		return NULL;
	return pa_to_va(gpa - GUEST_RAM_BASE + g->ram_hpa);
}
