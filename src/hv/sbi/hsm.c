#include "hv/guest.h"
#include "hv/sbi/vsbi.h"
#include "hv/sched.h"

/* SBI v2.0 hart state management for the guest's harts (its vCPUs). */

static enum vcpu_state state_of(const struct vcpu *v)
{
	return __atomic_load_n(&v->state, __ATOMIC_ACQUIRE);
}

/* A hart may start only where it can fetch: in the guest's RAM. */
static bool entry_ok(const struct vcpu *v, uint64_t addr)
{
	return ram_gpa_to_hva(&v->guest->ram, addr, 2) != NULL;
}

static struct sbi_result hart_start(struct vcpu *v, uint64_t hartid, uint64_t addr,
				    uint64_t opaque)
{
	struct guest *g = v->guest;
	if (hartid >= g->nvcpus)
		return sbi_err(SBI_ERR_INVALID_PARAM);
	if (!entry_ok(v, addr))
		return sbi_err(SBI_ERR_INVALID_ADDRESS);
	struct vcpu *t = &g->vcpus[hartid];
	struct sbi_result r = sbi_ok(0);
	spin_lock(&g->lock);
	if (g->ending != GUEST_RUNNING) {
		r = sbi_err(SBI_ERR_FAILED);
	} else if (state_of(t) != VCPU_STOPPED) {
		r = sbi_err(SBI_ERR_ALREADY_AVAILABLE);
	} else {
		t->start_addr = addr;
		t->start_opaque = opaque;
		__atomic_store_n(&t->state, VCPU_START_PENDING, __ATOMIC_RELEASE);
	}
	spin_unlock(&g->lock);
	if (r.error == SBI_SUCCESS)
		hart_kick(t->hart);
	return r;
}

static struct sbi_result hart_suspend(struct vcpu *v, uint64_t type, uint64_t addr,
				      uint64_t opaque)
{
	bool retentive = type == SBI_HSM_SUSPEND_RETENTIVE;
	/* Reserved and platform-specific types alike: none is implemented. */
	if (!retentive && type != SBI_HSM_SUSPEND_NON_RETENTIVE)
		return sbi_err(SBI_ERR_INVALID_PARAM);
	if (!retentive && !entry_ok(v, addr))
		return sbi_err(SBI_ERR_INVALID_ADDRESS);
	if (!retentive) {
		v->start_addr = addr;
		v->start_opaque = opaque;
		v->resume_fresh = true;
	}
	__atomic_store_n(&v->state, VCPU_SUSPENDED, __ATOMIC_RELEASE);
	vcpu_wfi(v);
	return sbi_ok(0);
}

static const uint64_t sbi_states[] = {
	[VCPU_STOPPED] = SBI_HSM_STATE_STOPPED,
	[VCPU_START_PENDING] = SBI_HSM_STATE_START_PENDING,
	[VCPU_STARTED] = SBI_HSM_STATE_STARTED,
	[VCPU_SUSPENDED] = SBI_HSM_STATE_SUSPENDED,
};

struct sbi_result vsbi_hsm(struct vcpu *v, const struct sbi_call *c)
{
	struct guest *g = v->guest;
	switch (c->fid) {
	case SBI_HSM_HART_START:
		return hart_start(v, c->a[0], c->a[1], c->a[2]);
	case SBI_HSM_HART_STOP:
		sched_stop_vcpu(v);
	case SBI_HSM_HART_GET_STATUS:
		if (c->a[0] >= g->nvcpus)
			return sbi_err(SBI_ERR_INVALID_PARAM);
		return sbi_ok(sbi_states[state_of(&g->vcpus[c->a[0]])]);
	case SBI_HSM_HART_SUSPEND:
		return hart_suspend(v, c->a[0], c->a[1], c->a[2]);
	default:
		return sbi_err(SBI_ERR_NOT_SUPPORTED);
	}
}
