/*
 * Shadow page tables: the Sv39 tables the hardware really uses while a
 * vCPU runs. The guest's own tables are only ever read by the proved
 * walker (core/sv39.c); leaves derived from them are filled in here lazily,
 * a 4 KiB page or a 2 MiB block per fault, into one of three roots (vS
 * with SUM=0, vS with SUM=1, vU) so that each guest context sees only what
 * it may touch. The three roots belong to one guest address space (one
 * guest satp value); a vCPU keeps SHADOW_SPACES of them, so that switching
 * back to a recent address space finds its shadows, and reuses the least
 * recently used one for a new one. A last root serves satp Bare. Every
 * root also maps the hypervisor window (layout.h), S-only and global. Each
 * vCPU has its own shadows, used only by the hart that runs it; other
 * harts ask that hart to flush them. Each root has its own real ASID (or
 * ASID 0 on a hart with too few ASID bits, where a root switch fences
 * instead).
 */
#ifndef HV_SHADOW_H
#define HV_SHADOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "encoding.h"
#include "core/sv39.h"
#include "core/vhart.h"

#define SHADOW_CTXS 3 /* enum shadow_ctx: SHADOW_VS, SHADOW_VS_SUM, SHADOW_VU */
/* Pages whose instruction-fetch translation is remembered. */
#define SHADOW_FETCH_SLOTS 32

/* Guest address spaces whose shadows a vCPU keeps at once. */
#define SHADOW_SPACES 8
/* Real ASIDs one vCPU's roots take: one per context and space, one for
 * Bare. */
#define SHADOW_ASIDS (SHADOW_SPACES * SHADOW_CTXS + 1)

/* The first real ASID for shadow roots on harts with asid_bits ASID bits,
 * when nvcpus vCPUs need SHADOW_ASIDS each: 1 if they all fit (ASID 0 is
 * the hypervisor's own), else 0: every root then has ASID 0, and a root
 * switch fences (correct on any hart, if slower). */
static inline uint64_t shadow_asid_first(unsigned asid_bits, uint64_t nvcpus)
{
	return asid_bits < 64 && (UL(1) << asid_bits) > 1 + SHADOW_ASIDS * nvcpus ? 1 : 0;
}

/* A page shadow_fetch_ptr() found through root (see struct shadow). */
struct shadow_fetch_slot {
	uint64_t gen;
	const uint64_t *root;
	uint64_t page;       /* guest virtual page number */
	const uint8_t *host; /* where that page is */
};

/* The shadows of one guest address space. */
struct shadow_space {
	uint64_t *root[SHADOW_CTXS];
	/* Which root slots lead to tables: what emptying the space visits. */
	uint64_t slots[SHADOW_CTXS][SV39_PTES_PER_TABLE / 64];
	uint64_t satp;      /* the guest satp (Sv39) they derive from; 0: none */
	uint64_t last_used; /* shadow.clock when last switched to */
};

struct shadow {
	struct shadow_space space[SHADOW_SPACES];
	struct shadow_space *cur; /* the guest's satp's, while that is Sv39 */
	uint64_t clock;
	uint64_t *bare_root;
	/* Space i's root c has ASID asid_base + i * SHADOW_CTXS + c, Bare the
	 * last of SHADOW_ASIDS. */
	uint64_t asid_base;
	uint64_t flushes;   /* how many flushes so far (spaces reused too) */
	/* Pages shadow_fetch_ptr() found, by guest page number modulo
	 * SHADOW_FETCH_SLOTS, so that a trapped instruction on one needs no
	 * walk; an entry counts only while its generation is fetch_gen,
	 * which moves on whenever any leaf changes. */
	struct shadow_fetch_slot fetch[SHADOW_FETCH_SLOTS];
	uint64_t fetch_gen;
};

/* Build the roots for the guest RAM ram; the Bare root maps all of it at
 * once. asid_base: the first of SHADOW_ASIDS real ASIDs no other set of
 * roots uses, or 0 for ASID 0 everywhere. NULL or why not. */
const char *shadow_init(struct shadow *s, const struct host_map *ram, uint64_t asid_base);
/* The guest's satp is now satp: shadows for it from now on, those of its
 * address space if kept (nothing if satp is Bare). */
void shadow_switch(struct shadow *s, uint64_t satp);
/* Forget every shadow leaf of every space (sfence.vma of everything, or
 * the page pool running dry). */
void shadow_flush_all(struct shadow *s);
/* Forget the shadow leaves for the page holding va, in every root, or for
 * the whole guest superpage that page was split from. */
void shadow_flush_va(struct shadow *s, uint64_t va);
/* The same for the spaces whose guest satp has ASID asid only (sfence.vma
 * with rs2: global mappings need not be dropped, so none are kept apart). */
void shadow_flush_asid(struct shadow *s, uint64_t asid);
void shadow_flush_va_asid(struct shadow *s, uint64_t va, uint64_t asid);
/* Install leaf for the page (leaf_level 0) or the 2 MiB block (leaf_level
 * 1) holding va in the root of ctx; va must be outside the hypervisor
 * window. guest_level is the level of the guest leaf it comes from (1:
 * 2 MiB, 2: 1 GiB superpage), so that a later fence of any address in
 * that superpage drops every piece. Reclaims all shadows when the page
 * pool runs out; false only if even an empty pool cannot hold the path. */
bool shadow_map(struct shadow *s, enum shadow_ctx ctx, uint64_t va, uint64_t leaf,
		unsigned leaf_level, unsigned guest_level);
/* The real satp for running the guest in virtual state h. */
uint64_t shadow_satp(const struct shadow *s, const struct vhart *h);
/* Which root serves the guest now: vU sees only U pages; vS without SUM
 * only S pages; vS with SUM also U pages, never executable. */
static inline enum shadow_ctx shadow_ctx_of(const struct vhart *h)
{
	if (h->priv == PRV_U)
		return SHADOW_VU;
	return (h->sstatus & SSTATUS_SUM) ? SHADOW_VS_SUM : SHADOW_VS;
}

static inline bool shadow_satp_is_bare(const struct vhart *h)
{
	return (h->satp >> SATP_MODE_SHIFT) == SATP_MODE_BARE;
}

/* The root the guest in state h runs on. */
static inline const uint64_t *shadow_root_of(const struct shadow *s, const struct vhart *h)
{
	return shadow_satp_is_bare(h) ? s->bare_root : s->cur->root[shadow_ctx_of(h)];
}

static inline struct shadow_fetch_slot *shadow_fetch_slot(struct shadow *s, uint64_t va)
{
	return &s->fetch[(va >> PAGE_SHIFT) % SHADOW_FETCH_SLOTS];
}

/* Where the hypervisor reads the byte at guest virtual address va as the
 * root the guest in state h runs on maps it for an instruction fetch (a
 * valid leaf with U and X), or NULL if that root has no such leaf: the
 * instruction the hart just ran, through the very translation it used,
 * whatever the guest's tables say now. */
const void *shadow_fetch_ptr(struct shadow *s, const struct vhart *h, uint64_t va);

/* shadow_fetch_ptr() if the page is remembered, else NULL. Inline: every
 * trapped instruction comes this way. */
static inline const void *shadow_fetch_cached(struct shadow *s, const struct vhart *h,
					      uint64_t va)
{
	const struct shadow_fetch_slot *slot = shadow_fetch_slot(s, va);
	if (slot->gen == s->fetch_gen && slot->page == va >> PAGE_SHIFT &&
	    slot->root == shadow_root_of(s, h))
		return slot->host + va % PAGE_SIZE;
	return NULL;
}

/* Whether va falls in the hypervisor window, which no guest mapping gets. */
bool shadow_va_in_window(uint64_t va);

#endif
