#include "hv/guest.h"

#include <string.h>

#include "lib/printf.h"
#include "hv/guest_dt.h"
#include "hv/layout.h"

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

const char *guest_create(struct guest *g, unsigned index, const struct guest_config *cfg,
			 uint64_t ram_hpa, const struct platform_plic *host_plic,
			 struct host_vblk *disk, uint64_t asid_base)
{
	if (cfg->ram_size % GUEST_RAM_ALIGN || cfg->ram_size > GIGAPAGE_SIZE ||
	    cfg->ram_size < 2 * GUEST_RAM_ALIGN)
		return "guest RAM size must be a multiple of 2 MiB, from 4 MiB to 1 GiB";
	if (cfg->nvcpus < 1 || cfg->nvcpus > GUEST_MAX_VCPUS)
		return "a guest has 1 to 8 vCPUs";
	if (cfg->image.end <= cfg->image.start)
		return "no guest image: give one to QEMU with -initrd";
	g->index = index;
	g->config = *cfg;
	g->ending = GUEST_RUNNING;
	g->started = false;
	g->nvcpus = cfg->nvcpus;
	ram_init(&g->ram, GUEST_RAM_BASE, cfg->ram_size, ram_hpa);
	console_port_init(&g->console, index);
	devices_init(&g->dev, &g->ram, &g->console, g->nvcpus, host_plic, disk);
	for (unsigned i = 0; i < g->nvcpus; i++) {
		struct vcpu *v = &g->vcpus[i];
		v->id = i;
		v->guest = g;
		v->seip_lines = devices_seip_lines(&g->dev);
		v->state = VCPU_STOPPED;
		const char *err = shadow_init(&v->shadow, &g->ram.map,
					      asid_base ? asid_base + i * SHADOW_ASIDS : 0);
		if (err)
			return err;
	}
	return NULL;
}

/* Image at its load address, device tree at the top of RAM, the initrd
 * right below it; everything checked against guest RAM first. */
static const char *plan_layout(const struct guest *g, struct guest_layout *l)
{
	const struct guest_config *c = &g->config;
	uint64_t ram_size = c->ram_size;
	uint64_t file_size = c->image.end - c->image.start;
	uint64_t load_offset = GUEST_IMAGE_OFFSET, mem_size = file_size;
	const struct linux_header *h = linux_header_of(c->image);
	l->linux_image = h != NULL;
	if (h) {
		if (h->text_offset % PAGE_SIZE || h->text_offset >= ram_size)
			return "Linux image header has an unusable text_offset";
		load_offset = h->text_offset;
		if (h->image_size > mem_size)
			mem_size = h->image_size;
	}
	uint64_t initrd_size = c->initrd.end - c->initrd.start;
	uint64_t top = ram_size - GUEST_DT_SIZE;
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

/* Nothing of a previous boot, or of what loaders left, survives into the
 * next; on a first start into RAM known to be zero only the part a loader
 * may have written needs clearing. */
static void clear_ram(struct guest *g)
{
	const struct guest_config *c = &g->config;
	uint64_t start = g->ram.map.hpa_base, end = start + c->ram_size;
	bool first = !g->started;
	g->started = true;
	if (first && c->ram_zero) {
		if (c->first_clear.start > start)
			start = c->first_clear.start;
		if (c->first_clear.end < end)
			end = c->first_clear.end;
		if (start >= end)
			return;
	}
	memset(pa_to_va(start), 0, end - start);
}

const char *guest_reset(struct guest *g)
{
	struct guest_layout *l = &g->layout;
	const struct guest_config *c = &g->config;
	const char *err = plan_layout(g, l);
	if (err)
		return err;
	devices_reset(&g->dev);
	clear_ram(g);
	memcpy(ram_gpa_to_hva(&g->ram, l->entry, 1), pa_to_va(c->image.start),
	       c->image.end - c->image.start);
	if (l->initrd_end)
		memcpy(ram_gpa_to_hva(&g->ram, l->initrd_start, 1), pa_to_va(c->initrd.start),
		       l->initrd_end - l->initrd_start);
	struct guest_dt_params dt = {
		.ram_base = GUEST_RAM_BASE,
		.ram_size = c->ram_size,
		.timebase_hz = c->timebase_hz,
		.ncpus = g->nvcpus,
		.host_isa = c->host_isa,
		.bootargs = c->bootargs,
		.initrd_start = l->initrd_start,
		.initrd_end = l->initrd_end,
	};
	devices_dt_params(&g->dev, &dt);
	if (guest_dt_build(ram_gpa_to_hva(&g->ram, l->dt, GUEST_DT_SIZE), GUEST_DT_SIZE, &dt))
		return "cannot build the guest device tree";

	/* Hart 0 starts at the entry with the device tree in a1, as firmware
	 * starts a kernel; the others wait for SBI HSM hart_start. */
	spin_lock(&g->lock);
	for (unsigned i = 0; i < g->nvcpus; i++) {
		struct vcpu *v = &g->vcpus[i];
		memset(&v->stats, 0, sizeof(v->stats));
		v->stats.flushes_at_reset = v->shadow.flushes;
		__atomic_store_n(&v->state, VCPU_STOPPED, __ATOMIC_RELEASE);
	}
	struct vcpu *boot = &g->vcpus[0];
	boot->start_addr = l->entry;
	boot->start_opaque = l->dt;
	__atomic_store_n(&boot->state, VCPU_START_PENDING, __ATOMIC_RELEASE);
	g->ending = GUEST_RUNNING;
	g->failed = false;
	g->finishing = false;
	spin_unlock(&g->lock);
	hart_kick(boot->hart);
	return NULL;
}

void guest_sync_irqs(struct guest *g)
{
	uint32_t changed = devices_take_seip_changes(&g->dev);
	for (unsigned i = 0; i < g->nvcpus; i++)
		if (changed & (UINT32_C(1) << i))
			hart_kick(g->vcpus[i].hart);
}

const char *guest_name(const struct guest *g, char *buf, size_t size)
{
	if (!g->console.tagged)
		return "";
	fmt_snprintf(buf, size, " %u", g->index);
	return buf;
}
