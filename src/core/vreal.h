/*
 * The real CSR values the hypervisor derives from the virtual hart before
 * it returns to the guest (in real U-mode, by sret). Pure: the shell reads
 * and writes the real CSRs, these functions only compute the values.
 */
#ifndef CORE_VREAL_H
#define CORE_VREAL_H

#include <stdbool.h>
#include <stdint.h>

#include "encoding.h"
#include "core/vcsr.h"
#include "core/vhart.h"

/* The real sstatus bits taken from the guest's virtual sstatus: MXR (it
 * applies at every privilege, and shadow PTEs keep the guest's R/X) and FS
 * (so FP instructions trap exactly when the guest turned FP off). */
#define VREAL_SSTATUS_GUEST (SSTATUS_MXR | SSTATUS_FS)
/* The real sstatus bits always cleared: SPP (sret goes to real U-mode),
 * SPIE and SIE (the hypervisor never runs with interrupts enabled), SUM
 * (it never reaches user pages through SUM). */
#define VREAL_SSTATUS_CLEARED (SSTATUS_SPP | SSTATUS_SPIE | SSTATUS_SIE | SSTATUS_SUM)
/* Every real sstatus bit vreal_sstatus() sets; the others stay as they are. */
#define VREAL_SSTATUS_DERIVED (VREAL_SSTATUS_GUEST | VREAL_SSTATUS_CLEARED)
/* The counters real U-mode may ever read directly. */
#define VREAL_COUNTERS (COUNTEREN_CY | COUNTEREN_TM | COUNTEREN_IR)

/* The virtual sstatus bits the real state derives from: MXR and FS (real
 * sstatus) and SUM (which shadow root the guest runs on). */
#define VREAL_SSTATUS_INPUTS (VREAL_SSTATUS_GUEST | SSTATUS_SUM)

/* Everything of the virtual hart that the real state installed for it
 * derives from: the real sstatus, scounteren, and the shadow root (its
 * privilege, satp and SUM). */
struct vreal_inputs {
	uint64_t priv;
	uint64_t satp;
	uint64_t sstatus; /* only the VREAL_SSTATUS_INPUTS bits */
	uint64_t scounteren;
};

#ifdef __FRAMAC__
#include "vreal.acsl"
#endif

/*
 * The real sstatus to install before sret into the guest, given the
 * current real value: SPP, SPIE, SIE, SUM = 0, MXR and FS = the guest's
 * virtual ones, every other bit as in current.
 */
uint64_t vreal_sstatus(const struct vhart *h, uint64_t current);

/*
 * The real scounteren to install before sret into the guest: in vS all of
 * CY, TM, IR (the guest kernel reads counters without a trap); in vU the
 * guest's own scounteren restricted to those (a guest process reads a
 * counter directly only if its kernel allowed it, else it traps and
 * vcsr_emulate() makes it a virtual illegal instruction).
 */
uint64_t vreal_scounteren(const struct vhart *h);

/* The inputs of the real state in h. */
struct vreal_inputs vreal_inputs_of(const struct vhart *h);

/*
 * Whether the guest may go straight back after an emulated instruction
 * took its virtual hart from inputs `before` to h: every input of the real
 * state is as it was (so the real satp, sstatus and scounteren installed
 * for `before` are right for h), and no interrupt is to be taken.
 */
bool vreal_unchanged(const struct vhart *h, const struct vreal_inputs *before);

#endif
