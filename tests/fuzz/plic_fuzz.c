/*
 * libFuzzer target for the PLIC model (src/dev/plic.c), built with
 * ASan/UBSan: what a guest (register accesses) and the devices (lines)
 * can do to it, in any order, checked step by step against a reference
 * written from plic.h's contract alone.
 *
 * Input: byte 0 = harts (1..9, 9 cut to PLIC_MAX_HARTS), then records of
 * 8 bytes: op, where (3 bytes), value (4 bytes, little endian). op % 4:
 * 0 register write, 1 register read, 2 a line set to value & 1, 3 a claim
 * then (value bit 31) a completion of the source claimed or of value & 63.
 * With op bit 2 set a written value is cut to 0..63 (source IDs,
 * priorities), which random words seldom are.
 * Register offsets come from `where`: a priority, pending word, enable
 * word or context register of any source/context (those beyond the model
 * included), or any aligned offset in the PLIC's 6 MiB.
 *
 * After every step the whole state must equal the reference's (byte for
 * byte), every read return what the reference says, the completion hook
 * run exactly for the completions the contract names, and the invariants
 * of struct plic hold; any violation is an abort(), which libFuzzer
 * reports.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dev/plic.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c) do { if (!(c)) abort(); } while (0)

/* ---- The reference ------------------------------------------------------ */

static bool bit(const uint64_t *map, unsigned s)
{
	return (map[s / 64] >> (s % 64)) & 1;
}

static void set_bit(uint64_t *map, unsigned s, bool v)
{
	if (v)
		map[s / 64] |= (uint64_t)1 << (s % 64);
	else
		map[s / 64] &= ~((uint64_t)1 << (s % 64));
}

static uint32_t word(const uint64_t *map, unsigned w)
{
	return (uint32_t)(map[w / 2] >> (32 * (w % 2)));
}

/* The source a claim by ctx returns: pending, enabled, priority above the
 * threshold; the highest priority, the lowest ID among equals; 0 if none. */
static unsigned ref_best(const struct plic *p, unsigned ctx)
{
	unsigned best = 0;
	if (ctx >= p->ncontexts)
		return 0;
	for (unsigned s = 1; s < PLIC_NSOURCES; s++)
		if (bit(p->pending, s) && bit(p->enable[ctx], s) &&
		    p->priority[s] > p->threshold[ctx] &&
		    (best == 0 || p->priority[s] > p->priority[best]))
			best = s;
	return best;
}

enum reg_kind { REG_NONE, REG_PRIORITY, REG_PENDING, REG_ENABLE, REG_THRESHOLD, REG_CLAIM };
struct reg {
	enum reg_kind kind;
	unsigned index; /* source, or pending word */
	unsigned ctx;
	unsigned word;
};

/* What the register at offset is for a PLIC with ncontexts contexts. */
static struct reg ref_reg(unsigned ncontexts, uint64_t off)
{
	struct reg r = { REG_NONE, 0, 0, 0 };
	const unsigned words = PLIC_NSOURCES / 32;
	if (off < 4 * PLIC_NSOURCES) {
		r.kind = off == 0 ? REG_NONE : REG_PRIORITY;
		r.index = (unsigned)(off / 4);
	} else if (off >= PLIC_PENDING_BASE && off < PLIC_PENDING_BASE + 4 * words) {
		r.kind = REG_PENDING;
		r.index = (unsigned)(off - PLIC_PENDING_BASE) / 4;
	} else if (off >= PLIC_ENABLE_BASE &&
		   off < PLIC_ENABLE_BASE + (uint64_t)PLIC_ENABLE_STRIDE * ncontexts &&
		   (off - PLIC_ENABLE_BASE) % PLIC_ENABLE_STRIDE < 4 * words) {
		r.kind = REG_ENABLE;
		r.ctx = (unsigned)(off - PLIC_ENABLE_BASE) / PLIC_ENABLE_STRIDE;
		r.word = (unsigned)((off - PLIC_ENABLE_BASE) % PLIC_ENABLE_STRIDE) / 4;
	} else if (off >= PLIC_CONTEXT_BASE &&
		   off < PLIC_CONTEXT_BASE + (uint64_t)PLIC_CONTEXT_STRIDE * ncontexts) {
		uint64_t in = (off - PLIC_CONTEXT_BASE) % PLIC_CONTEXT_STRIDE;
		r.ctx = (unsigned)(off - PLIC_CONTEXT_BASE) / PLIC_CONTEXT_STRIDE;
		r.kind = in == PLIC_THRESHOLD ? REG_THRESHOLD : in == PLIC_CLAIM ? REG_CLAIM
										 : REG_NONE;
	}
	return r;
}

/* Completions the hook saw, and the ones the reference expects. */
static unsigned hook_calls, hook_src, hook_ctx_ok;

static void on_complete(void *ctx, unsigned src)
{
	hook_calls++;
	hook_src = src;
	hook_ctx_ok = ctx == &hook_calls;
}

static void ref_complete(struct plic *p, unsigned ctx, uint32_t src, bool *hook)
{
	*hook = false;
	if (src == 0 || src >= PLIC_NSOURCES || !bit(p->enable[ctx], src) || !bit(p->claimed, src))
		return;
	set_bit(p->claimed, src, false);
	if (bit(p->level, src))
		set_bit(p->pending, src, true);
	*hook = true;
}

/* The reference's effect of a write; *hook: the completion hook runs. */
static void ref_write(struct plic *p, uint64_t off, uint32_t v, bool *hook)
{
	struct reg r = ref_reg(p->ncontexts, off);
	*hook = false;
	switch (r.kind) {
	case REG_PRIORITY:
		p->priority[r.index] = (uint8_t)(v & PLIC_PRIORITY_MASK);
		break;
	case REG_ENABLE: {
		uint64_t *e = p->enable[r.ctx];
		unsigned shift = 32 * (r.word % 2);
		if (r.word == 0)
			v &= ~1u; /* no source 0 */
		e[r.word / 2] = (e[r.word / 2] & ~((uint64_t)0xffffffff << shift)) |
				(uint64_t)v << shift;
		break;
	}
	case REG_THRESHOLD:
		p->threshold[r.ctx] = (uint8_t)(v & PLIC_PRIORITY_MASK);
		break;
	case REG_CLAIM:
		ref_complete(p, r.ctx, v, hook);
		break;
	default:
		break;
	}
}

/* The reference's value of a read, and its effect (a claim). */
static uint32_t ref_read(struct plic *p, uint64_t off)
{
	struct reg r = ref_reg(p->ncontexts, off);
	switch (r.kind) {
	case REG_PRIORITY:
		return p->priority[r.index];
	case REG_PENDING:
		return word(p->pending, r.index);
	case REG_ENABLE:
		return word(p->enable[r.ctx], r.word);
	case REG_THRESHOLD:
		return p->threshold[r.ctx];
	case REG_CLAIM: {
		unsigned s = ref_best(p, r.ctx);
		if (s) {
			set_bit(p->pending, s, false);
			set_bit(p->claimed, s, true);
		}
		return s;
	}
	default:
		return 0;
	}
}

static void ref_set_level(struct plic *p, unsigned src, bool level)
{
	if (src == 0 || src >= PLIC_NSOURCES)
		return;
	set_bit(p->level, src, level);
	if (level && !bit(p->claimed, src))
		set_bit(p->pending, src, true);
}

/* ---- Driving both --------------------------------------------------------- */

/* An offset from 3 bytes: mostly registers of every kind (of sources and
 * contexts beyond the model too), sometimes anywhere aligned. */
static uint64_t offset_of(uint32_t where)
{
	unsigned pick = where & 7, n = where >> 3;
	switch (pick) {
	case 0:
		return 4u * (n % (PLIC_NSOURCES + 8));
	case 1:
		return PLIC_PENDING_BASE + 4u * (n % 4);
	case 2:
		return PLIC_ENABLE_BASE + PLIC_ENABLE_STRIDE * (n / 4 % (PLIC_MAX_CONTEXTS + 2)) +
		       4u * (n % 4);
	case 3:
	case 4:
		return PLIC_CONTEXT_BASE + PLIC_CONTEXT_STRIDE * (n / 2 % (PLIC_MAX_CONTEXTS + 2)) +
		       4u * (n % 2);
	default:
		return 4u * (n % (PLIC_SIZE / 4));
	}
}

static void check_invariants(const struct plic *p)
{
	CHECK(p->ncontexts >= 2 && p->ncontexts <= PLIC_MAX_CONTEXTS && p->ncontexts % 2 == 0);
	CHECK(p->priority[0] == 0);
	for (unsigned s = 0; s < PLIC_NSOURCES; s++)
		CHECK(p->priority[s] <= PLIC_PRIORITY_MASK);
	for (unsigned c = 0; c < PLIC_MAX_CONTEXTS; c++) {
		CHECK(p->threshold[c] <= PLIC_PRIORITY_MASK);
		CHECK(!bit(p->enable[c], 0));
	}
	CHECK(!bit(p->pending, 0) && !bit(p->claimed, 0) && !bit(p->level, 0));
	for (unsigned w = 0; w < PLIC_BITMAP_WORDS; w++)
		CHECK((p->pending[w] & p->claimed[w]) == 0);
	for (unsigned c = 0; c < PLIC_MAX_CONTEXTS + 2; c++) {
		CHECK(plic_context_pending(p, c) == (ref_best(p, c) != 0));
		for (unsigned s = 0; s < PLIC_NSOURCES + 2; s++)
			CHECK(plic_source_deliverable(p, c, s) ==
			      (c < p->ncontexts && s != 0 && s < PLIC_NSOURCES &&
			       bit(p->enable[c], s) && p->priority[s] > p->threshold[c]));
	}
}

static void same_state(const struct plic *a, const struct plic *b)
{
	CHECK(memcmp(a, b, sizeof(*a)) == 0);
}

static void do_write(struct plic *p, struct plic *ref, uint64_t off, uint32_t v)
{
	bool hook;
	unsigned calls = hook_calls;
	ref_write(ref, off, v, &hook);
	plic_write(p, off, v);
	CHECK(hook_calls == calls + (hook ? 1u : 0u));
	if (hook)
		CHECK(hook_src == v && hook_ctx_ok);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct plic p, ref;
	const struct plic_io io = { on_complete, &hook_calls };
	if (size < 1)
		return 0;
	unsigned harts = 1u + data[0] % 9u;
	plic_init(&p, &io, harts);
	memcpy(&ref, &p, sizeof(p));
	CHECK(ref.ncontexts == 2u * (harts < PLIC_MAX_HARTS ? harts : PLIC_MAX_HARTS));
	check_invariants(&p);
	for (size_t at = 1; at + 8 <= size; at += 8) {
		const uint8_t *r = data + at;
		uint32_t where = (uint32_t)r[1] | (uint32_t)r[2] << 8 | (uint32_t)r[3] << 16;
		uint32_t v = (uint32_t)r[4] | (uint32_t)r[5] << 8 | (uint32_t)r[6] << 16 |
			     (uint32_t)r[7] << 24;
		uint64_t off = offset_of(where);
		switch (r[0] % 4) {
		case 0:
			do_write(&p, &ref, off, (r[0] & 4) ? v & 63 : v);
			break;
		case 1:
			CHECK(plic_read(&p, off) == ref_read(&ref, off));
			break;
		case 2:
			ref_set_level(&ref, where % (PLIC_NSOURCES + 4), v & 1);
			plic_set_level(&p, where % (PLIC_NSOURCES + 4), v & 1);
			break;
		default: {
			unsigned ctx = where % (PLIC_MAX_CONTEXTS + 1);
			uint64_t claim = PLIC_CONTEXT_BASE + PLIC_CONTEXT_STRIDE * ctx + PLIC_CLAIM;
			uint32_t got = plic_read(&p, claim);
			CHECK(got == ref_read(&ref, claim));
			if (v >> 31)
				do_write(&p, &ref, claim, (v >> 30 & 1) ? v & 63 : got);
			break;
		}
		}
		same_state(&p, &ref);
		check_invariants(&p);
	}
	return 0;
}
