#include "hv/sbi/vsbi.h"
#include "hv/stop.h"

/* Reset types and reasons from 0xF0000000 (reasons: 0xE0000000) on are
 * vendor or SBI-implementation specific: valid, but none is implemented. */
#define SRST_TYPE_VENDOR   UL(0xf0000000)
#define SRST_REASON_IMPL   UL(0xe0000000)

struct sbi_result vsbi_srst(struct vcpu *v, const struct sbi_call *c, bool *restarted)
{
	uint64_t type = c->a[0], reason = c->a[1];
	if (c->fid != SBI_SRST_SYSTEM_RESET)
		return sbi_err(SBI_ERR_NOT_SUPPORTED);
	bool type_known = type <= SBI_SRST_TYPE_WARM_REBOOT;
	bool reason_known = reason <= SBI_SRST_REASON_SYSFAIL;
	if ((!type_known && (type < SRST_TYPE_VENDOR || type > UL(0xffffffff))) ||
	    (!reason_known && (reason < SRST_REASON_IMPL || reason > UL(0xffffffff))))
		return sbi_err(SBI_ERR_INVALID_PARAM);
	if (!type_known)
		return sbi_err(SBI_ERR_NOT_SUPPORTED);
	if (type == SBI_SRST_TYPE_SHUTDOWN)
		guest_exit(v, reason);
	guest_reboot(v);
	*restarted = true;
	return sbi_ok(0);
}
