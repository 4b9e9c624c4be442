/*
 * Decoding a trapped load or store for MMIO emulation (RV64I loads and
 * stores, and their compressed forms).
 */
#include <stdbool.h>
#include <stdint.h>

#include "encoding.h"
#include "core/mmio.h"

#define OPCODE_LOAD  0x03U
#define OPCODE_STORE 0x23U

/*@ assigns \nothing;
    ensures \result.kind == kind && \result.width == width &&
            \result.sign_extend == sign_extend && \result.reg == reg && \result.len == len;
*/
static struct mmio_insn access(enum mmio_kind kind, unsigned width, bool sign_extend,
			       unsigned reg, unsigned len)
{
	struct mmio_insn r = { kind, width, sign_extend, reg, len };
	return r;
}

/*@ assigns \nothing;
    ensures \result == WidthOf(funct3);
*/
static unsigned width_of(unsigned funct3)
{
	switch (funct3 & 3U) {
	case 0:
		return 1;
	case 1:
		return 2;
	case 2:
		return 4;
	default:
		return 8;
	}
}

/*@ assigns \nothing;
    behavior load32:
      assumes IsLoad32(insn);
      ensures \result.kind == MMIO_LOAD && \result.len == 4 && \result.reg == INSN_RD(insn);
      ensures \result.width == WidthOf(INSN_FUNCT3(insn));
      ensures \result.sign_extend <==> INSN_FUNCT3(insn) < 3;
    behavior store32:
      assumes IsStore32(insn);
      ensures \result.kind == MMIO_STORE && \result.len == 4 && \result.reg == INSN_RS2(insn);
      ensures \result.width == WidthOf(INSN_FUNCT3(insn));
    behavior c_lw:
      assumes IsCLw(insn);
      ensures \result.kind == MMIO_LOAD && \result.width == 4 && \result.sign_extend;
      ensures \result.reg == CRegPrime(insn) && \result.len == 2;
    behavior c_ld:
      assumes IsCLd(insn);
      ensures \result.kind == MMIO_LOAD && \result.width == 8;
      ensures \result.reg == CRegPrime(insn) && \result.len == 2;
    behavior c_sw:
      assumes IsCSw(insn);
      ensures \result.kind == MMIO_STORE && \result.width == 4;
      ensures \result.reg == CRegPrime(insn) && \result.len == 2;
    behavior c_sd:
      assumes IsCSd(insn);
      ensures \result.kind == MMIO_STORE && \result.width == 8;
      ensures \result.reg == CRegPrime(insn) && \result.len == 2;
    behavior c_lwsp:
      assumes IsCLwsp(insn);
      ensures \result.kind == MMIO_LOAD && \result.width == 4 && \result.sign_extend;
      ensures \result.reg == CRd(insn) && \result.len == 2;
    behavior c_ldsp:
      assumes IsCLdsp(insn);
      ensures \result.kind == MMIO_LOAD && \result.width == 8;
      ensures \result.reg == CRd(insn) && \result.len == 2;
    behavior c_swsp:
      assumes IsCSwsp(insn);
      ensures \result.kind == MMIO_STORE && \result.width == 4;
      ensures \result.reg == CRs2(insn) && \result.len == 2;
    behavior c_sdsp:
      assumes IsCSdsp(insn);
      ensures \result.kind == MMIO_STORE && \result.width == 8;
      ensures \result.reg == CRs2(insn) && \result.len == 2;
    behavior other:
      assumes !IsMmioInsn(insn);
      ensures \result.kind == MMIO_INVALID;
    complete behaviors;
    disjoint behaviors;
*/
struct mmio_insn mmio_decode(uint32_t insn)
{
	const unsigned f3 = INSN_FUNCT3(insn);
	const unsigned quadrant = insn & 3U;
	const unsigned cf3 = (insn >> 13) & 7U;
	const unsigned creg = 8U + ((insn >> 2) & 7U);
	const unsigned crd = (insn >> 7) & 0x1fU;
	const unsigned crs2 = (insn >> 2) & 0x1fU;

	if (!INSN_IS_COMPRESSED(insn)) {
		if (INSN_OPCODE(insn) == OPCODE_LOAD && f3 != 7U)
			return access(MMIO_LOAD, width_of(f3), f3 < 3U, INSN_RD(insn), 4);
		if (INSN_OPCODE(insn) == OPCODE_STORE && f3 < 4U)
			return access(MMIO_STORE, width_of(f3), false, INSN_RS2(insn), 4);
		return access(MMIO_INVALID, 1, false, 0, 4);
	}
	if (quadrant == 0) {
		switch (cf3) {
		case 2:
			return access(MMIO_LOAD, 4, true, creg, 2);
		case 3:
			return access(MMIO_LOAD, 8, false, creg, 2);
		case 6:
			return access(MMIO_STORE, 4, false, creg, 2);
		case 7:
			return access(MMIO_STORE, 8, false, creg, 2);
		default:
			break;
		}
	} else if (quadrant == 2) {
		switch (cf3) {
		case 2:
			if (crd != 0)
				return access(MMIO_LOAD, 4, true, crd, 2);
			break;
		case 3:
			if (crd != 0)
				return access(MMIO_LOAD, 8, false, crd, 2);
			break;
		case 6:
			return access(MMIO_STORE, 4, false, crs2, 2);
		case 7:
			return access(MMIO_STORE, 8, false, crs2, 2);
		default:
			break;
		}
	}
	return access(MMIO_INVALID, 1, false, 0, 2);
}

/*@ requires width: width == 1 || width == 2 || width == 4 || width == 8;
    assigns \nothing;
    ensures spec: \result == Extended(raw, width, sign_extend);
*/
uint64_t mmio_load_value(uint64_t raw, unsigned width, bool sign_extend)
{
	uint64_t low;
	uint64_t sign;

	switch (width) {
	case 1:
		low = raw & 0xffU;
		sign = 0x80U;
		break;
	case 2:
		low = raw & 0xffffU;
		sign = 0x8000U;
		break;
	case 4:
		low = raw & 0xffffffffU;
		sign = 0x80000000U;
		break;
	default:
		return raw;
	}
	if (!sign_extend || (low & sign) == 0)
		return low;
	return low | ~((sign << 1) - 1);
}
