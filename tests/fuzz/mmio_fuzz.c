/*
 * libFuzzer target for the MMIO load/store decoder (src/core/mmio.c),
 * built with ASan/UBSan. Input: 4 bytes of instruction (little endian),
 * then up to 8 bytes of raw device value (missing bytes read as 0). The
 * decode is checked against the RV64I/RVC encoding tables written out
 * plainly, and the loaded value against its width and extension; any
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

/* The reference: the unprivileged spec's tables (RV64I LOAD/STORE,
 * RVC quadrants 0 and 2 for RV64). */
static struct mmio_insn ref_decode(uint32_t insn)
{
	struct mmio_insn r = { MMIO_INVALID, 0, false, 0, (insn & 3) == 3 ? 4 : 2 };
	const unsigned op = insn & 0x7f, f3 = insn >> 12 & 7;
	const unsigned c = insn & 0xffff, q = c & 3, cf3 = c >> 13;
	static const unsigned w[4] = { 1, 2, 4, 8 };

	if ((insn & 3) == 3) {
		if (op == 0x03 && f3 != 7) { /* lb lh lw ld lbu lhu lwu */
			r.kind = MMIO_LOAD;
			r.width = w[f3 & 3];
			r.sign_extend = f3 < 3;
			r.reg = insn >> 7 & 31;
		} else if (op == 0x23 && f3 < 4) { /* sb sh sw sd */
			r.kind = MMIO_STORE;
			r.width = w[f3];
			r.reg = insn >> 20 & 31;
		}
		return r;
	}
	if (q == 0 && (cf3 == 2 || cf3 == 3 || cf3 == 6 || cf3 == 7)) {
		r.kind = cf3 < 4 ? MMIO_LOAD : MMIO_STORE;
		r.width = (cf3 & 1) ? 8 : 4;
		r.sign_extend = cf3 == 2;
		r.reg = 8 + (c >> 2 & 7); /* rd' or rs2' */
	} else if (q == 2 && (cf3 == 2 || cf3 == 3) && (c >> 7 & 31) != 0) {
		r.kind = MMIO_LOAD; /* c.lwsp, c.ldsp; rd = 0 is reserved */
		r.width = cf3 == 2 ? 4 : 8;
		r.sign_extend = cf3 == 2;
		r.reg = c >> 7 & 31;
	} else if (q == 2 && (cf3 == 6 || cf3 == 7)) {
		r.kind = MMIO_STORE; /* c.swsp, c.sdsp */
		r.width = cf3 == 6 ? 4 : 8;
		r.reg = c >> 2 & 31;
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
	CHECK(d.kind == MMIO_INVALID || d.kind == MMIO_LOAD || d.kind == MMIO_STORE);
	CHECK(d.len == ((insn & 3) == 3 ? 4U : 2U));
	CHECK(d.kind == want.kind);
	if (d.kind != MMIO_INVALID) {
		CHECK(d.width == 1 || d.width == 2 || d.width == 4 || d.width == 8);
		CHECK(d.reg < 32);
		CHECK(d.width == want.width && d.reg == want.reg &&
		      d.sign_extend == want.sign_extend);
		CHECK(!d.sign_extend || (d.kind == MMIO_LOAD && d.width < 8));
		if (d.len == 2 && d.kind == MMIO_LOAD) /* no compressed load to x0 */
			CHECK(d.reg != 0);
	}
	if (d.len == 2) { /* compressed: only the low 16 bits count */
		const struct mmio_insn lo = mmio_decode(insn & 0xffff);

		CHECK(lo.kind == d.kind && lo.width == d.width && lo.reg == d.reg &&
		      lo.sign_extend == d.sign_extend && lo.len == d.len);
	}
	if (d.kind == MMIO_LOAD)
		check_value(raw, d.width, d.sign_extend);
	for (i = 0; i < 4; i++) {
		check_value(raw, widths[i], false);
		check_value(raw, widths[i], true);
	}
	return 0;
}
