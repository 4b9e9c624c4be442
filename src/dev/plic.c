/* RISC-V PLIC model. The gateway keeps one request per source: pending is
 * set when the line is high and the source not in service, cleared only by
 * a claim; the claimed mark blocks new requests until the completion. */
#include <stddef.h>
#include <string.h>

#include "dev/plic.h"

/* Every bit of a 32-bit pending or enable register is then a source (or
 * source 0): no register word is only partly backed by the bitmaps. */
_Static_assert(PLIC_NSOURCES % 32u == 0, "PLIC_NSOURCES must fill whole registers");

/* 32-bit register words of the pending and enable bitmaps. */
#define PLIC_REG_WORDS (PLIC_NSOURCES / 32u)

void plic_init(struct plic *p, const struct plic_io *io, unsigned nharts)
{
	memset(p, 0, sizeof(*p));
	if (io != NULL)
		p->io = *io;
	p->ncontexts = 2u * (nharts < PLIC_MAX_HARTS ? nharts : PLIC_MAX_HARTS);
}

static bool bit_get(const uint64_t *map, unsigned src)
{
	return ((map[src / 64u] >> (src % 64u)) & 1u) != 0;
}

static void bit_put(uint64_t *map, unsigned src, bool value)
{
	uint64_t mask = (uint64_t)1 << (src % 64u);

	if (value)
		map[src / 64u] |= mask;
	else
		map[src / 64u] &= ~mask;
}

/* Register word w of a bitmap: sources 32w..32w+31. */
static uint32_t word_get(const uint64_t *map, unsigned w)
{
	return (uint32_t)(map[w / 2u] >> (32u * (w % 2u)));
}

static void word_put(uint64_t *map, unsigned w, uint32_t value)
{
	unsigned shift = 32u * (w % 2u);

	map[w / 2u] =
	    (map[w / 2u] & ~((uint64_t)0xffffffffu << shift)) | ((uint64_t)value << shift);
}

static bool valid_source(uint32_t src)
{
	return src != 0 && src < PLIC_NSOURCES;
}

void plic_set_level(struct plic *p, unsigned src, bool level)
{
	if (!valid_source(src))
		return;
	bit_put(p->level, src, level);
	if (level && !bit_get(p->claimed, src))
		bit_put(p->pending, src, true);
}

/* The source a claim by ctx returns: the highest priority above the
 * threshold among the pending enabled ones, the lowest ID among equals. */
static unsigned best_source(const struct plic *p, unsigned ctx)
{
	unsigned best = 0, best_priority = p->threshold[ctx], src;

	for (src = 1; src < PLIC_NSOURCES; src++) {
		if (bit_get(p->pending, src) && bit_get(p->enable[ctx], src) &&
		    p->priority[src] > best_priority) {
			best = src;
			best_priority = p->priority[src];
		}
	}
	return best;
}

bool plic_context_pending(const struct plic *p, unsigned ctx)
{
	return ctx < p->ncontexts && best_source(p, ctx) != 0;
}

bool plic_source_deliverable(const struct plic *p, unsigned ctx, unsigned src)
{
	return ctx < p->ncontexts && valid_source(src) && bit_get(p->enable[ctx], src) &&
	       p->priority[src] > p->threshold[ctx];
}

static uint32_t claim(struct plic *p, unsigned ctx)
{
	unsigned src = best_source(p, ctx);

	if (src != 0) {
		bit_put(p->pending, src, false);
		bit_put(p->claimed, src, true);
	}
	return src;
}

/* Per the spec, an ID not enabled for ctx is ignored; one enabled but not
 * in service has no request to end, so nothing changes either. */
static void complete(struct plic *p, unsigned ctx, uint32_t src)
{
	if (!valid_source(src) || !bit_get(p->enable[ctx], src) || !bit_get(p->claimed, src))
		return;
	bit_put(p->claimed, src, false);
	if (bit_get(p->level, src))
		bit_put(p->pending, src, true);
	if (p->io.complete != NULL)
		p->io.complete(p->io.ctx, src);
}

static bool in_block(uint64_t offset, uint64_t base, uint64_t size)
{
	return offset >= base && offset - base < size;
}

uint32_t plic_read(struct plic *p, uint64_t offset)
{
	if (in_block(offset, PLIC_PRIORITY_BASE, 4u * PLIC_NSOURCES))
		return p->priority[(offset - PLIC_PRIORITY_BASE) / 4u];
	if (in_block(offset, PLIC_PENDING_BASE, 4u * PLIC_REG_WORDS))
		return word_get(p->pending, (unsigned)((offset - PLIC_PENDING_BASE) / 4u));
	if (in_block(offset, PLIC_ENABLE_BASE, PLIC_ENABLE_STRIDE * p->ncontexts)) {
		unsigned ctx = (unsigned)((offset - PLIC_ENABLE_BASE) / PLIC_ENABLE_STRIDE);
		unsigned w = (unsigned)((offset - PLIC_ENABLE_BASE) % PLIC_ENABLE_STRIDE / 4u);

		return w < PLIC_REG_WORDS ? word_get(p->enable[ctx], w) : 0;
	}
	if (in_block(offset, PLIC_CONTEXT_BASE, PLIC_CONTEXT_STRIDE * p->ncontexts)) {
		unsigned ctx = (unsigned)((offset - PLIC_CONTEXT_BASE) / PLIC_CONTEXT_STRIDE);
		uint64_t reg = (offset - PLIC_CONTEXT_BASE) % PLIC_CONTEXT_STRIDE;

		if (reg == PLIC_THRESHOLD)
			return p->threshold[ctx];
		if (reg == PLIC_CLAIM)
			return claim(p, ctx);
	}
	return 0;
}

void plic_write(struct plic *p, uint64_t offset, uint32_t value)
{
	if (in_block(offset, PLIC_PRIORITY_BASE, 4u * PLIC_NSOURCES)) {
		unsigned src = (unsigned)((offset - PLIC_PRIORITY_BASE) / 4u);

		if (src != 0)
			p->priority[src] = (uint8_t)(value & PLIC_PRIORITY_MASK);
	} else if (in_block(offset, PLIC_ENABLE_BASE, PLIC_ENABLE_STRIDE * p->ncontexts)) {
		unsigned ctx = (unsigned)((offset - PLIC_ENABLE_BASE) / PLIC_ENABLE_STRIDE);
		unsigned w = (unsigned)((offset - PLIC_ENABLE_BASE) % PLIC_ENABLE_STRIDE / 4u);

		/* Source 0 does not exist: its enable bit stays 0. */
		if (w < PLIC_REG_WORDS)
			word_put(p->enable[ctx], w, w == 0 ? value & ~1u : value);
	} else if (in_block(offset, PLIC_CONTEXT_BASE, PLIC_CONTEXT_STRIDE * p->ncontexts)) {
		unsigned ctx = (unsigned)((offset - PLIC_CONTEXT_BASE) / PLIC_CONTEXT_STRIDE);
		uint64_t reg = (offset - PLIC_CONTEXT_BASE) % PLIC_CONTEXT_STRIDE;

		if (reg == PLIC_THRESHOLD)
			p->threshold[ctx] = (uint8_t)(value & PLIC_PRIORITY_MASK);
		else if (reg == PLIC_CLAIM)
			complete(p, ctx, value);
	}
}
