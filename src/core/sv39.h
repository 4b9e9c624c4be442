/*
 * Sv39 translation of guest virtual addresses (privileged spec 1.12, 4.3
 * and 4.4) as the guest's MMU would do it, and the shadow leaf PTE that
 * the hypervisor installs for a successful translation. Pure: reads and
 * writes guest page tables only through core/gmem.h.
 */
#ifndef CORE_SV39_H
#define CORE_SV39_H

#include <stdbool.h>
#include <stdint.h>

#include "encoding.h"
#include "core/gmem.h"

enum sv39_access { SV39_FETCH, SV39_LOAD, SV39_STORE };
enum sv39_status { SV39_OK, SV39_PAGE_FAULT, SV39_ACCESS_FAULT, SV39_RETRY };

struct sv39_result {
	enum sv39_status status;
	uint64_t gpa;     /* SV39_OK: guest-physical address of va */
	uint64_t pte;     /* SV39_OK: the leaf PTE as now in guest memory (A, and
			     D on a store, set); satp Bare: a made-up leaf
			     granting everything to priv */
	uint64_t pte_gpa; /* SV39_OK, satp Sv39: where that leaf PTE lives */
	unsigned level;   /* SV39_OK: 0 = 4 KiB leaf, 1 = 2 MiB, 2 = 1 GiB */
};

/* Which shadow root a guest context uses: vS with SUM=0, vS with SUM=1, vU. */
enum shadow_ctx { SHADOW_VS, SHADOW_VS_SUM, SHADOW_VU };

/* Host view of guest RAM: gpa in [gpa_base, gpa_base + size) lives at
 * hpa = gpa - gpa_base + hpa_base. */
struct host_map {
	uint64_t gpa_base;
	uint64_t size;
	uint64_t hpa_base;
};

#ifdef __FRAMAC__
#include "sv39.acsl"
#include "isolation.acsl"
#endif

/*
 * Translate va for one access as the guest's MMU would. satp is the
 * guest's virtual satp (Bare or Sv39), priv the virtual privilege (PRV_S
 * or PRV_U), sstatus the guest's virtual sstatus (SUM, MXR).
 *   Bare: SV39_OK, gpa = va; guest memory untouched.
 *   Sv39: SV39_OK with the leaf's A (and D on a store) set in guest memory;
 *   SV39_PAGE_FAULT; SV39_ACCESS_FAULT when a PTE lies outside guest RAM;
 *   SV39_RETRY when the leaf changed under us while setting A/D (re-run
 *   the guest instruction). On a fault only status is meaningful.
 */
struct sv39_result sv39_translate(const struct gmem *m, uint64_t satp, uint64_t va,
				  enum sv39_access acc, uint64_t priv, uint64_t sstatus);

/*
 * The 4 KiB shadow leaf PTE for the page containing r->gpa, for context
 * ctx, or 0 when the context gets no access to it (or r is not SV39_OK, or
 * r->gpa is not in guest RAM). V, U, A always; R as the guest's; X as the
 * guest's but never for a guest U page in the vS contexts; W (and D) only
 * if the guest PTE has W and D, so a first store traps and sets D.
 */
uint64_t sv39_shadow_leaf(const struct sv39_result *r, enum shadow_ctx ctx,
			  const struct host_map *map);

/*
 * For a guest superpage (r->level >= 1): the 2 MiB shadow leaf PTE that
 * maps the whole 2 MiB block of guest RAM holding r->gpa, with the flags
 * sv39_shadow_leaf() gives each of its pages; 0 when sv39_shadow_leaf()
 * would give 0, for a 4 KiB guest leaf, or unless guest RAM is whole
 * 2 MiB blocks on both sides (gpa_base, hpa_base and size 2 MiB-aligned).
 */
uint64_t sv39_shadow_megaleaf(const struct sv39_result *r, enum shadow_ctx ctx,
			      const struct host_map *map);

#endif
