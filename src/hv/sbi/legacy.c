#include "core/vtrap.h"
#include "hv/console.h"
#include "hv/guest.h"
#include "hv/sbi/vsbi.h"
#include "hv/stop.h"
#include "hv/timer.h"
#include "hv/vmem.h"

/* What clear_ipi returns when an IPI was pending: any positive value. */
#define CLEARED_PENDING_IPI 1

/* The hart mask a v0.1 call points at, read as the guest's own load would
 * (it is a guest virtual address): bit i names vCPU i. If that load faults, the spec has the
 * fault delivered to the guest at the ecall: false then. */
static bool read_hart_mask(struct vcpu *v, uint64_t va, uint64_t *harts)
{
	uint64_t mask, fault_va;
	uint64_t fault = vmem_read_u64(v, va, &mask, &fault_va);
	if (fault) {
		v->vh.pc -= 4;
		vtrap_enter(&v->vh, fault, fault_va);
		return false;
	}
	/* v0.1 has no error for harts that do not exist: they are left out. */
	*harts = mask & ((UL(1) << v->guest->nvcpus) - 1);
	return true;
}

/* SBI v0.1: one value back in a0, 0 for success. */
bool vsbi_legacy(struct vcpu *v, const struct sbi_call *c, uint64_t *value)
{
	uint64_t harts;
	*value = 0;
	switch (c->eid) {
	case SBI_EXT_LEGACY_SET_TIMER:
		timer_set(v, c->a[0]);
		return true;
	case SBI_EXT_LEGACY_PUTCHAR: {
		char byte = (char)(c->a[0] & 0xff);
		console_write(&v->guest->console, &byte, 1);
		return true;
	}
	case SBI_EXT_LEGACY_GETCHAR:
		*value = (uint64_t)(int64_t)console_getc(&v->guest->console);
		return true;
	case SBI_EXT_LEGACY_CLEAR_IPI:
		if (v->vh.sip & MIP_SSIP)
			*value = CLEARED_PENDING_IPI;
		v->vh.sip &= ~MIP_SSIP;
		return true;
	case SBI_EXT_LEGACY_SEND_IPI:
		if (!read_hart_mask(v, c->a[0], &harts))
			return false;
		vsbi_send_ipi(v, harts);
		return true;
	case SBI_EXT_LEGACY_REMOTE_FENCE_I:
		if (!read_hart_mask(v, c->a[0], &harts))
			return false;
		vsbi_remote_fence(v, harts, VSBI_FENCE_I, 0, 0);
		return true;
	case SBI_EXT_LEGACY_REMOTE_SFENCE_VMA:
	case SBI_EXT_LEGACY_REMOTE_SFENCE_VMA_ASID:
		if (!read_hart_mask(v, c->a[0], &harts))
			return false;
		vsbi_remote_fence(v, harts, VSBI_SFENCE_VMA, c->a[1], c->a[2]);
		return true;
	case SBI_EXT_LEGACY_SHUTDOWN:
		guest_exit(v, SBI_SRST_REASON_NONE);
	default:
		*value = (uint64_t)SBI_ERR_NOT_SUPPORTED;
		return true;
	}
}
