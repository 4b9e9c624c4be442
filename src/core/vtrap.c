/*
 * Virtual trap entry and sret, as a hart without the H extension does
 * them for S-mode (privileged spec 1.12, 4.1.1 and 3.3.2).
 */
#include <stdbool.h>
#include <stdint.h>

#include "encoding.h"
#include "core/vcsr.h"
#include "core/vtrap.h"

/* The sstatus fields a trap or sret leaves as they are (UXL is fixed). */
#define VTRAP_SSTATUS_KEEP (SSTATUS_FS | SSTATUS_SUM | SSTATUS_MXR)

/*@ requires valid: \valid(h);
    requires inv: VhartValid(*h);
    assigns h->priv, h->pc, h->sstatus, h->sepc, h->scause, h->stval;
    ensures inv: VhartValid(*h);
    ensures priv: h->priv == PRV_S;
    ensures pc: h->pc == TrapTarget(\old(h->stvec), cause);
    ensures sstatus: h->sstatus == TrapSstatus(\old(h->sstatus), \old(h->priv));
    ensures sepc: h->sepc == (\old(h->pc) & VCSR_SEPC_MASK);
    ensures scause: h->scause == cause;
    ensures stval: h->stval == tval;
*/
void vtrap_enter(struct vhart *h, uint64_t cause, uint64_t tval)
{
	const uint64_t s = h->sstatus;
	uint64_t spie = 0;
	uint64_t spp = 0;
	const uint64_t base = h->stvec & VCSR_TVEC_BASE_MASK;
	const uint64_t offset = (cause & CAUSE_INTERRUPT) != 0 &&
					(h->stvec & TVEC_MODE_MASK) == TVEC_MODE_VECTORED ?
				4 * (cause & (CAUSE_INTERRUPT - 1)) : 0;
	const uint64_t epc = h->pc & VCSR_SEPC_MASK;

	/* Switches, not ?:, because WP proves each case of a switch apart
	 * and its simplifier then sees constant sstatus bits. */
	switch (s & SSTATUS_SIE) {
	case 0:
		break;
	default:
		spie = SSTATUS_SPIE;
		break;
	}
	switch (h->priv) {
	case PRV_S:
		spp = SSTATUS_SPP;
		break;
	default:
		break;
	}

	/* Compute first, then store: one straight line of updates. */
	h->sstatus = (s & VTRAP_SSTATUS_KEEP) | VCSR_SSTATUS_UXL64 | spie | spp;
	h->scause = cause;
	h->stval = tval;
	h->sepc = epc;
	h->priv = PRV_S;
	h->pc = base + offset;
}

/*@ requires valid: \valid(h);
    requires inv: VhartValid(*h);
    assigns h->priv, h->pc, h->sstatus;
    ensures inv: VhartValid(*h);
    behavior from_vu:
      assumes h->priv == PRV_U;
      assigns \nothing;
      ensures illegal: \result == VCSR_ILLEGAL;
    behavior from_vs:
      assumes h->priv != PRV_U;
      assigns h->priv, h->pc, h->sstatus;
      ensures ok: \result == VCSR_OK;
      ensures priv: h->priv == SretPriv(\old(h->sstatus));
      ensures sstatus: h->sstatus == SretSstatus(\old(h->sstatus));
      ensures pc: h->pc == \old(h->sepc);
    complete behaviors;
    disjoint behaviors;
*/
enum vcsr_status vtrap_sret(struct vhart *h)
{
	const uint64_t s = h->sstatus;
	const uint64_t priv = (s & SSTATUS_SPP) ? PRV_S : PRV_U;
	const uint64_t pc = h->sepc;
	uint64_t sie = 0;

	if (h->priv == PRV_U)
		return VCSR_ILLEGAL;
	/* A switch, not ?:, as in vtrap_enter(). */
	switch (s & SSTATUS_SPIE) {
	case 0:
		break;
	default:
		sie = SSTATUS_SIE;
		break;
	}

	h->priv = priv;
	h->pc = pc;
	h->sstatus = (s & VTRAP_SSTATUS_KEEP) | VCSR_SSTATUS_UXL64 | sie | SSTATUS_SPIE;
	return VCSR_OK;
}

/*@ requires valid: \valid_read(h);
    requires inv: VhartValid(*h);
    assigns \nothing;
    ensures spec: \result == NextInterrupt(*h);
*/
uint64_t vtrap_pending_interrupt(const struct vhart *h)
{
	const uint64_t pending = h->sip & h->sie;

	if (h->priv == PRV_S && (h->sstatus & SSTATUS_SIE) == 0)
		return 0;
	/* One flag at a time, in the spec's priority order. */
	if ((pending & MIP_SEIP) != 0)
		return CAUSE_INTERRUPT | IRQ_S_EXT;
	if ((pending & MIP_SSIP) != 0)
		return CAUSE_INTERRUPT | IRQ_S_SOFT;
	if ((pending & MIP_STIP) != 0)
		return CAUSE_INTERRUPT | IRQ_S_TIMER;
	return 0;
}

/*@ requires valid: \valid_read(h);
    assigns \nothing;
    ensures spec: \result <==> WfiWakes(*h);
*/
bool vtrap_wfi_wakes(const struct vhart *h)
{
	return (h->sip & h->sie) != 0;
}
