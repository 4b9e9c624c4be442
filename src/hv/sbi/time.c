#include "hv/sbi/vsbi.h"
#include "hv/timer.h"

struct sbi_result vsbi_time(struct vcpu *v, const struct sbi_call *c)
{
	if (c->fid != SBI_TIME_SET_TIMER)
		return sbi_err(SBI_ERR_NOT_SUPPORTED);
	timer_set(v, c->a[0]);
	return sbi_ok(0);
}
