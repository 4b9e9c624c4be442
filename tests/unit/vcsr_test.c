/*
 * Host tests of src/core/vcsr.c: one behaviour per test, then a long random
 * run against the reference of tests/ref/vcsr_ref.h, written from the spec
 * independently of the core's masks.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "encoding.h"
#include "core/vcsr.h"
#include "core/vhart.h"
#include "core/vreal.h"
#include "../ref/vcsr_ref.h"

/* The shell's real counters, faked as the reference expects. */
#define FAKE_COUNTER(csr) REF_COUNTER(csr)

static unsigned long counter_reads;

uint64_t hw_counter_read(unsigned csr)
{
	assert_true(csr == CSR_CYCLE || csr == CSR_TIME || csr == CSR_INSTRET);
	counter_reads++;
	return FAKE_COUNTER(csr);
}

static uint32_t csr_insn(unsigned funct3, unsigned rd, unsigned rs1, unsigned csr)
{
	return (uint32_t)(csr << 20 | rs1 << 15 | funct3 << 12 | rd << 7 | OPCODE_SYSTEM);
}

static struct vhart fresh(void)
{
	struct vhart h;

	memset(&h, 0xa5, sizeof(h));
	vhart_reset(&h, 0x80200000UL);
	return h;
}

/* csrrw rd, csr, x5 with x5 = v: the old value, or ~0 if illegal. */
static uint64_t swap(struct vhart *h, unsigned csr, uint64_t v)
{
	struct vcsr_result r = vcsr_emulate(h, csr_insn(FUNCT3_CSRRW, 10, 5, csr), v);

	return r.status == VCSR_OK ? r.rd_value : ~0UL;
}

static uint64_t read_csr(struct vhart *h, unsigned csr)
{
	struct vcsr_result r = vcsr_emulate(h, csr_insn(FUNCT3_CSRRS, 10, 0, csr), 0);

	assert_int_equal(r.status, VCSR_OK);
	return r.rd_value;
}

static void write_csr(struct vhart *h, unsigned csr, uint64_t v)
{
	assert_int_equal(vcsr_emulate(h, csr_insn(FUNCT3_CSRRW, 0, 5, csr), v).status, VCSR_OK);
}

/* The call is illegal and leaves the hart exactly as it was. */
static void assert_illegal(struct vhart *h, uint32_t insn, uint64_t rs1_value)
{
	struct vhart before = *h;

	assert_int_equal(vcsr_emulate(h, insn, rs1_value).status, VCSR_ILLEGAL);
	assert_memory_equal(&before, h, sizeof(before));
}

static void test_reset_state(void **state)
{
	struct vhart h = fresh();

	(void)state;
	assert_int_equal(h.priv, PRV_S);
	assert_int_equal(h.pc, 0x80200000UL);
	assert_int_equal(h.sstatus, XLEN_64 << SSTATUS_UXL_SHIFT);
	assert_int_equal(h.sie | h.sip | h.stvec | h.sscratch | h.sepc | h.scause | h.stval |
				 h.satp | h.scounteren | h.senvcfg,
			 0);
}

static void test_sstatus_write_keeps_only_writable_bits(void **state)
{
	struct vhart h = fresh();

	(void)state;
	write_csr(&h, CSR_SSTATUS, ~0UL);
	assert_int_equal(h.sstatus, SSTATUS_SIE | SSTATUS_SPIE | SSTATUS_SPP | SSTATUS_FS |
					    SSTATUS_SUM | SSTATUS_MXR | (XLEN_64 << SSTATUS_UXL_SHIFT));
}

static void test_sstatus_uxl_is_read_only(void **state)
{
	struct vhart h = fresh();

	(void)state;
	write_csr(&h, CSR_SSTATUS, 1UL << SSTATUS_UXL_SHIFT);
	assert_int_equal(read_csr(&h, CSR_SSTATUS) & SSTATUS_UXL, XLEN_64 << SSTATUS_UXL_SHIFT);
	write_csr(&h, CSR_SSTATUS, 0);
	assert_int_equal(read_csr(&h, CSR_SSTATUS) & SSTATUS_UXL, XLEN_64 << SSTATUS_UXL_SHIFT);
}

static void test_sstatus_ube_xs_read_zero(void **state)
{
	struct vhart h = fresh();

	(void)state;
	write_csr(&h, CSR_SSTATUS, SSTATUS_UBE | SSTATUS_XS);
	assert_int_equal(read_csr(&h, CSR_SSTATUS) & (SSTATUS_UBE | SSTATUS_XS), 0);
}

static void test_sstatus_sd_reflects_fs_dirty(void **state)
{
	struct vhart h = fresh();

	(void)state;
	write_csr(&h, CSR_SSTATUS, FS_DIRTY << SSTATUS_FS_SHIFT);
	assert_true(read_csr(&h, CSR_SSTATUS) & SSTATUS_SD);
	assert_false(h.sstatus & SSTATUS_SD); /* computed on read, not stored */
	write_csr(&h, CSR_SSTATUS, FS_CLEAN << SSTATUS_FS_SHIFT);
	assert_false(read_csr(&h, CSR_SSTATUS) & SSTATUS_SD);
}

static void test_sstatus_sd_write_is_ignored(void **state)
{
	struct vhart h = fresh();

	(void)state;
	write_csr(&h, CSR_SSTATUS, SSTATUS_SD);
	assert_int_equal(read_csr(&h, CSR_SSTATUS), XLEN_64 << SSTATUS_UXL_SHIFT);
}

static void test_sie_keeps_s_level_bits(void **state)
{
	struct vhart h = fresh();

	(void)state;
	write_csr(&h, CSR_SIE, ~0UL);
	assert_int_equal(read_csr(&h, CSR_SIE), MIP_SSIP | MIP_STIP | MIP_SEIP);
}

static void test_sip_only_ssip_writable(void **state)
{
	struct vhart h = fresh();

	(void)state;
	write_csr(&h, CSR_SIP, ~0UL);
	assert_int_equal(read_csr(&h, CSR_SIP), MIP_SSIP);
}

static void test_sip_keeps_hypervisor_stip_seip(void **state)
{
	struct vhart h = fresh();

	(void)state;
	h.sip = MIP_STIP | MIP_SEIP;
	write_csr(&h, CSR_SIP, 0);
	assert_int_equal(read_csr(&h, CSR_SIP), MIP_STIP | MIP_SEIP);
	assert_int_equal(vcsr_emulate(&h, csr_insn(FUNCT3_CSRRC, 0, 5, CSR_SIP), ~0UL).status,
			 VCSR_OK);
	assert_int_equal(h.sip, MIP_STIP | MIP_SEIP);
}

static void test_stvec_direct_and_vectored_accepted(void **state)
{
	struct vhart h = fresh();

	(void)state;
	write_csr(&h, CSR_STVEC, 0x80201000UL | TVEC_MODE_DIRECT);
	assert_int_equal(read_csr(&h, CSR_STVEC), 0x80201000UL);
	write_csr(&h, CSR_STVEC, 0x80202000UL | TVEC_MODE_VECTORED);
	assert_int_equal(read_csr(&h, CSR_STVEC), 0x80202001UL);
}

static void test_stvec_reserved_mode_write_ignored(void **state)
{
	struct vhart h = fresh();

	(void)state;
	write_csr(&h, CSR_STVEC, 0x1001UL);
	write_csr(&h, CSR_STVEC, 0x2002UL);
	assert_int_equal(read_csr(&h, CSR_STVEC), 0x1001UL);
	write_csr(&h, CSR_STVEC, 0x3003UL);
	assert_int_equal(read_csr(&h, CSR_STVEC), 0x1001UL);
}

static void test_sscratch_scause_stval_keep_all_bits(void **state)
{
	struct vhart h = fresh();

	(void)state;
	write_csr(&h, CSR_SSCRATCH, ~0UL);
	write_csr(&h, CSR_SCAUSE, ~0UL);
	write_csr(&h, CSR_STVAL, ~0UL);
	assert_int_equal(read_csr(&h, CSR_SSCRATCH), ~0UL);
	assert_int_equal(read_csr(&h, CSR_SCAUSE), ~0UL);
	assert_int_equal(read_csr(&h, CSR_STVAL), ~0UL);
}

static void test_sepc_clears_bit0(void **state)
{
	struct vhart h = fresh();

	(void)state;
	write_csr(&h, CSR_SEPC, ~0UL);
	assert_int_equal(read_csr(&h, CSR_SEPC), ~1UL);
	write_csr(&h, CSR_SEPC, 3);
	assert_int_equal(read_csr(&h, CSR_SEPC), 2);
}

static void test_satp_accepts_sv39(void **state)
{
	struct vhart h = fresh();
	uint64_t v = SATP_MODE_SV39 << SATP_MODE_SHIFT | SATP_ASID | SATP_PPN;

	(void)state;
	write_csr(&h, CSR_SATP, v);
	assert_int_equal(read_csr(&h, CSR_SATP), v);
}

static void test_satp_accepts_bare(void **state)
{
	struct vhart h = fresh();

	(void)state;
	write_csr(&h, CSR_SATP, SATP_MODE_SV39 << SATP_MODE_SHIFT | 0x1234);
	write_csr(&h, CSR_SATP, 0x5678);
	assert_int_equal(read_csr(&h, CSR_SATP), 0x5678);
}

static void test_satp_write_rejects_sv48(void **state)
{
	struct vhart h = fresh();
	uint64_t sv39 = SATP_MODE_SV39 << SATP_MODE_SHIFT | 0x1234;

	(void)state;
	write_csr(&h, CSR_SATP, sv39);
	write_csr(&h, CSR_SATP, SATP_MODE_SV48 << SATP_MODE_SHIFT | 0x9999);
	assert_int_equal(read_csr(&h, CSR_SATP), sv39);
}

static void test_satp_write_rejects_sv57(void **state)
{
	struct vhart h = fresh();

	(void)state;
	write_csr(&h, CSR_SATP, SATP_MODE_SV57 << SATP_MODE_SHIFT | 0x9999);
	assert_int_equal(read_csr(&h, CSR_SATP), 0);
}

static void test_satp_write_rejects_reserved_modes(void **state)
{
	struct vhart h = fresh();
	uint64_t mode;

	(void)state;
	for (mode = 0; mode < 16; mode++) {
		if (mode == SATP_MODE_BARE || mode == SATP_MODE_SV39)
			continue;
		write_csr(&h, CSR_SATP, mode << SATP_MODE_SHIFT | 0x42);
		assert_int_equal(read_csr(&h, CSR_SATP), 0);
	}
}

static void test_scounteren_keeps_all_bits(void **state)
{
	struct vhart h = fresh();

	(void)state;
	write_csr(&h, CSR_SCOUNTEREN, ~0UL);
	assert_int_equal(read_csr(&h, CSR_SCOUNTEREN), ~0UL);
}

static void test_senvcfg_keeps_fiom_cbie_cbcfe_cbze(void **state)
{
	struct vhart h = fresh();

	(void)state;
	write_csr(&h, CSR_SENVCFG, ~0UL);
	assert_int_equal(read_csr(&h, CSR_SENVCFG),
			 SENVCFG_FIOM | SENVCFG_CBIE | SENVCFG_CBCFE | SENVCFG_CBZE);
}

static void test_csrrw_returns_old_value(void **state)
{
	struct vhart h = fresh();

	(void)state;
	write_csr(&h, CSR_SSCRATCH, 0x1111);
	assert_int_equal(swap(&h, CSR_SSCRATCH, 0x2222), 0x1111);
	assert_int_equal(h.sscratch, 0x2222);
}

static void test_rd_reports_destination(void **state)
{
	struct vhart h = fresh();

	(void)state;
	assert_int_equal(vcsr_emulate(&h, csr_insn(FUNCT3_CSRRS, 17, 0, CSR_SIE), 0).rd, 17);
	assert_int_equal(vcsr_emulate(&h, csr_insn(FUNCT3_CSRRS, 9, 0, CSR_MSTATUS), 0).rd, 9);
}

static void test_csrrs_sets_bits(void **state)
{
	struct vhart h = fresh();
	struct vcsr_result r;

	(void)state;
	write_csr(&h, CSR_SSCRATCH, 0xf0);
	r = vcsr_emulate(&h, csr_insn(FUNCT3_CSRRS, 10, 5, CSR_SSCRATCH), 0x0f);
	assert_int_equal(r.rd_value, 0xf0);
	assert_int_equal(h.sscratch, 0xff);
}

static void test_csrrc_clears_bits(void **state)
{
	struct vhart h = fresh();
	struct vcsr_result r;

	(void)state;
	write_csr(&h, CSR_SSCRATCH, 0xff);
	r = vcsr_emulate(&h, csr_insn(FUNCT3_CSRRC, 10, 5, CSR_SSCRATCH), 0x0f);
	assert_int_equal(r.rd_value, 0xff);
	assert_int_equal(h.sscratch, 0xf0);
}

static void test_immediate_forms_use_uimm(void **state)
{
	struct vhart h = fresh();

	(void)state;
	vcsr_emulate(&h, csr_insn(FUNCT3_CSRRWI, 0, 0x1f, CSR_SSCRATCH), ~0UL);
	assert_int_equal(h.sscratch, 0x1f);
	vcsr_emulate(&h, csr_insn(FUNCT3_CSRRCI, 0, 0x3, CSR_SSCRATCH), 0);
	assert_int_equal(h.sscratch, 0x1c);
	vcsr_emulate(&h, csr_insn(FUNCT3_CSRRSI, 0, 0x1, CSR_SSCRATCH), 0);
	assert_int_equal(h.sscratch, 0x1d);
}

static void test_csrrs_x0_does_not_write(void **state)
{
	struct vhart h = fresh();

	(void)state;
	write_csr(&h, CSR_SSCRATCH, 0x1234);
	/* Whatever the shell passes as x[rs1], rs1 = x0 means no write. */
	vcsr_emulate(&h, csr_insn(FUNCT3_CSRRS, 10, 0, CSR_SSCRATCH), ~0UL);
	vcsr_emulate(&h, csr_insn(FUNCT3_CSRRC, 10, 0, CSR_SSCRATCH), ~0UL);
	assert_int_equal(h.sscratch, 0x1234);
}

static void test_csrrsi_csrrci_zero_uimm_do_not_write(void **state)
{
	struct vhart h = fresh();
	struct vcsr_result r;

	(void)state;
	write_csr(&h, CSR_SEPC, 0x80000000UL);
	r = vcsr_emulate(&h, csr_insn(FUNCT3_CSRRSI, 10, 0, CSR_SEPC), ~0UL);
	assert_int_equal(r.rd_value, 0x80000000UL);
	vcsr_emulate(&h, csr_insn(FUNCT3_CSRRCI, 10, 0, CSR_SEPC), ~0UL);
	assert_int_equal(h.sepc, 0x80000000UL);
}

static void test_csrrw_x0_does_not_read(void **state)
{
	struct vhart h = fresh();
	struct vcsr_result r;

	(void)state;
	write_csr(&h, CSR_SSCRATCH, 0x1234);
	r = vcsr_emulate(&h, csr_insn(FUNCT3_CSRRW, 0, 5, CSR_SSCRATCH), 0x5678);
	assert_int_equal(r.status, VCSR_OK);
	assert_int_equal(r.rd, 0);
	assert_int_equal(r.rd_value, 0);
	assert_int_equal(h.sscratch, 0x5678);
}

static void test_write_to_readonly_csr_is_illegal(void **state)
{
	struct vhart h = fresh();

	(void)state;
	assert_illegal(&h, csr_insn(FUNCT3_CSRRW, 10, 5, CSR_CYCLE), 1);
	assert_illegal(&h, csr_insn(FUNCT3_CSRRSI, 10, 1, CSR_TIME), 0);
}

static void test_cycle_read_in_vs_is_legal(void **state)
{
	struct vhart h = fresh(), before = h;

	(void)state;
	assert_int_equal(read_csr(&h, CSR_CYCLE), FAKE_COUNTER(CSR_CYCLE));
	assert_memory_equal(&before, &h, sizeof(h));
}

static void test_time_read_in_vs_is_legal(void **state)
{
	struct vhart h = fresh();

	(void)state;
	assert_int_equal(read_csr(&h, CSR_TIME), FAKE_COUNTER(CSR_TIME));
}

static void test_instret_read_in_vs_is_legal(void **state)
{
	struct vhart h = fresh();

	(void)state;
	assert_int_equal(read_csr(&h, CSR_INSTRET), FAKE_COUNTER(CSR_INSTRET));
}

static void test_counter_read_in_vs_ignores_scounteren(void **state)
{
	struct vhart h = fresh();

	(void)state;
	h.scounteren = 0;
	assert_int_equal(read_csr(&h, CSR_TIME), FAKE_COUNTER(CSR_TIME));
}

static void test_cycle_read_in_vu_needs_scounteren_cy(void **state)
{
	struct vhart h = fresh();
	uint32_t rdcycle = csr_insn(FUNCT3_CSRRS, 10, 0, CSR_CYCLE);

	(void)state;
	h.priv = PRV_U;
	h.scounteren = ~COUNTEREN_CY;
	assert_illegal(&h, rdcycle, 0);
	h.scounteren = COUNTEREN_CY;
	assert_int_equal(read_csr(&h, CSR_CYCLE), FAKE_COUNTER(CSR_CYCLE));
}

static void test_time_read_in_vu_needs_scounteren_tm(void **state)
{
	struct vhart h = fresh();
	uint32_t rdtime = csr_insn(FUNCT3_CSRRS, 10, 0, CSR_TIME);

	(void)state;
	h.priv = PRV_U;
	h.scounteren = ~COUNTEREN_TM;
	assert_illegal(&h, rdtime, 0);
	h.scounteren = COUNTEREN_TM;
	assert_int_equal(read_csr(&h, CSR_TIME), FAKE_COUNTER(CSR_TIME));
}

static void test_instret_read_in_vu_needs_scounteren_ir(void **state)
{
	struct vhart h = fresh();
	uint32_t rdinstret = csr_insn(FUNCT3_CSRRS, 10, 0, CSR_INSTRET);

	(void)state;
	h.priv = PRV_U;
	h.scounteren = ~COUNTEREN_IR;
	assert_illegal(&h, rdinstret, 0);
	h.scounteren = COUNTEREN_IR;
	assert_int_equal(read_csr(&h, CSR_INSTRET), FAKE_COUNTER(CSR_INSTRET));
}

static void test_csrw_time_is_illegal(void **state)
{
	struct vhart h = fresh();

	(void)state;
	assert_illegal(&h, csr_insn(FUNCT3_CSRRW, 0, 5, CSR_TIME), 0);
	assert_illegal(&h, csr_insn(FUNCT3_CSRRW, 10, 0, CSR_TIME), 0);
	assert_illegal(&h, csr_insn(FUNCT3_CSRRWI, 0, 0, CSR_TIME), 0);
	h.priv = PRV_U;
	h.scounteren = ~0UL;
	assert_illegal(&h, csr_insn(FUNCT3_CSRRW, 0, 5, CSR_TIME), 0);
}

static void test_counter_set_clear_with_operand_is_illegal(void **state)
{
	static const unsigned csrs[] = { CSR_CYCLE, CSR_TIME, CSR_INSTRET };
	struct vhart h = fresh();
	size_t i;

	(void)state;
	for (i = 0; i < 3; i++) {
		assert_illegal(&h, csr_insn(FUNCT3_CSRRS, 10, 5, csrs[i]), 0);
		assert_illegal(&h, csr_insn(FUNCT3_CSRRC, 10, 5, csrs[i]), 0);
		assert_illegal(&h, csr_insn(FUNCT3_CSRRSI, 10, 1, csrs[i]), 0);
		assert_illegal(&h, csr_insn(FUNCT3_CSRRCI, 10, 31, csrs[i]), 0);
	}
}

static void test_counter_set_clear_without_operand_reads(void **state)
{
	struct vhart h = fresh();
	struct vcsr_result r;

	(void)state;
	r = vcsr_emulate(&h, csr_insn(FUNCT3_CSRRC, 11, 0, CSR_INSTRET), ~0UL);
	assert_int_equal(r.status, VCSR_OK);
	assert_int_equal(r.rd, 11);
	assert_int_equal(r.rd_value, FAKE_COUNTER(CSR_INSTRET));
	r = vcsr_emulate(&h, csr_insn(FUNCT3_CSRRSI, 12, 0, CSR_CYCLE), ~0UL);
	assert_int_equal(r.rd_value, FAKE_COUNTER(CSR_CYCLE));
	r = vcsr_emulate(&h, csr_insn(FUNCT3_CSRRCI, 13, 0, CSR_TIME), ~0UL);
	assert_int_equal(r.rd_value, FAKE_COUNTER(CSR_TIME));
}

static void test_illegal_counter_access_does_not_read_counter(void **state)
{
	struct vhart h = fresh();
	unsigned long reads = counter_reads;

	(void)state;
	assert_illegal(&h, csr_insn(FUNCT3_CSRRW, 10, 5, CSR_CYCLE), 0);
	h.priv = PRV_U;
	assert_illegal(&h, csr_insn(FUNCT3_CSRRS, 10, 0, CSR_TIME), 0);
	assert_int_equal(counter_reads, reads);
}

static void test_hpm_counters_are_illegal(void **state)
{
	/* hpmcounter3, hpmcounter31: not implemented, whatever scounteren says */
	struct vhart h = fresh();

	(void)state;
	h.scounteren = ~0UL;
	assert_illegal(&h, csr_insn(FUNCT3_CSRRS, 10, 0, 0xc03), 0);
	assert_illegal(&h, csr_insn(FUNCT3_CSRRS, 10, 0, 0xc1f), 0);
	h.priv = PRV_U;
	assert_illegal(&h, csr_insn(FUNCT3_CSRRS, 10, 0, 0xc03), 0);
}

static void test_m_level_csrs_are_illegal(void **state)
{
	static const unsigned csrs[] = { CSR_MSTATUS, CSR_MISA, CSR_MEDELEG, CSR_MIE,
					 CSR_MTVEC, CSR_MEPC, CSR_MIP, CSR_PMPCFG0,
					 CSR_PMPADDR0, CSR_MHARTID, 0x7a0, 0xb00 };
	struct vhart h = fresh();
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(csrs) / sizeof(csrs[0]); i++) {
		assert_illegal(&h, csr_insn(FUNCT3_CSRRS, 10, 0, csrs[i]), 0);
		assert_illegal(&h, csr_insn(FUNCT3_CSRRW, 10, 5, csrs[i]), ~0UL);
	}
}

static void test_hypervisor_csrs_are_illegal(void **state)
{
	/* hstatus, hedeleg, hgatp, vsstatus, vsatp */
	static const unsigned csrs[] = { 0x600, 0x602, 0x680, 0x200, 0x280 };
	struct vhart h = fresh();
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(csrs) / sizeof(csrs[0]); i++)
		assert_illegal(&h, csr_insn(FUNCT3_CSRRW, 10, 5, csrs[i]), ~0UL);
}

static void test_unknown_s_csrs_are_illegal(void **state)
{
	/* stimecmp (no Sstc), scontext, an unassigned S-level number */
	static const unsigned csrs[] = { CSR_STIMECMP, 0x5a8, 0x101, 0x1ff, 0x000, 0x001 };
	struct vhart h = fresh();
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(csrs) / sizeof(csrs[0]); i++)
		assert_illegal(&h, csr_insn(FUNCT3_CSRRS, 10, 0, csrs[i]), 0);
}

static void test_non_csr_instructions_are_illegal(void **state)
{
	struct vhart h = fresh();

	(void)state;
	assert_illegal(&h, csr_insn(FUNCT3_PRIV, 10, 0, CSR_SSTATUS), 0);
	assert_illegal(&h, csr_insn(4, 10, 0, CSR_SSTATUS), 0);
	assert_illegal(&h, csr_insn(FUNCT3_CSRRS, 10, 0, CSR_SSTATUS) ^ 0x40U, 0);
	assert_illegal(&h, INSN_SRET, 0);
}

static void test_vu_access_to_sstatus_is_illegal(void **state)
{
	struct vhart h = fresh();

	(void)state;
	h.priv = PRV_U;
	assert_illegal(&h, csr_insn(FUNCT3_CSRRS, 10, 0, CSR_SSTATUS), 0);
	assert_illegal(&h, csr_insn(FUNCT3_CSRRW, 10, 5, CSR_SSTATUS), ~0UL);
}

static void test_vu_access_to_every_s_csr_is_illegal(void **state)
{
	static const unsigned csrs[] = { CSR_SSTATUS, CSR_SIE, CSR_SIP, CSR_STVEC,
					 CSR_SSCRATCH, CSR_SEPC, CSR_SCAUSE, CSR_STVAL,
					 CSR_SATP, CSR_SCOUNTEREN, CSR_SENVCFG };
	struct vhart h = fresh();
	unsigned f;
	size_t i;

	(void)state;
	h.priv = PRV_U;
	for (i = 0; i < sizeof(csrs) / sizeof(csrs[0]); i++)
		for (f = 1; f < 8; f++)
			if (f != 4)
				assert_illegal(&h, csr_insn(f, 10, 7, csrs[i]), ~0UL);
}

static uint64_t rng_state = 0x2545f4914f6cdd1dUL;

static uint64_t rnd(void)
{
	/* xorshift64*: fixed seed, same run every time. */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dUL;
}

static uint64_t rnd_value(void)
{
	static const uint64_t edges[] = { 0, ~0UL, 1, 2, 3, 1UL << 63, ~1UL, 0x222, 0x6000,
					  8UL << 60, 9UL << 60, 10UL << 60, 0xfUL << 60,
					  2UL << 32, 1UL << 32 };

	switch (rnd() % 4) {
	case 0:
		return edges[rnd() % (sizeof(edges) / sizeof(edges[0]))];
	case 1: /* a satp value with a chosen mode */
		return (rnd() % 16) << 60 | (rnd() >> 4);
	default:
		return rnd();
	}
}

static unsigned rnd_csr(void)
{
	static const unsigned csrs[] = {
		CSR_SSTATUS, CSR_SIE, CSR_SIP, CSR_STVEC, CSR_SSCRATCH, CSR_SEPC, CSR_SCAUSE,
		CSR_STVAL, CSR_SATP, CSR_SCOUNTEREN, CSR_SENVCFG,
		CSR_STIMECMP, CSR_CYCLE, CSR_TIME, CSR_INSTRET, CSR_MSTATUS, CSR_MIP,
		CSR_MHARTID, 0x600, 0x680, 0x200, 0x5a8, 0xda0, 0x001, 0x7a0
	};

	switch (rnd() % 8) {
	case 0:
		return (unsigned)(rnd() & 0xfff);
	case 1:
	case 2:
		return csrs[rnd() % (sizeof(csrs) / sizeof(csrs[0]))];
	default: /* mostly the implemented ones */
		return csrs[rnd() % 11];
	}
}

static void test_random_sequences_match_reference(void **state)
{
	struct vhart h = fresh(), ref = fresh();
	long step, legal = 0;

	(void)state;
	for (step = 0; step < 300000; step++) {
		unsigned funct3 = (unsigned)(rnd() % 8), rd = (unsigned)(rnd() % 32);
		unsigned rs1 = rnd() % 4 == 0 ? 0 : (unsigned)(rnd() % 32);
		uint32_t insn = csr_insn(funct3, rd, rs1, rnd_csr());
		uint64_t x_rs1 = rnd_value();
		struct vcsr_result got, want;

		if (rnd() % 64 == 0)
			insn ^= (uint32_t)(rnd() & 0x7f); /* sometimes not a SYSTEM opcode */
		if (rnd() % 16 == 0) /* the shell switches privilege / raises STIP, SEIP */
			h.priv = ref.priv = rnd() % 4 ? PRV_S : PRV_U;
		if (rnd() % 16 == 0)
			h.sip = ref.sip = (h.sip & MIP_SSIP) | (rnd() & (MIP_STIP | MIP_SEIP));
		got = vcsr_emulate(&h, insn, x_rs1);
		want = ref_emulate(&ref, insn, x_rs1);
		assert_int_equal(got.status, want.status);
		assert_int_equal(got.rd, want.rd);
		if (got.status == VCSR_OK && got.rd != 0)
			assert_int_equal(got.rd_value, want.rd_value);
		assert_memory_equal(&h, &ref, sizeof(h));
		assert_true(ref_valid(&h));
		assert_true(ref_real_state_ok(&h, rnd_value()));
		legal += got.status == VCSR_OK;
	}
	print_message("%ld of %ld random instructions were legal\n", legal, step);
	assert_true(legal > step / 3); /* the run did exercise legal accesses */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reset_state),
		cmocka_unit_test(test_sstatus_write_keeps_only_writable_bits),
		cmocka_unit_test(test_sstatus_uxl_is_read_only),
		cmocka_unit_test(test_sstatus_ube_xs_read_zero),
		cmocka_unit_test(test_sstatus_sd_reflects_fs_dirty),
		cmocka_unit_test(test_sstatus_sd_write_is_ignored),
		cmocka_unit_test(test_sie_keeps_s_level_bits),
		cmocka_unit_test(test_sip_only_ssip_writable),
		cmocka_unit_test(test_sip_keeps_hypervisor_stip_seip),
		cmocka_unit_test(test_stvec_direct_and_vectored_accepted),
		cmocka_unit_test(test_stvec_reserved_mode_write_ignored),
		cmocka_unit_test(test_sscratch_scause_stval_keep_all_bits),
		cmocka_unit_test(test_sepc_clears_bit0),
		cmocka_unit_test(test_satp_accepts_sv39),
		cmocka_unit_test(test_satp_accepts_bare),
		cmocka_unit_test(test_satp_write_rejects_sv48),
		cmocka_unit_test(test_satp_write_rejects_sv57),
		cmocka_unit_test(test_satp_write_rejects_reserved_modes),
		cmocka_unit_test(test_scounteren_keeps_all_bits),
		cmocka_unit_test(test_senvcfg_keeps_fiom_cbie_cbcfe_cbze),
		cmocka_unit_test(test_csrrw_returns_old_value),
		cmocka_unit_test(test_rd_reports_destination),
		cmocka_unit_test(test_csrrs_sets_bits),
		cmocka_unit_test(test_csrrc_clears_bits),
		cmocka_unit_test(test_immediate_forms_use_uimm),
		cmocka_unit_test(test_csrrs_x0_does_not_write),
		cmocka_unit_test(test_csrrsi_csrrci_zero_uimm_do_not_write),
		cmocka_unit_test(test_csrrw_x0_does_not_read),
		cmocka_unit_test(test_write_to_readonly_csr_is_illegal),
		cmocka_unit_test(test_cycle_read_in_vs_is_legal),
		cmocka_unit_test(test_time_read_in_vs_is_legal),
		cmocka_unit_test(test_instret_read_in_vs_is_legal),
		cmocka_unit_test(test_counter_read_in_vs_ignores_scounteren),
		cmocka_unit_test(test_cycle_read_in_vu_needs_scounteren_cy),
		cmocka_unit_test(test_time_read_in_vu_needs_scounteren_tm),
		cmocka_unit_test(test_instret_read_in_vu_needs_scounteren_ir),
		cmocka_unit_test(test_csrw_time_is_illegal),
		cmocka_unit_test(test_counter_set_clear_with_operand_is_illegal),
		cmocka_unit_test(test_counter_set_clear_without_operand_reads),
		cmocka_unit_test(test_illegal_counter_access_does_not_read_counter),
		cmocka_unit_test(test_hpm_counters_are_illegal),
		cmocka_unit_test(test_m_level_csrs_are_illegal),
		cmocka_unit_test(test_hypervisor_csrs_are_illegal),
		cmocka_unit_test(test_unknown_s_csrs_are_illegal),
		cmocka_unit_test(test_non_csr_instructions_are_illegal),
		cmocka_unit_test(test_vu_access_to_sstatus_is_illegal),
		cmocka_unit_test(test_vu_access_to_every_s_csr_is_illegal),
		cmocka_unit_test(test_random_sequences_match_reference),
	};

	return cmocka_run_group_tests_name("vcsr", tests, NULL, NULL);
}
