/*
 * Differential CSR test. A fixed sequence of a few thousand CSR
 * instructions (all six forms, rd = x0 and rs1 = x0 / uimm = 0 forms,
 * edge values) on the supervisor CSRs, the counters and CSRs a guest must
 * not reach. Each instruction is assembled at run time into a one-slot
 * code buffer and run under rt_catch, so any form and CSR number can be
 * tried and a trap is seen with its scause/stval/sepc. For every op the
 * instruction word, whether it trapped and then either the trap or the
 * value read are folded (FNV-1a 64) into the digest of its group, printed
 *     csr_diff: group <name> ops <n> digest <16 hex digits>
 * The digests must be the same natively (QEMU's CPU with the virtual CPU
 * profile: no H, no Sstc) and under the hypervisor; `make guest-diff`
 * compares them. Values the spec leaves open but QEMU 7.2 and the
 * hypervisor legally fill differently (the DIVERGENCE comments) are
 * masked, exactly those bits, before folding, and reported on the console.
 */
#include "lib/sbi.h"
#include "rt/rt.h"

#include <stddef.h>

/* Set to 1 to print every op (to find the op behind a digest mismatch:
 * diff the two logs). */
#ifndef CSR_DIFF_VERBOSE
#define CSR_DIFF_VERBOSE 0
#endif

#define REG_X0 0U
#define REG_A0 10U
#define REG_A1 11U
/* What a0 holds before each op: an rd = x0 form must leave it alone. */
#define SENTINEL 0x5e17e1e5a0a0a0a0UL

#define CSR_FFLAGS   0x001
#define CSR_FRM      0x002
#define CSR_FCSR     0x003

/* The code slot (one instruction, then ret) and its in/out words. */
extern uint32_t csr_slot[];
void csr_exec_s(void);
void csr_exec_u(void);
struct csr_io {
	uint64_t a0_in; /* a0 before the op (SENTINEL) */
	uint64_t a1_in; /* rs1 value (rs1 = a1) */
	uint64_t a0_out;
};
struct csr_io csr_io;

__asm__(".section .data.csr_slot, \"awx\"\n"
	".balign 8\n"
	".globl csr_slot\n"
	"csr_slot:\n"
	"    .word 0x00000013\n" /* replaced by the op */
	"    .word 0x00008067\n" /* jalr x0, 0(ra) */
	".text\n"
	/* S-mode: a0/a1 from csr_io, run the slot, a0 back to csr_io. */
	".balign 4\n"
	".globl csr_exec_s\n"
	"csr_exec_s:\n"
	"    addi sp, sp, -16\n"
	"    sd ra, 8(sp)\n"
	"    la t0, csr_io\n"
	"    ld a0, 0(t0)\n"
	"    ld a1, 8(t0)\n"
	"    call csr_slot\n"
	"    la t0, csr_io\n"
	"    sd a0, 16(t0)\n"
	"    ld ra, 8(sp)\n"
	"    addi sp, sp, 16\n"
	"    ret\n"
	/* U-mode (entered by rt_user): the same, then ecall back. */
	".balign 4\n"
	".globl csr_exec_u\n"
	"csr_exec_u:\n"
	"    la t0, csr_io\n"
	"    ld a0, 0(t0)\n"
	"    ld a1, 8(t0)\n"
	"    call csr_slot\n"
	"    la t0, csr_io\n"
	"    sd a0, 16(t0)\n"
	"    ecall\n"
	"1:  j 1b\n");

static uint32_t csr_insn(unsigned funct3, unsigned rd, unsigned csr, unsigned rs1)
{
	return (uint32_t)csr << 20 | rs1 << 15 | funct3 << 12 | rd << 7 | OPCODE_SYSTEM;
}

/* ---- Digests ---------------------------------------------------------- */

#define FNV_OFFSET 0xcbf29ce484222325UL
#define FNV_PRIME  0x100000001b3UL

struct group {
	const char *name;
	uint64_t hash;
	unsigned ops;
	/* Applied to every value a non-trapping op reads (rd != x0). */
	uint64_t (*mask)(uint64_t raw);
	/* Counters: fold legality only, not the values. */
	bool legality_only;
	/* Run the ops in U-mode. */
	bool user;
};

static void fold(struct group *g, uint64_t v)
{
	for (unsigned i = 0; i < 8; i++) {
		g->hash ^= (v >> (8 * i)) & 0xff;
		g->hash *= FNV_PRIME;
	}
}

static void group_begin(struct group *g, const char *name)
{
	*g = (struct group){ .name = name, .hash = FNV_OFFSET };
}

static void group_end(struct group *g)
{
	rt_printf("csr_diff: group %s ops %u digest %016lx\n", g->name, g->ops, g->hash);
	/* The group ran (its result is the digest, compared outside). */
	CHECK(g->ops > 0);
}

/* ---- Masked divergences ----------------------------------------------- */

struct divergence {
	const char *what;
	unsigned count;       /* values the mask changed */
	uint64_t raw, masked; /* the first of them */
};

static struct divergence div_sepc = {
	"sepc[0] (QEMU 7.2 keeps it; IALIGN=16 makes it read 0, as in the hypervisor)",
	0, 0, 0
};
static struct divergence div_uxl = {
	"sstatus.UXL (QEMU 7.2 lets S-mode write 1 and 3; the hypervisor keeps UXL=2, "
	"its guest's U-mode is the real 64-bit one)",
	0, 0, 0
};
static struct divergence div_vs = {
	"sstatus.VS (QEMU 7.2 lets S-mode write it; the hypervisor keeps VS=0, no V "
	"extension offered), and SD where VS=3 alone set it",
	0, 0, 0
};

static uint64_t note(struct divergence *d, uint64_t raw, uint64_t masked)
{
	if (raw != masked) {
		if (d->count == 0) {
			d->raw = raw;
			d->masked = masked;
		}
		d->count++;
	}
	return masked;
}

/* One line per divergence, with the first value it changed. */
static void report(const struct divergence *d)
{
	if (d->count)
		rt_printf("csr_diff: masked %s: %u values, first raw 0x%016lx "
			  "masked 0x%016lx\n",
			  d->what, d->count, d->raw, d->masked);
	else
		rt_printf("csr_diff: masked %s: 0 values\n", d->what);
}

/* DIVERGENCE 1: QEMU 7.2 keeps sepc bit 0 as written; the spec (IALIGN =
 * 16 with C) says sepc[0] is always 0, and the hypervisor clears it. Bit 0
 * only. */
static uint64_t mask_sepc(uint64_t raw)
{
	return note(&div_sepc, raw, raw & ~UL(1));
}

#define SSTATUS_VS_SHIFT 9
#define SSTATUS_VS (UL(3) << SSTATUS_VS_SHIFT)

/* DIVERGENCE 2: QEMU 7.2 lets S-mode write sstatus.UXL (1 and 3; 0 is
 * refused) and VS (bits 10:9, though the profile has no V); the
 * hypervisor keeps UXL = 2 read-only (its guest's U-mode is the real,
 * 64-bit one) and VS = 0 (no V offered). Those two fields are set to the
 * hypervisor's values, and SD cleared only when VS = 3 (Dirty) is what set
 * it natively (FS and XS not Dirty). Nothing else. */
static uint64_t mask_sstatus(uint64_t raw)
{
	uint64_t uxl = (raw & ~SSTATUS_UXL) | XLEN_64 << SSTATUS_UXL_SHIFT;
	uint64_t vs = uxl & ~SSTATUS_VS;
	if ((raw & SSTATUS_VS) == SSTATUS_VS && (raw & SSTATUS_FS) != SSTATUS_FS &&
	    (raw & SSTATUS_XS) != SSTATUS_XS)
		vs &= ~SSTATUS_SD;
	note(&div_uxl, raw, uxl);
	return note(&div_vs, uxl, vs);
}

/* ---- Running one op ----------------------------------------------------- */

static bool satp_guard;

static bool satp_mode_unsafe(uint64_t v)
{
	uint64_t mode = (v & SATP_MODE) >> SATP_MODE_SHIFT;
	return mode == SATP_MODE_SV39 || mode == SATP_MODE_SV48 || mode == SATP_MODE_SV57;
}

/* DIVERGENCE 3 (avoided, not masked): QEMU 7.2 accepts satp Sv48/Sv57, the
 * hypervisor only Bare and Sv39. Natively any of those would turn
 * translation on under our feet (PPN 0), so no op here may write them:
 * this computes the value the op would write and refuses the op. */
static bool satp_op_unsafe(uint32_t insn, uint64_t rs1_value)
{
	unsigned f3 = INSN_FUNCT3(insn), rs1 = INSN_RS1(insn);
	uint64_t operand = f3 >= FUNCT3_CSRRWI ? rs1 : rs1_value;
	uint64_t old = csr_read(CSR_SATP), next;
	switch (f3) {
	case FUNCT3_CSRRW:
	case FUNCT3_CSRRWI:
		next = operand;
		break;
	case FUNCT3_CSRRS:
	case FUNCT3_CSRRSI:
		next = old | operand;
		break;
	default:
		next = old & ~operand;
		break;
	}
	return satp_mode_unsafe(next);
}

static void op(struct group *g, unsigned funct3, unsigned rd, unsigned csr,
	       unsigned rs1, uint64_t rs1_value)
{
	uint32_t insn = csr_insn(funct3, rd, csr, rs1);
	struct rt_trap t = { 0, 0, 0 };
	bool trapped;

	if (satp_guard && satp_op_unsafe(insn, rs1_value)) {
		rt_printf("csr_diff: FAIL satp op 0x%08x with 0x%lx would turn "
			  "translation on: skipped\n", insn, rs1_value);
		CHECK(false);
		return;
	}
	csr_slot[0] = insn;
	__asm__ volatile("fence.i" ::: "memory");
	csr_io.a0_in = SENTINEL;
	csr_io.a1_in = rs1_value;
	csr_io.a0_out = 0;
	if (g->user) {
		trapped = rt_user(csr_exec_u, &t);
		/* The ecall at the end is the normal way back. */
		if (trapped && t.scause == CAUSE_USER_ECALL)
			trapped = false;
	} else {
		trapped = rt_catch(csr_exec_s, &t);
	}

	g->ops++;
	fold(g, insn);
	fold(g, trapped);
	if (trapped) {
		fold(g, t.scause);
		fold(g, t.stval);
		fold(g, t.sepc - (uint64_t)(uintptr_t)csr_slot);
	} else if (rd == REG_X0) {
		fold(g, csr_io.a0_out == SENTINEL);
	} else if (!g->legality_only) {
		fold(g, g->mask ? g->mask(csr_io.a0_out) : csr_io.a0_out);
	}
	if (CSR_DIFF_VERBOSE)
		rt_printf("csr_diff: op %s %08x a1=%016lx -> %s %016lx %lx\n", g->name,
			  insn, rs1_value, trapped ? "trap" : "ok",
			  trapped ? t.scause : csr_io.a0_out, trapped ? t.stval : 0);
}

/* The forms, rd = a0 and rs1 = a1 unless named x0. */
#define RW(g, c, v)   op(g, FUNCT3_CSRRW, REG_A0, c, REG_A1, v)
#define RS(g, c, v)   op(g, FUNCT3_CSRRS, REG_A0, c, REG_A1, v)
#define RC(g, c, v)   op(g, FUNCT3_CSRRC, REG_A0, c, REG_A1, v)
#define RWI(g, c, i)  op(g, FUNCT3_CSRRWI, REG_A0, c, i, 0)
#define RSI(g, c, i)  op(g, FUNCT3_CSRRSI, REG_A0, c, i, 0)
#define RCI(g, c, i)  op(g, FUNCT3_CSRRCI, REG_A0, c, i, 0)
#define READ(g, c)    op(g, FUNCT3_CSRRS, REG_A0, c, REG_X0, 0)

/* ---- The sequences ---------------------------------------------------- */

static const uint64_t patterns[] = {
	0,
	~UL(0),
	UL(1),
	UL(2),
	UL(3),
	UL(0x8000000000000000),
	UL(0x5555555555555555),
	UL(0xaaaaaaaaaaaaaaaa),
	UL(0x00000000ffffffff),
	UL(0xffffffff00000000),
	UL(0x0123456789abcdef),
	UL(0xfedcba9876543210),
	UL(0x7fffffffffffffff),
	UL(0x80200001), /* odd address */
	UL(0x80200002), /* 2-aligned address */
	UL(0x80200103), /* stvec mode 3 */
	UL(0x80200102), /* stvec mode 2 */
	UL(0x80200101), /* stvec vectored */
	UL(0x00000000000f0f0f),
	UL(0x0000000300000000), /* UXL = 3 */
	UL(0x0000000100000000), /* UXL = 1 */
	UL(0x0000000000006000), /* FS = Dirty */
	UL(0x0000000000000600), /* VS = Dirty */
	UL(0x0000000000000222), /* sip/sie S bits */
	UL(0x0000000000000aaa),
};
#define NPATTERNS (sizeof(patterns) / sizeof(patterns[0]))

static const unsigned uimms[] = { 0, 1, 2, 3, 5, 0xa, 0x15, 0x1e, 0x1f };
#define NUIMMS (sizeof(uimms) / sizeof(uimms[0]))

/* satp values keep MODE Bare or a reserved one (1..7, 11..15): the
 * pattern's MODE field is replaced by one of those, chosen by index. */
static const uint64_t satp_modes[] = { 0, 1, 2, 3, 4, 5, 6, 7, 11, 12, 13, 14, 15 };
#define NSATP_MODES (sizeof(satp_modes) / sizeof(satp_modes[0]))

static uint64_t value_for(unsigned csr, unsigned i, uint64_t v)
{
	if (csr != CSR_SATP)
		return v;
	return (v & ~SATP_MODE) | satp_modes[i % NSATP_MODES] << SATP_MODE_SHIFT;
}

/* Every form on one CSR: single bits by csrrw, then per pattern the
 * register forms, the rd = x0 forms, the immediate forms and reads. */
static void sweep(struct group *g, unsigned csr)
{
	for (unsigned b = 0; b < 64; b++)
		RW(g, csr, value_for(csr, b, UL(1) << b));
	READ(g, csr);
	for (unsigned i = 0; i < NPATTERNS; i++) {
		uint64_t v = value_for(csr, i, patterns[i]);
		uint64_t w = value_for(csr, i + 3, patterns[(i + 5) % NPATTERNS]);
		uint64_t u = value_for(csr, i + 7, patterns[(i + 11) % NPATTERNS]);
		unsigned imm = uimms[i % NUIMMS];

		RW(g, csr, v);
		READ(g, csr);
		RS(g, csr, w);
		READ(g, csr);
		RC(g, csr, u);
		READ(g, csr);
		/* rs1 = a1 holding 0: a write of nothing (still a write). */
		RS(g, csr, 0);
		RC(g, csr, 0);
		/* rd = x0. */
		op(g, FUNCT3_CSRRW, REG_X0, csr, REG_A1, v);
		READ(g, csr);
		op(g, FUNCT3_CSRRS, REG_X0, csr, REG_A1, w);
		op(g, FUNCT3_CSRRC, REG_X0, csr, REG_A1, u);
		op(g, FUNCT3_CSRRS, REG_X0, csr, REG_X0, 0);
		READ(g, csr);
		/* Immediates, including uimm = 0 (no write). */
		RWI(g, csr, imm);
		RSI(g, csr, uimms[(i + 4) % NUIMMS]);
		RCI(g, csr, uimms[(i + 2) % NUIMMS]);
		RSI(g, csr, 0);
		RCI(g, csr, 0);
		op(g, FUNCT3_CSRRWI, REG_X0, csr, uimms[(i + 1) % NUIMMS], 0);
		op(g, FUNCT3_CSRRSI, REG_X0, csr, 0x1f, 0);
		op(g, FUNCT3_CSRRCI, REG_X0, csr, 0x0a, 0);
		READ(g, csr);
	}
}

/* One supervisor CSR: set it to a known value first (the boot values are
 * the firmware's and the hypervisor's to choose), sweep, restore. */
static void csr_group(const char *name, unsigned csr, uint64_t start,
		      uint64_t (*mask)(uint64_t))
{
	struct group g;
	uint64_t saved = 0;

	switch (csr) { /* csr_read/csr_write want a constant */
#define SAVE(c) case c: saved = csr_read(c); csr_write(c, start); break
	SAVE(CSR_SSTATUS); SAVE(CSR_SIE); SAVE(CSR_STVEC); SAVE(CSR_SCOUNTEREN);
	SAVE(CSR_SENVCFG); SAVE(CSR_SSCRATCH); SAVE(CSR_SEPC); SAVE(CSR_SCAUSE);
	SAVE(CSR_STVAL); SAVE(CSR_SIP); SAVE(CSR_SATP);
#undef SAVE
	}
	group_begin(&g, name);
	g.mask = mask;
	satp_guard = csr == CSR_SATP;
	sweep(&g, csr);
	satp_guard = false;
	switch (csr) {
#define RESTORE(c) case c: csr_write(c, saved); break
	RESTORE(CSR_SSTATUS); RESTORE(CSR_SIE); RESTORE(CSR_STVEC);
	RESTORE(CSR_SCOUNTEREN); RESTORE(CSR_SENVCFG); RESTORE(CSR_SSCRATCH);
	RESTORE(CSR_SEPC); RESTORE(CSR_SCAUSE); RESTORE(CSR_STVAL);
	RESTORE(CSR_SIP); RESTORE(CSR_SATP);
#undef RESTORE
	}
	group_end(&g);
}

/* Legality of the counters (values are not compared): every form on
 * cycle/time/instret, the hpmcounters and the RV32-only high halves. */
static const unsigned counters[] = {
	CSR_CYCLE, CSR_TIME, CSR_INSTRET, 0xc03, 0xc04, 0xc10, 0xc1f,
	0xc80, 0xc81, 0xc82, 0xc83,
};
#define NCOUNTERS (sizeof(counters) / sizeof(counters[0]))

static void counter_forms(struct group *g, unsigned c)
{
	READ(g, c);
	op(g, FUNCT3_CSRRS, REG_X0, c, REG_X0, 0);
	RS(g, c, 0); /* rs1 != x0 holding 0: QEMU 7.2 does not trap */
	RS(g, c, 1);
	RC(g, c, 0);
	RC(g, c, 5);
	RW(g, c, 0);
	op(g, FUNCT3_CSRRW, REG_X0, c, REG_A1, 0);
	RWI(g, c, 0);
	op(g, FUNCT3_CSRRWI, REG_X0, c, 0, 0);
	RSI(g, c, 0);
	RSI(g, c, 1);
	RCI(g, c, 0);
	RCI(g, c, 3);
	op(g, FUNCT3_CSRRSI, REG_X0, c, 0, 0);
}

static void counters_group(void)
{
	struct group g;
	group_begin(&g, "counters");
	g.legality_only = true;
	for (unsigned i = 0; i < NCOUNTERS; i++)
		counter_forms(&g, counters[i]);
	group_end(&g);
}

/* CSRs a guest in S-mode must not reach: user-level N-extension CSRs,
 * Zkr seed, extensions our profile lacks (Smstateen, Sstc, H, V,
 * Sscofpmf, Sdtrig's scontext), M-level, debug, custom, and RV32-only
 * ones. Each must trap with the instruction in stval. */
static const unsigned illegal_csrs[] = {
	0x000, 0x004, 0x005, 0x040, 0x041, 0x042, 0x043, 0x044, /* N */
	0x008, 0x009, 0x00a, 0x00f, 0xc20, 0xc21, 0xc22,         /* V */
	0x015,                                                   /* seed */
	0x10c, 0x30c,                                            /* stateen */
	0x14d, 0x15d,                                            /* stimecmp(h) */
	0x101, 0x107, 0x10b, 0x145, 0x181, 0x1ff,                /* unassigned S */
	0x200, 0x204, 0x205, 0x240, 0x241, 0x242, 0x243, 0x244, 0x280,
	0x600, 0x602, 0x603, 0x604, 0x606, 0x607, 0x643, 0x644, 0x645,
	0x64a, 0x680, 0xe12,                                     /* H */
	0x5a8, 0xda0,                                            /* scontext, scountovf */
	0x300, 0x301, 0x302, 0x303, 0x304, 0x305, 0x306, 0x30a, 0x310,
	0x320, 0x340, 0x341, 0x342, 0x343, 0x344, 0x3a0, 0x3b0, 0x7a0,
	0x7a1, 0xb00, 0xb02, 0xf11, 0xf12, 0xf13, 0xf14, 0xf15,  /* M */
	0x7b0, 0x7b1, 0x7b2,                                     /* debug */
	0x5c0, 0x5ff, 0x9c0, 0xdc0, 0x8c0, 0xcc0, 0x7c0, 0xbc0, 0xfc0, /* custom */
};
#define NILLEGAL (sizeof(illegal_csrs) / sizeof(illegal_csrs[0]))

static void illegal_group(void)
{
	struct group g;
	group_begin(&g, "illegal");
	for (unsigned i = 0; i < NILLEGAL; i++) {
		unsigned c = illegal_csrs[i];
		READ(&g, c);
		op(&g, FUNCT3_CSRRW, REG_X0, c, REG_A1, 0);
		RS(&g, c, ~UL(0));
		RCI(&g, c, 0x1f);
		RSI(&g, c, 0);
	}
	group_end(&g);
}

/* Floating-point CSRs follow sstatus.FS: illegal with FS = Off, usable
 * otherwise; a write makes FS Dirty (and SD read 1). */
static void fp_forms(struct group *g)
{
	READ(g, CSR_FCSR);
	READ(g, CSR_FFLAGS);
	READ(g, CSR_FRM);
	RW(g, CSR_FCSR, ~UL(0));
	READ(g, CSR_FCSR);
	RWI(g, CSR_FRM, 0x1f);
	RCI(g, CSR_FFLAGS, 0x15);
	RS(g, CSR_FCSR, 0x20);
	READ(g, CSR_FCSR);
	op(g, FUNCT3_CSRRW, REG_X0, CSR_FCSR, REG_A1, 0);
	READ(g, CSR_FCSR);
}

static void fp_group(void)
{
	struct group g;
	uint64_t saved = csr_read(CSR_SSTATUS);
	group_begin(&g, "fp");
	for (uint64_t fs = FS_OFF; fs <= FS_DIRTY; fs++) {
		csr_clear(CSR_SSTATUS, SSTATUS_FS);
		csr_set(CSR_SSTATUS, fs << SSTATUS_FS_SHIFT);
		fp_forms(&g);
		/* Only FS and SD: the rest of sstatus is the sstatus group's. */
		g.ops++;
		fold(&g, csr_read(CSR_SSTATUS) & (SSTATUS_FS | SSTATUS_SD));
	}
	csr_write(CSR_SSTATUS, saved);
	group_end(&g);
}

/* From U-mode: the counters as scounteren (with mcounteren, all set by
 * the firmware) allows, and supervisor CSRs refused. */
static void umode_group(void)
{
	static const uint64_t enables[] = { 0, COUNTEREN_CY, COUNTEREN_TM, COUNTEREN_IR,
					    7, ~UL(0) };
	static const unsigned ucsrs[] = { CSR_CYCLE, CSR_TIME, CSR_INSTRET, 0xc03,
					  CSR_SSTATUS, CSR_SSCRATCH, CSR_SATP };
	struct group g;
	uint64_t saved = csr_read(CSR_SCOUNTEREN);
	group_begin(&g, "umode");
	g.user = true;
	g.legality_only = true;
	for (unsigned e = 0; e < sizeof(enables) / sizeof(enables[0]); e++) {
		csr_write(CSR_SCOUNTEREN, enables[e]);
		for (unsigned i = 0; i < sizeof(ucsrs) / sizeof(ucsrs[0]); i++) {
			READ(&g, ucsrs[i]);
			RW(&g, ucsrs[i], 0);
		}
	}
	csr_write(CSR_SCOUNTEREN, saved);
	group_end(&g);
}

static bool under_hypervisor(void)
{
	struct sbiret r = sbi_call(SBI_EXT_BASE, SBI_BASE_GET_IMPL_ID, 0, 0, 0);
	return r.error == SBI_SUCCESS && (unsigned long)r.value == SBI_IMPL_ID_HV;
}

/* DIVERGENCE 3, the other half: under the hypervisor (only), Sv48 and
 * Sv57 writes must be ignored. Not part of a digest. */
static void satp_hv_only(void)
{
	uint64_t saved = csr_read(CSR_SATP);
	csr_write(CSR_SATP, SATP_MODE_SV48 << SATP_MODE_SHIFT);
	CHECK_EQ(csr_read(CSR_SATP), saved);
	csr_write(CSR_SATP, SATP_MODE_SV57 << SATP_MODE_SHIFT);
	CHECK_EQ(csr_read(CSR_SATP), saved);
	rt_printf("csr_diff: satp Sv48/Sv57 writes ignored under the hypervisor "
		  "(not tried natively: QEMU 7.2 would accept them)\n");
}

int main(void)
{
	/* No interrupt may be taken while stvec and sstatus are being
	 * played with, and STIP starts clear. */
	csr_clear(CSR_SSTATUS, SSTATUS_SIE);
	csr_write(CSR_SIE, 0);
	sbi_set_timer(~UL(0));
	csr_clear(CSR_SIP, MIP_SSIP);

	csr_group("sscratch", CSR_SSCRATCH, 0, NULL);
	csr_group("stvec", CSR_STVEC, 0, NULL);
	csr_group("sepc", CSR_SEPC, 0, mask_sepc);
	csr_group("scause", CSR_SCAUSE, 0, NULL);
	csr_group("stval", CSR_STVAL, 0, NULL);
	csr_group("sstatus", CSR_SSTATUS, XLEN_64 << SSTATUS_UXL_SHIFT, mask_sstatus);
	csr_group("sie", CSR_SIE, 0, NULL);
	csr_group("sip", CSR_SIP, 0, NULL);
	csr_group("satp", CSR_SATP, 0, NULL);
	csr_group("scounteren", CSR_SCOUNTEREN, 0, NULL);
	csr_group("senvcfg", CSR_SENVCFG, 0, NULL);
	counters_group();
	illegal_group();
	fp_group();
	umode_group();

	report(&div_sepc);
	report(&div_uxl);
	report(&div_vs);
	rt_printf("csr_diff: divergence satp Sv48/Sv57 (QEMU 7.2 accepts them, the "
		  "hypervisor only Bare/Sv39): never written natively\n");
	if (under_hypervisor())
		satp_hv_only();
	return 0;
}
