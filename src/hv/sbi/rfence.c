#include "hv/guest.h"
#include "hv/sbi/vsbi.h"
#include "hv/shadow.h"

/* A range this large is cheaper to drop whole than page by page. */
#define FLUSH_ALL_PAGES 64

void vsbi_flush_range(struct vcpu *v, uint64_t start, uint64_t size)
{
	if (size > FLUSH_ALL_PAGES * PAGE_SIZE) {
		shadow_flush_all(v->guest);
		return;
	}
	uint64_t first = start & ~(PAGE_SIZE - 1);
	for (uint64_t va = first; va - first < size + (start - first); va += PAGE_SIZE)
		shadow_flush_va(v->guest, va);
}

/* Remote fences on the guest's harts: with one vCPU the only hart they
 * can name is this one. An ASID only narrows what the guest asks for, so
 * ignoring it drops more, never less. The hfence calls need the H
 * extension, which guests do not have. */
struct sbi_result vsbi_rfence(struct vcpu *v, const struct sbi_call *c)
{
	uint64_t mask;
	if (c->fid > SBI_RFENCE_REMOTE_SFENCE_VMA_ASID)
		return sbi_err(SBI_ERR_NOT_SUPPORTED);
	if (!vsbi_hart_mask(v, c->a[0], c->a[1], &mask))
		return sbi_err(SBI_ERR_INVALID_PARAM);
	if (!(mask & 1))
		return sbi_ok(0);
	if (c->fid == SBI_RFENCE_REMOTE_FENCE_I)
		__asm__ volatile("fence.i" : : : "memory");
	else
		vsbi_flush_range(v, c->a[2], c->a[3]);
	return sbi_ok(0);
}
