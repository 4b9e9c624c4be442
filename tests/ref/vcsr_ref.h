/*
 * The reference for virtual CSR emulation, shared by the unit test
 * (tests/unit/vcsr_test.c) and the fuzz target (tests/fuzz/vcsr_fuzz.c):
 * the privileged spec, and QEMU 7.2 where the spec leaves a choice,
 * written out plainly with its own CSR numbers and masks, independently
 * of src/core/vcsr.h. Its users fake the real counters so that counter
 * csr reads REF_COUNTER(csr).
 */
#ifndef TESTS_REF_VCSR_REF_H
#define TESTS_REF_VCSR_REF_H

#include <stdbool.h>
#include <stdint.h>

#include "core/vcsr.h"
#include "core/vhart.h"
#include "core/vreal.h"

#define REF_COUNTER(csr) (0x1000UL + (csr))

#define REF_SSTATUS_W  0x00000000000c6122UL /* SIE SPIE SPP FS SUM MXR */
#define REF_UXL64      0x0000000200000000UL
#define REF_SIE_W      0x0000000000000222UL /* SSIE STIE SEIE */
#define REF_SENVCFG_W  0x00000000000000f1UL /* FIOM CBIE CBCFE CBZE */

static inline uint32_t ref_csr_insn(unsigned funct3, unsigned rd, unsigned rs1, unsigned csr)
{
	return (uint32_t)(csr << 20 | rs1 << 15 | funct3 << 12 | rd << 7 | 0x73);
}

/* cycle, time, instret: read-only, not stored in the hart. */
static inline bool ref_counter(unsigned csr)
{
	return csr == 0xc00 || csr == 0xc01 || csr == 0xc02;
}

/* The supervisor CSRs the virtual hart has. */
static inline bool ref_known(unsigned csr)
{
	switch (csr) {
	case 0x100: case 0x104: case 0x105: case 0x106: case 0x10a: case 0x140:
	case 0x141: case 0x142: case 0x143: case 0x144: case 0x180:
		return true;
	default:
		return false;
	}
}

static inline uint64_t ref_read(const struct vhart *h, unsigned csr)
{
	switch (csr) {
	case 0x100:
		return ((h->sstatus >> 13) & 3) == 3 ? h->sstatus | 1UL << 63 : h->sstatus;
	case 0x104: return h->sie;
	case 0x105: return h->stvec;
	case 0x106: return h->scounteren;
	case 0x10a: return h->senvcfg;
	case 0x140: return h->sscratch;
	case 0x141: return h->sepc;
	case 0x142: return h->scause;
	case 0x143: return h->stval;
	case 0x144: return h->sip;
	default:    return h->satp;
	}
}

static inline void ref_write(struct vhart *h, unsigned csr, uint64_t v)
{
	switch (csr) {
	case 0x100: h->sstatus = (v & REF_SSTATUS_W) | REF_UXL64; break;
	case 0x104: h->sie = v & REF_SIE_W; break;
	case 0x105: if ((v & 3) == 0 || (v & 3) == 1) h->stvec = v; break;
	case 0x106: h->scounteren = v; break;
	case 0x10a: h->senvcfg = v & REF_SENVCFG_W; break;
	case 0x140: h->sscratch = v; break;
	case 0x141: h->sepc = v & ~1UL; break;
	case 0x142: h->scause = v; break;
	case 0x143: h->stval = v; break;
	case 0x144: h->sip = (h->sip & ~2UL) | (v & 2); break;
	default:    if (v >> 60 == 0 || v >> 60 == 8) h->satp = v; break;
	}
}

/* One instruction on h: what vcsr_emulate must return and leave. */
static inline struct vcsr_result ref_emulate(struct vhart *h, uint32_t insn, uint64_t x_rs1)
{
	unsigned funct3 = (insn >> 12) & 7, rd = (insn >> 7) & 31, rs1 = (insn >> 15) & 31;
	unsigned csr = insn >> 20;
	struct vcsr_result r = { VCSR_ILLEGAL, rd, 0 };
	bool write = funct3 == 1 || funct3 == 5 || rs1 != 0;
	uint64_t src = funct3 >= 5 ? rs1 : x_rs1, old, v;

	if ((insn & 0x7f) != 0x73 || funct3 == 0 || funct3 == 4)
		return r;
	if (ref_counter(csr)) {
		/* Read-only; vU needs scounteren bit (csr - 0xc00). */
		if (write || (h->priv == PRV_U && !((h->scounteren >> (csr - 0xc00)) & 1)))
			return r;
		r.status = VCSR_OK;
		r.rd_value = REF_COUNTER(csr);
		return r;
	}
	if (!ref_known(csr) || h->priv < ((csr >> 8) & 3) || (write && (csr >> 10) == 3))
		return r;
	old = ref_read(h, csr);
	v = (funct3 & 3) == 1 ? src : (funct3 & 3) == 2 ? (old | src) : (old & ~src);
	if (write)
		ref_write(h, csr, v);
	r.status = VCSR_OK;
	r.rd_value = ((funct3 & 3) == 1 && rd == 0) ? 0 : old;
	return r;
}

/* The WARL invariant, independently of the proof's VhartValid. */
static inline bool ref_valid(const struct vhart *h)
{
	return (h->priv == PRV_S || h->priv == PRV_U) &&
	       (h->sstatus & ~(REF_SSTATUS_W | REF_UXL64)) == 0 &&
	       (h->sstatus & REF_UXL64) == REF_UXL64 && (h->sie & ~REF_SIE_W) == 0 &&
	       (h->sip & ~REF_SIE_W) == 0 && (h->stvec & 3) < 2 && (h->sepc & 1) == 0 &&
	       (h->satp >> 60 == 0 || h->satp >> 60 == 8) && (h->senvcfg & ~REF_SENVCFG_W) == 0;
}

/* The real state derived for the guest: sstatus SPP, SPIE, SIE, SUM = 0,
 * MXR and FS the guest's, the rest current's; scounteren lets real U-mode
 * read exactly the counters the virtual hart may read. */
#define REF_DERIVED 0x00000000000c6122UL /* SIE SPIE SPP FS SUM MXR */
#define REF_GUEST   0x0000000000086000UL /* FS MXR */

static inline bool ref_real_state_ok(const struct vhart *h, uint64_t current)
{
	uint64_t s = vreal_sstatus(h, current), c = vreal_scounteren(h);

	if ((s & ~REF_DERIVED) != (current & ~REF_DERIVED) ||
	    (s & REF_DERIVED) != (h->sstatus & REF_GUEST) || (c & ~7UL) != 0)
		return false;
	for (unsigned i = 0; i < 3; i++) {
		struct vhart copy = *h;
		bool legal = vcsr_emulate(&copy, ref_csr_insn(2, 10, 0, 0xc00 + i), 0).status ==
			     VCSR_OK;
		if (((c >> i) & 1) != legal)
			return false;
	}
	return true;
}

#endif
