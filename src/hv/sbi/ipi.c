#include "hv/guest.h"
#include "hv/sbi/vsbi.h"

/* An IPI raises the target's virtual supervisor software interrupt: at
 * once on this hart's own vCPU, through its request word on another. */
void vsbi_send_ipi(struct vcpu *v, uint64_t mask)
{
	struct guest *g = v->guest;
	for (unsigned i = 0; i < g->nvcpus; i++) {
		if (!(mask & (UL(1) << i)))
			continue;
		if (&g->vcpus[i] == v)
			v->vh.sip |= MIP_SSIP;
		else
			vcpu_post(&g->vcpus[i], VCPU_REQ_IPI);
	}
}

struct sbi_result vsbi_ipi(struct vcpu *v, const struct sbi_call *c)
{
	uint64_t mask;
	if (c->fid != SBI_IPI_SEND_IPI)
		return sbi_err(SBI_ERR_NOT_SUPPORTED);
	if (!vsbi_hart_mask(v, c->a[0], c->a[1], &mask))
		return sbi_err(SBI_ERR_INVALID_PARAM);
	vsbi_send_ipi(v, mask);
	return sbi_ok(0);
}
