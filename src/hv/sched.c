#include "hv/sched.h"

#include "encoding.h"
#include "hv/console.h"
#include "hv/devices.h"
#include "hv/fp.h"
#include "hv/host_plic.h"
#include "hv/machine.h"
#include "hv/stats.h"
#include "hv/timer.h"
#include "lib/csr.h"

/* With more than one vCPU ready on a hart, each runs this long in turn. */
#define SLICES_PER_SECOND 100
/* The console has no interrupt of its own: a guest UART waiting for input
 * is served on the guest's timer ticks and, while no guest runs on the
 * hart, this often. */
#define INPUT_POLLS_PER_SECOND 50

/* entry.S: continue at fn(h) on the stack whose top is sp. */
__attribute__((noreturn)) void hart_switch_stack(uint64_t sp, void (*fn)(struct hart *),
						 struct hart *h);

static enum vcpu_state state_of(const struct vcpu *v)
{
	return __atomic_load_n(&v->state, __ATOMIC_ACQUIRE);
}

/* With g's lock held. */
static bool all_stopped(const struct guest *g)
{
	for (unsigned i = 0; i < g->nvcpus; i++)
		if (state_of(&g->vcpus[i]) != VCPU_STOPPED)
			return false;
	return true;
}

/* Every vCPU of g has stopped and this hart is the one to act: restart g
 * or report it over. */
static void finish_guest(struct guest *g)
{
	stats_print(g);
	devices_quiesce(&g->dev);
	if (g->ending == GUEST_ENDING_REBOOT) {
		const char *why = guest_reset(g);
		if (!why)
			return;
		char name[8];
		hv_printf("hv: cannot restart the guest%s: %s\n", guest_name(g, name, sizeof(name)),
			  why);
		g->failed = true;
	}
	machine_guest_over(g);
}

/* On v's hart: v stops, its shadows go. If its guest is ending and v was
 * the last vCPU to stop, this hart finishes the guest. A guest whose last
 * running vCPU stops on its own (SBI HSM hart_stop) has nothing left to
 * run it: natively the machine would sit idle for ever, so it ends, as a
 * failure. */
static void park(struct vcpu *v)
{
	struct guest *g = v->guest;
	shadow_flush_all(&v->shadow);
	spin_lock(&g->lock);
	__atomic_store_n(&v->state, VCPU_STOPPED, __ATOMIC_RELEASE);
	v->waiting = false;
	bool all = all_stopped(g), deserted = all && g->ending == GUEST_RUNNING;
	if (deserted) {
		g->ending = GUEST_ENDING_EXIT;
		g->failed = true;
	}
	bool finish = g->ending != GUEST_RUNNING && !g->finishing && all;
	if (finish)
		g->finishing = true;
	spin_unlock(&g->lock);
	if (deserted) {
		char name[8];
		hv_printf("hv: guest%s stopped: every hart of it stopped (SBI HSM hart_stop)\n",
			  guest_name(g, name, sizeof(name)));
	}
	if (finish)
		finish_guest(g);
}

void sched_end_guest(struct guest *g, enum guest_end how, bool failed)
{
	spin_lock(&g->lock);
	if (g->ending == GUEST_RUNNING) {
		g->ending = how;
		g->failed = failed;
	}
	spin_unlock(&g->lock);
	for (unsigned i = 0; i < g->nvcpus; i++)
		hart_kick(g->vcpus[i].hart);
}

void sched_stop_vcpu(struct vcpu *v)
{
	park(v);
	sched_restart(v->hart);
}

/* A vCPU that hart_start (or a guest reset) made START_PENDING: only its
 * own hart moves it on, so no lock is needed to read what was posted. */
static void start(struct vcpu *v)
{
	vcpu_reset(v, v->start_addr, v->start_opaque);
	__atomic_store_n(&v->state, VCPU_STARTED, __ATOMIC_RELEASE);
}

/* Requests, starts and stops of every vCPU pinned to h. */
static void service(struct hart *h)
{
	for (unsigned i = 0; i < h->nvcpus; i++) {
		struct vcpu *v = h->vcpus[i];
		vcpu_take_requests(v);
		enum vcpu_state s = state_of(v);
		if (s == VCPU_STOPPED)
			continue;
		if (__atomic_load_n(&v->guest->ending, __ATOMIC_ACQUIRE) != GUEST_RUNNING)
			park(v);
		else if (s == VCPU_START_PENDING)
			start(v);
	}
}

/* The vCPU to run: the current one while its slice lasts (or nothing else
 * is ready), else the next ready one after it. */
static struct vcpu *pick(struct hart *h)
{
	service(h);
	struct vcpu *cur = h->current;
	if (h->nvcpus == 1)
		return vcpu_ready(h->vcpus[0]) ? h->vcpus[0] : NULL;
	uint64_t now = timer_now();
	bool cur_ready = cur && vcpu_ready(cur);
	if (cur_ready && now < h->slice_end)
		return cur;
	unsigned first = 0;
	for (unsigned i = 0; i < h->nvcpus; i++)
		if (h->vcpus[i] == cur)
			first = i + 1;
	for (unsigned k = 0; k < h->nvcpus; k++) {
		struct vcpu *v = h->vcpus[(first + k) % h->nvcpus];
		if (v != cur && vcpu_ready(v)) {
			h->slice_end = now + h->timebase_hz / SLICES_PER_SECOND;
			return v;
		}
	}
	if (cur_ready)
		h->slice_end = now + h->timebase_hz / SLICES_PER_SECOND;
	return cur_ready ? cur : NULL;
}

/* The guest's floating-point registers stay in the real ones while only
 * its vCPU runs on the hart; a switch saves and restores them. */
static void switch_to(struct hart *h, struct vcpu *v)
{
	struct vcpu *prev = h->current;
	if (prev == v)
		return;
	csr_set(CSR_SSTATUS, SSTATUS_FS);
	if (prev && (prev->vh.sstatus & SSTATUS_FS))
		fp_save(prev);
	if (v->vh.sstatus & SSTATUS_FS)
		fp_restore(v);
	h->current = v;
}

static void external_interrupt(struct hart *h)
{
	uint32_t src;
	while ((src = host_plic_claim(h->plic, h->plic_context)) != 0) {
		struct guest *g = machine_irq_owner(src);
		if (!g) {
			host_plic_complete(h->plic, h->plic_context, src);
			continue;
		}
		devices_host_irq(&g->dev, src, h->plic_context);
		guest_sync_irqs(g);
	}
}

/* Console input for the guests of h's vCPUs whose UART waits for it. */
static bool poll_input(struct hart *h, bool only_check)
{
	bool wanted = false;
	for (unsigned i = 0; i < h->nvcpus; i++) {
		struct guest *g = h->vcpus[i]->guest;
		if (state_of(h->vcpus[i]) == VCPU_STOPPED || !devices_want_input(&g->dev))
			continue;
		wanted = true;
		if (!only_check) {
			devices_poll_input(&g->dev);
			guest_sync_irqs(g);
		}
	}
	return wanted;
}

void sched_interrupt(struct hart *h, uint64_t irq)
{
	switch (irq) {
	case IRQ_S_SOFT:
		/* The requests behind it are served on the way out. */
		csr_clear(CSR_SIP, MIP_SSIP);
		break;
	case IRQ_S_TIMER:
		timer_update(h);
		poll_input(h, false);
		break;
	case IRQ_S_EXT:
		external_interrupt(h);
		break;
	default:
		break;
	}
}

/* A single-vCPU guest waiting with nothing that could ever wake it is
 * stuck for good: stop it rather than idle forever. (With more vCPUs,
 * another one may still raise its interrupts.) */
static void stop_if_stuck(struct hart *h)
{
	for (unsigned i = 0; i < h->nvcpus; i++) {
		struct vcpu *v = h->vcpus[i];
		struct guest *g = v->guest;
		if (g->nvcpus != 1 || !v->waiting || state_of(v) == VCPU_STOPPED)
			continue;
		uint64_t sie = v->vh.sie;
		bool timer_can_fire = (sie & MIP_STIP) && v->timer_deadline != TIMER_NEVER;
		bool device_can_fire = (sie & MIP_SEIP) &&
				       (devices_want_input(&g->dev) || devices_disk_busy(&g->dev));
		if (timer_can_fire || device_can_fire)
			continue;
		char name[8];
		hv_printf("hv: guest%s stopped at pc %lx (%s): WFI with no interrupt that could "
			  "ever wake it (sie %lx)\n",
			  guest_name(g, name, sizeof(name)), v->vh.pc,
			  v->vh.priv == PRV_S ? "vS" : "vU", sie);
		sched_end_guest(g, GUEST_ENDING_EXIT, true);
		park(v);
	}
}

/* Nothing is ready on h: sleep until a real interrupt, and serve it. The
 * hypervisor keeps sstatus.SIE clear, so WFI returns without a trap. */
static void idle(struct hart *h)
{
	stop_if_stuck(h);
	bool input = poll_input(h, true);
	h->wake_at = input ? timer_now() + h->timebase_hz / INPUT_POLLS_PER_SECOND : TIMER_NEVER;
	/* A deadline that passed since the vCPUs were looked at wakes one now:
	 * the real timer was never set for it. */
	if (timer_update(h))
		return;
	__asm__ volatile("wfi");
	uint64_t sip = csr_read(CSR_SIP);
	struct trap_stats *stats = h->current ? &h->current->stats : NULL;
	if (sip & MIP_SSIP)
		csr_clear(CSR_SIP, MIP_SSIP);
	/* The poll time, if any, has served its purpose: a stale one left in
	 * the real timer fires once, and the update then drops it. */
	h->wake_at = TIMER_NEVER;
	if (sip & MIP_STIP) {
		if (stats)
			stats->in_wfi[IRQ_S_TIMER]++;
		timer_update(h);
	}
	if (sip & MIP_SEIP) {
		if (stats)
			stats->in_wfi[IRQ_S_EXT]++;
		external_interrupt(h);
	}
	if (input)
		poll_input(h, false);
}

struct vcpu *sched_next(struct hart *h)
{
	for (;;) {
		struct vcpu *v = pick(h);
		if (v) {
			switch_to(h, v);
			/* The real timer also ends the slice when vCPUs share h;
			 * it never holds a time already past while a guest runs. */
			uint64_t wake = h->nvcpus > 1 ? h->slice_end : TIMER_NEVER;
			if (h->wake_at != wake) {
				h->wake_at = wake;
				timer_update(h);
			}
			vcpu_deliver_interrupts(v);
			vcpu_load_real_state(v);
			return v;
		}
		idle(h);
	}
}

static void run(struct hart *h)
{
	vcpu_enter(sched_next(h));
}

void sched_restart(struct hart *h)
{
	hart_switch_stack(h->stack_top, run, h);
}
