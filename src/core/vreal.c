/*
 * The real state derived from the virtual hart: the guest chooses only
 * what it is meant to (sstatus.MXR and FS; which counters its own user
 * mode reads directly), never the hypervisor's own privileged state.
 */
#include <stdint.h>

#include "encoding.h"
#include "core/vcsr.h"
#include "core/vreal.h"
#include "core/vtrap.h"

/*@ requires valid: \valid_read(h);
    assigns \nothing;
    ensures spp: BitClear(\result, SSTATUS_SPP);
    ensures spie: BitClear(\result, SSTATUS_SPIE);
    ensures sie: BitClear(\result, SSTATUS_SIE);
    ensures sum: BitClear(\result, SSTATUS_SUM);
    ensures mxr: SameBit(\result, h->sstatus, SSTATUS_MXR);
    ensures fs: SameFs(\result, h->sstatus);
    ensures exact: \result == RealSstatus(current, h->sstatus);
*/
uint64_t vreal_sstatus(const struct vhart *h, uint64_t current)
{
	return (current & ~VREAL_SSTATUS_DERIVED) | (h->sstatus & VREAL_SSTATUS_GUEST);
}

/*@ requires valid: \valid_read(h);
    requires inv: VhartValid(*h);
    assigns \nothing;
    ensures within: BitsWithin(\result, VREAL_COUNTERS);
    ensures agrees: CountersAgree(\result, *h);
    behavior vs:
      assumes h->priv == PRV_S;
      ensures all: \result == VREAL_COUNTERS;
    behavior vu:
      assumes h->priv == PRV_U;
      ensures guest: \result == (h->scounteren & VREAL_COUNTERS);
      ensures granted: BitsOf(\result, h->scounteren);
    complete behaviors;
    disjoint behaviors;
*/
uint64_t vreal_scounteren(const struct vhart *h)
{
	if (h->priv == PRV_S)
		return VREAL_COUNTERS;
	return h->scounteren & VREAL_COUNTERS;
}

/*@ requires valid: \valid_read(h);
    assigns \nothing;
    ensures inputs: SameRealInputs(*h, \result);
*/
struct vreal_inputs vreal_inputs_of(const struct vhart *h)
{
	struct vreal_inputs in = { h->priv, h->satp, h->sstatus & VREAL_SSTATUS_INPUTS,
				   h->scounteren };
	return in;
}

/*@ requires valid: \valid_read(h) && \valid_read(before);
    requires inv: VhartValid(*h);
    assigns \nothing;
    ensures exact: \result != 0 <==> SameRealInputs(*h, *before) && NextInterrupt(*h) == 0;
*/
bool vreal_unchanged(const struct vhart *h, const struct vreal_inputs *before)
{
	return h->priv == before->priv && h->satp == before->satp &&
	       (h->sstatus & VREAL_SSTATUS_INPUTS) == before->sstatus &&
	       h->scounteren == before->scounteren && vtrap_pending_interrupt(h) == 0;
}
