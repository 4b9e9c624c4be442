/*
 * Sv39 page-table walk (privileged spec 1.12, 4.3.2) over guest memory,
 * and the shadow leaf derived from its result.
 *
 *   va:  | 63..39 = bit 38 | VPN[2] 38..30 | VPN[1] 29..21 | VPN[0] 20..12 | offset 11..0 |
 *   PTE: | 63..54 reserved | PPN 53..10 | RSW 9..8 | D A G U X W R V |
 *
 * Where the spec lets hardware choose, we choose as QEMU 7.2 does (which
 * we differential-test against): D, A or U set in a non-leaf PTE is a
 * page fault. Unlike QEMU 7.2, a PTE outside guest RAM is an access
 * fault, as the spec says (QEMU gives a page fault for a PTE in unmapped
 * space and reads a device register for one in MMIO space). Fields are
 * cut out with / and % rather than >> and & so that the provers see
 * their bounds (same values).
 */
#include <stdbool.h>
#include <stdint.h>

#include "encoding.h"
#include "core/gmem.h"
#include "core/sv39.h"

/* The leaf bits a Bare translation pretends to have used. */
#define SV39_BARE_LEAF (PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D)

/*@ assigns \nothing;
    ensures \result <==> Sv39Canonical(va);
*/
static bool sv39_canonical(uint64_t va)
{
	const uint64_t half = UL(1) << (SV39_VA_BITS - 1);

	return va < half || va >= (uint64_t)0 - half;
}

/*@ assigns \nothing;
    ensures ppn: \result == Pte2Ppn(pte) && \result <= PTE_PPN_MASK;
*/
static uint64_t sv39_pte_ppn(uint64_t pte)
{
	return pte / (UL(1) << PTE_PPN_SHIFT) % (PTE_PPN_MASK + 1);
}

/*@ requires level: level <= 2;
    assigns \nothing;
    ensures size: \result == Sv39PageSize(level);
*/
static uint64_t sv39_page_size(unsigned level)
{
	switch (level) {
	case 0:
		return PAGE_SIZE;
	case 1:
		return PAGE_SIZE * SV39_PTES_PER_TABLE;
	default:
		return PAGE_SIZE * SV39_PTES_PER_TABLE * SV39_PTES_PER_TABLE;
	}
}

/*@ requires valid: \valid_read(m);
    assigns \nothing;
    ensures \result <==> GmemPteInRam(*m, gpa);
*/
static bool sv39_pte_in_ram(const struct gmem *m, uint64_t gpa)
{
	return m->size >= PTE_SIZE && gpa >= m->base && gpa - m->base <= m->size - PTE_SIZE;
}

/*@ requires acc: acc == SV39_FETCH || acc == SV39_LOAD || acc == SV39_STORE;
    requires priv: priv == PRV_S || priv == PRV_U;
    assigns \nothing;
    ensures \result <==> LeafPermits(pte, acc, priv, sstatus);
*/
static bool sv39_leaf_permits(uint64_t pte, enum sv39_access acc, uint64_t priv, uint64_t sstatus)
{
	/* One flag at a time: R/W/X for the access type, then U for priv. */
	switch (acc) {
	case SV39_FETCH:
		if ((pte & PTE_X) == 0)
			return false;
		break;
	case SV39_LOAD:
		if ((pte & PTE_R) == 0 && ((pte & PTE_X) == 0 || (sstatus & SSTATUS_MXR) == 0))
			return false;
		break;
	default:
		if ((pte & PTE_W) == 0)
			return false;
		break;
	}
	if (priv == PRV_U)
		return (pte & PTE_U) != 0;
	if ((pte & PTE_U) == 0)
		return true;
	return acc != SV39_FETCH && (sstatus & SSTATUS_SUM) != 0;
}

/*@ requires acc: acc == SV39_FETCH || acc == SV39_LOAD || acc == SV39_STORE;
    requires priv: priv == PRV_S || priv == PRV_U;
    requires level: level <= 2;
    requires leaf: Sv39PteValid(pte) && !Sv39PtePointer(pte);
    assigns \nothing;
    ensures \result <==> Sv39LeafGrants(pte, level, acc, priv, sstatus);
*/
static bool sv39_leaf_grants(uint64_t pte, unsigned level, enum sv39_access acc,
			     uint64_t priv, uint64_t sstatus)
{
	/* W without R is reserved; so is a superpage with low PPN bits. */
	if ((pte & PTE_W) != 0 && (pte & PTE_R) == 0)
		return false;
	if (sv39_pte_ppn(pte) % (sv39_page_size(level) / PAGE_SIZE) != 0)
		return false;
	return sv39_leaf_permits(pte, acc, priv, sstatus);
}

/*@ requires level: level <= 2;
    assigns \nothing;
    ensures gpa: \result == Sv39Gpa(pte, level, va);
*/
static uint64_t sv39_leaf_gpa(uint64_t pte, unsigned level, uint64_t va)
{
	return sv39_pte_ppn(pte) * PAGE_SIZE + va % sv39_page_size(level);
}

/*@ assigns \nothing;
    ensures \result == Sv39AdUpdate(pte, acc);
    ensures a: PteHas(\result, PTE_A);
    ensures d: acc == SV39_STORE ==> PteHas(\result, PTE_D);
*/
static uint64_t sv39_ad_update(uint64_t pte, enum sv39_access acc)
{
	if (acc == SV39_STORE)
		return pte | PTE_A | PTE_D;
	return pte | PTE_A;
}

/*
 * The leaf step (spec steps 5-8): pte, read at pte_gpa on the walk's
 * level, is a leaf. Check it, set A/D by CAS if needed, compute gpa.
 */
/*@ requires valid: \valid_read(m);
    requires acc: acc == SV39_FETCH || acc == SV39_LOAD || acc == SV39_STORE;
    requires priv: priv == PRV_S || priv == PRV_U;
    requires level: level <= 2;
    requires at: GmemPteAt(*m, pte_gpa);
    requires read: gmem_read_gpa == pte_gpa && gmem_read_value == pte;
    requires nocas: GmemNoCas;
    requires leaf: Sv39PteValid(pte) && !Sv39PtePointer(pte);
    assigns gmem_cas_count, gmem_cas_gpa, gmem_cas_expected, gmem_cas_desired,
            gmem_cas_replaced;
    behavior grants:
      assumes Sv39LeafGrants(pte, level, acc, priv, sstatus);
      ensures status: \result.status == SV39_OK || \result.status == SV39_RETRY;
      ensures ok: \result.status == SV39_OK ==> Sv39ResultOk(\result, pte, va, acc, priv, sstatus);
      ensures where: \result.pte_gpa == pte_gpa && \result.level == level;
      ensures mem: (GmemNoCas && \result.status == SV39_OK && \result.pte == pte) ||
        (GmemOneAdCas(acc, priv, sstatus) &&
         (gmem_cas_replaced ? \result.status == SV39_OK && \result.pte == gmem_cas_desired
                            : \result.status == SV39_RETRY));
    behavior denies:
      assumes !Sv39LeafGrants(pte, level, acc, priv, sstatus);
      assigns \nothing;
      ensures status: \result.status == SV39_PAGE_FAULT;
      ensures mem: GmemNoCas;
      ensures where: \result.pte == pte && \result.pte_gpa == pte_gpa && \result.level == level;
    complete behaviors;
    disjoint behaviors;
*/
static struct sv39_result sv39_leaf(const struct gmem *m, uint64_t pte, uint64_t pte_gpa,
				    unsigned level, uint64_t va, enum sv39_access acc,
				    uint64_t priv, uint64_t sstatus)
{
	struct sv39_result r = { SV39_PAGE_FAULT, 0, 0, 0, 0 };
	enum sv39_status status = SV39_OK;
	uint64_t now = pte;

	r.pte = pte;
	r.pte_gpa = pte_gpa;
	r.level = level;
	if (!sv39_leaf_grants(pte, level, acc, priv, sstatus))
		return r;
	/* A missing, or D on a store: set them, but only if the PTE is still
	 * what we checked; if it changed, the guest instruction re-runs. */
	if ((pte & PTE_A) == 0 || (acc == SV39_STORE && (pte & PTE_D) == 0)) {
		const uint64_t want = sv39_ad_update(pte, acc);

		if (gmem_cas_pte(m, pte_gpa, pte, want))
			now = want;
		else
			status = SV39_RETRY;
	}
	r.status = status;
	r.gpa = sv39_leaf_gpa(pte, level, va);
	r.pte = now;
	return r;
}

/*@ requires valid: \valid_read(m);
    requires satp: SatpBare(satp) || SatpSv39(satp);
    requires acc: acc == SV39_FETCH || acc == SV39_LOAD || acc == SV39_STORE;
    requires priv: priv == PRV_S || priv == PRV_U;
    assigns gmem_read_gpa, gmem_read_value, gmem_cas_count, gmem_cas_gpa,
            gmem_cas_expected, gmem_cas_desired, gmem_cas_replaced;
    behavior bare:
      assumes SatpBare(satp);
      assigns gmem_cas_count;
      ensures nocas: GmemNoCas;
      ensures ok: \result.status == SV39_OK && \result.gpa == va && \result.level == 0;
      ensures leaf: \result.pte == (SV39_BARE_LEAF | (priv == PRV_U ? PTE_U : 0));
    behavior sv39:
      assumes SatpSv39(satp);
      ensures ok: \result.status == SV39_OK ==>
        Sv39Canonical(va) && Sv39ResultOk(\result, gmem_read_value, va, acc, priv, sstatus) &&
        GmemPteAt(*m, \result.pte_gpa) && \result.pte_gpa == gmem_read_gpa;
      ensures mem: GmemNoCas || GmemOneAdCas(acc, priv, sstatus);
      ensures ok_mem: \result.status == SV39_OK ==>
        (GmemNoCas && \result.pte == gmem_read_value) ||
        (gmem_cas_replaced && \result.pte == gmem_cas_desired);
      ensures retry: \result.status == SV39_RETRY ==> gmem_cas_count == 1 && !gmem_cas_replaced;
      ensures noncanonical: !Sv39Canonical(va) ==> \result.status == SV39_PAGE_FAULT;
      ensures step: Sv39Canonical(va) ==> Sv39LastStep(\result, va);
      ensures page_fault: \result.status == SV39_PAGE_FAULT && Sv39Canonical(va) ==>
        \result.pte == gmem_read_value && \result.pte_gpa == gmem_read_gpa &&
        Sv39StepFaults(\result.pte, \result.level, acc, priv, sstatus);
      ensures access_fault: \result.status == SV39_ACCESS_FAULT ==>
        !GmemPteInRam(*m, \result.pte_gpa);
      ensures grants: (\result.status == SV39_OK || \result.status == SV39_RETRY) ==>
        Sv39LeafGrants(gmem_read_value, \result.level, acc, priv, sstatus);
    complete behaviors;
    disjoint behaviors;
*/
struct sv39_result sv39_translate(const struct gmem *m, uint64_t satp, uint64_t va,
				  enum sv39_access acc, uint64_t priv, uint64_t sstatus)
{
	struct sv39_result r = { SV39_PAGE_FAULT, 0, 0, 0, 0 };
	uint64_t table;
	unsigned level = SV39_LEVELS - 1;

	//@ ghost gmem_cas_count = 0;
	if ((satp & SATP_MODE) != SATP_MODE_SV39 << SATP_MODE_SHIFT) {
		/* Bare: no translation. The made-up leaf lets
		 * sv39_shadow_leaf() serve Bare mode too. */
		r.status = SV39_OK;
		r.gpa = va;
		r.pte = SV39_BARE_LEAF;
		if (priv == PRV_U)
			r.pte = SV39_BARE_LEAF | PTE_U;
		return r;
	}
	if (!sv39_canonical(va))
		return r;

	table = satp % (SATP_PPN + 1) * PAGE_SIZE;
	/*@ loop invariant level: level <= 2;
	    loop invariant table: table % PAGE_SIZE == 0 && table < (UL(1) << 56);
	    loop invariant nocas: GmemNoCas;
	    loop invariant fault: r.status == SV39_PAGE_FAULT;
	    loop assigns level, table, r, gmem_read_gpa, gmem_read_value;
	    loop variant level;
	*/
	for (;;) {
		const uint64_t vpn = va / sv39_page_size(level) % SV39_PTES_PER_TABLE;
		const uint64_t pte_gpa = table + vpn * PTE_SIZE;
		uint64_t pte;

		r.level = level;
		r.pte_gpa = pte_gpa;
		if (!sv39_pte_in_ram(m, pte_gpa)) {
			r.status = SV39_ACCESS_FAULT;
			return r;
		}
		pte = gmem_read_pte(m, pte_gpa);
		r.pte = pte;
		if ((pte & PTE_V) == 0 || (pte & PTE_HIGH) != 0)
			return r;
		if ((pte & (PTE_R | PTE_W | PTE_X)) != 0)
			return sv39_leaf(m, pte, pte_gpa, level, va, acc, priv, sstatus);
		/* A pointer: D, A, U reserved (QEMU 7.2 faults); none below 0. */
		if ((pte & (PTE_A | PTE_D | PTE_U)) != 0 || level == 0)
			return r;
		table = sv39_pte_ppn(pte) * PAGE_SIZE;
		level--;
	}
}

/*
 * The flags of a shadow leaf for guest leaf g in context ctx, 0 for no
 * access. Whole constants per case, so that the provers read off every
 * bit.
 */
/*@ requires ctx: ctx == SHADOW_VS || ctx == SHADOW_VS_SUM || ctx == SHADOW_VU;
    assigns \nothing;
    ensures none: \result == 0 <==> !ShadowCtxAllows(g, ctx) || !(ShadowR(g) || ShadowX(g, ctx));
    ensures some: \result != 0 ==> ShadowFlagsShape(\result) && ShadowFlagsAre(\result, g, ctx);
*/
static uint64_t sv39_shadow_flags(uint64_t g, enum shadow_ctx ctx)
{
	const uint64_t base = PTE_V | PTE_U | PTE_A;
	bool rd, wr, ex;

	switch (ctx) {
	case SHADOW_VS:
		if ((g & PTE_U) != 0)
			return 0;
		break;
	case SHADOW_VU:
		if ((g & PTE_U) == 0)
			return 0;
		break;
	default:
		break;
	}
	rd = (g & PTE_R) != 0;
	wr = rd && (g & PTE_W) != 0 && (g & PTE_D) != 0;
	/* vS may never execute a page vU can reach. */
	ex = (g & PTE_X) != 0 && (ctx == SHADOW_VU || (g & PTE_U) == 0);
	if (wr)
		return ex ? base | PTE_R | PTE_W | PTE_D | PTE_X : base | PTE_R | PTE_W | PTE_D;
	if (rd)
		return ex ? base | PTE_R | PTE_X : base | PTE_R;
	return ex ? base | PTE_X : 0;
}

/*
 * The shadow PTE with flags that maps host address at (page-aligned and,
 * inside guest RAM, addressable by a PTE), assembled arithmetically
 * (ppn * 2^10 + flags, the fields do not overlap) for the provers.
 */
/*@ requires aligned: at % PAGE_SIZE == 0;
    requires addressable: at < (1 << (PTE_PPN_BITS + PAGE_SHIFT));
    requires flags: ShadowFlagsShape(flags);
    assigns \nothing;
    ensures shape: ShadowLeafShape(\result);
    ensures split: ShadowFlags(\result) == flags && ShadowAddr(\result) == at;
*/
static uint64_t shadow_pte(uint64_t at, uint64_t flags)
{
	const uint64_t ppn = at / PAGE_SIZE;
	//@ assert ppn: ppn <= PTE_PPN_MASK && ppn * PAGE_SIZE == at;
	const uint64_t leaf = ppn * (UL(1) << PTE_PPN_SHIFT) + flags;
	//@ assert split: ShadowFlags(leaf) == flags && ShadowPpn(leaf) == ppn;
	return leaf;
}

/*
 * Shadow leaf: the hardware runs the guest kernel in real U-mode, so
 * every shadow leaf has U; A and D are preset so the hardware never
 * writes shadow tables; W waits for the guest's D so that the first store
 * traps and the walker sets D.
 */
/*@ requires valid: \valid_read(r) && \valid_read(map);
    requires map: HostMapValid(*map);
    requires ctx: ctx == SHADOW_VS || ctx == SHADOW_VS_SUM || ctx == SHADOW_VU;
    assigns \nothing;
    ensures zero_or_leaf: \result == 0 || ShadowLeafShape(\result);
    ensures in_ram: \result != 0 ==> ShadowTargetInRam(\result, *map);
    ensures isolated: \forall integer lo, hi; \result != 0 && HostRangeOutside(*map, lo, hi) ==>
      ShadowPageOutside(\result, lo, hi);
    behavior maps:
      assumes r->status == SV39_OK && HostMapHas(*map, r->gpa);
      assumes ShadowCtxAllows(r->pte, ctx);
      assumes ShadowR(r->pte) || ShadowX(r->pte, ctx);
      ensures leaf: ShadowLeafShape(\result) && ShadowLeafIs(\result, r->pte, ctx);
      ensures target: ShadowAddr(\result) == HostPage(*map, r->gpa);
    behavior none:
      assumes !(r->status == SV39_OK && HostMapHas(*map, r->gpa)) ||
              !ShadowCtxAllows(r->pte, ctx) || !(ShadowR(r->pte) || ShadowX(r->pte, ctx));
      ensures zero: \result == 0;
    complete behaviors;
    disjoint behaviors;
*/
uint64_t sv39_shadow_leaf(const struct sv39_result *r, enum shadow_ctx ctx,
			  const struct host_map *map)
{
	const uint64_t gpa = r->gpa;
	const uint64_t gpa_base = map->gpa_base;
	uint64_t flags, page;

	if (r->status != SV39_OK || gpa < gpa_base || gpa - gpa_base >= map->size)
		return 0;
	flags = sv39_shadow_flags(r->pte, ctx);
	if (flags == 0)
		return 0;
	page = map->hpa_base + (gpa - gpa_base) / PAGE_SIZE * PAGE_SIZE;
	//@ assert page: page == HostPage(*map, gpa) && page % PAGE_SIZE == 0;
	//@ assert page_in: map->hpa_base <= page && page + PAGE_SIZE <= map->hpa_base + map->size;
	return shadow_pte(page, flags);
}

/*
 * Shadow megapage: for a guest superpage, the 2 MiB shadow leaf that maps
 * the whole 2 MiB block of guest RAM holding r->gpa at once, with the very
 * flags sv39_shadow_leaf() gives its pages. Only when guest RAM is made of
 * whole 2 MiB blocks on both sides, so that the block is all RAM.
 */
/*@ requires valid: \valid_read(r) && \valid_read(map);
    requires map: HostMapValid(*map);
    requires ctx: ctx == SHADOW_VS || ctx == SHADOW_VS_SUM || ctx == SHADOW_VU;
    assigns \nothing;
    ensures zero_or_leaf: \result == 0 || ShadowLeafShape(\result);
    ensures superpage: \result != 0 ==> r->level >= 1;
    ensures aligned: \result != 0 ==> ShadowAddr(\result) % MEGAPAGE_SIZE == 0;
    ensures in_ram: \result != 0 ==> ShadowMegaInRam(\result, *map);
    ensures isolated: \forall integer lo, hi; \result != 0 && HostRangeOutside(*map, lo, hi) ==>
      ShadowMegaOutside(\result, lo, hi);
    behavior maps:
      assumes r->status == SV39_OK && r->level >= 1 && HostMapHas(*map, r->gpa);
      assumes MegaMap(*map);
      assumes ShadowCtxAllows(r->pte, ctx);
      assumes ShadowR(r->pte) || ShadowX(r->pte, ctx);
      ensures leaf: ShadowLeafShape(\result) && ShadowLeafIs(\result, r->pte, ctx);
      ensures target: ShadowAddr(\result) <= HostPage(*map, r->gpa) &&
                      HostPage(*map, r->gpa) < ShadowAddr(\result) + MEGAPAGE_SIZE;
    behavior none:
      assumes !(r->status == SV39_OK && r->level >= 1 && HostMapHas(*map, r->gpa)) ||
              !MegaMap(*map) ||
              !ShadowCtxAllows(r->pte, ctx) || !(ShadowR(r->pte) || ShadowX(r->pte, ctx));
      ensures zero: \result == 0;
    complete behaviors;
    disjoint behaviors;
*/
uint64_t sv39_shadow_megaleaf(const struct sv39_result *r, enum shadow_ctx ctx,
			      const struct host_map *map)
{
	const uint64_t gpa = r->gpa;
	const uint64_t gpa_base = map->gpa_base;
	uint64_t flags, block;

	if (r->status != SV39_OK || r->level == 0 || gpa < gpa_base || gpa - gpa_base >= map->size)
		return 0;
	if (gpa_base % MEGAPAGE_SIZE != 0 || map->hpa_base % MEGAPAGE_SIZE != 0 ||
	    map->size % MEGAPAGE_SIZE != 0)
		return 0;
	flags = sv39_shadow_flags(r->pte, ctx);
	if (flags == 0)
		return 0;
	block = map->hpa_base + (gpa - gpa_base) / MEGAPAGE_SIZE * MEGAPAGE_SIZE;
	//@ assert block_in: map->hpa_base <= block && block + MEGAPAGE_SIZE <= map->hpa_base + map->size;
	//@ assert block_aligned: block % MEGAPAGE_SIZE == 0 && block % PAGE_SIZE == 0;
	return shadow_pte(block, flags);
}
