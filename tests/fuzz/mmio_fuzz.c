/*
 * libFuzzer target for the load/store decoder (src/core/mmio.c),
 * built with ASan/UBSan. Input: 4 bytes of instruction (little endian),
 * then up to 8 bytes of raw device value (missing bytes read as 0). The
 * decode is checked against the RV64I/F/D/A/RVC encoding tables written
 * out plainly (the RVC offsets bit by bit from the manual's drawings), and
 * the loaded value against its width and extension; any
 * violation is an abort(), which libFuzzer reports.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "encoding.h"
#include "core/mmio.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c) do { if (!(c)) abort(); } while (0)

static uint64_t get(const uint8_t *data, size_t size, size_t off, unsigned n)
{
	uint64_t v = 0;
	unsigned i;

	for (i = 0; i < n; i++)
		if (off + i < size)
			v |= (uint64_t)data[off + i] << (8 * i);
	return v;
}

/* Bit b of x. */
static unsigned bit(uint32_t x, unsigned b)
{
	return x >> b & 1;
}

/* An immediate assembled bit by bit from a table of (instruction bit,
 * immediate bit) pairs, as the RVC chapter draws them. */
static int64_t imm_bits(uint32_t insn, const unsigned (*map)[2], unsigned n)
{
	int64_t v = 0;
	for (unsigned k = 0; k < n; k++)
		v |= (int64_t)bit(insn, map[k][0]) << map[k][1];
	return v;
}

#define IMM(insn, map) imm_bits(insn, map, sizeof(map) / sizeof(map[0]))

static const unsigned off_w[][2] = { { 12, 5 }, { 11, 4 }, { 10, 3 }, { 6, 2 }, { 5, 6 } };
static const unsigned off_d[][2] = { { 12, 5 }, { 11, 4 }, { 10, 3 }, { 6, 7 }, { 5, 6 } };
static const unsigned off_lwsp[][2] = { { 12, 5 }, { 6, 4 }, { 5, 3 }, { 4, 2 },
					 { 3, 7 }, { 2, 6 } };
static const unsigned off_ldsp[][2] = { { 12, 5 }, { 6, 4 }, { 5, 3 }, { 4, 8 },
					 { 3, 7 }, { 2, 6 } };
static const unsigned off_swsp[][2] = { { 12, 5 }, { 11, 4 }, { 10, 3 }, { 9, 2 },
					 { 8, 7 }, { 7, 6 } };
static const unsigned off_sdsp[][2] = { { 12, 5 }, { 11, 4 }, { 10, 3 }, { 9, 8 },
					 { 8, 7 }, { 7, 6 } };

/* The reference: the unprivileged spec's tables (RV64I LOAD/STORE,
 * LOAD-FP for F and D, LR of A, RVC quadrants 0 and 2 for RV64). */
static struct mmio_insn ref_decode(uint32_t insn)
{
	struct mmio_insn r = { MMIO_INVALID, 0, false, 0, (insn & 3) == 3 ? 4 : 2, 0, 0 };
	const unsigned op = insn & 0x7f, f3 = insn >> 12 & 7;
	const unsigned c = insn & 0xffff, q = c & 3, cf3 = c >> 13;
	static const unsigned w[4] = { 1, 2, 4, 8 };

	if ((insn & 3) == 3) {
		const int64_t imm_i = (int32_t)insn >> 20;
		const int64_t imm_s = ((int32_t)insn >> 25) * 32 + (int64_t)(insn >> 7 & 31);
		r.base = insn >> 15 & 31;
		if (op == 0x03 && f3 != 7) { /* lb lh lw ld lbu lhu lwu */
			r.kind = MMIO_LOAD;
			r.width = w[f3 & 3];
			r.sign_extend = f3 < 3;
			r.reg = insn >> 7 & 31;
			r.offset = imm_i;
		} else if (op == 0x23 && f3 < 4) { /* sb sh sw sd */
			r.kind = MMIO_STORE;
			r.width = w[f3];
			r.reg = insn >> 20 & 31;
			r.offset = imm_s;
		} else if (op == 0x07 && (f3 == 2 || f3 == 3)) { /* flw fld */
			r.kind = MMIO_FP_LOAD;
			r.width = w[f3];
			r.reg = insn >> 7 & 31;
			r.offset = imm_i;
		} else if (op == 0x2f && (f3 == 2 || f3 == 3) && insn >> 27 == 2 &&
			   (insn >> 20 & 31) == 0) { /* lr.w lr.d, aq/rl any */
			r.kind = MMIO_LR;
			r.width = w[f3];
			r.sign_extend = f3 == 2;
			r.reg = insn >> 7 & 31;
		}
		if (r.kind == MMIO_INVALID)
			r.base = 0;
		return r;
	}
	if (q == 0 && (cf3 == 1 || cf3 == 2 || cf3 == 3 || cf3 == 6 || cf3 == 7)) {
		r.kind = cf3 == 1 ? MMIO_FP_LOAD : cf3 < 4 ? MMIO_LOAD : MMIO_STORE;
		r.width = (cf3 & 1) ? 8 : 4;
		r.sign_extend = cf3 == 2;
		r.reg = 8 + (c >> 2 & 7); /* rd' or rs2' */
		r.base = 8 + (c >> 7 & 7);
		r.offset = (cf3 & 1) ? IMM(c, off_d) : IMM(c, off_w);
	} else if (q == 2 && cf3 == 1) {
		r.kind = MMIO_FP_LOAD; /* c.fldsp */
		r.width = 8;
		r.reg = c >> 7 & 31;
		r.base = 2;
		r.offset = IMM(c, off_ldsp);
	} else if (q == 2 && (cf3 == 2 || cf3 == 3) && (c >> 7 & 31) != 0) {
		r.kind = MMIO_LOAD; /* c.lwsp, c.ldsp; rd = 0 is reserved */
		r.width = cf3 == 2 ? 4 : 8;
		r.sign_extend = cf3 == 2;
		r.reg = c >> 7 & 31;
		r.base = 2;
		r.offset = cf3 == 2 ? IMM(c, off_lwsp) : IMM(c, off_ldsp);
	} else if (q == 2 && (cf3 == 6 || cf3 == 7)) {
		r.kind = MMIO_STORE; /* c.swsp, c.sdsp */
		r.width = cf3 == 6 ? 4 : 8;
		r.reg = c >> 2 & 31;
		r.base = 2;
		r.offset = cf3 == 6 ? IMM(c, off_swsp) : IMM(c, off_sdsp);
	}
	return r;
}

static void check_value(uint64_t raw, unsigned width, bool sx)
{
	const uint64_t v = mmio_load_value(raw, width, sx);
	const unsigned bits = 8 * width;
	uint64_t mask, low;

	if (width == 8) {
		CHECK(v == raw);
		return;
	}
	mask = (UL(1) << bits) - 1;
	low = raw & mask;
	CHECK((v & mask) == low); /* the low width bytes are the device's */
	if (!sx || (low >> (bits - 1)) == 0)
		CHECK(v == low);  /* within width */
	else
		CHECK((v & ~mask) == ~mask); /* all ones above */
	/* Same as the arithmetic definition. */
	if (sx)
		CHECK((int64_t)v == (int64_t)(raw << (64 - bits)) >> (64 - bits));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint32_t insn = (uint32_t)get(data, size, 0, 4);
	const uint64_t raw = get(data, size, 4, 8);
	const struct mmio_insn d = mmio_decode(insn);
	const struct mmio_insn want = ref_decode(insn);
	const unsigned widths[4] = { 1, 2, 4, 8 };
	unsigned i;

	if (size < 4)
		return 0;
	CHECK(d.kind == MMIO_INVALID || d.kind == MMIO_LOAD || d.kind == MMIO_STORE ||
	      d.kind == MMIO_FP_LOAD || d.kind == MMIO_LR);
	CHECK(d.len == ((insn & 3) == 3 ? 4U : 2U));
	CHECK(d.kind == want.kind);
	if (d.kind != MMIO_INVALID) {
		CHECK(d.width == 1 || d.width == 2 || d.width == 4 || d.width == 8);
		CHECK(d.reg < 32);
		CHECK(d.width == want.width && d.reg == want.reg &&
		      d.sign_extend == want.sign_extend);
		CHECK(d.base == want.base && d.base < 32 && d.offset == want.offset);
		CHECK(d.offset >= -2048 && d.offset < 2048);
		CHECK(!d.sign_extend ||
		      ((d.kind == MMIO_LOAD || d.kind == MMIO_LR) && d.width < 8));
		if (d.len == 2 && d.kind == MMIO_LOAD) /* no compressed load to x0 */
			CHECK(d.reg != 0);
	}
	if (d.len == 2) { /* compressed: only the low 16 bits count */
		const struct mmio_insn lo = mmio_decode(insn & 0xffff);

		CHECK(lo.kind == d.kind && lo.width == d.width && lo.reg == d.reg &&
		      lo.sign_extend == d.sign_extend && lo.len == d.len && lo.base == d.base &&
		      lo.offset == d.offset);
	}
	if (d.kind == MMIO_LOAD)
		check_value(raw, d.width, d.sign_extend);
	for (i = 0; i < 4; i++) {
		check_value(raw, widths[i], false);
		check_value(raw, widths[i], true);
	}
	return 0;
}
