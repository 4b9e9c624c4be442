#include "hv/stop.h"

#include <stdarg.h>

#include "hv/console.h"
#include "hv/guest.h"
#include "hv/sched.h"
#include "lib/printf.h"

void guest_exit(struct vcpu *v, uint64_t reason)
{
	char name[8];
	console_flush(&v->guest->console);
	hv_printf("hv: guest%s powered off (%s)\n", guest_name(v->guest, name, sizeof(name)),
		  reason == SBI_SRST_REASON_NONE ? "no reason" : "system failure");
	sched_end_guest(v->guest, GUEST_ENDING_EXIT, reason != SBI_SRST_REASON_NONE);
	sched_stop_vcpu(v);
}

void guest_reboot(struct vcpu *v)
{
	char name[8];
	console_flush(&v->guest->console);
	hv_printf("hv: guest%s reboot\n", guest_name(v->guest, name, sizeof(name)));
	sched_end_guest(v->guest, GUEST_ENDING_REBOOT, false);
	sched_stop_vcpu(v);
}

void guest_stop(struct vcpu *v, const char *fmt, ...)
{
	char why[160], name[8], hart[16] = "";
	va_list ap;
	va_start(ap, fmt);
	fmt_vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	if (v->guest->nvcpus > 1)
		fmt_snprintf(hart, sizeof(hart), ", hart %u", v->id);
	console_flush(&v->guest->console);
	hv_printf("hv: guest%s stopped at pc %lx (%s%s): %s\n",
		  guest_name(v->guest, name, sizeof(name)), v->vh.pc,
		  v->vh.priv == PRV_S ? "vS" : "vU", hart, why);
	sched_end_guest(v->guest, GUEST_ENDING_EXIT, true);
	sched_stop_vcpu(v);
}
