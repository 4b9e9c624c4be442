#include "hv/guest.h"
#include "hv/hart.h"
#include "hv/sbi/vsbi.h"
#include "hv/shadow.h"

/* A range this large is cheaper to drop whole than page by page. */
#define FLUSH_ALL_PAGES 64

/* SBI v2.0: start 0 with size 0, or size -1, is the whole address space. */
static void flush_range(struct vcpu *v, uint64_t start, uint64_t size)
{
	if ((start == 0 && size == 0) || size > FLUSH_ALL_PAGES * PAGE_SIZE) {
		shadow_flush_all(&v->shadow);
		return;
	}
	uint64_t first = start & ~(PAGE_SIZE - 1);
	for (uint64_t va = first; va - first < size + (start - first); va += PAGE_SIZE)
		shadow_flush_va(&v->shadow, va);
}

/* This vCPU does its own part at once; every other target drops all its
 * shadows (and fences the instruction cache) on its own hart, and the call
 * returns only once each one has. While waiting, this hart does what is
 * asked of its own vCPUs, so two harts fencing each other both finish. */
void vsbi_remote_fence(struct vcpu *v, uint64_t mask, enum vsbi_fence kind, uint64_t start,
		       uint64_t size)
{
	struct guest *g = v->guest;
	for (unsigned i = 0; i < g->nvcpus; i++) {
		if (!(mask & (UL(1) << i)))
			continue;
		struct vcpu *t = &g->vcpus[i];
		if (t != v)
			vcpu_post(t, VCPU_REQ_FENCE);
		else if (kind == VSBI_FENCE_I)
			hart_fence_i();
		else
			flush_range(v, start, size);
	}
	struct hart *h = v->hart;
	for (unsigned i = 0; i < g->nvcpus; i++) {
		if (!(mask & (UL(1) << i)) || &g->vcpus[i] == v)
			continue;
		while (vcpu_fence_pending(&g->vcpus[i]))
			for (unsigned k = 0; k < h->nvcpus; k++)
				vcpu_take_requests(h->vcpus[k]);
	}
}

/* Remote fences on the guest's harts. An ASID only narrows what the guest
 * asks for, so ignoring it drops more, never less. The hfence calls need
 * the H extension, which guests do not have. */
struct sbi_result vsbi_rfence(struct vcpu *v, const struct sbi_call *c)
{
	uint64_t mask;
	if (c->fid > SBI_RFENCE_REMOTE_SFENCE_VMA_ASID)
		return sbi_err(SBI_ERR_NOT_SUPPORTED);
	if (!vsbi_hart_mask(v, c->a[0], c->a[1], &mask))
		return sbi_err(SBI_ERR_INVALID_PARAM);
	vsbi_remote_fence(v, mask, c->fid == SBI_RFENCE_REMOTE_FENCE_I ? VSBI_FENCE_I
								 : VSBI_SFENCE_VMA,
			  c->a[2], c->a[3]);
	return sbi_ok(0);
}
