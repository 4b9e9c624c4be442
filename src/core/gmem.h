/*
 * Guest memory as the proved core sees it: the guest's RAM range and two
 * accessors for 8-byte page-table entries. The core declares them, the
 * shell (src/hv/) implements them; the proofs use only the contracts
 * below, so these contracts are the trusted boundary. What a read returns
 * is unconstrained: the guest (or another hart) may hold anything there.
 */
#ifndef CORE_GMEM_H
#define CORE_GMEM_H

#include <stdbool.h>
#include <stdint.h>

#include "encoding.h"

/* Guest-physical RAM is [base, base + size). */
struct gmem {
	uint64_t base;
	uint64_t size;
};

#ifdef __FRAMAC__
#include "gmem.acsl"
#endif

/*
 * Ghost log of the accessors (proofs only): the last PTE read, and the
 * number of CAS calls since a caller zeroed gmem_cas_count, with the last
 * call's arguments and outcome. Contracts of callers say which reads and
 * writes they made.
 */
/*@ ghost uint64_t gmem_read_gpa; */
/*@ ghost uint64_t gmem_read_value; */
/*@ ghost uint64_t gmem_cas_count; */
/*@ ghost uint64_t gmem_cas_gpa; */
/*@ ghost uint64_t gmem_cas_expected; */
/*@ ghost uint64_t gmem_cas_desired; */
/*@ ghost bool gmem_cas_replaced; */

/*
 * Read the 8-byte guest PTE at gpa (8-aligned, inside guest RAM).
 */
/*@ requires valid: \valid_read(m);
    requires in_ram: GmemPteAt(*m, gpa);
    assigns gmem_read_gpa, gmem_read_value;
    ensures logged: gmem_read_gpa == gpa && gmem_read_value == \result;
*/
uint64_t gmem_read_pte(const struct gmem *m, uint64_t gpa);

/*
 * Atomically replace the PTE at gpa (8-aligned, inside guest RAM) by
 * desired if it still equals expected (AMO or LR/SC in the shell); true
 * if it was replaced.
 */
/*@ requires valid: \valid_read(m);
    requires in_ram: GmemPteAt(*m, gpa);
    requires count: gmem_cas_count < UINT64_MAX;
    assigns gmem_cas_count, gmem_cas_gpa, gmem_cas_expected, gmem_cas_desired,
            gmem_cas_replaced;
    ensures logged: gmem_cas_count == \old(gmem_cas_count) + 1 &&
      gmem_cas_gpa == gpa && gmem_cas_expected == expected &&
      gmem_cas_desired == desired && gmem_cas_replaced == \result;
*/
bool gmem_cas_pte(const struct gmem *m, uint64_t gpa, uint64_t expected, uint64_t desired);

#endif
