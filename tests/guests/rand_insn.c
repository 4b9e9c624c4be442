/*
 * Random instructions, one at a time, in vS and in vU, compared between
 * the machine and the hypervisor.
 *
 * Each instruction is drawn from random encodings (biased toward SYSTEM,
 * AMOs, FP and fences), written into a code slot of a sandbox and run
 * alone: every integer and FP register, fcsr, sstatus (SPP, SPIE, SUM,
 * MXR, FS), sie and sip are loaded with values drawn for it, sret enters
 * the slot, and the trap that ends it (the instruction's own, or the
 * c.ebreak that fills the rest of the code page) lands in a vector that
 * saves them all again. The sandbox is a Sv39 address space of code and
 * data pages of every kind a guest can map (S and U; RW, R, X-only) with
 * unmapped pages between them; register values point into it, near it,
 * or anywhere. Its data pages, PTEs (A and D drawn) and CSRs like
 * scounteren are reset at each block of BLOCK_OPS instructions.
 *
 * The outcome of every instruction (word, trap cause, stval, sepc, every
 * register that changed, sstatus, sie, sip, fcsr) is folded into a 64-bit
 * digest, and these into the digest of its block, which at its end takes
 * the data the block wrote and the PTEs' A/D bits too:
 *     rand_insn: group <s|u><block> ops <n> digest <16 hex digits>
 * (vU accesses to the counters go to one group of their own, ucounter).
 * `make guest-random` compares the groups (tests/guests/random.sh) between
 * the machine (natively on the M-stub, QEMU's CPU with the virtual CPU
 * profile) and the hypervisor on both firmwares, on host harts with and
 * without the H extension.
 *
 * Drawn, but never run (they would leave the sandbox, not the guest):
 * ecall in vS (it is an SBI call to the firmware natively and to the
 * hypervisor under it; tests/guests/sbi*.c test those), and in vS a write
 * of stvec, sscratch or satp (the vector needs them). A wfi in vS gets a
 * pending, enabled interrupt so that it returns; a branch or jump to its
 * own slot (an endless loop) is drawn again.
 *
 * Differences the spec allows and the two fill differently are masked,
 * exactly those bits, before folding; each is listed, with its reason, in
 * tests/guests/rand_insn.known, which `make guest-random` checks against
 * the guest's "masked" lines (a mask that never fires, or one missing
 * from the file, fails).
 */
#include "rt/rt.h"
#include "vm.h"

/* 62 blocks of 16384: 1,015,808 instructions per privilege. */
#define BLOCKS    62
#define BLOCK_OPS 16384
#define SEED_VS   0x9e3779b97f4a7c15UL
#define SEED_VU   0xc2b2ae3d27d4eb4fUL

/* Set to a block number (s or u alike) to print each op of that block:
 * diffing two logs then names the instruction behind a digest mismatch. */
#ifndef RAND_INSN_TRACE
#define RAND_INSN_TRACE (-1)
#endif

#define C_EBREAK 0x9002U

/* ---- The sandbox --------------------------------------------------------- */

/* Virtual layout, one page each at SANDBOX_VA + index * 4 KiB; the pages
 * not named here (0, 2, 4, 11 and beyond) are unmapped. */
#define SANDBOX_VA UL(0x40000000)
enum page {
	PG_CODE_S = 1,  /* S, R X: where vS ops run */
	PG_CODE_U = 3,  /* U, R X: where vU ops run */
	PG_DATA_S = 5,  /* S, R W */
	PG_DATA_U = 6,  /* U, R W */
	PG_XONLY_U = 7, /* U, X only (c.ebreak): loads need MXR */
	PG_XONLY_S = 8, /* S, X only (c.ebreak) */
	PG_RONLY_U = 9, /* U, R */
	PG_RONLY_S = 10, /* S, R */
	PG_SPAN = 12,    /* pages addresses are drawn over */
};
#define SLOT_OFFSET 0x800U

static inline uint64_t page_va(enum page p)
{
	return SANDBOX_VA + (uint64_t)p * SZ_4K;
}

struct mapped {
	enum page page;
	uint64_t flags; /* V R W X U; A and D are drawn per block */
};
static const struct mapped mapped[] = {
	{ PG_CODE_S, PTE_V | PTE_R | PTE_X },
	{ PG_CODE_U, PTE_V | PTE_R | PTE_X | PTE_U },
	{ PG_DATA_S, PTE_V | PTE_R | PTE_W },
	{ PG_DATA_U, PTE_V | PTE_R | PTE_W | PTE_U },
	{ PG_XONLY_U, PTE_V | PTE_X | PTE_U },
	{ PG_XONLY_S, PTE_V | PTE_X },
	{ PG_RONLY_U, PTE_V | PTE_R | PTE_U },
	{ PG_RONLY_S, PTE_V | PTE_R },
};
#define MAPPED (sizeof mapped / sizeof mapped[0])

/* The pages themselves, reached by the guest's own code at their identity
 * addresses; pages[k] backs mapped[k]. */
static uint8_t pages[MAPPED][4096] PT_ALIGNED;
static uint64_t pt_root[PT_ENTRIES] PT_ALIGNED;
static uint64_t pt_image[PT_ENTRIES] PT_ALIGNED;
static uint64_t pt_sandbox_l1[PT_ENTRIES] PT_ALIGNED;
static uint64_t pt_sandbox_l0[PT_ENTRIES] PT_ALIGNED;

/* The guest's image, mapped S RWX at its identity addresses: 4 MiB from
 * 0x80200000 (two megapages), nothing of the firmware's below it. */
#define IMAGE_PA  UL(0x80200000)
#define IMAGE_MEGAPAGES 2
extern char rt_trap_stack_top[];

/* ---- Running one instruction --------------------------------------------- */

/* What the sandbox is entered with, and what the vector saved. x[0] is
 * unused; f holds raw 64-bit patterns. */
struct rand_regs {
	uint64_t x[32];
	uint64_t f[32];
	uint64_t fcsr;
	uint64_t sstatus;
	uint64_t sie;
	uint64_t sip;
	uint64_t sepc;
	uint64_t scause;
	uint64_t stval;
};
#define RR_F       256
#define RR_FCSR    512
#define RR_SSTATUS 520
#define RR_SIE     528
#define RR_SIP     536
#define RR_SEPC    544
#define RR_SCAUSE  552
#define RR_STVAL   560
_Static_assert(__builtin_offsetof(struct rand_regs, f) == RR_F, "layout");
_Static_assert(__builtin_offsetof(struct rand_regs, fcsr) == RR_FCSR, "layout");
_Static_assert(__builtin_offsetof(struct rand_regs, stval) == RR_STVAL, "layout");

static struct rand_regs reg_in, reg_out;

/* Between rand_block_begin(out) and rand_block_end() the guest's own trap
 * vector is the sandbox's (the guest's code between ops does not trap),
 * sscratch points to out, and FS is on. rand_enter enters the sandbox with
 * *in (sepc = where sret goes) and returns once the vector has saved the
 * state of the first trap into out. */
void rand_block_begin(struct rand_regs *out);
void rand_block_end(void);
void rand_enter(const struct rand_regs *in);

#define XREGS(op, base)                                                   \
	op " x1, 8(" base ")\n" op " x2, 16(" base ")\n"                  \
	op " x3, 24(" base ")\n" op " x4, 32(" base ")\n"                 \
	op " x5, 40(" base ")\n" op " x6, 48(" base ")\n"                 \
	op " x7, 56(" base ")\n" op " x8, 64(" base ")\n"                 \
	op " x9, 72(" base ")\n" op " x11, 88(" base ")\n"                \
	op " x12, 96(" base ")\n" op " x13, 104(" base ")\n"              \
	op " x14, 112(" base ")\n" op " x15, 120(" base ")\n"             \
	op " x16, 128(" base ")\n" op " x17, 136(" base ")\n"             \
	op " x18, 144(" base ")\n" op " x19, 152(" base ")\n"             \
	op " x20, 160(" base ")\n" op " x21, 168(" base ")\n"             \
	op " x22, 176(" base ")\n" op " x23, 184(" base ")\n"             \
	op " x24, 192(" base ")\n" op " x25, 200(" base ")\n"             \
	op " x26, 208(" base ")\n" op " x27, 216(" base ")\n"             \
	op " x28, 224(" base ")\n" op " x29, 232(" base ")\n"             \
	op " x30, 240(" base ")\n" op " x31, 248(" base ")\n"
#define FREGS(op, base)                                                   \
	op " f0, 256(" base ")\n" op " f1, 264(" base ")\n"               \
	op " f2, 272(" base ")\n" op " f3, 280(" base ")\n"               \
	op " f4, 288(" base ")\n" op " f5, 296(" base ")\n"               \
	op " f6, 304(" base ")\n" op " f7, 312(" base ")\n"               \
	op " f8, 320(" base ")\n" op " f9, 328(" base ")\n"               \
	op " f10, 336(" base ")\n" op " f11, 344(" base ")\n"             \
	op " f12, 352(" base ")\n" op " f13, 360(" base ")\n"             \
	op " f14, 368(" base ")\n" op " f15, 376(" base ")\n"             \
	op " f16, 384(" base ")\n" op " f17, 392(" base ")\n"             \
	op " f18, 400(" base ")\n" op " f19, 408(" base ")\n"             \
	op " f20, 416(" base ")\n" op " f21, 424(" base ")\n"             \
	op " f22, 432(" base ")\n" op " f23, 440(" base ")\n"             \
	op " f24, 448(" base ")\n" op " f25, 456(" base ")\n"             \
	op " f26, 464(" base ")\n" op " f27, 472(" base ")\n"             \
	op " f28, 480(" base ")\n" op " f29, 488(" base ")\n"             \
	op " f30, 496(" base ")\n" op " f31, 504(" base ")\n"

/* The caller's context (ra, sp, gp, tp, s0-s11) while the sandbox runs
 * (named by the assembly below, hence not static). */
uint64_t rand_host_ctx[16];

/* CSR accesses are kept in runs: under the hypervisor one trap emulates a
 * run of them (up to 8). */
__asm__(".text\n"
	".option push\n"
	".option arch, +d\n"
	".balign 4\n"
	".globl rand_block_begin\n"
	"rand_block_begin:\n"
	"    la t0, rand_vector\n"
	"    li t1, 0x6000\n"
	"    csrw sscratch, a0\n"
	"    csrw stvec, t0\n"
	"    csrs sstatus, t1\n"
	"    ret\n"
	"\n"
	".globl rand_block_end\n"
	"rand_block_end:\n"
	"    la t0, rt_trap_vector\n"
	"    csrw stvec, t0\n"
	"    csrw sie, zero\n"
	"    csrw sip, zero\n"
	"    ret\n"
	"\n"
	".globl rand_enter\n"
	"rand_enter:\n"
	"    la t0, rand_host_ctx\n"
	"    sd ra, 0(t0)\n    sd sp, 8(t0)\n    sd gp, 16(t0)\n    sd tp, 24(t0)\n"
	"    sd s0, 32(t0)\n   sd s1, 40(t0)\n   sd s2, 48(t0)\n   sd s3, 56(t0)\n"
	"    sd s4, 64(t0)\n   sd s5, 72(t0)\n   sd s6, 80(t0)\n   sd s7, 88(t0)\n"
	"    sd s8, 96(t0)\n   sd s9, 104(t0)\n  sd s10, 112(t0)\n sd s11, 120(t0)\n"
	/* FS is on (the vector leaves it so): the FP state first, the drawn
	 * sstatus last. */
	FREGS("fld", "a0")
	"    ld t0, 512(a0)\n    fscsr t0\n"
	"    ld t0, 528(a0)\n    ld t1, 536(a0)\n"
	"    ld t2, 544(a0)\n    ld t3, 520(a0)\n"
	"    csrw sie, t0\n"
	"    csrw sip, t1\n"
	"    csrw sepc, t2\n"
	"    csrw sstatus, t3\n"
	XREGS("ld", "a0")
	"    ld a0, 80(a0)\n"
	"    sret\n"
	"\n"
	".balign 4\n"
	"rand_vector:\n"
	"    csrrw a0, sscratch, a0\n"
	XREGS("sd", "a0")
	"    li s0, 0x6000\n"
	/* The guest's a0 out of sscratch, the out pointer back in. */
	"    csrrw t0, sscratch, a0\n"
	"    csrr t1, scause\n"
	"    csrr t2, stval\n"
	"    csrr t3, sepc\n"
	"    csrr t4, sstatus\n"
	"    csrr t5, sie\n"
	"    csrr t6, sip\n"
	"    csrs sstatus, s0\n"
	"    sd t0, 80(a0)\n     sd t1, 552(a0)\n"
	"    sd t2, 560(a0)\n    sd t3, 544(a0)\n"
	"    sd t4, 520(a0)\n    sd t5, 528(a0)\n"
	"    sd t6, 536(a0)\n"
	FREGS("fsd", "a0")
	"    frcsr t0\n           sd t0, 512(a0)\n"
	"    la t0, rand_host_ctx\n"
	"    ld ra, 0(t0)\n    ld sp, 8(t0)\n    ld gp, 16(t0)\n    ld tp, 24(t0)\n"
	"    ld s0, 32(t0)\n   ld s1, 40(t0)\n   ld s2, 48(t0)\n   ld s3, 56(t0)\n"
	"    ld s4, 64(t0)\n   ld s5, 72(t0)\n   ld s6, 80(t0)\n   ld s7, 88(t0)\n"
	"    ld s8, 96(t0)\n   ld s9, 104(t0)\n  ld s10, 112(t0)\n ld s11, 120(t0)\n"
	"    ret\n"
	".option pop\n");

/* ---- Drawing ------------------------------------------------------------- */

static uint64_t rng;

static uint64_t rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dUL;
}

static unsigned below(unsigned n)
{
	return (unsigned)((rnd() >> 32) % n);
}

static const uint64_t special_values[] = {
	0, 1, UL(0xffffffffffffffff), UL(0x8000000000000000),
	UL(0x7fffffffffffffff), UL(0xffffffff80000000), UL(0x7fffffff),
	UL(0x80000000) << 8, UL(0x0000004000000000), UL(0xffffffc000000000),
	UL(0x0000003ffffffff8), 0xfff, 0x800, 0x1000,
};
#define SPECIALS (sizeof special_values / sizeof special_values[0])

/* Integer register values: inside a sandbox data page (never a code page:
 * a jalr there could loop), small, special, or any 64 bits. */
static uint64_t draw_x(void)
{
	unsigned k = below(16);
	if (k < 5) {
		static const enum page targets[] = {
			PG_DATA_S, PG_DATA_U, PG_XONLY_U, PG_XONLY_S,
			PG_RONLY_U, PG_RONLY_S, 4, 11,
		};
		return page_va(targets[below(8)]) + below(4096);
	}
	if (k < 8)
		return (uint64_t)(int64_t)(int)(below(64) - 32);
	if (k < 10)
		return special_values[below(SPECIALS)];
	return rnd();
}

static uint64_t draw_f(void)
{
	static const uint64_t fspecial[] = {
		0, UL(0x8000000000000000), UL(0x7ff0000000000000),
		UL(0x7ff8000000000000), UL(0x7ff4000000000000), 1, UL(0x3ff0000000000000),
		UL(0xffffffff7fc00000), UL(0xffffffff7f800000), UL(0xffffffff3f800000),
		UL(0xffffffff00000001), UL(0x000000003f800000),
	};
	unsigned k = below(8);
	if (k < 2)
		return fspecial[below(sizeof fspecial / sizeof fspecial[0])];
	if (k < 5) /* a NaN-boxed single */
		return UL(0xffffffff00000000) | (rnd() >> 32);
	return rnd();
}

static const uint16_t csr_list[] = {
	/* S */
	0x100, 0x104, 0x105, 0x106, 0x10a, 0x10c, 0x140, 0x141, 0x142, 0x143, 0x144,
	0x14d, 0x15d, 0x180, 0x5a8, 0xda0, 0x150, 0x151, 0x157, 0x114, 0x154,
	/* U: FP, counters, seed, vector */
	0x001, 0x002, 0x003, 0x015, 0x008, 0x009, 0x00a, 0x00f, 0xc00, 0xc01,
	0xc02, 0xc03, 0xc04, 0xc1f, 0xc20, 0xc21, 0xc22, 0xc80, 0xc81,
	/* M */
	0x300, 0x301, 0x302, 0x303, 0x304, 0x305, 0x306, 0x30a, 0x310, 0x31a,
	0x320, 0x323, 0x340, 0x341, 0x342, 0x343, 0x344, 0x34a, 0x34b, 0x3a0,
	0x3b0, 0x3bf, 0x747, 0x757, 0xb00, 0xb02, 0xb03, 0xf11, 0xf12, 0xf13,
	0xf14, 0xf15,
	/* H and VS */
	0x600, 0x602, 0x603, 0x604, 0x605, 0x606, 0x607, 0x60a, 0x615, 0x643,
	0x644, 0x645, 0x64a, 0x680, 0x6a8, 0xe12, 0x200, 0x204, 0x205, 0x240,
	0x241, 0x242, 0x243, 0x244, 0x24d, 0x280,
	/* debug and trigger */
	0x7a0, 0x7a1, 0x7a2, 0x7a3, 0x7a4, 0x7a5, 0x7a8, 0x7b0, 0x7b1, 0x7b2,
	0x7b3,
};
#define CSRS (sizeof csr_list / sizeof csr_list[0])

static uint32_t reg5(void)
{
	/* x0 often: it changes what CSR, AMO and FP forms mean. */
	return below(4) == 0 ? 0 : below(32);
}

static uint32_t system_insn(uint32_t w)
{
	static const uint32_t priv[] = {
		0x00000073, /* ecall */
		0x00100073, /* ebreak */
		0x00200073, /* uret */
		0x10200073, /* sret */
		0x30200073, /* mret */
		0x70200073, /* mnret */
		0x7b200073, /* dret */
		0x10500073, /* wfi */
		0x18000073, /* sfence.w.inval */
		0x18100073, /* sfence.inval.ir */
		0x0000100f, /* fence.i (MISC-MEM, here for its company) */
	};
	unsigned k = below(8);
	if (k < 4) { /* CSR access */
		static const uint32_t f3[] = { 1, 2, 3, 5, 6, 7 };
		uint32_t csr = below(2) ? csr_list[below(CSRS)] : below(4096);
		return csr << 20 | reg5() << 15 | f3[below(6)] << 12 | reg5() << 7 | 0x73;
	}
	if (k == 4)
		return priv[below(sizeof priv / sizeof priv[0])];
	if (k == 5) { /* sfence.vma, sinval.vma, hfence.*, hinval.* */
		static const uint32_t f7[] = { 0x09, 0x0b, 0x11, 0x13, 0x31, 0x33 };
		return f7[below(6)] << 25 | reg5() << 20 | reg5() << 15 | 0x73;
	}
	if (k == 6) { /* hlv, hlvx, hsv */
		static const uint32_t f7[] = { 0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37 };
		static const uint32_t rs2[] = { 0, 1, 3 };
		return f7[below(8)] << 25 | rs2[below(3)] << 20 | reg5() << 15 |
		       4 << 12 | reg5() << 7 | 0x73;
	}
	return (w & ~0x7fU) | 0x73;
}

static uint32_t amo_insn(uint32_t w)
{
	static const uint32_t f5[] = { 0x00, 0x01, 0x02, 0x03, 0x04, 0x08, 0x0c,
				       0x10, 0x14, 0x18, 0x1c, 0x05, 0x1f };
	uint32_t f3 = below(4) ? 2 + below(2) : below(8);
	return f5[below(sizeof f5 / sizeof f5[0])] << 27 | (w >> 25 & 3) << 25 |
	       reg5() << 20 | reg5() << 15 | f3 << 12 | reg5() << 7 | 0x2f;
}

static uint32_t fp_insn(uint32_t w)
{
	static const uint32_t opcodes[] = { 0x07, 0x27, 0x43, 0x47, 0x4b, 0x4f,
					    0x53, 0x53, 0x53, 0x53 };
	static const uint32_t f7[] = {
		0x00, 0x01, 0x04, 0x05, 0x08, 0x09, 0x0c, 0x0d, 0x2c, 0x2d, 0x10,
		0x11, 0x14, 0x15, 0x50, 0x51, 0x60, 0x61, 0x68, 0x69, 0x70, 0x71,
		0x78, 0x79, 0x20, 0x21, 0x02, 0x06, 0x12, 0x16, 0x22, 0x2e, 0x5e,
	};
	static const uint32_t width[] = { 2, 3, 1, 4, 0 }; /* w, d, h, q, none */
	uint32_t op = opcodes[below(sizeof opcodes / sizeof opcodes[0])];
	uint32_t rm = below(4) ? below(5) : below(8);
	if (op == 0x07 || op == 0x27)
		return (w & 0xfe0f8f80U) | width[below(5)] << 12 | reg5() << 15 | op;
	if (op == 0x53)
		return f7[below(sizeof f7 / sizeof f7[0])] << 25 | reg5() << 20 |
		       reg5() << 15 | rm << 12 | reg5() << 7 | op;
	return (w & 0xfe0ff000U) | rm << 12 | reg5() << 7 | op;
}

/* A branch or jump whose target is its own slot or the slot's second
 * half (whose bits could branch back): an endless loop. */
static bool loops_back(uint32_t insn)
{
	if (INSN_IS_COMPRESSED(insn)) {
		uint32_t q = insn & 3, f3 = insn >> 13 & 7;
		if (q == 1 && f3 == 5) /* c.j */
			return (insn & 0x1ffcU & ~0x0008U) == 0;
		if (q == 1 && f3 >= 6) /* c.beqz, c.bnez */
			return (insn & 0x1c7cU & ~0x0008U) == 0;
		return false;
	}
	if (INSN_OPCODE(insn) == 0x63) /* branch: imm bits 31:25, 11:7 */
		return (insn & 0xfe000e80U) == 0;
	if (INSN_OPCODE(insn) == 0x6f) /* jal: imm bits 31:12, imm[1] is bit 21 */
		return (insn & 0xffdff000U) == 0;
	return false;
}

static bool csr_writes(uint32_t insn)
{
	unsigned f3 = INSN_FUNCT3(insn);
	return f3 == FUNCT3_CSRRW || f3 == FUNCT3_CSRRWI || INSN_RS1(insn) != 0;
}

static bool is_csr_op(uint32_t insn)
{
	unsigned f3 = INSN_FUNCT3(insn);
	return INSN_OPCODE(insn) == OPCODE_SYSTEM && f3 != 0 && f3 != 4;
}

/* What vS may not run (see the top of the file). */
static bool vs_refused(uint32_t insn)
{
	if (insn == INSN_ECALL)
		return true;
	if (is_csr_op(insn) && csr_writes(insn)) {
		unsigned csr = INSN_CSR(insn);
		return csr == CSR_STVEC || csr == CSR_SSCRATCH || csr == CSR_SATP;
	}
	return false;
}

static uint32_t draw_insn(bool vs)
{
	for (;;) {
		uint64_t r = rnd();
		uint32_t w = (uint32_t)(r >> 32), insn;
		unsigned k = below(100);
		if (k < 22) {
			insn = w | 3;
		} else if (k < 36) {
			insn = (w & 0xfffcU) | below(3);
		} else if (k < 58) {
			insn = system_insn(w);
		} else if (k < 70) {
			insn = amo_insn(w);
		} else if (k < 86) {
			insn = fp_insn(w);
		} else if (k < 92) {
			insn = (w & ~0x707fU) | below(2) << 12 | 0x0f;
		} else {
			insn = (w & ~0x7fU) | (below(2) ? 0x03U : 0x23U);
		}
		if (loops_back(insn) || (vs && vs_refused(insn)))
			continue;
		return insn;
	}
}

/* ---- Digests and masks --------------------------------------------------- */

#define DIGEST_INIT 0xcbf29ce484222325UL

static uint64_t fold(uint64_t h, uint64_t v)
{
	h = (h ^ v) * 0x100000001b3UL;
	return h ^ h >> 29;
}

struct mask {
	const char *id;
	unsigned count;
	uint64_t raw, masked; /* the first value it changed */
};

static uint64_t note(struct mask *m, uint64_t raw, uint64_t masked)
{
	if (raw != masked) {
		if (m->count++ == 0) {
			m->raw = raw;
			m->masked = masked;
		}
	}
	return masked;
}

#define SSTATUS_VS (UL(3) << 9)
static struct mask mask_uxl = { "sstatus-uxl", 0, 0, 0 };
static struct mask mask_vs = { "sstatus-vs", 0, 0, 0 };
static struct mask mask_counter = { "counter-value", 0, 0, 0 };

/* rand_insn.known: sstatus-uxl, sstatus-vs. */
static uint64_t masked_sstatus(uint64_t raw)
{
	uint64_t uxl = (raw & ~SSTATUS_UXL) | XLEN_64 << SSTATUS_UXL_SHIFT;
	uint64_t vs = uxl & ~SSTATUS_VS;
	if ((uxl & SSTATUS_VS) == SSTATUS_VS && (uxl & SSTATUS_FS) != SSTATUS_FS &&
	    (uxl & SSTATUS_XS) != SSTATUS_XS)
		vs &= ~SSTATUS_SD;
	note(&mask_uxl, raw, uxl);
	return note(&mask_vs, uxl, vs);
}

/* rand_insn.known: counter-value. cycle, time and instret read what the
 * clock and the instruction count were: only whether the read trapped is
 * compared. */
static bool reads_counter_value(uint32_t insn)
{
	unsigned csr = INSN_CSR(insn);
	return is_csr_op(insn) && INSN_RD(insn) != 0 && csr >= 0xc00 && csr <= 0xc02;
}

/* ---- One block ------------------------------------------------------------ */

static const char *cause_name(uint64_t c)
{
	return (c & CAUSE_INTERRUPT) ? "irq" : "exc";
}

static void reset_sandbox(void)
{
	for (unsigned k = 0; k < MAPPED; k++) {
		uint64_t f = mapped[k].flags;
		if (below(4))
			f |= PTE_A;
		if ((f & PTE_W) && below(2))
			f |= PTE_D;
		if (f & PTE_W || (f & PTE_R && !(f & PTE_X))) {
			for (unsigned i = 0; i < 4096; i += 8)
				*(uint64_t *)&pages[k][i] = rnd();
		}
		pt_sandbox_l0[mapped[k].page] = pte_leaf(pa_of(pages[k]), f);
	}
	sfence_all();
	csr_write(CSR_SCOUNTEREN, below(2) ? 0 : rnd() & 7);
}

static uint64_t fold_sandbox(uint64_t h)
{
	for (unsigned k = 0; k < MAPPED; k++) {
		h = fold(h, pt_sandbox_l0[mapped[k].page]);
		if (mapped[k].flags & PTE_W)
			for (unsigned i = 0; i < 4096; i += 8)
				h = fold(h, *(uint64_t *)&pages[k][i]);
	}
	return h;
}

static void write_slot(bool vs, uint32_t insn)
{
	uint8_t *code = pages[vs ? 0 : 1]; /* mapped[0], mapped[1] */
	uint32_t word = INSN_IS_COMPRESSED(insn) ? (insn & 0xffffU) | C_EBREAK << 16 : insn;
	*(volatile uint32_t *)&code[SLOT_OFFSET] = word;
	__asm__ volatile("fence.i" ::: "memory");
}

static void draw_state(bool vs, uint32_t insn, const uint64_t *f)
{
	for (unsigned i = 1; i < 32; i++)
		reg_in.x[i] = draw_x();
	for (unsigned i = 0; i < 32; i++)
		reg_in.f[i] = f[i];
	reg_in.fcsr = below(8) << 5 | below(32);
	uint64_t fs = below(8) == 0 ? 0 : 1 + below(3);
	uint64_t st = XLEN_64 << SSTATUS_UXL_SHIFT | fs << SSTATUS_FS_SHIFT |
		      (vs ? SSTATUS_SPP : 0);
	if (below(8) == 0)
		st |= SSTATUS_SPIE;
	if (below(2))
		st |= SSTATUS_SUM;
	if (below(2))
		st |= SSTATUS_MXR;
	reg_in.sie = below(4) ? 0 : (rnd() & (MIP_SSIP | MIP_STIP | MIP_SEIP));
	reg_in.sip = below(8) ? 0 : MIP_SSIP;
	if (vs && insn == INSN_WFI) {
		/* Pending and enabled, not taken (SIE = 0): wfi returns. */
		reg_in.sie |= MIP_SSIP;
		reg_in.sip = MIP_SSIP;
		st &= ~SSTATUS_SPIE;
	}
	reg_in.sstatus = st;
	reg_in.sepc = page_va(vs ? PG_CODE_S : PG_CODE_U) + SLOT_OFFSET;
}

/* The digest of one op's outcome. */
static uint64_t op_digest(uint32_t insn)
{
	uint64_t h = fold(DIGEST_INIT, insn);
	h = fold(h, reg_out.scause);
	h = fold(h, reg_out.stval);
	h = fold(h, reg_out.sepc);
	for (unsigned i = 1; i < 32; i++) {
		uint64_t v = reg_out.x[i];
		if (reads_counter_value(insn) && i == INSN_RD(insn))
			v = note(&mask_counter, v, 0);
		if (v != reg_in.x[i])
			h = fold(fold(h, i << 8 | 1), v);
	}
	for (unsigned i = 0; i < 32; i++)
		if (reg_out.f[i] != reg_in.f[i])
			h = fold(fold(h, i << 8 | 2), reg_out.f[i]);
	h = fold(h, reg_out.fcsr);
	h = fold(h, masked_sstatus(reg_out.sstatus));
	h = fold(h, reg_out.sie);
	return fold(h, reg_out.sip);
}

static unsigned traced_ops;

/* vU accesses to the counters (CSRs 0xc00-0xc1f) have a digest of their
 * own: OpenSBI 1.1 answers some of them itself (rand_insn.known). */
static uint64_t ucounter_digest = DIGEST_INIT;
static unsigned ucounter_ops;

static bool accesses_counter(uint32_t insn)
{
	return is_csr_op(insn) && INSN_CSR(insn) >= 0xc00 && INSN_CSR(insn) <= 0xc1f;
}

static void run_block(bool vs, unsigned block)
{
	uint64_t f[32];
	rng = (vs ? SEED_VS : SEED_VU) ^ ((uint64_t)block + 1) * 0xbf58476d1ce4e5b9UL;
	for (unsigned i = 0; i < 8; i++)
		rnd();
	uint64_t digest = DIGEST_INIT;
	unsigned ops = 0;
	reset_sandbox();
	for (unsigned i = 0; i < 32; i++)
		f[i] = draw_f();
	rand_block_begin(&reg_out);
	for (unsigned n = 0; n < BLOCK_OPS; n++) {
		uint32_t insn = draw_insn(vs);
		write_slot(vs, insn);
		draw_state(vs, insn, f);
		rand_enter(&reg_in);
		uint64_t op = op_digest(insn);
		if (!vs && accesses_counter(insn)) {
			ucounter_digest = fold(ucounter_digest, op);
			ucounter_ops++;
		} else {
			digest = fold(digest, op);
			ops++;
		}
		if ((int)block == RAND_INSN_TRACE) {
			traced_ops++;
			rt_printf("rand_insn: %c%u.%u insn %08x %s %lu stval %lx sepc %lx "
				  "sstatus %lx op %016lx\n",
				  vs ? 's' : 'u', block, n, insn, cause_name(reg_out.scause),
				  reg_out.scause & ~CAUSE_INTERRUPT, reg_out.stval,
				  reg_out.sepc, reg_out.sstatus, op);
		}
	}
	rand_block_end();
	digest = fold_sandbox(digest);
	rt_printf("rand_insn: group %c%02u ops %u digest %016lx\n", vs ? 's' : 'u', block,
		  ops, digest);
}

static void map_sandbox(void)
{
	for (unsigned i = 0; i < IMAGE_MEGAPAGES; i++)
		pt_image[vpn_of(IMAGE_PA, 1) + i] =
			pte_leaf(IMAGE_PA + i * SZ_2M, F_RWX_AD);
	pt_root[vpn_of(IMAGE_PA, 2)] = pte_table(pt_image);
	pt_root[vpn_of(SANDBOX_VA, 2)] = pte_table(pt_sandbox_l1);
	pt_sandbox_l1[vpn_of(SANDBOX_VA, 1)] = pte_table(pt_sandbox_l0);
	for (unsigned k = 0; k < MAPPED; k++)
		if (mapped[k].flags & PTE_X)
			for (unsigned i = 0; i < 4096; i += 2)
				*(uint16_t *)&pages[k][i] = C_EBREAK;
	csr_write(CSR_SATP, satp_sv39(pt_root, 0));
	sfence_all();
}

static void report(const struct mask *m)
{
	rt_printf("rand_insn: masked %s %u first raw 0x%016lx masked 0x%016lx\n", m->id,
		  m->count, m->raw, m->masked);
}

int main(void)
{
	CHECK((uint64_t)rt_trap_stack_top <= IMAGE_PA + IMAGE_MEGAPAGES * SZ_2M);
	map_sandbox();
	for (unsigned b = 0; b < BLOCKS; b++)
		run_block(true, b);
	for (unsigned b = 0; b < BLOCKS; b++)
		run_block(false, b);
	rt_printf("rand_insn: group ucounter ops %u digest %016lx\n", ucounter_ops,
		  ucounter_digest);
	csr_write(CSR_SATP, 0);
	sfence_all();
	report(&mask_uxl);
	report(&mask_vs);
	report(&mask_counter);
	rt_printf("rand_insn: ran %u vS and %u vU instructions\n", BLOCKS * BLOCK_OPS,
		  BLOCKS * BLOCK_OPS);
	CHECK(RAND_INSN_TRACE < 0 || traced_ops == 2 * BLOCK_OPS);
	return 0;
}
