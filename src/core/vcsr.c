/*
 * Virtual CSR emulation. vcsr_emulate() takes the instruction apart and
 * checks the access; a counter read goes to the real counter through the
 * shell's hw_counter_read(); vcsr_read()/vcsr_write() (through
 * vcsr_read_write() for an access that writes) apply the per-CSR rules of
 * the privileged spec (WARL legalisation). Where QEMU 7.2, which we
 * differential-test against, picks among behaviours the spec allows, we
 * pick the same; the few places where we differ say why.
 */
#include <stdbool.h>
#include <stdint.h>

#include "encoding.h"
#include "core/vcsr.h"

/*@ assigns \nothing;
    ensures \result != 0 <==> CsrKnown(csr);
*/
static bool vcsr_known(unsigned csr)
{
	switch (csr) {
	case CSR_SSTATUS:
	case CSR_SIE:
	case CSR_SIP:
	case CSR_STVEC:
	case CSR_SSCRATCH:
	case CSR_SEPC:
	case CSR_SCAUSE:
	case CSR_STVAL:
	case CSR_SATP:
	case CSR_SCOUNTEREN:
	case CSR_SENVCFG:
		return true;
	default:
		/* The counters are apart: they are not stored in the hart. */
		return false;
	}
}

/*@ assigns \nothing;
    ensures \result != 0 <==> CsrCounter(csr);
*/
static bool vcsr_counter(unsigned csr)
{
	return csr == CSR_CYCLE || csr == CSR_TIME || csr == CSR_INSTRET;
}

/*@ requires counter: CsrCounter(csr);
    requires valid: \valid_read(h);
    assigns \nothing;
    ensures allowed: \result != 0 <==> CounterAllowed(*h, csr);
*/
static bool vcsr_counter_allowed(const struct vhart *h, unsigned csr)
{
	uint64_t bit;

	if (h->priv == PRV_S)
		return true;
	switch (csr) {
	case CSR_CYCLE:
		bit = COUNTEREN_CY;
		break;
	case CSR_TIME:
		bit = COUNTEREN_TM;
		break;
	default:
		bit = COUNTEREN_IR;
		break;
	}
	return (h->scounteren & bit) != 0;
}

/*@ requires known: CsrKnown(csr);
    requires valid: \valid_read(h);
    assigns \nothing;
    ensures read: \result == CsrRead(*h, csr);
*/
static inline __attribute__((always_inline)) uint64_t vcsr_read(const struct vhart *h, unsigned csr)
{
	switch (csr) {
	case CSR_SSTATUS:
		if ((h->sstatus & SSTATUS_FS) == SSTATUS_FS)
			return h->sstatus | SSTATUS_SD;
		return h->sstatus;
	case CSR_SIE:
		return h->sie;
	case CSR_SIP:
		return h->sip;
	case CSR_STVEC:
		return h->stvec;
	case CSR_SSCRATCH:
		return h->sscratch;
	case CSR_SEPC:
		return h->sepc & VCSR_SEPC_MASK;
	case CSR_SCAUSE:
		return h->scause;
	case CSR_STVAL:
		return h->stval;
	case CSR_SATP:
		return h->satp;
	case CSR_SCOUNTEREN:
		return h->scounteren;
	case CSR_SENVCFG:
		return h->senvcfg;
	default:
		return 0;
	}
}

/*@ requires known: CsrKnown(csr);
    requires valid: \valid(h);
    requires inv: VhartValid(*h);
    assigns *h;
    ensures inv: VhartValid(*h);
    ensures written: CsrWritten(\old(*h), *h, csr, value);
*/
static void vcsr_write(struct vhart *h, unsigned csr, uint64_t value)
{
	switch (csr) {
	case CSR_SSTATUS:
		/* UXL stays 64-bit: QEMU 7.2 lets S-mode change UXL, the spec
		 * and our real U-mode do not. */
		h->sstatus = (value & VCSR_SSTATUS_WRITABLE) | VCSR_SSTATUS_UXL64;
		break;
	case CSR_SIE:
		h->sie = value & VCSR_SIE_MASK;
		break;
	case CSR_SIP:
		h->sip = (h->sip & VCSR_SIP_HV_OWNED) | (value & VCSR_SIP_WRITABLE);
		break;
	case CSR_STVEC:
		/* A reserved mode voids the whole write (QEMU 7.2 write_stvec). */
		if (VCSR_STVEC_MODE_OK(value))
			h->stvec = value;
		break;
	case CSR_SSCRATCH:
		h->sscratch = value;
		break;
	case CSR_SEPC:
		/* IALIGN = 16: sepc[0] is always 0 (QEMU 7.2 keeps it; the spec does not). */
		h->sepc = value & VCSR_SEPC_MASK;
		break;
	case CSR_SCAUSE:
		h->scause = value;
		break;
	case CSR_STVAL:
		h->stval = value;
		break;
	case CSR_SATP:
		/* An unsupported mode voids the whole write (spec 4.1.11). */
		if (VCSR_SATP_MODE_OK(value))
			h->satp = value;
		break;
	case CSR_SCOUNTEREN:
		/* All 64 bits, as QEMU 7.2 stores it. */
		h->scounteren = value;
		break;
	case CSR_SENVCFG:
		h->senvcfg = value & VCSR_SENVCFG_MASK;
		break;
	default:
		break;
	}
}

/*@ assigns \nothing;
    ensures \result == CsrNewValue(funct3, old, operand);
*/
static uint64_t vcsr_new_value(unsigned funct3, uint64_t old, uint64_t operand)
{
	switch (funct3) {
	case FUNCT3_CSRRW:
	case FUNCT3_CSRRWI:
		return operand;
	case FUNCT3_CSRRS:
	case FUNCT3_CSRRSI:
		return old | operand;
	default:
		return old & ~operand;
	}
}

/*@ requires valid: \valid(h);
    requires inv: VhartValid(*h);
    requires known: CsrKnown(INSN_CSR(insn));
    requires writes: CsrInsnWrites(insn);
    assigns *h;
    ensures inv: VhartValid(*h);
    ensures value: \result == CsrInsnRdValue(\old(*h), insn);
    ensures next: CsrInsnWritten(\old(*h), *h, insn, rs1_value);
*/
static uint64_t vcsr_read_write(struct vhart *h, uint32_t insn, uint64_t rs1_value)
{
	/* Plain locals, not a struct, so that WP sees the instruction bits.
	 * csrrw/csrrwi with rd = x0 do not read. */
	const unsigned csr = INSN_CSR(insn);
	const unsigned funct3 = INSN_FUNCT3(insn);
	const unsigned rs1 = INSN_RS1(insn);
	const bool replaces = funct3 == FUNCT3_CSRRW || funct3 == FUNCT3_CSRRWI;
	const uint64_t operand = funct3 >= FUNCT3_CSRRWI ? (uint64_t)rs1 : rs1_value;
	uint64_t old = 0;

	if (!replaces || INSN_RD(insn) != 0U)
		old = vcsr_read(h, csr);
	vcsr_write(h, csr, vcsr_new_value(funct3, old, operand));
	return old;
}

/*@ requires valid: \valid(h);
    requires inv: VhartValid(*h);
    assigns *h, hw_counters[0 .. 2];
    ensures inv: VhartValid(*h);
    ensures rd: \result.rd == INSN_RD(insn);
    behavior illegal:
      assumes !CsrAccessLegal(*h, insn);
      assigns \nothing;
      ensures status: \result.status == VCSR_ILLEGAL;
    behavior counter:
      assumes CsrAccessLegal(*h, insn) && CsrCounter(INSN_CSR(insn));
      assigns hw_counters[0 .. 2];
      ensures status: \result.status == VCSR_OK;
      ensures value: \result.rd_value == hw_counters[INSN_CSR(insn) - CSR_CYCLE];
    behavior read_only:
      assumes CsrAccessLegal(*h, insn) && !CsrCounter(INSN_CSR(insn)) &&
              !CsrInsnWrites(insn);
      assigns \nothing;
      ensures status: \result.status == VCSR_OK;
      ensures value: \result.rd_value == CsrInsnRdValue(*h, insn);
    behavior read_write:
      assumes CsrAccessLegal(*h, insn) && !CsrCounter(INSN_CSR(insn)) &&
              CsrInsnWrites(insn);
      ensures status: \result.status == VCSR_OK;
      ensures value: \result.rd_value == CsrInsnRdValue(\old(*h), insn);
      ensures next: CsrInsnWritten(\old(*h), *h, insn, rs1_value);
    complete behaviors;
    disjoint behaviors;
*/
struct vcsr_result vcsr_emulate(struct vhart *h, uint32_t insn, uint64_t rs1_value)
{
	/* Decode just enough to check the access (csrrs/csrrc with rs1 = x0
	 * and csrrsi/csrrci with uimm = 0 do not write); plain locals, not a
	 * struct, so that WP sees the instruction bits. */
	const unsigned csr = INSN_CSR(insn);
	const unsigned funct3 = INSN_FUNCT3(insn);
	const bool is_csr = INSN_OPCODE(insn) == OPCODE_SYSTEM &&
			    (funct3 == FUNCT3_CSRRW || funct3 == FUNCT3_CSRRS ||
			     funct3 == FUNCT3_CSRRC || funct3 == FUNCT3_CSRRWI ||
			     funct3 == FUNCT3_CSRRSI || funct3 == FUNCT3_CSRRCI);
	const bool writes = funct3 == FUNCT3_CSRRW || funct3 == FUNCT3_CSRRWI ||
			    INSN_RS1(insn) != 0U;
	struct vcsr_result res = { VCSR_ILLEGAL, INSN_RD(insn), 0 };

	/* Check the access: a Zicsr instruction; a counter is read-only and
	 * read straight from the real one, if this privilege may; a known
	 * CSR needs the privilege and, if read-only, no write. */
	if (!is_csr)
		return res;
	if (vcsr_counter(csr)) {
		if (writes || !vcsr_counter_allowed(h, csr))
			return res;
		res.status = VCSR_OK;
		res.rd_value = hw_counter_read(csr);
		return res;
	}
	if (!vcsr_known(csr) || CSR_ADDR_PRIV(csr) > h->priv ||
	    (writes && CSR_ADDR_READONLY(csr)))
		return res;
	res.status = VCSR_OK;
	if (writes)
		res.rd_value = vcsr_read_write(h, insn, rs1_value);
	else
		res.rd_value = vcsr_read(h, csr);
	return res;
}

/*@ requires valid: \valid(h);
    assigns *h;
    ensures inv: VhartValid(*h);
    ensures reset: VhartReset(*h, entry);
*/
void vhart_reset(struct vhart *h, uint64_t entry)
{
	h->priv = PRV_S;
	h->pc = entry;
	h->sstatus = VCSR_SSTATUS_UXL64;
	h->sie = 0;
	h->sip = 0;
	h->stvec = 0;
	h->sscratch = 0;
	h->sepc = 0;
	h->scause = 0;
	h->stval = 0;
	h->satp = 0;
	h->scounteren = 0;
	h->senvcfg = 0;
}
