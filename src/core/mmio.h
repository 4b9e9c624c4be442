/*
 * Decoding a trapped guest load or store, so the hypervisor can emulate
 * it: which register, how wide, signed or not, how long the instruction
 * is, and its effective address as x[base] + offset. Pure: no memory, no
 * state.
 */
#ifndef CORE_MMIO_H
#define CORE_MMIO_H

#include <stdbool.h>
#include <stdint.h>

#include "encoding.h"

/* Integer loads and stores; FP loads (into an f register) and LR, which
 * only RAM takes (a device gives them an access fault). */
enum mmio_kind { MMIO_INVALID, MMIO_LOAD, MMIO_STORE, MMIO_FP_LOAD, MMIO_LR };

struct mmio_insn {
	enum mmio_kind kind;
	unsigned width;   /* bytes: 1, 2, 4 or 8 */
	bool sign_extend; /* lb, lh, lw, c.lw, c.lwsp, lr.w */
	unsigned reg;     /* rd of a load or LR (an f register for MMIO_FP_LOAD), rs2 of a store */
	unsigned len;     /* instruction length in bytes: 2 or 4 */
	unsigned base;    /* x register of the base address */
	int64_t offset;   /* the effective address is x[base] + offset, modulo 2^64 */
};

#ifdef __FRAMAC__
#include "mmio.acsl"
#endif

/*
 * Decode insn (for a compressed instruction only the low 16 bits count).
 * Integer loads and stores of RV64I and the compressed c.lw, c.ld, c.sw,
 * c.sd, c.lwsp, c.ldsp, c.swsp, c.sdsp are MMIO_LOAD or MMIO_STORE; flw,
 * fld, c.fld and c.fldsp MMIO_FP_LOAD; lr.w and lr.d MMIO_LR; everything
 * else (FP stores, AMOs, SC, reserved encodings) is MMIO_INVALID.
 */
struct mmio_insn mmio_decode(uint32_t insn);

/* The value a load of `width` bytes puts in rd, from the device's raw
 * value: the low width bytes, sign- or zero-extended. */
uint64_t mmio_load_value(uint64_t raw, unsigned width, bool sign_extend);

#endif
