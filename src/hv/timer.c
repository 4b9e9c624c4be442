#include "hv/timer.h"

#include "encoding.h"
#include "core/vtrap.h"
#include "hv/devices.h"
#include "hv/guest.h"
#include "hv/host_vblk.h"
#include "hv/stop.h"
#include "lib/csr.h"
#include "lib/sbi.h"

#define TIMER_NEVER UL(-1)

/* A property of the host hart, the same for every vCPU. */
static bool use_stimecmp;

void timer_init(bool host_sstc)
{
	use_stimecmp = host_sstc;
}

static void real_timer_set(uint64_t deadline)
{
	if (use_stimecmp)
		csr_write(CSR_STIMECMP, deadline);
	else
		sbi_set_timer(deadline);
}

static uint64_t now(void)
{
	return csr_read(CSR_TIME);
}

/* Raise the virtual timer interrupt if the deadline passed; otherwise make
 * the real timer fire at the deadline. A new real deadline clears the real
 * pending bit (Sstc: it is stimecmp <= time; SBI: firmware clears it). */
static void timer_update(struct vcpu *v)
{
	if (v->timer_deadline != TIMER_NEVER && now() >= v->timer_deadline) {
		v->vh.sip |= MIP_STIP;
		real_timer_set(TIMER_NEVER);
	} else {
		real_timer_set(v->timer_deadline);
	}
}

void timer_set(struct vcpu *v, uint64_t deadline)
{
	v->timer_deadline = deadline;
	v->vh.sip &= ~MIP_STIP;
	timer_update(v);
}

/* The console has no interrupt of its own: a guest UART waiting for input
 * is served on the guest's timer ticks and, while it waits in WFI, this
 * often. */
#define INPUT_POLLS_PER_SECOND 50

void timer_interrupt(struct vcpu *v)
{
	timer_update(v);
	if (devices_want_input(v->guest))
		devices_poll_input(v->guest);
}

void vcpu_wait_for_interrupt(struct vcpu *v)
{
	struct guest *g = v->guest;
	while (!vtrap_wfi_wakes(&v->vh)) {
		bool timer_can_fire = (v->vh.sie & MIP_STIP) && v->timer_deadline != TIMER_NEVER;
		bool input_wanted = devices_want_input(g);
		bool device_can_fire = (v->vh.sie & MIP_SEIP) && (input_wanted || host_vblk_busy());
		if (!timer_can_fire && !device_can_fire)
			guest_stop(v, "WFI with no interrupt that could ever wake it (sie %lx)",
				   v->vh.sie);
		if (input_wanted) {
			uint64_t poll = now() + g->config.timebase_hz / INPUT_POLLS_PER_SECOND;
			real_timer_set(poll < v->timer_deadline ? poll : v->timer_deadline);
		}
		/* sstatus.SIE is 0 here: the real interrupt wakes the WFI
		 * without trapping, and is handled right after. */
		__asm__ volatile("wfi");
		uint64_t sip = csr_read(CSR_SIP);
		if (sip & MIP_STIP)
			v->stats.in_wfi[IRQ_S_TIMER]++;
		if (sip & MIP_STIP || input_wanted)
			timer_interrupt(v);
		if (sip & MIP_SEIP) {
			v->stats.in_wfi[IRQ_S_EXT]++;
			devices_external_interrupt(g);
		}
	}
}
