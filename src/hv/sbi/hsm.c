#include "hv/sbi/vsbi.h"
#include "hv/stop.h"
#include "hv/timer.h"

#define SUSPEND_DEFAULT_NON_RETENTIVE UL(0x80000000)

/* Hart state management for a guest with one vCPU, hart id 0. */
struct sbi_result vsbi_hsm(struct vcpu *v, const struct sbi_call *c)
{
	uint64_t hartid = c->a[0];
	switch (c->fid) {
	case SBI_HSM_HART_START:
		return sbi_err(hartid == 0 ? SBI_ERR_ALREADY_AVAILABLE : SBI_ERR_INVALID_PARAM);
	case SBI_HSM_HART_STOP:
		guest_stop(v, "the guest stopped its only hart (SBI HSM hart_stop)");
	case SBI_HSM_HART_GET_STATUS:
		if (hartid != 0)
			return sbi_err(SBI_ERR_INVALID_PARAM);
		return sbi_ok(SBI_HSM_STATE_STARTED);
	case SBI_HSM_HART_SUSPEND:
		/* The default retentive suspend is a WFI. The default
		 * non-retentive one is not offered; reserved and platform
		 * types are invalid (SBI v2.0). */
		if (c->a[0] == SUSPEND_DEFAULT_NON_RETENTIVE)
			return sbi_err(SBI_ERR_NOT_SUPPORTED);
		if (c->a[0] != SBI_HSM_SUSPEND_RETENTIVE)
			return sbi_err(SBI_ERR_INVALID_PARAM);
		vcpu_wait_for_interrupt(v);
		return sbi_ok(0);
	default:
		return sbi_err(SBI_ERR_NOT_SUPPORTED);
	}
}
