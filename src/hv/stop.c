#include "hv/stop.h"

#include <stdarg.h>

#include "hv/console.h"
#include "hv/devices.h"
#include "hv/guest.h"
#include "lib/printf.h"
#include "lib/sbi.h"

static const char *const exception_names[CAUSE_EXCEPTION_COUNT] = {
	[CAUSE_MISALIGNED_FETCH] = "misaligned fetch",
	[CAUSE_FETCH_ACCESS] = "fetch access fault",
	[CAUSE_ILLEGAL_INSTRUCTION] = "illegal instruction",
	[CAUSE_BREAKPOINT] = "breakpoint",
	[CAUSE_MISALIGNED_LOAD] = "misaligned load",
	[CAUSE_LOAD_ACCESS] = "load access fault",
	[CAUSE_MISALIGNED_STORE] = "misaligned store",
	[CAUSE_STORE_ACCESS] = "store access fault",
	[CAUSE_USER_ECALL] = "ecall from U (guest)",
	[CAUSE_SUPERVISOR_ECALL] = "ecall from S",
	[CAUSE_FETCH_PAGE_FAULT] = "fetch page fault",
	[CAUSE_LOAD_PAGE_FAULT] = "load page fault",
	[CAUSE_STORE_PAGE_FAULT] = "store page fault",
};

static const char *const interrupt_names[IRQ_M_EXT + 1] = {
	[IRQ_S_SOFT] = "supervisor software",
	[IRQ_S_TIMER] = "supervisor timer",
	[IRQ_S_EXT] = "supervisor external",
};

void trap_stats_print(const struct vcpu *v)
{
	hv_printf("hv: traps by cause:\n");
	for (unsigned i = 0; i < CAUSE_EXCEPTION_COUNT; i++)
		if (v->stats.exceptions[i])
			hv_printf("hv:   %-24s %lu\n",
				  exception_names[i] ? exception_names[i] : "reserved",
				  v->stats.exceptions[i]);
	for (unsigned i = 0; i <= IRQ_M_EXT; i++)
		if (v->stats.interrupts[i])
			hv_printf("hv:   %-24s %lu\n",
				  interrupt_names[i] ? interrupt_names[i] : "interrupt",
				  v->stats.interrupts[i]);
	for (unsigned i = 0; i <= IRQ_M_EXT; i++)
		if (v->stats.in_wfi[i])
			hv_printf("hv:   %-24s %lu (while the guest waited in WFI)\n",
				  interrupt_names[i] ? interrupt_names[i] : "interrupt",
				  v->stats.in_wfi[i]);
	if (v->stats.other)
		hv_printf("hv:   %-24s %lu\n", "unknown cause", v->stats.other);
}

void guest_exit(struct vcpu *v, uint64_t reason)
{
	hv_printf("hv: guest powered off (%s)\n",
		  reason == SBI_SRST_REASON_NONE ? "no reason" : "system failure");
	trap_stats_print(v);
	devices_quiesce(v->guest);
	sbi_shutdown(reason == SBI_SRST_REASON_NONE ? SBI_SRST_REASON_NONE
						    : SBI_SRST_REASON_SYSFAIL);
}

void guest_reboot(struct vcpu *v)
{
	hv_printf("hv: guest reboot\n");
	trap_stats_print(v);
	const char *why = guest_reset(v->guest);
	if (why)
		guest_stop(v, "cannot restart the guest: %s", why);
}

void guest_stop(struct vcpu *v, const char *fmt, ...)
{
	char why[160];
	va_list ap;
	va_start(ap, fmt);
	fmt_vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	hv_printf("hv: guest stopped at pc %lx (%s): %s\n", v->vh.pc,
		  v->vh.priv == PRV_S ? "vS" : "vU", why);
	trap_stats_print(v);
	devices_quiesce(v->guest);
	sbi_shutdown(SBI_SRST_REASON_SYSFAIL);
}
