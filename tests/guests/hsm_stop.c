/*
 * A guest that stops its only hart (SBI HSM hart_stop): nothing is left
 * to run it, so the hypervisor ends it, as a failure, instead of leaving
 * the machine idle for ever (hsm_stop.expect).
 */
#include "lib/sbi.h"
#include "rt/rt.h"

int main(void)
{
	rt_printf("hsm_stop: stopping the only hart\n");
	struct sbiret r = sbi_call(SBI_EXT_HSM, SBI_HSM_HART_STOP, 0, 0, 0);
	rt_printf("hsm_stop: FAIL hart_stop returned %ld\n", r.error);
	return 1;
}
