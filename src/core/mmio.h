/*
 * Decoding a guest load or store that faulted on a device page, so the
 * hypervisor can emulate it: which register, how wide, signed or not, and
 * how long the instruction is. The address comes from stval, as the
 * hardware computed it. Pure: no memory, no state.
 */
#ifndef CORE_MMIO_H
#define CORE_MMIO_H

#include <stdbool.h>
#include <stdint.h>

#include "encoding.h"

enum mmio_kind { MMIO_INVALID, MMIO_LOAD, MMIO_STORE };

struct mmio_insn {
	enum mmio_kind kind;
	unsigned width;   /* bytes: 1, 2, 4 or 8 */
	bool sign_extend; /* lb, lh, lw, c.lw, c.lwsp */
	unsigned reg;     /* x register: rd of a load, rs2 of a store */
	unsigned len;     /* instruction length in bytes: 2 or 4 */
};

#ifdef __FRAMAC__
#include "mmio.acsl"
#endif

/*
 * Decode insn (for a compressed instruction only the low 16 bits count).
 * Integer loads and stores of RV64I and the compressed c.lw, c.ld, c.sw,
 * c.sd, c.lwsp, c.ldsp, c.swsp, c.sdsp are MMIO_LOAD or MMIO_STORE;
 * everything else (FP loads and stores, AMOs, LR/SC, reserved encodings)
 * is MMIO_INVALID, for which the guest gets an access fault.
 */
struct mmio_insn mmio_decode(uint32_t insn);

/* The value a load of `width` bytes puts in rd, from the device's raw
 * value: the low width bytes, sign- or zero-extended. */
uint64_t mmio_load_value(uint64_t raw, unsigned width, bool sign_extend);

#endif
