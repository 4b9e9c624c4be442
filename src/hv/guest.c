#include "hv/guest.h"

#include <string.h>

#include "core/vcsr.h"
#include "hv/layout.h"
#include "hv/mm.h"
#include "hv/timer.h"

extern uint64_t hv_boot_root[SV39_PTES_PER_TABLE];

#define MEGAPAGE_SIZE (UL(1) << 21)
#define GIGAPAGE_SHIFT 30

static uint64_t pte_table(const void *table)
{
	return (va_to_pa(table) >> PAGE_SHIFT) << PTE_PPN_SHIFT | PTE_V;
}

/* Guest satp Bare: guest-physical RAM mapped 1:1 at its guest addresses,
 * user-accessible (the guest kernel runs in U-mode), in megapages. */
static const char *build_bare_shadow(struct guest *g)
{
	uint64_t *root = page_alloc();
	uint64_t *l1 = page_alloc();
	if (!root || !l1)
		return "out of hypervisor memory for the shadow page table";
	for (unsigned i = 0; i < HV_WINDOW_SLOTS; i++)
		root[HV_WINDOW_SLOT_FIRST + i] = hv_boot_root[HV_WINDOW_SLOT_FIRST + i];
	root[GUEST_RAM_BASE >> GIGAPAGE_SHIFT] = pte_table(l1);
	for (uint64_t off = 0; off < g->ram_size; off += MEGAPAGE_SIZE) {
		uint64_t hpa = g->ram_hpa + off;
		l1[off / MEGAPAGE_SIZE] = (hpa >> PAGE_SHIFT) << PTE_PPN_SHIFT | PTE_V |
					  PTE_R | PTE_W | PTE_X | PTE_U | PTE_A | PTE_D;
	}
	g->shadow_root = root;
	return NULL;
}

const char *guest_create(struct guest *g, uint64_t ram_size, struct mem_range ram,
			 const struct mem_range *busy, size_t nbusy,
			 struct mem_range image, uint64_t hv_sp)
{
	if (ram_size % GUEST_RAM_ALIGN || ram_size > (UL(1) << GIGAPAGE_SHIFT))
		return "guest RAM size must be a multiple of 2 MiB, at most 1 GiB";
	if (image.end <= image.start)
		return "no guest image: give one to QEMU with -initrd";
	if (image.end - image.start > ram_size - GUEST_IMAGE_OFFSET)
		return "guest image does not fit in guest RAM";
	g->ram_hpa = platform_place(ram_size, GUEST_RAM_ALIGN, ram, busy, nbusy);
	if (!g->ram_hpa)
		return "not enough free host RAM for the guest";
	g->ram_size = ram_size;
	g->image = image;
	const char *err = build_bare_shadow(g);
	if (err)
		return err;
	g->vcpu.guest = g;
	g->vcpu.hv_sp = hv_sp;
	g->vcpu.real_satp = SATP_MODE_SV39 << SATP_MODE_SHIFT |
			    va_to_pa(g->shadow_root) >> PAGE_SHIFT;
	guest_reset(g);
	return NULL;
}

void guest_reset(struct guest *g)
{
	uint64_t len = g->image.end - g->image.start;
	memset(pa_to_va(g->ram_hpa), 0, g->ram_size);
	memcpy(pa_to_va(g->ram_hpa + GUEST_IMAGE_OFFSET), pa_to_va(g->image.start), len);
	struct vcpu *v = &g->vcpu;
	memset(v->x, 0, sizeof(v->x));
	memset(&v->stats, 0, sizeof(v->stats));
	vhart_reset(&v->vh, GUEST_RAM_BASE + GUEST_IMAGE_OFFSET);
	v->x[10] = 0; /* a0: hart id */
	v->x[11] = 0; /* a1: no device tree yet */
	timer_set(v, UL(-1));
}

void *guest_gpa_to_hva(const struct guest *g, uint64_t gpa, uint64_t len)
{
	if (gpa < GUEST_RAM_BASE || len > g->ram_size ||
	    gpa - GUEST_RAM_BASE > g->ram_size - len)
		return NULL;
	return pa_to_va(gpa - GUEST_RAM_BASE + g->ram_hpa);
}
