#include "hv/sbi/vsbi.h"

/* With one vCPU, an IPI can only be to itself: it raises the virtual
 * supervisor software interrupt. */
struct sbi_result vsbi_ipi(struct vcpu *v, const struct sbi_call *c)
{
	uint64_t mask;
	if (c->fid != SBI_IPI_SEND_IPI)
		return sbi_err(SBI_ERR_NOT_SUPPORTED);
	if (!vsbi_hart_mask(v, c->a[0], c->a[1], &mask))
		return sbi_err(SBI_ERR_INVALID_PARAM);
	if (mask & 1)
		v->vh.sip |= MIP_SSIP;
	return sbi_ok(0);
}
