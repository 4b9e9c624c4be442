#include "hv/timer.h"

#include "encoding.h"
#include "core/vtrap.h"
#include "hv/stop.h"
#include "lib/csr.h"
#include "lib/sbi.h"

#define TIMER_NEVER UL(-1)

static uint64_t now(void)
{
	return csr_read(CSR_TIME);
}

/* Raise the virtual timer interrupt if the deadline passed; otherwise make
 * the real timer fire at the deadline. Firmware clears the real pending
 * bit whenever a new real deadline is set. */
static void timer_update(struct vcpu *v)
{
	if (v->timer_deadline != TIMER_NEVER && now() >= v->timer_deadline) {
		v->vh.sip |= MIP_STIP;
		sbi_set_timer(TIMER_NEVER);
	} else {
		sbi_set_timer(v->timer_deadline);
	}
}

void timer_set(struct vcpu *v, uint64_t deadline)
{
	v->timer_deadline = deadline;
	v->vh.sip &= ~MIP_STIP;
	timer_update(v);
}

void timer_interrupt(struct vcpu *v)
{
	timer_update(v);
}

void vcpu_wait_for_interrupt(struct vcpu *v)
{
	while (!vtrap_wfi_wakes(&v->vh)) {
		bool timer_can_fire = (v->vh.sie & MIP_STIP) && v->timer_deadline != TIMER_NEVER;
		if (!timer_can_fire)
			guest_stop(v, "WFI with no interrupt that could ever wake it (sie %lx)",
				   v->vh.sie);
		/* sstatus.SIE is 0 here: the real interrupt wakes the WFI
		 * without trapping, and is handled right after. */
		__asm__ volatile("wfi");
		if (csr_read(CSR_SIP) & MIP_STIP)
			timer_interrupt(v);
	}
}
