#include "hv/shadow.h"

#include <stddef.h>
#include <string.h>

#include "encoding.h"
#include "hv/layout.h"
#include "hv/mm.h"
#include "lib/csr.h"

extern uint64_t hv_boot_root[SV39_PTES_PER_TABLE];

#define GIGAPAGE_SHIFT 30
#define PTE_TABLE_PPN(pte) (((pte) >> PTE_PPN_SHIFT) << PAGE_SHIFT)
/* A table pointer whose tables hold 4 KiB pieces of a guest superpage is
 * marked in a software bit (RSW, ignored by the hardware), so that a fence
 * of any address in that superpage drops all its pieces. */
#define PTE_SPLIT_SUPERPAGE BIT(8)

static unsigned vpn(uint64_t va, unsigned level)
{
	return (unsigned)(va >> (PAGE_SHIFT + SV39_VPN_BITS * level)) &
	       (SV39_PTES_PER_TABLE - 1);
}

bool shadow_va_in_window(uint64_t va)
{
	unsigned slot = vpn(va, 2);
	return slot >= HV_WINDOW_SLOT_FIRST && slot < HV_WINDOW_SLOT_FIRST + HV_WINDOW_SLOTS;
}

static uint64_t table_pte(const void *table)
{
	return (va_to_pa(table) >> PAGE_SHIFT) << PTE_PPN_SHIFT | PTE_V;
}

static uint64_t *pte_table_va(uint64_t pte)
{
	return pa_to_va(PTE_TABLE_PPN(pte));
}

static bool pte_is_table(uint64_t pte)
{
	return (pte & PTE_V) && !(pte & (PTE_R | PTE_W | PTE_X));
}

static bool pte_is_leaf(uint64_t pte)
{
	return (pte & PTE_V) && (pte & (PTE_R | PTE_W | PTE_X));
}

static uint64_t *new_root(void)
{
	uint64_t *root = page_alloc();
	if (!root)
		return NULL;
	for (unsigned i = 0; i < HV_WINDOW_SLOTS; i++)
		root[HV_WINDOW_SLOT_FIRST + i] = hv_boot_root[HV_WINDOW_SLOT_FIRST + i];
	return root;
}

const char *shadow_init(struct shadow *s, const struct host_map *ram, uint64_t asid_base)
{
	/* The Bare root maps RAM with the megapages of one level-1 table. */
	if (ram->gpa_base % (UL(1) << GIGAPAGE_SHIFT) || ram->size > UL(1) << GIGAPAGE_SHIFT ||
	    ram->size % MEGAPAGE_SIZE || ram->hpa_base % MEGAPAGE_SIZE)
		return "guest RAM is not one aligned gigapage's worth of megapages";
	s->asid_base = asid_base;
	s->flushes = 0;
	s->clock = 0;
	memset(s->fetch, 0, sizeof(s->fetch));
	s->fetch_gen = 1;
	for (unsigned i = 0; i < SHADOW_SPACES; i++) {
		struct shadow_space *sp = &s->space[i];
		sp->satp = 0;
		sp->last_used = 0;
		memset(sp->slots, 0, sizeof(sp->slots));
		for (unsigned c = 0; c < SHADOW_CTXS; c++)
			if (!(sp->root[c] = new_root()))
				return "out of hypervisor memory for shadow roots";
	}
	s->cur = &s->space[0];
	/* satp Bare: guest-physical RAM at its own addresses, in megapages,
	 * user-accessible since the guest kernel runs in U-mode. */
	uint64_t *l1 = page_alloc();
	s->bare_root = new_root();
	if (!l1 || !s->bare_root)
		return "out of hypervisor memory for the Bare shadow table";
	s->bare_root[ram->gpa_base >> GIGAPAGE_SHIFT] = table_pte(l1);
	for (uint64_t off = 0; off < ram->size; off += MEGAPAGE_SIZE)
		l1[off / MEGAPAGE_SIZE] = ((ram->hpa_base + off) >> PAGE_SHIFT) << PTE_PPN_SHIFT |
					  PTE_V | PTE_R | PTE_W | PTE_X | PTE_U | PTE_A | PTE_D;
	return NULL;
}

/* Free the tables below root slot `slot` and clear it. */
static void free_slot(uint64_t *root, unsigned slot)
{
	uint64_t pte = root[slot];
	root[slot] = 0;
	if (!pte_is_table(pte))
		return;
	uint64_t *l1 = pte_table_va(pte);
	for (unsigned i = 0; i < SV39_PTES_PER_TABLE; i++)
		if (pte_is_table(l1[i]))
			page_free(pte_table_va(l1[i]));
	page_free(l1);
}

static bool space_filled(const struct shadow_space *sp)
{
	for (unsigned c = 0; c < SHADOW_CTXS; c++)
		for (unsigned w = 0; w < SV39_PTES_PER_TABLE / 64; w++)
			if (sp->slots[c][w])
				return true;
	return false;
}

/* Every leaf of space sp goes (the caller fences). The window's slots
 * never lead to shadow tables, so they are never visited. */
static void empty_space(struct shadow_space *sp)
{
	for (unsigned c = 0; c < SHADOW_CTXS; c++)
		for (unsigned w = 0; w < SV39_PTES_PER_TABLE / 64; w++)
			for (uint64_t bits = sp->slots[c][w]; bits; bits &= bits - 1)
				free_slot(sp->root[c], w * 64 + (unsigned)__builtin_ctzll(bits));
	memset(sp->slots, 0, sizeof(sp->slots));
}

static uint64_t satp_asid(uint64_t satp)
{
	return (satp & SATP_ASID) >> SATP_ASID_SHIFT;
}

void shadow_switch(struct shadow *s, uint64_t satp)
{
	if ((satp >> SATP_MODE_SHIFT) == SATP_MODE_BARE)
		return;
	struct shadow_space *victim = &s->space[0];
	for (unsigned i = 0; i < SHADOW_SPACES; i++) {
		struct shadow_space *sp = &s->space[i];
		if (sp->satp == satp) {
			s->cur = sp;
			sp->last_used = ++s->clock;
			return;
		}
		if (sp->last_used < victim->last_used)
			victim = sp;
	}
	/* The least recently used space now shadows satp: what it held goes,
	 * and so does what the hart may cache under its real ASIDs. */
	if (space_filled(victim)) {
		s->flushes++;
		s->fetch_gen++;
		empty_space(victim);
		sfence_vma_all();
	}
	victim->satp = satp;
	victim->last_used = ++s->clock;
	s->cur = victim;
}

void shadow_flush_all(struct shadow *s)
{
	s->flushes++;
	s->fetch_gen++;
	for (unsigned i = 0; i < SHADOW_SPACES; i++)
		empty_space(&s->space[i]);
	sfence_vma_all();
}

void shadow_flush_asid(struct shadow *s, uint64_t asid)
{
	s->flushes++;
	s->fetch_gen++;
	for (unsigned i = 0; i < SHADOW_SPACES; i++)
		if (satp_asid(s->space[i].satp) == asid)
			empty_space(&s->space[i]);
	sfence_vma_all();
}

/* Drop, under root, the shadows of the page holding va, or of the whole
 * guest superpage it was split from, or the megapage that holds it. True
 * if more than that page went. */
static bool flush_va_in(uint64_t *root, uint64_t va)
{
	uint64_t *l2 = &root[vpn(va, 2)];
	if (!pte_is_table(*l2))
		return false;
	if (*l2 & PTE_SPLIT_SUPERPAGE) {
		free_slot(root, vpn(va, 2));
		return true;
	}
	uint64_t *l1 = &pte_table_va(*l2)[vpn(va, 1)];
	if (pte_is_leaf(*l1)) {
		*l1 = 0;
		return true;
	}
	if (!pte_is_table(*l1))
		return false;
	uint64_t *l0 = pte_table_va(*l1);
	if (*l1 & PTE_SPLIT_SUPERPAGE) {
		memset(l0, 0, PAGE_SIZE);
		*l1 &= ~PTE_SPLIT_SUPERPAGE;
		return true;
	}
	l0[vpn(va, 0)] = 0;
	return false;
}

/* va's shadows in the spaces with ASID asid, or in all if all. */
static void flush_va_where(struct shadow *s, uint64_t va, bool all, uint64_t asid)
{
	bool superpage = false;
	unsigned top = vpn(va, 2);
	s->flushes++;
	s->fetch_gen++;
	for (unsigned i = 0; i < SHADOW_SPACES; i++) {
		struct shadow_space *sp = &s->space[i];
		if (!all && satp_asid(sp->satp) != asid)
			continue;
		for (unsigned c = 0; c < SHADOW_CTXS; c++)
			if ((sp->slots[c][top / 64] >> (top % 64)) & 1)
				superpage |= flush_va_in(sp->root[c], va);
	}
	if (superpage)
		sfence_vma_all();
	else
		sfence_vma_page(va);
}

void shadow_flush_va(struct shadow *s, uint64_t va)
{
	flush_va_where(s, va, true, 0);
}

void shadow_flush_va_asid(struct shadow *s, uint64_t va, uint64_t asid)
{
	flush_va_where(s, va, false, asid);
}

/* The root slot of va in context ctx of sp may lead to tables. */
static void mark_slot(struct shadow_space *sp, enum shadow_ctx ctx, uint64_t va)
{
	unsigned top = vpn(va, 2);
	sp->slots[ctx][top / 64] |= UL(1) << (top % 64);
}

/* The entry at leaf_level for va under root, allocating missing tables
 * (NULL when the pool is empty) in place of whatever was there (*dropped:
 * a megapage leaf was), and marking the pointer at guest_level as leading
 * to pieces of a guest superpage. */
static uint64_t *leaf_slot_alloc(uint64_t *root, uint64_t va, unsigned leaf_level,
				 unsigned guest_level, bool *dropped)
{
	uint64_t *table = root;
	for (unsigned level = 2; level > leaf_level; level--) {
		uint64_t *pte = &table[vpn(va, level)];
		if (!pte_is_table(*pte)) {
			uint64_t *next = page_alloc();
			if (!next)
				return NULL;
			*dropped |= pte_is_leaf(*pte);
			*pte = table_pte(next);
		}
		if (level == guest_level)
			*pte |= PTE_SPLIT_SUPERPAGE;
		table = pte_table_va(*pte);
	}
	return &table[vpn(va, leaf_level)];
}

bool shadow_map(struct shadow *s, enum shadow_ctx ctx, uint64_t va, uint64_t leaf,
		unsigned leaf_level, unsigned guest_level)
{
	bool dropped = false;
	uint64_t *root = s->cur->root[ctx];
	/* Noted first, so that even a path left half built is freed. */
	mark_slot(s->cur, ctx, va);
	uint64_t *slot = leaf_slot_alloc(root, va, leaf_level, guest_level, &dropped);
	if (!slot) {
		shadow_flush_all(s);
		mark_slot(s->cur, ctx, va);
		slot = leaf_slot_alloc(root, va, leaf_level, guest_level, &dropped);
		if (!slot)
			return false;
	}
	/* A megapage takes the place of the 4 KiB pieces of its block. */
	if (pte_is_table(*slot)) {
		page_free(pte_table_va(*slot));
		dropped = true;
	}
	bool upgrade = pte_is_leaf(*slot);
	*slot = leaf;
	/* A fault never leaves an invalid entry cached, but an entry that
	 * gains a permission may be, and so may those replaced. */
	if (dropped || upgrade)
		s->fetch_gen++;
	if (dropped)
		sfence_vma_all();
	else if (upgrade)
		sfence_vma_page(va);
	return true;
}

uint64_t shadow_satp(const struct shadow *s, const struct vhart *h)
{
	const uint64_t *root = shadow_root_of(s, h);
	uint64_t asid = 0;
	if (s->asid_base)
		asid = s->asid_base +
		       (shadow_satp_is_bare(h) ? SHADOW_ASIDS - 1
					       : (uint64_t)(s->cur - s->space) * SHADOW_CTXS +
							 (uint64_t)shadow_ctx_of(h));
	return SATP_MODE_SV39 << SATP_MODE_SHIFT | asid << SATP_ASID_SHIFT |
	       va_to_pa(root) >> PAGE_SHIFT;
}

const void *shadow_fetch_ptr(struct shadow *s, const struct vhart *h, uint64_t va)
{
	const void *cached = shadow_fetch_cached(s, h, va);
	if (cached)
		return cached;
	const uint64_t *root = shadow_root_of(s, h);
	const uint64_t *table = root;
	for (unsigned level = SV39_LEVELS; level-- > 0;) {
		uint64_t pte = table[vpn(va, level)];
		if (!(pte & PTE_V))
			return NULL;
		if (pte_is_table(pte)) {
			table = pte_table_va(pte);
			continue;
		}
		/* Only guest leaves: the window's are S-only. */
		if ((pte & (PTE_U | PTE_X)) != (PTE_U | PTE_X))
			return NULL;
		uint64_t span = PAGE_SIZE << (SV39_VPN_BITS * level);
		const uint8_t *page = pa_to_va(PTE_TABLE_PPN(pte) + va % span / PAGE_SIZE * PAGE_SIZE);
		struct shadow_fetch_slot *slot = shadow_fetch_slot(s, va);
		slot->gen = s->fetch_gen;
		slot->root = root;
		slot->page = va >> PAGE_SHIFT;
		slot->host = page;
		return page + va % PAGE_SIZE;
	}
	return NULL;
}
