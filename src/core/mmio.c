/*
 * Decoding a trapped load or store for emulation (RV64I loads and stores,
 * FP loads, LR, and their compressed forms). The field macros (ImmI,
 * COffW, ...) are spec/mmio.acsl's, written as the ISA manual lays the
 * bits out; the contract and the decoder use the same ones, and the
 * fuzzer checks them against its own reading of the manual.
 */
#include <stdbool.h>
#include <stdint.h>

#include "encoding.h"
#include "core/mmio.h"

/*@ assigns \nothing;
    ensures \result.kind == kind && \result.width == width &&
            \result.sign_extend == sign_extend && \result.reg == reg && \result.len == len &&
            \result.base == base && \result.offset == offset;
*/
static struct mmio_insn access(enum mmio_kind kind, unsigned width, bool sign_extend,
			       unsigned reg, unsigned len, unsigned base, int64_t offset)
{
	struct mmio_insn r = { kind, width, sign_extend, reg, len, base, offset };
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

/*@ requires field: field < 0x1000;
    assigns \nothing;
    ensures \result == Sext12(field);
*/
static int64_t sext12(uint32_t field)
{
	return field < 0x800U ? (int64_t)field : (int64_t)field - 0x1000;
}

/*@ assigns \nothing;
    behavior load32:
      assumes IsLoad32(insn);
      ensures \result.kind == MMIO_LOAD && \result.len == 4 && \result.reg == INSN_RD(insn);
      ensures \result.width == WidthOf(INSN_FUNCT3(insn));
      ensures \result.sign_extend <==> INSN_FUNCT3(insn) < 3;
      ensures \result.base == INSN_RS1(insn) && \result.offset == Sext12(INSN_IMM_I(insn));
    behavior store32:
      assumes IsStore32(insn);
      ensures \result.kind == MMIO_STORE && \result.len == 4 && \result.reg == INSN_RS2(insn);
      ensures \result.width == WidthOf(INSN_FUNCT3(insn));
      ensures \result.base == INSN_RS1(insn) && \result.offset == Sext12(INSN_IMM_S(insn));
    behavior fp_load32:
      assumes IsFpLoad32(insn);
      ensures \result.kind == MMIO_FP_LOAD && \result.len == 4 && \result.reg == INSN_RD(insn);
      ensures \result.width == (INSN_FUNCT3(insn) == 2 ? 4 : 8) && !\result.sign_extend;
      ensures \result.base == INSN_RS1(insn) && \result.offset == Sext12(INSN_IMM_I(insn));
    behavior lr:
      assumes IsLr(insn);
      ensures \result.kind == MMIO_LR && \result.len == 4 && \result.reg == INSN_RD(insn);
      ensures \result.width == (INSN_FUNCT3(insn) == 2 ? 4 : 8);
      ensures \result.sign_extend <==> INSN_FUNCT3(insn) == 2;
      ensures \result.base == INSN_RS1(insn) && \result.offset == 0;
    behavior c_lw:
      assumes IsCLw(insn);
      ensures \result.kind == MMIO_LOAD && \result.width == 4 && \result.sign_extend;
      ensures \result.reg == INSN_C_RD_PRIME(insn) && \result.len == 2;
      ensures \result.base == INSN_C_RS1_PRIME(insn) && \result.offset == INSN_C_OFF_W(insn);
    behavior c_ld:
      assumes IsCLd(insn);
      ensures \result.kind == MMIO_LOAD && \result.width == 8;
      ensures \result.reg == INSN_C_RD_PRIME(insn) && \result.len == 2;
      ensures \result.base == INSN_C_RS1_PRIME(insn) && \result.offset == INSN_C_OFF_D(insn);
    behavior c_fld:
      assumes IsCFld(insn);
      ensures \result.kind == MMIO_FP_LOAD && \result.width == 8;
      ensures \result.reg == INSN_C_RD_PRIME(insn) && \result.len == 2;
      ensures \result.base == INSN_C_RS1_PRIME(insn) && \result.offset == INSN_C_OFF_D(insn);
    behavior c_sw:
      assumes IsCSw(insn);
      ensures \result.kind == MMIO_STORE && \result.width == 4;
      ensures \result.reg == INSN_C_RD_PRIME(insn) && \result.len == 2;
      ensures \result.base == INSN_C_RS1_PRIME(insn) && \result.offset == INSN_C_OFF_W(insn);
    behavior c_sd:
      assumes IsCSd(insn);
      ensures \result.kind == MMIO_STORE && \result.width == 8;
      ensures \result.reg == INSN_C_RD_PRIME(insn) && \result.len == 2;
      ensures \result.base == INSN_C_RS1_PRIME(insn) && \result.offset == INSN_C_OFF_D(insn);
    behavior c_lwsp:
      assumes IsCLwsp(insn);
      ensures \result.kind == MMIO_LOAD && \result.width == 4 && \result.sign_extend;
      ensures \result.reg == INSN_C_RD(insn) && \result.len == 2;
      ensures \result.base == REG_SP && \result.offset == INSN_C_OFF_LWSP(insn);
    behavior c_ldsp:
      assumes IsCLdsp(insn);
      ensures \result.kind == MMIO_LOAD && \result.width == 8;
      ensures \result.reg == INSN_C_RD(insn) && \result.len == 2;
      ensures \result.base == REG_SP && \result.offset == INSN_C_OFF_LDSP(insn);
    behavior c_fldsp:
      assumes IsCFldsp(insn);
      ensures \result.kind == MMIO_FP_LOAD && \result.width == 8;
      ensures \result.reg == INSN_C_RD(insn) && \result.len == 2;
      ensures \result.base == REG_SP && \result.offset == INSN_C_OFF_LDSP(insn);
    behavior c_swsp:
      assumes IsCSwsp(insn);
      ensures \result.kind == MMIO_STORE && \result.width == 4;
      ensures \result.reg == INSN_C_RS2(insn) && \result.len == 2;
      ensures \result.base == REG_SP && \result.offset == INSN_C_OFF_SWSP(insn);
    behavior c_sdsp:
      assumes IsCSdsp(insn);
      ensures \result.kind == MMIO_STORE && \result.width == 8;
      ensures \result.reg == INSN_C_RS2(insn) && \result.len == 2;
      ensures \result.base == REG_SP && \result.offset == INSN_C_OFF_SDSP(insn);
    behavior other:
      assumes !IsMmioInsn(insn);
      ensures \result.kind == MMIO_INVALID;
    complete behaviors;
    disjoint behaviors;
*/
struct mmio_insn mmio_decode(uint32_t insn)
{
	const unsigned f3 = INSN_FUNCT3(insn);
	const unsigned rd = INSN_RD(insn), rs1 = INSN_RS1(insn);
	const unsigned quadrant = INSN_C_QUADRANT(insn);
	const unsigned cf3 = INSN_C_FUNCT3(insn);
	const unsigned creg = INSN_C_RD_PRIME(insn), cbase = INSN_C_RS1_PRIME(insn);
	const unsigned crd = INSN_C_RD(insn);

	if (!INSN_IS_COMPRESSED(insn)) {
		switch (INSN_OPCODE(insn)) {
		case OPCODE_LOAD:
			if (f3 != 7U)
				return access(MMIO_LOAD, width_of(f3), f3 < 3U, rd, 4, rs1,
					      sext12(INSN_IMM_I(insn)));
			break;
		case OPCODE_STORE:
			if (f3 < 4U)
				return access(MMIO_STORE, width_of(f3), false, INSN_RS2(insn), 4,
					      rs1, sext12(INSN_IMM_S(insn)));
			break;
		case OPCODE_LOAD_FP:
			if (f3 == 2U || f3 == 3U)
				return access(MMIO_FP_LOAD, f3 == 2U ? 4 : 8, false, rd, 4, rs1,
					      sext12(INSN_IMM_I(insn)));
			break;
		case OPCODE_AMO:
			if ((f3 == 2U || f3 == 3U) && INSN_FUNCT5(insn) == AMO_FUNCT5_LR &&
			    INSN_RS2(insn) == 0)
				return access(MMIO_LR, f3 == 2U ? 4 : 8, f3 == 2U, rd, 4, rs1, 0);
			break;
		default:
			break;
		}
		return access(MMIO_INVALID, 1, false, 0, 4, 0, 0);
	}
	if (quadrant == 0) {
		switch (cf3) {
		case 1:
			return access(MMIO_FP_LOAD, 8, false, creg, 2, cbase, INSN_C_OFF_D(insn));
		case 2:
			return access(MMIO_LOAD, 4, true, creg, 2, cbase, INSN_C_OFF_W(insn));
		case 3:
			return access(MMIO_LOAD, 8, false, creg, 2, cbase, INSN_C_OFF_D(insn));
		case 6:
			return access(MMIO_STORE, 4, false, creg, 2, cbase, INSN_C_OFF_W(insn));
		case 7:
			return access(MMIO_STORE, 8, false, creg, 2, cbase, INSN_C_OFF_D(insn));
		default:
			break;
		}
	} else if (quadrant == 2) {
		switch (cf3) {
		case 1:
			return access(MMIO_FP_LOAD, 8, false, crd, 2, REG_SP, INSN_C_OFF_LDSP(insn));
		case 2:
			if (crd != 0)
				return access(MMIO_LOAD, 4, true, crd, 2, REG_SP, INSN_C_OFF_LWSP(insn));
			break;
		case 3:
			if (crd != 0)
				return access(MMIO_LOAD, 8, false, crd, 2, REG_SP, INSN_C_OFF_LDSP(insn));
			break;
		case 6:
			return access(MMIO_STORE, 4, false, INSN_C_RS2(insn), 2, REG_SP, INSN_C_OFF_SWSP(insn));
		case 7:
			return access(MMIO_STORE, 8, false, INSN_C_RS2(insn), 2, REG_SP, INSN_C_OFF_SDSP(insn));
		default:
			break;
		}
	}
	return access(MMIO_INVALID, 1, false, 0, 2, 0, 0);
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
