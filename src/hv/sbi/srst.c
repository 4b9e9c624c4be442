#include "hv/sbi/vsbi.h"
#include "hv/stop.h"

/* Reasons from 0xE0000000 on are SBI-implementation or vendor specific:
 * accepted, and treated as a failure. Vendor reset types are not
 * implemented: SBI v2.0 answers those with INVALID_PARAM, like reserved
 * ones. */
#define SRST_REASON_IMPL   UL(0xe0000000)

struct sbi_result vsbi_srst(struct vcpu *v, const struct sbi_call *c)
{
	uint64_t type = c->a[0], reason = c->a[1];
	if (c->fid != SBI_SRST_SYSTEM_RESET)
		return sbi_err(SBI_ERR_NOT_SUPPORTED);
	bool reason_known = reason <= SBI_SRST_REASON_SYSFAIL;
	if (type > SBI_SRST_TYPE_WARM_REBOOT ||
	    (!reason_known && (reason < SRST_REASON_IMPL || reason > UL(0xffffffff))))
		return sbi_err(SBI_ERR_INVALID_PARAM);
	if (type == SBI_SRST_TYPE_SHUTDOWN)
		guest_exit(v, reason);
	guest_reboot(v);
}
