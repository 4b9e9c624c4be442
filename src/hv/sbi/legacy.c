#include "hv/console.h"
#include "hv/guest.h"
#include "hv/sbi/vsbi.h"
#include "hv/stop.h"
#include "hv/timer.h"

/* SBI v0.1: one value back in a0, 0 for success. send_ipi takes the
 * address of a hart mask in guest memory (guest-physical under satp Bare). */
uint64_t vsbi_legacy(struct vcpu *v, const struct sbi_call *c)
{
	switch (c->eid) {
	case SBI_EXT_LEGACY_SET_TIMER:
		timer_set(v, c->a[0]);
		return 0;
	case SBI_EXT_LEGACY_PUTCHAR: {
		char byte = (char)(c->a[0] & 0xff);
		console_write(&byte, 1);
		return 0;
	}
	case SBI_EXT_LEGACY_GETCHAR:
		return UL(-1);
	case SBI_EXT_LEGACY_CLEAR_IPI:
		v->vh.sip &= ~MIP_SSIP;
		return 0;
	case SBI_EXT_LEGACY_SEND_IPI: {
		const uint64_t *mask = guest_gpa_to_hva(v->guest, c->a[0], sizeof(uint64_t));
		uint64_t harts;
		if (!mask || !vsbi_hart_mask(v, *mask, 0, &harts))
			return (uint64_t)SBI_ERR_INVALID_PARAM;
		if (harts & 1)
			v->vh.sip |= MIP_SSIP;
		return 0;
	}
	case SBI_EXT_LEGACY_REMOTE_FENCE_I:
		__asm__ volatile("fence.i" : : : "memory");
		return 0;
	case SBI_EXT_LEGACY_REMOTE_SFENCE_VMA:
	case SBI_EXT_LEGACY_REMOTE_SFENCE_VMA_ASID:
		return 0;
	case SBI_EXT_LEGACY_SHUTDOWN:
		guest_exit(v, SBI_SRST_REASON_NONE);
	default:
		return (uint64_t)SBI_ERR_NOT_SUPPORTED;
	}
}
