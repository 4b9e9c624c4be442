#include "hv/sbi/vsbi.h"

/* Remote fences on the guest's harts. With one vCPU and satp Bare there
 * are no other harts to reach and no shadow entries to drop: a fence.i
 * on this hart is all that is left to do. The hfence calls need the H
 * extension, which guests do not have. */
struct sbi_result vsbi_rfence(struct vcpu *v, const struct sbi_call *c)
{
	uint64_t mask;
	if (c->fid > SBI_RFENCE_REMOTE_SFENCE_VMA_ASID)
		return sbi_err(SBI_ERR_NOT_SUPPORTED);
	if (!vsbi_hart_mask(v, c->a[0], c->a[1], &mask))
		return sbi_err(SBI_ERR_INVALID_PARAM);
	if (c->fid == SBI_RFENCE_REMOTE_FENCE_I)
		__asm__ volatile("fence.i" : : : "memory");
	return sbi_ok(0);
}
