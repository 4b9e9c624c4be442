#include "hv/vcpu.h"

#include <string.h>

#include "core/vcsr.h"
#include "core/vreal.h"
#include "core/vtrap.h"
#include "lib/csr.h"

#define REG_A0 10
#define REG_A1 11

void vcpu_reset(struct vcpu *v, uint64_t entry, uint64_t a1)
{
	memset(v->x, 0, sizeof(v->x));
	vhart_reset(&v->vh, entry);
	/* As firmware leaves S-mode (OpenSBI does; Linux relies on it and never
	 * writes scounteren): guest user mode may read the counters. */
	v->vh.scounteren = COUNTEREN_CY | COUNTEREN_TM | COUNTEREN_IR;
	v->x[REG_A0] = v->id;
	v->x[REG_A1] = a1;
	v->timer_deadline = TIMER_NEVER;
	v->waiting = false;
	v->resume_fresh = false;
	v->last_fill_page = 0;
	v->last_fill_pc = 0;
	v->fill_repeats = 0;
	shadow_flush_all(&v->shadow);
}

void vcpu_post(struct vcpu *v, uint32_t requests)
{
	__atomic_fetch_or(&v->requests, requests, __ATOMIC_RELEASE);
	hart_kick(v->hart);
}

void vcpu_take_requests(struct vcpu *v)
{
	uint32_t r = __atomic_load_n(&v->requests, __ATOMIC_ACQUIRE);
	if (!r)
		return;
	if (r & VCPU_REQ_IPI) {
		__atomic_fetch_and(&v->requests, ~(uint32_t)VCPU_REQ_IPI, __ATOMIC_ACQ_REL);
		v->vh.sip |= MIP_SSIP;
	}
	if (r & VCPU_REQ_FENCE) {
		shadow_flush_all(&v->shadow);
		hart_fence_i();
		/* Only now: the poster waits for the bit to clear. */
		__atomic_fetch_and(&v->requests, ~(uint32_t)VCPU_REQ_FENCE, __ATOMIC_RELEASE);
	}
}

bool vcpu_fence_pending(const struct vcpu *v)
{
	return __atomic_load_n(&v->requests, __ATOMIC_ACQUIRE) & VCPU_REQ_FENCE;
}

void vcpu_wfi(struct vcpu *v)
{
	v->waiting = true;
}

/* The guest's PLIC drives SEIP: the line its devices keep for this vCPU. */
static void sync_external(struct vcpu *v)
{
	if ((__atomic_load_n(v->seip_lines, __ATOMIC_ACQUIRE) >> v->id) & 1)
		v->vh.sip |= MIP_SEIP;
	else
		v->vh.sip &= ~MIP_SEIP;
}

/* A non-retentive suspend ends as a fresh start at the resume address
 * (SBI v2.0: satp 0, sstatus.SIE 0, a0 = hart id, a1 = opaque). */
static void resume_fresh(struct vcpu *v)
{
	v->resume_fresh = false;
	v->vh.priv = PRV_S;
	v->vh.satp = 0;
	v->vh.sstatus &= ~SSTATUS_SIE;
	v->vh.pc = v->start_addr;
	v->x[REG_A0] = v->id;
	v->x[REG_A1] = v->start_opaque;
	shadow_flush_all(&v->shadow);
}

bool vcpu_ready(struct vcpu *v)
{
	enum vcpu_state s = __atomic_load_n(&v->state, __ATOMIC_ACQUIRE);
	if (s != VCPU_STARTED && s != VCPU_SUSPENDED)
		return false;
	if (!v->waiting)
		return true;
	sync_external(v);
	if (!vtrap_wfi_wakes(&v->vh))
		return false;
	v->waiting = false;
	if (v->resume_fresh)
		resume_fresh(v);
	if (s == VCPU_SUSPENDED)
		__atomic_store_n(&v->state, VCPU_STARTED, __ATOMIC_RELEASE);
	return true;
}

void vcpu_deliver_interrupts(struct vcpu *v)
{
	sync_external(v);
	uint64_t irq_cause = vtrap_pending_interrupt(&v->vh);
	if (irq_cause)
		vtrap_enter(&v->vh, irq_cause, 0);
}

void vcpu_load_real_state(struct vcpu *v)
{
	struct hart *h = v->hart;
	uint64_t want_satp = shadow_satp(&v->shadow, &v->vh);
	if (want_satp != h->real_satp) {
		csr_write(CSR_SATP, want_satp);
		v->stats.satp_writes++;
		if (h->asid_fence)
			sfence_vma_all();
		h->real_satp = want_satp;
	}
	/* Derived by the proved core: real U-mode on sret, the guest's FS and
	 * MXR, nothing else of the guest's. */
	uint64_t sstatus_now = csr_read(CSR_SSTATUS);
	uint64_t want_sstatus = vreal_sstatus(&v->vh, sstatus_now);
	if (want_sstatus != sstatus_now)
		csr_write(CSR_SSTATUS, want_sstatus);
	uint64_t want_counteren = vreal_scounteren(&v->vh);
	if (want_counteren != h->real_scounteren) {
		csr_write(CSR_SCOUNTEREN, want_counteren);
		h->real_scounteren = want_counteren;
	}
}
