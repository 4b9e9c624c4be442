/*
 * SBI conformance of the hypervisor (run under it only: natively the
 * firmware is another SBI). Every extension and function the hypervisor
 * offers (src/hv/sbi/), checked against the SBI v2.0 spec: BASE, TIME,
 * IPI, RFENCE, HSM, SRST (argument checks only), DBCN, the legacy calls,
 * unknown extensions and functions; and for every call that all registers
 * but a0/a1 (legacy: but a0) are preserved.
 */
#include <stddef.h>

#include "lib/sbi.h"
#include "rt/rt.h"

#define POLL_LIMIT 50000000U
#define TIMER_DELTA 10000UL

#define SBI_EXT_PMU  0x504d55
#define SBI_EXT_SUSP 0x53555350
#define SBI_EXT_CPPC 0x43505043
#define SBI_EXT_NACL 0x4e41434c
#define SBI_EXT_STA  0x535441
#define SBI_EXT_SSE  0x535345
#define SBI_EXT_FWFT 0x46574654
#define SBI_EXT_DBTR 0x44425452
#define SBI_EXT_MPXY 0x4d505859

#define SRST_TYPE_VENDOR               0xf0000000UL

#define GUEST_ENTRY 0x80200000UL
/* Guest-physical addresses with no guest RAM behind them. */
#define NO_RAM_LOW  0x1000UL
#define NO_RAM_HIGH 0xfffffffffffff000UL

/* ---- Raw calls: every register in and out -------------------------- */

/* r[0..7] = a0..a7, r[8..14] = t0..t6, in and out of one ecall. */
void sbi_raw(uint64_t r[15]);
__asm__(".text\n"
	".balign 4\n"
	".globl sbi_raw\n"
	"sbi_raw:\n"
	"    addi sp, sp, -32\n"
	"    sd a0, 0(sp)\n"
	"    sd ra, 8(sp)\n"
	"    mv t6, a0\n"
	"    ld t0, 64(t6)\n"
	"    ld t1, 72(t6)\n"
	"    ld t2, 80(t6)\n"
	"    ld t3, 88(t6)\n"
	"    ld t4, 96(t6)\n"
	"    ld t5, 104(t6)\n"
	"    ld a0, 0(t6)\n"
	"    ld a1, 8(t6)\n"
	"    ld a2, 16(t6)\n"
	"    ld a3, 24(t6)\n"
	"    ld a4, 32(t6)\n"
	"    ld a5, 40(t6)\n"
	"    ld a6, 48(t6)\n"
	"    ld a7, 56(t6)\n"
	"    ld t6, 112(t6)\n"
	"    ecall\n"
	"    sd t6, 16(sp)\n"
	"    ld t6, 0(sp)\n"
	"    sd a0, 0(t6)\n"
	"    sd a1, 8(t6)\n"
	"    sd a2, 16(t6)\n"
	"    sd a3, 24(t6)\n"
	"    sd a4, 32(t6)\n"
	"    sd a5, 40(t6)\n"
	"    sd a6, 48(t6)\n"
	"    sd a7, 56(t6)\n"
	"    sd t0, 64(t6)\n"
	"    sd t1, 72(t6)\n"
	"    sd t2, 80(t6)\n"
	"    sd t3, 88(t6)\n"
	"    sd t4, 96(t6)\n"
	"    sd t5, 104(t6)\n"
	"    ld a0, 16(sp)\n"
	"    sd a0, 112(t6)\n"
	"    ld ra, 8(sp)\n"
	"    addi sp, sp, 32\n"
	"    ret\n");

/* got == want, as the spec says. */
static void expect(uint64_t got, uint64_t want, const char *what, int line)
{
	rt_check_eq(got, want, what, "spec", __FILE__, line);
}

struct ret {
	long error;
	long value;
};

static struct ret call6(unsigned long eid, unsigned long fid, unsigned long a0,
			unsigned long a1, unsigned long a2, unsigned long a3,
			unsigned long a4, unsigned long a5, bool legacy, int line)
{
	uint64_t in[15], r[15];
	for (unsigned i = 0; i < 15; i++)
		in[i] = 0x5b1c0de000000000UL + i * 0x1111UL;
	in[0] = a0;
	in[1] = a1;
	in[2] = a2;
	in[3] = a3;
	in[4] = a4;
	in[5] = a5;
	in[6] = fid;
	in[7] = eid;
	for (unsigned i = 0; i < 15; i++)
		r[i] = in[i];
	sbi_raw(r);
	/* All registers but a0 and a1 (legacy calls: but a0) preserved. */
	bool kept = true;
	for (unsigned i = legacy ? 1 : 2; i < 15; i++)
		if (r[i] != in[i]) {
			rt_printf("sbi_conf: eid 0x%lx fid 0x%lx changed register #%u: "
				  "0x%lx -> 0x%lx\n", eid, fid, i, in[i], r[i]);
			kept = false;
		}
	rt_check(kept, "registers preserved", __FILE__, line);
	return (struct ret){ (long)r[0], (long)r[1] };
}

/* Up to six arguments; missing ones are 0. */
#define ARGS6(a, b, c, d, e, f, ...) a, b, c, d, e, f
#define SBI(eid, fid, ...) \
	call6(eid, fid, ARGS6(__VA_ARGS__, 0, 0, 0, 0, 0, 0), false, __LINE__)
#define SBI0(eid, fid) call6(eid, fid, 0, 0, 0, 0, 0, 0, false, __LINE__)
#define LEGACY(eid, ...) \
	call6(eid, 0, ARGS6(__VA_ARGS__, 0, 0, 0, 0, 0, 0), true, __LINE__).error

#define EXPECT(got, want) expect((uint64_t)(got), (uint64_t)(want), #got " == " #want, __LINE__)
/* An SBI call's error, then its value. */
#define EXPECT_ERR(r, e) expect((uint64_t)(r).error, (uint64_t)(e), #r ": error " #e, __LINE__)
#define EXPECT_RET(r, e, v)                                                       \
	do {                                                                      \
		struct ret r_ = (r);                                              \
		expect((uint64_t)r_.error, (uint64_t)(e), #r ": error " #e, __LINE__); \
		expect((uint64_t)r_.value, (uint64_t)(v), #r ": value " #v, __LINE__); \
	} while (0)

static bool wait_sip(unsigned long bit)
{
	for (unsigned i = 0; i < POLL_LIMIT; i++)
		if (csr_read(CSR_SIP) & bit)
			return true;
	return false;
}

/* ---- BASE ------------------------------------------------------------ */

static const unsigned long implemented[] = {
	SBI_EXT_BASE, SBI_EXT_TIME, SBI_EXT_IPI, SBI_EXT_RFENCE,
	SBI_EXT_HSM, SBI_EXT_SRST, SBI_EXT_DBCN,
};
static const unsigned long not_implemented[] = {
	0x09, 0x0f, SBI_EXT_PMU, SBI_EXT_SUSP, SBI_EXT_CPPC, SBI_EXT_NACL,
	SBI_EXT_STA, SBI_EXT_SSE, SBI_EXT_FWFT, SBI_EXT_DBTR, SBI_EXT_MPXY,
	0x08000000, 0x08ffffff, 0x09000000, 0x0a000000, 0x12345678, 0x7fffffff,
	0xffffffff, 0x100000010UL, ~0UL,
};

static void test_base(void)
{
	struct ret r = SBI0(SBI_EXT_BASE, SBI_BASE_GET_SPEC_VERSION);
	EXPECT_ERR(r, SBI_SUCCESS);
	/* v2.0: major in bits 30:24, minor in 23:0, bit 31 reserved 0. */
	EXPECT(r.value, SBI_SPEC_VERSION_2_0);
	EXPECT_RET(SBI0(SBI_EXT_BASE, SBI_BASE_GET_IMPL_ID), SBI_SUCCESS, SBI_IMPL_ID_HV);
	EXPECT_ERR(SBI0(SBI_EXT_BASE, SBI_BASE_GET_IMPL_VERSION), SBI_SUCCESS);
	/* Any legal mvendorid/marchid/mimpid value (0 always is). */
	EXPECT_ERR(SBI0(SBI_EXT_BASE, SBI_BASE_GET_MVENDORID), SBI_SUCCESS);
	EXPECT_ERR(SBI0(SBI_EXT_BASE, SBI_BASE_GET_MARCHID), SBI_SUCCESS);
	EXPECT_ERR(SBI0(SBI_EXT_BASE, SBI_BASE_GET_MIMPID), SBI_SUCCESS);

	for (unsigned i = 0; i < sizeof(implemented) / sizeof(implemented[0]); i++) {
		r = SBI(SBI_EXT_BASE, SBI_BASE_PROBE_EXTENSION, implemented[i]);
		EXPECT_ERR(r, SBI_SUCCESS);
		if (!rt_check_eq((uint64_t)r.value, 1, "probe(implemented)", "1", __FILE__, __LINE__))
			rt_printf("sbi_conf:   extension 0x%lx\n", implemented[i]);
	}
	/* The legacy extensions the hypervisor implements are available too
	 * (probe: 0 only if "not available"). */
	for (unsigned long eid = SBI_EXT_LEGACY_SET_TIMER; eid <= SBI_EXT_LEGACY_SHUTDOWN; eid++) {
		r = SBI(SBI_EXT_BASE, SBI_BASE_PROBE_EXTENSION, eid);
		EXPECT_ERR(r, SBI_SUCCESS);
		EXPECT(r.value != 0, 1);
	}
	for (unsigned i = 0; i < sizeof(not_implemented) / sizeof(not_implemented[0]); i++) {
		r = SBI(SBI_EXT_BASE, SBI_BASE_PROBE_EXTENSION, not_implemented[i]);
		EXPECT_ERR(r, SBI_SUCCESS);
		if (!rt_check_eq((uint64_t)r.value, 0, "probe(unknown)", "0", __FILE__, __LINE__))
			rt_printf("sbi_conf:   extension 0x%lx\n", not_implemented[i]);
	}
	EXPECT_ERR(SBI0(SBI_EXT_BASE, 7), SBI_ERR_NOT_SUPPORTED);
	EXPECT_ERR(SBI0(SBI_EXT_BASE, 0x7fffffff), SBI_ERR_NOT_SUPPORTED);
	EXPECT_ERR(SBI0(SBI_EXT_BASE, ~0UL), SBI_ERR_NOT_SUPPORTED);
}

/* ---- TIME (and the legacy set_timer) ---------------------------------- */

static void test_time(void)
{
	csr_write(CSR_SIE, 0);
	EXPECT_ERR(SBI(SBI_EXT_TIME, SBI_TIME_SET_TIMER, csr_read(CSR_TIME) + TIMER_DELTA),
		   SBI_SUCCESS);
	CHECK(wait_sip(MIP_STIP));
	/* set_timer also clears the pending timer interrupt. */
	EXPECT_ERR(SBI(SBI_EXT_TIME, SBI_TIME_SET_TIMER, ~0UL), SBI_SUCCESS);
	EXPECT(csr_read(CSR_SIP) & MIP_STIP, 0);
	/* A time in the past fires at once. */
	EXPECT_ERR(SBI(SBI_EXT_TIME, SBI_TIME_SET_TIMER, 0), SBI_SUCCESS);
	CHECK(wait_sip(MIP_STIP));
	EXPECT_ERR(SBI(SBI_EXT_TIME, SBI_TIME_SET_TIMER, csr_read(CSR_TIME) + (1UL << 40)),
		   SBI_SUCCESS);
	EXPECT(csr_read(CSR_SIP) & MIP_STIP, 0);
	EXPECT_ERR(SBI0(SBI_EXT_TIME, 1), SBI_ERR_NOT_SUPPORTED);
	EXPECT_ERR(SBI0(SBI_EXT_TIME, ~0UL), SBI_ERR_NOT_SUPPORTED);

	EXPECT(LEGACY(SBI_EXT_LEGACY_SET_TIMER, csr_read(CSR_TIME) + TIMER_DELTA), 0);
	CHECK(wait_sip(MIP_STIP));
	EXPECT(LEGACY(SBI_EXT_LEGACY_SET_TIMER, ~0UL), 0);
	EXPECT(csr_read(CSR_SIP) & MIP_STIP, 0);
}

/* ---- IPI ------------------------------------------------------------- */

static void expect_ipi(long mask, long base, long err, bool raised, int line)
{
	csr_clear(CSR_SIP, MIP_SSIP);
	struct ret r = call6(SBI_EXT_IPI, SBI_IPI_SEND_IPI, (unsigned long)mask,
			     (unsigned long)base, 0, 0, 0, 0, false, line);
	expect((uint64_t)r.error, (uint64_t)err, "send_ipi error", line);
	expect((csr_read(CSR_SIP) & MIP_SSIP) != 0, raised, "sip.SSIP after send_ipi", line);
	csr_clear(CSR_SIP, MIP_SSIP);
}

static void test_ipi(void)
{
	csr_write(CSR_SIE, 0);
	expect_ipi(1, 0, SBI_SUCCESS, true, __LINE__);
	expect_ipi(0, -1, SBI_SUCCESS, true, __LINE__);     /* all harts */
	expect_ipi(0xdead, -1, SBI_SUCCESS, true, __LINE__); /* mask ignored */
	expect_ipi(0, 0, SBI_SUCCESS, false, __LINE__);      /* no hart */
	expect_ipi(2, 0, SBI_ERR_INVALID_PARAM, false, __LINE__);
	expect_ipi(1, 1, SBI_ERR_INVALID_PARAM, false, __LINE__);
	expect_ipi(1, 64, SBI_ERR_INVALID_PARAM, false, __LINE__);
	expect_ipi((long)(1UL << 63), 0, SBI_ERR_INVALID_PARAM, false, __LINE__);
	expect_ipi(1, 5, SBI_ERR_INVALID_PARAM, false, __LINE__); /* bad base */
	expect_ipi(0, 5, SBI_SUCCESS, false, __LINE__);  /* names no hart */
	EXPECT_ERR(SBI0(SBI_EXT_IPI, 1), SBI_ERR_NOT_SUPPORTED);
}

/* ---- RFENCE ---------------------------------------------------------- */

static void test_rfence(void)
{
	for (unsigned long fid = SBI_RFENCE_REMOTE_FENCE_I;
	     fid <= SBI_RFENCE_REMOTE_SFENCE_VMA_ASID; fid++) {
		EXPECT_ERR(SBI(SBI_EXT_RFENCE, fid, 1, 0, 0, 0, 0), SBI_SUCCESS);
		EXPECT_ERR(SBI(SBI_EXT_RFENCE, fid, 0, -1UL, 0, 0, 0), SBI_SUCCESS);
		EXPECT_ERR(SBI(SBI_EXT_RFENCE, fid, 1, 0, GUEST_ENTRY, PAGE_SIZE, 1),
			   SBI_SUCCESS);
		/* The whole address space: size = 2^XLEN - 1. */
		EXPECT_ERR(SBI(SBI_EXT_RFENCE, fid, 1, 0, 0, ~0UL, 0xffff), SBI_SUCCESS);
		EXPECT_ERR(SBI(SBI_EXT_RFENCE, fid, 2, 0, 0, 0, 0), SBI_ERR_INVALID_PARAM);
		EXPECT_ERR(SBI(SBI_EXT_RFENCE, fid, 3, 0, 0, 0, 0), SBI_ERR_INVALID_PARAM);
		EXPECT_ERR(SBI(SBI_EXT_RFENCE, fid, 1, 5, 0, 0, 0), SBI_ERR_INVALID_PARAM);
		EXPECT_ERR(SBI(SBI_EXT_RFENCE, fid, 0, 5, 0, 0, 0), SBI_SUCCESS);
	}
	/* The hfence calls need the H extension, which guests lack. */
	for (unsigned long fid = 3; fid <= 6; fid++) {
		EXPECT_ERR(SBI(SBI_EXT_RFENCE, fid, 1, 0, 0, 0, 0), SBI_ERR_NOT_SUPPORTED);
		EXPECT_ERR(SBI(SBI_EXT_RFENCE, fid, 0, -1UL, 0, ~0UL, 0),
			   SBI_ERR_NOT_SUPPORTED);
	}
	EXPECT_ERR(SBI(SBI_EXT_RFENCE, 7, 1, 0), SBI_ERR_NOT_SUPPORTED);
	EXPECT_ERR(SBI(SBI_EXT_RFENCE, ~0UL, 1, 0), SBI_ERR_NOT_SUPPORTED);
}

/* ---- HSM ------------------------------------------------------------- */

static void test_hsm(void)
{
	EXPECT_RET(SBI(SBI_EXT_HSM, SBI_HSM_HART_GET_STATUS, 0), SBI_SUCCESS,
		   SBI_HSM_STATE_STARTED);
	EXPECT_ERR(SBI(SBI_EXT_HSM, SBI_HSM_HART_GET_STATUS, 1), SBI_ERR_INVALID_PARAM);
	EXPECT_ERR(SBI(SBI_EXT_HSM, SBI_HSM_HART_GET_STATUS, ~0UL), SBI_ERR_INVALID_PARAM);
	EXPECT_ERR(SBI(SBI_EXT_HSM, SBI_HSM_HART_START, 0, GUEST_ENTRY, 0),
		   SBI_ERR_ALREADY_AVAILABLE);
	EXPECT_ERR(SBI(SBI_EXT_HSM, SBI_HSM_HART_START, 1, GUEST_ENTRY, 0),
		   SBI_ERR_INVALID_PARAM);
	EXPECT_ERR(SBI(SBI_EXT_HSM, SBI_HSM_HART_START, 5, GUEST_ENTRY, 0),
		   SBI_ERR_INVALID_PARAM);

	/* Reserved suspend types. */
	static const unsigned long reserved[] = { 1, 0x0fffffff, 0x80000001, 0x8fffffff,
						  0x100000000UL, ~0UL };
	for (unsigned i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++)
		EXPECT_ERR(SBI(SBI_EXT_HSM, SBI_HSM_HART_SUSPEND, reserved[i], GUEST_ENTRY, 0),
			   SBI_ERR_INVALID_PARAM);
	/* Platform-specific types, none implemented: v2.0 says INVALID_PARAM
	 * ("reserved or is platform-specific and unimplemented"). */
	static const unsigned long platform[] = { SBI_HSM_SUSPEND_RET_PLATFORM, 0x7fffffff,
						  SBI_HSM_SUSPEND_NONRET_PLATFORM, 0xffffffff };
	for (unsigned i = 0; i < sizeof(platform) / sizeof(platform[0]); i++)
		EXPECT(SBI(SBI_EXT_HSM, SBI_HSM_HART_SUSPEND, platform[i], GUEST_ENTRY, 0).error,
		       SBI_ERR_INVALID_PARAM);
	/* The default non-retentive suspend resumes in the guest's RAM only
	 * (its resume is checked by the hsm guest). */
	EXPECT_ERR(SBI(SBI_EXT_HSM, SBI_HSM_HART_SUSPEND, SBI_HSM_SUSPEND_NON_RETENTIVE,
		       0x1000, 0),
		   SBI_ERR_INVALID_ADDRESS);
	EXPECT_ERR(SBI(SBI_EXT_HSM, SBI_HSM_HART_SUSPEND, SBI_HSM_SUSPEND_NON_RETENTIVE,
		       0xfffffffffffff000UL, 0),
		   SBI_ERR_INVALID_ADDRESS);
	EXPECT_ERR(SBI(SBI_EXT_HSM, SBI_HSM_HART_START, 0, 0x1000, 0), SBI_ERR_INVALID_ADDRESS);

	/* Default retentive suspend: returns once the (enabled) timer
	 * interrupt is pending, even with sstatus.SIE clear. */
	csr_clear(CSR_SSTATUS, SSTATUS_SIE);
	csr_write(CSR_SIE, MIP_STIP);
	uint64_t when = csr_read(CSR_TIME) + 100000;
	sbi_set_timer(when);
	EXPECT_ERR(SBI(SBI_EXT_HSM, SBI_HSM_HART_SUSPEND, SBI_HSM_SUSPEND_RETENTIVE, 0, 0),
		   SBI_SUCCESS);
	CHECK(csr_read(CSR_TIME) >= when);
	CHECK(csr_read(CSR_SIP) & MIP_STIP);
	sbi_set_timer(~0UL);
	csr_write(CSR_SIE, 0);

	EXPECT_ERR(SBI0(SBI_EXT_HSM, 4), SBI_ERR_NOT_SUPPORTED);
	EXPECT_ERR(SBI0(SBI_EXT_HSM, ~0UL), SBI_ERR_NOT_SUPPORTED);
}

/* ---- SRST (nothing here may reset) --------------------------------------- */

static void test_srst(void)
{
	static const unsigned long bad_types[] = { 3, 0xefffffff, 0x100000000UL, ~0UL };
	static const unsigned long bad_reasons[] = { 2, 0xdfffffff, 0x100000000UL, ~0UL };
	for (unsigned i = 0; i < sizeof(bad_types) / sizeof(bad_types[0]); i++)
		EXPECT_ERR(SBI(SBI_EXT_SRST, SBI_SRST_SYSTEM_RESET, bad_types[i],
			       SBI_SRST_REASON_NONE),
			   SBI_ERR_INVALID_PARAM);
	for (unsigned i = 0; i < sizeof(bad_reasons) / sizeof(bad_reasons[0]); i++)
		EXPECT_ERR(SBI(SBI_EXT_SRST, SBI_SRST_SYSTEM_RESET, SBI_SRST_TYPE_SHUTDOWN,
			       bad_reasons[i]),
			   SBI_ERR_INVALID_PARAM);
	/* A vendor reset type the hypervisor does not implement: v2.0 says
	 * INVALID_PARAM ("reserved or is platform-specific and
	 * unimplemented"); NOT_SUPPORTED is for an implemented type missing
	 * a dependency (v1.0 said "valid but not implemented"). */
	EXPECT(SBI(SBI_EXT_SRST, SBI_SRST_SYSTEM_RESET, SRST_TYPE_VENDOR,
		   SBI_SRST_REASON_NONE).error,
	       SBI_ERR_INVALID_PARAM);
	EXPECT(SBI(SBI_EXT_SRST, SBI_SRST_SYSTEM_RESET, 0xffffffff, SBI_SRST_REASON_NONE).error,
	       SBI_ERR_INVALID_PARAM);
	EXPECT_ERR(SBI0(SBI_EXT_SRST, 1), SBI_ERR_NOT_SUPPORTED);
	EXPECT_ERR(SBI0(SBI_EXT_SRST, ~0UL), SBI_ERR_NOT_SUPPORTED);
}

/* ---- DBCN ------------------------------------------------------------ */

static const char dbcn_msg[] = "sbi_conf: DBCN write\n";
/* Text, so that a write longer than asked for stays readable. */
static char filler[4096];

static void test_dbcn(void)
{
	unsigned long len = sizeof(dbcn_msg) - 1;
	struct ret r = SBI(SBI_EXT_DBCN, SBI_DBCN_WRITE, len, (unsigned long)dbcn_msg, 0);
	EXPECT_ERR(r, SBI_SUCCESS);
	CHECK(r.value > 0 && (unsigned long)r.value <= len);
	if (r.value > 0 && (unsigned long)r.value < len)
		sbi_console_write(dbcn_msg + r.value, len - (unsigned long)r.value);
	EXPECT_RET(SBI(SBI_EXT_DBCN, SBI_DBCN_WRITE, 0, (unsigned long)dbcn_msg, 0),
		   SBI_SUCCESS, 0);
	/* Memory that is not the guest's, a base above 2^64, a range that
	 * wraps around. */
	EXPECT_ERR(SBI(SBI_EXT_DBCN, SBI_DBCN_WRITE, 8, NO_RAM_LOW, 0), SBI_ERR_INVALID_PARAM);
	EXPECT_ERR(SBI(SBI_EXT_DBCN, SBI_DBCN_WRITE, 8, NO_RAM_HIGH, 0), SBI_ERR_INVALID_PARAM);
	EXPECT_ERR(SBI(SBI_EXT_DBCN, SBI_DBCN_WRITE, len, (unsigned long)dbcn_msg, 1),
		   SBI_ERR_INVALID_PARAM);
	EXPECT_ERR(SBI(SBI_EXT_DBCN, SBI_DBCN_WRITE, 0x40, ~0UL - 0xf, 0),
		   SBI_ERR_INVALID_PARAM);
	/* A range that starts in guest RAM and runs far past its end must be
	 * refused as a whole (the spec checks "the specified physical memory
	 * range"); it must not be cut short to a valid prefix first. */
	for (unsigned i = 0; i < sizeof(filler); i++)
		filler[i] = (i % 64 == 63) ? '\n' : '.';
	EXPECT(SBI(SBI_EXT_DBCN, SBI_DBCN_WRITE, 1UL << 40, (unsigned long)filler, 0).error,
	       SBI_ERR_INVALID_PARAM);

	char buf[8];
	r = SBI(SBI_EXT_DBCN, SBI_DBCN_READ, sizeof(buf), (unsigned long)buf, 0);
	EXPECT_ERR(r, SBI_SUCCESS);
	CHECK(r.value >= 0 && (unsigned long)r.value <= sizeof(buf));
	EXPECT_RET(SBI(SBI_EXT_DBCN, SBI_DBCN_READ, 0, (unsigned long)buf, 0), SBI_SUCCESS, 0);
	EXPECT_ERR(SBI(SBI_EXT_DBCN, SBI_DBCN_READ, 8, NO_RAM_LOW, 0), SBI_ERR_INVALID_PARAM);
	EXPECT_ERR(SBI(SBI_EXT_DBCN, SBI_DBCN_READ, sizeof(buf), (unsigned long)buf, 1),
		   SBI_ERR_INVALID_PARAM);
	EXPECT_ERR(SBI(SBI_EXT_DBCN, SBI_DBCN_READ, 0x40, ~0UL - 0xf, 0),
		   SBI_ERR_INVALID_PARAM);

	/* write_byte: SUCCESS and uvalue 0. */
	EXPECT_RET(SBI(SBI_EXT_DBCN, SBI_DBCN_WRITE_BYTE, 'o'), SBI_SUCCESS, 0);
	EXPECT_RET(SBI(SBI_EXT_DBCN, SBI_DBCN_WRITE_BYTE, 0x100 | 'k'), SBI_SUCCESS, 0);
	EXPECT_RET(SBI(SBI_EXT_DBCN, SBI_DBCN_WRITE_BYTE, '\n'), SBI_SUCCESS, 0);
	EXPECT_ERR(SBI0(SBI_EXT_DBCN, 3), SBI_ERR_NOT_SUPPORTED);
	EXPECT_ERR(SBI0(SBI_EXT_DBCN, ~0UL), SBI_ERR_NOT_SUPPORTED);
}

/* ---- Legacy (v0.1) ----------------------------------------------------- */

static unsigned long legacy_mask;

/* The legacy send_ipi with a hart-mask pointer outside guest RAM, from
 * rt_catch: the spec redirects the SBI implementation's fault back to the
 * supervisor (sepc = the ecall). */
void legacy_bad_ipi(void);
__asm__(".text\n"
	".balign 4\n"
	".globl legacy_bad_ipi\n"
	"legacy_bad_ipi:\n"
	"    li a0, 0x1000\n"
	"    li a6, 0\n"
	"    li a7, 4\n"
	".globl legacy_bad_ipi_ecall\n"
	"legacy_bad_ipi_ecall:\n"
	"    ecall\n"
	"    la t0, legacy_bad_ipi_ret\n"
	"    sd a0, 0(t0)\n"
	"    ret\n");
extern char legacy_bad_ipi_ecall[];
uint64_t legacy_bad_ipi_ret;

static void test_legacy(void)
{
	csr_write(CSR_SIE, 0);
	EXPECT(LEGACY(SBI_EXT_LEGACY_PUTCHAR, 'L'), 0);
	EXPECT(LEGACY(SBI_EXT_LEGACY_PUTCHAR, '\n'), 0);
	/* No console input: -1 for "failure". */
	EXPECT(LEGACY(SBI_EXT_LEGACY_GETCHAR, 0), -1L);

	/* clear_ipi clears sip.SSIP; returns 0 if none was pending, a
	 * positive value if one was. */
	csr_clear(CSR_SIP, MIP_SSIP);
	EXPECT(LEGACY(SBI_EXT_LEGACY_CLEAR_IPI, 0), 0);
	csr_set(CSR_SIP, MIP_SSIP);
	long r = LEGACY(SBI_EXT_LEGACY_CLEAR_IPI, 0);
	EXPECT(csr_read(CSR_SIP) & MIP_SSIP, 0);
	EXPECT(r > 0, 1);

	legacy_mask = 1;
	csr_clear(CSR_SIP, MIP_SSIP);
	EXPECT(LEGACY(SBI_EXT_LEGACY_SEND_IPI, (unsigned long)&legacy_mask), 0);
	CHECK(csr_read(CSR_SIP) & MIP_SSIP);
	csr_clear(CSR_SIP, MIP_SSIP);
	legacy_mask = 0;
	EXPECT(LEGACY(SBI_EXT_LEGACY_SEND_IPI, (unsigned long)&legacy_mask), 0);
	EXPECT(csr_read(CSR_SIP) & MIP_SSIP, 0);

	struct rt_trap t = { 0, 0, 0 };
	legacy_bad_ipi_ret = 0x5a5a;
	bool trapped = rt_catch(legacy_bad_ipi, &t);
	EXPECT(trapped, 1);
	if (trapped) {
		EXPECT(t.scause, CAUSE_LOAD_ACCESS);
		EXPECT(t.sepc, (uint64_t)(uintptr_t)legacy_bad_ipi_ecall);
	} else {
		rt_printf("sbi_conf: legacy send_ipi(0x1000) returned %ld\n",
			  (long)legacy_bad_ipi_ret);
	}
	csr_clear(CSR_SIP, MIP_SSIP);

	legacy_mask = 1;
	EXPECT(LEGACY(SBI_EXT_LEGACY_REMOTE_FENCE_I, (unsigned long)&legacy_mask), 0);
	EXPECT(LEGACY(SBI_EXT_LEGACY_REMOTE_SFENCE_VMA, (unsigned long)&legacy_mask, 0, 0), 0);
	EXPECT(LEGACY(SBI_EXT_LEGACY_REMOTE_SFENCE_VMA, (unsigned long)&legacy_mask,
		      GUEST_ENTRY, PAGE_SIZE), 0);
	EXPECT(LEGACY(SBI_EXT_LEGACY_REMOTE_SFENCE_VMA_ASID, (unsigned long)&legacy_mask, 0,
		      ~0UL, 1), 0);
	/* 0x09-0x0F are reserved: an unsupported EID. */
	EXPECT(LEGACY(0x09, 0), SBI_ERR_NOT_SUPPORTED);
	EXPECT(LEGACY(0x0f, 0), SBI_ERR_NOT_SUPPORTED);
}

/* ---- Unknown extensions ------------------------------------------------ */

static void test_unknown(void)
{
	for (unsigned i = 0; i < sizeof(not_implemented) / sizeof(not_implemented[0]); i++) {
		if (not_implemented[i] <= 0x0f)
			continue; /* legacy range: checked above */
		struct ret r = SBI0(not_implemented[i], 0);
		if (!rt_check_eq((uint64_t)r.error, (uint64_t)SBI_ERR_NOT_SUPPORTED,
				 "unknown extension", "SBI_ERR_NOT_SUPPORTED", __FILE__,
				 __LINE__))
			rt_printf("sbi_conf:   extension 0x%lx\n", not_implemented[i]);
	}
	EXPECT_ERR(SBI(SBI_EXT_PMU, 0, 1, 2, 3), SBI_ERR_NOT_SUPPORTED);
}

int main(void)
{
	struct sbiret id = sbi_call(SBI_EXT_BASE, SBI_BASE_GET_IMPL_ID, 0, 0, 0);
	if (id.error != SBI_SUCCESS || (unsigned long)id.value != SBI_IMPL_ID_HV) {
		rt_printf("sbi_conf: not under the hypervisor (implementation id 0x%lx): "
			  "this guest checks the hypervisor's SBI only\n", id.value);
		return 1;
	}
	test_base();
	test_time();
	test_ipi();
	test_rfence();
	test_hsm();
	test_srst();
	test_dbcn();
	test_legacy();
	test_unknown();
	return 0;
}
