/*
 * Virtual traps: entering the guest's S-mode trap handler as the hardware
 * would, and the guest's sret. Pure: only the struct vhart changes.
 */
#ifndef CORE_VTRAP_H
#define CORE_VTRAP_H

#include <stdbool.h>
#include <stdint.h>

#include "core/vcsr.h"
#include "core/vhart.h"

#ifdef __FRAMAC__
#include "vtrap.acsl"
#endif

/*
 * Enter the guest's trap handler for a trap taken into vS: scause = cause
 * (bit 63 set for interrupts), stval = tval, sepc = h->pc (bit 0 cleared,
 * it cannot hold 1), sstatus.SPP = old priv, SPIE = old SIE, SIE = 0,
 * priv = PRV_S, pc = stvec base (+ 4 * code for interrupts when Vectored).
 */
void vtrap_enter(struct vhart *h, uint64_t cause, uint64_t tval);

/*
 * sret: illegal from vU (VCSR_ILLEGAL, nothing changed); from vS:
 * priv = SPP, SIE = SPIE, SPIE = 1, SPP = U, pc = sepc.
 */
enum vcsr_status vtrap_sret(struct vhart *h);

/*
 * The interrupt to take before the guest's next instruction: the scause
 * value (CAUSE_INTERRUPT | code) of the highest-priority S-level interrupt
 * that is pending, enabled in sie, and globally enabled (vU, or vS with
 * sstatus.SIE), or 0 when there is none.
 */
uint64_t vtrap_pending_interrupt(const struct vhart *h);

/* Whether a WFI completes now: some interrupt pending and enabled in sie. */
bool vtrap_wfi_wakes(const struct vhart *h);

#endif
