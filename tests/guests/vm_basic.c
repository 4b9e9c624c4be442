/*
 * Sv39 as the guest sees it, run natively (the reference) and under the
 * hypervisor (shadow paging) with the same expected results:
 *  - 4 KiB, 2 MiB and 1 GiB leaves at low and high VAs, aliasing buffers;
 *  - A/D: set by the MMU on a load / store (or page faults: reported);
 *  - page faults with exact scause/stval: V=0, W without R, W+X without R,
 *    reserved high bits (63:54), misaligned superpages, non-canonical VAs,
 *    A/D/U in a non-leaf PTE, store to R-only, fetch from non-X;
 *  - U/S: U pages from S without and with SUM, fetch of a U page from S
 *    (faults even with SUM), S pages from U, U pages from U;
 *  - MXR: X-only page loads fault without MXR and work with it, AMOs fault;
 *  - mapping and unmapping a page;
 *  - the four sfence.vma forms each make a changed leaf visible;
 *  - satp switching between two table sets (ASIDs 1 and 2) and back; a
 *    set changed while the other runs and fenced by its ASID; both sets
 *    under twenty ASIDs in turn; satp Bare turns translation off.
 * The image is mapped identity (1 GiB leaf at 0x80000000, A/D preset).
 */
#include "vm.h"


#define ASID1 1UL
#define ASID2 2UL

#define RAM_GIGA   UL(0x80000000)
/* A 2 MiB-aligned scratch region inside the 8 MiB a guest may use
 * (checked against the image's end below). */
#define SCRATCH_2M UL(0x80600000)
#define SCRATCH2_2M UL(0x80800000) /* a second one, up to 0x80a00000 */

/* Table set 1 (ASID 1). */
static volatile uint64_t root1[PT_ENTRIES] PT_ALIGNED;
static volatile uint64_t l1_hi[PT_ENTRIES] PT_ALIGNED; /* under root1[256] */
static volatile uint64_t l0_hi[PT_ENTRIES] PT_ALIGNED; /* under l1_hi[0] */
static volatile uint64_t l1_lo[PT_ENTRIES] PT_ALIGNED; /* under root1[6] */
static volatile uint64_t l0_lo[PT_ENTRIES] PT_ALIGNED; /* under l1_lo[1] */
static volatile uint64_t l1_bad[PT_ENTRIES] PT_ALIGNED; /* under root1[7] */
/* Table set 2 (ASID 2). */
static volatile uint64_t root2[PT_ENTRIES] PT_ALIGNED;
static volatile uint64_t l1_hi2[PT_ENTRIES] PT_ALIGNED;
static volatile uint64_t l0_hi2[PT_ENTRIES] PT_ALIGNED;

static volatile uint64_t bufA[PT_ENTRIES] PT_ALIGNED;
static volatile uint64_t bufB[PT_ENTRIES] PT_ALIGNED;
static volatile uint64_t bufC[PT_ENTRIES] PT_ALIGNED;

extern char rt_trap_stack_top[];

#define MARK_A UL(0xa1a1a1a1a1a1a1a1)
#define MARK_B UL(0xb2b2b2b2b2b2b2b2)
#define MARK_C UL(0xc3c3c3c3c3c3c3c3)

/* VAs. */
#define VA_IDENT_U   slot_va(3)                  /* U alias of 0x80000000.. */
#define VA_GIGA_LO   slot_va(1)                  /* 1 GiB RW -> 0x80000000 */
#define VA_GIGA_MIS  slot_va(4)                  /* misaligned 1 GiB leaf */
#define VA_GIGA_HI   slot_va(300)                /* 1 GiB RW -> 0x80000000 */
#define VA_HI4K(i)   (slot_va(256) + (uint64_t)(i) * SZ_4K)
#define VA_MEGA_HI   (slot_va(256) + 1 * SZ_2M)  /* 2 MiB -> SCRATCH_2M */
#define VA_MEGA_MIS  (slot_va(256) + 2 * SZ_2M)  /* misaligned 2 MiB leaf */
#define VA_MEGA_LO   slot_va(6)                  /* 2 MiB -> SCRATCH_2M */
#define VA_LO4K      (slot_va(6) + SZ_2M)        /* 4 KiB -> bufA */
#define VA_BADPTR(i) (slot_va(7) + (uint64_t)(i) * SZ_2M)

/* l0_hi slots. */
enum {
	HI_ALIAS,  /* bufA, RW AD */
	HI_SWITCH, /* bufA in set 1, bufB in set 2 */
	HI_AD,     /* bufC, RW, A=0 D=0 */
	HI_INVAL,  /* V=0 */
	HI_WONLY,  /* W without R */
	HI_WX,     /* W+X without R */
	HI_RSV54,  /* bit 54 */
	HI_RSV60,  /* bit 60 */
	HI_PBMT,   /* bit 61 (Svpbmt, absent) */
	HI_NAPOT,  /* bit 63 (Svnapot, absent) */
	HI_XONLY,  /* the page of vm_ret, X only */
	HI_RONLY,  /* bufB, R only */
	HI_FENCE,  /* retargeted by the sfence.vma test */
	HI_UNMAP,  /* mapped, unmapped, remapped */
	HI_DONLY,  /* bufC, RW, A=1 D=0 */
	HI_XA0,    /* the page of vm_ret, X, A=0 */
};

static uint64_t va_of(const volatile void *p, uint64_t base)
{
	return pa_of(p) - RAM_GIGA + base;
}

static uint64_t off4k(const volatile void *p)
{
	return pa_of(p) & (SZ_4K - 1);
}

static void build_tables(void)
{
	const uint64_t ident = pte_leaf(RAM_GIGA, F_RWX_AD);

	root1[2] = ident;
	root1[3] = pte_leaf(RAM_GIGA, F_RWX_AD | PTE_U);
	root1[1] = pte_leaf(RAM_GIGA, F_RW_AD);
	root1[4] = pte_leaf(RAM_GIGA + SZ_2M, F_RW_AD); /* not 1 GiB aligned */
	root1[300] = pte_leaf(RAM_GIGA, F_RW_AD);
	root1[256] = pte_table(l1_hi);
	l1_hi[0] = pte_table(l0_hi);
	l1_hi[1] = pte_leaf(SCRATCH_2M, F_RW_AD);
	l1_hi[2] = pte_leaf(SCRATCH_2M + SZ_4K, F_RW_AD); /* not 2 MiB aligned */
	root1[6] = pte_table(l1_lo);
	l1_lo[0] = pte_leaf(SCRATCH_2M, F_RW_AD);
	l1_lo[1] = pte_table(l0_lo);
	l0_lo[0] = pte_leaf(pa_of(bufA), F_RW_AD);
	/* Non-leaf PTEs with bits reserved there (A, D, U), over l0_lo. */
	root1[7] = pte_table(l1_bad);
	l1_bad[0] = pte_table(l0_lo) | PTE_A;
	l1_bad[1] = pte_table(l0_lo) | PTE_D;
	l1_bad[2] = pte_table(l0_lo) | PTE_U;
	l1_bad[3] = pte_table(l0_lo); /* the control: valid */

	l0_hi[HI_ALIAS] = pte_leaf(pa_of(bufA), F_RW_AD);
	l0_hi[HI_SWITCH] = pte_leaf(pa_of(bufA), F_RW_AD);
	l0_hi[HI_AD] = pte_leaf(pa_of(bufC), PTE_V | PTE_R | PTE_W);
	l0_hi[HI_INVAL] = pte_leaf(pa_of(bufA), F_RWX_AD & ~PTE_V);
	l0_hi[HI_WONLY] = pte_leaf(pa_of(bufA), PTE_V | PTE_W | PTE_A | PTE_D);
	l0_hi[HI_WX] = pte_leaf(pa_of(bufA), PTE_V | PTE_W | PTE_X | PTE_A | PTE_D);
	l0_hi[HI_RSV54] = pte_leaf(pa_of(bufA), F_RWX_AD) | BIT(54);
	l0_hi[HI_RSV60] = pte_leaf(pa_of(bufA), F_RWX_AD) | BIT(60);
	l0_hi[HI_PBMT] = pte_leaf(pa_of(bufA), F_RWX_AD) | BIT(61);
	l0_hi[HI_NAPOT] = pte_leaf(pa_of(bufA), F_RWX_AD) | BIT(63);
	l0_hi[HI_XONLY] = pte_leaf(pa_of(vm_ret), PTE_V | PTE_X | PTE_A);
	l0_hi[HI_RONLY] = pte_leaf(pa_of(bufB), F_R_A);
	l0_hi[HI_FENCE] = pte_leaf(pa_of(bufA), F_RW_AD);
	l0_hi[HI_UNMAP] = pte_leaf(pa_of(bufA), F_RW_AD);
	l0_hi[HI_DONLY] = pte_leaf(pa_of(bufC), PTE_V | PTE_R | PTE_W | PTE_A);
	l0_hi[HI_XA0] = pte_leaf(pa_of(vm_ret), PTE_V | PTE_X);

	root2[2] = ident;
	root2[256] = pte_table(l1_hi2);
	l1_hi2[0] = pte_table(l0_hi2);
	l0_hi2[HI_SWITCH] = pte_leaf(pa_of(bufB), F_RW_AD);
}

static void test_sizes(void)
{
	/* 4 KiB, high and low. */
	bufA[5] = MARK_A;
	EXPECT_LOAD(VA_HI4K(HI_ALIAS) + 5 * 8, MARK_A, "4k high alias reads");
	EXPECT_STORE(VA_HI4K(HI_ALIAS) + 6 * 8, MARK_B, "4k high alias writes");
	CHECK_EQ(bufA[6], MARK_B);
	EXPECT_LOAD(VA_LO4K + 5 * 8, MARK_A, "4k low alias reads");
	EXPECT_STORE(VA_LO4K + 7 * 8, MARK_C, "4k low alias writes");
	CHECK_EQ(bufA[7], MARK_C);

	/* 2 MiB, high and low, at both ends of the megapage. */
	volatile uint64_t *scratch = (volatile uint64_t *)SCRATCH_2M;
	volatile uint64_t *scratch_end = (volatile uint64_t *)(SCRATCH_2M + SZ_2M - 8);
	*scratch = MARK_A;
	*scratch_end = MARK_B;
	EXPECT_LOAD(VA_MEGA_HI, MARK_A, "2m high start");
	EXPECT_LOAD(VA_MEGA_HI + SZ_2M - 8, MARK_B, "2m high end");
	EXPECT_LOAD(VA_MEGA_LO, MARK_A, "2m low start");
	EXPECT_LOAD(VA_MEGA_LO + SZ_2M - 8, MARK_B, "2m low end");
	EXPECT_STORE(VA_MEGA_HI + 0x12340, MARK_C, "2m high writes");
	CHECK_EQ(scratch[0x12340 / 8], MARK_C);
	EXPECT_STORE(VA_MEGA_LO + 0x1ff000, MARK_A, "2m low writes");
	CHECK_EQ(scratch[0x1ff000 / 8], MARK_A);
	/* One past the 2 MiB leaf: l1_hi[... ] next slot is the misaligned one;
	 * the low one's next slot is the 4 KiB table (bufA). */
	EXPECT_LOAD(VA_MEGA_LO + SZ_2M + 5 * 8, MARK_A, "past 2m low is the next leaf");

	/* 1 GiB, low and high. */
	EXPECT_LOAD(va_of(&bufA[5], VA_GIGA_LO), MARK_A, "1g low alias reads");
	EXPECT_LOAD(va_of(&bufA[5], VA_GIGA_HI), MARK_A, "1g high alias reads");
	EXPECT_STORE(va_of(&bufB[9], VA_GIGA_HI), MARK_C, "1g high alias writes");
	CHECK_EQ(bufB[9], MARK_C);
	EXPECT_LOAD(va_of(scratch_end, VA_GIGA_LO), MARK_B, "1g low reaches the scratch");

	/* Fetch: identity (X) works, the RW 1 GiB alias (no X) faults. */
	EXPECT_FETCH(pa_of(vm_ret), "fetch identity");
	EXPECT_FAULT(VM_FETCH, va_of(vm_ret, VA_GIGA_LO), CAUSE_FETCH_PAGE_FAULT,
		     "fetch from non-X page");
}

static void test_ad(void)
{
	volatile uint64_t *pte = &l0_hi[HI_AD];
	const uint64_t va = VA_HI4K(HI_AD);
	struct rt_trap t;
	uint64_t v = 0;

	bufC[0] = MARK_C;
	bool trapped = vm_try(VM_LOAD, va, &v, &t);
	if (trapped) {
		/* The MMU does not set A: then it must fault. */
		rt_printf("vm_basic: A/D: a load with A=0 page-faults (software A/D)\n");
		CHECK_EQ(t.scause, CAUSE_LOAD_PAGE_FAULT);
		CHECK_EQ(t.stval, va);
		*pte |= PTE_A;
		sfence_va(va);
		EXPECT_LOAD(va, MARK_C, "load after software A");
	} else {
		rt_printf("vm_basic: A/D: updated by the MMU\n");
		CHECK_EQ(v, MARK_C);
		CHECK_EQ(*pte & (PTE_A | PTE_D), PTE_A);
	}
	/* Store: D. */
	v = MARK_A;
	trapped = vm_try(VM_STORE, va + 8, &v, &t);
	if (trapped) {
		CHECK_EQ(t.scause, CAUSE_STORE_PAGE_FAULT);
		CHECK_EQ(t.stval, va + 8);
		*pte |= PTE_D;
		sfence_va(va);
		EXPECT_STORE(va + 8, MARK_A, "store after software D");
	} else {
		CHECK_EQ(*pte & (PTE_A | PTE_D), PTE_A | PTE_D);
	}
	CHECK_EQ(bufC[1], MARK_A);

	/* A=1, D=0: a load leaves D clear, a store sets it. */
	pte = &l0_hi[HI_DONLY];
	EXPECT_LOAD(VA_HI4K(HI_DONLY) + 8, MARK_A, "load with D=0");
	CHECK_EQ(*pte & PTE_D, 0);
	trapped = vm_try(VM_STORE, VA_HI4K(HI_DONLY) + 16, &v, &t);
	if (trapped) {
		CHECK_EQ(t.scause, CAUSE_STORE_PAGE_FAULT);
	} else {
		CHECK_EQ(*pte & PTE_D, PTE_D);
		CHECK_EQ(bufC[2], MARK_A);
	}

	/* A fetch sets A (X-only page with A=0), never D. */
	pte = &l0_hi[HI_XA0];
	trapped = vm_try(VM_FETCH, VA_HI4K(HI_XA0) + off4k(vm_ret), &v, &t);
	if (trapped) {
		CHECK_EQ(t.scause, CAUSE_FETCH_PAGE_FAULT);
	} else {
		CHECK_EQ(*pte & (PTE_A | PTE_D), PTE_A);
	}
}

static void test_faults(void)
{
	static const struct {
		unsigned slot;
		const char *what;
	} bad[] = {
		{ HI_INVAL, "V=0" },	       { HI_WONLY, "W without R" },
		{ HI_WX, "W+X without R" },    { HI_RSV54, "PTE bit 54" },
		{ HI_RSV60, "PTE bit 60" },    { HI_PBMT, "PTE bit 61 (PBMT)" },
		{ HI_NAPOT, "PTE bit 63 (N)" },
	};
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint64_t va = VA_HI4K(bad[i].slot);
		EXPECT_FAULT(VM_LOAD, va + 8, CAUSE_LOAD_PAGE_FAULT, bad[i].what);
		EXPECT_FAULT(VM_STORE, va + 16, CAUSE_STORE_PAGE_FAULT, bad[i].what);
		EXPECT_FAULT(VM_FETCH, va + 0x20, CAUSE_FETCH_PAGE_FAULT, bad[i].what);
	}
	/* An unmapped page (no PTE at all). */
	EXPECT_FAULT(VM_LOAD, VA_HI4K(100), CAUSE_LOAD_PAGE_FAULT, "no PTE");
	EXPECT_FAULT(VM_STORE, VA_HI4K(100) + 0xff8, CAUSE_STORE_PAGE_FAULT, "no PTE");
	EXPECT_FAULT(VM_LOAD, slot_va(200) + 0x1234, CAUSE_LOAD_PAGE_FAULT, "no root entry");

	/* Misaligned superpages. */
	EXPECT_FAULT(VM_LOAD, VA_MEGA_MIS + 0x40, CAUSE_LOAD_PAGE_FAULT, "misaligned 2m");
	EXPECT_FAULT(VM_STORE, VA_MEGA_MIS + 0x1000, CAUSE_STORE_PAGE_FAULT, "misaligned 2m");
	EXPECT_FAULT(VM_LOAD, VA_GIGA_MIS + 0x200000, CAUSE_LOAD_PAGE_FAULT, "misaligned 1g");
	EXPECT_FAULT(VM_STORE, VA_GIGA_MIS, CAUSE_STORE_PAGE_FAULT, "misaligned 1g");

	/* Non-canonical VAs (bits 63:39 not all equal to bit 38). */
	static const uint64_t noncanon[] = {
		UL(0x0000004000000000), UL(0xffffff0000000000) | 0x80200000,
		UL(0x8000000080200000), UL(0x0000008080200000),
	};
	for (unsigned i = 0; i < sizeof(noncanon) / sizeof(noncanon[0]); i++) {
		EXPECT_FAULT(VM_LOAD, noncanon[i], CAUSE_LOAD_PAGE_FAULT, "non-canonical");
		EXPECT_FAULT(VM_STORE, noncanon[i], CAUSE_STORE_PAGE_FAULT, "non-canonical");
		EXPECT_FAULT(VM_FETCH, noncanon[i], CAUSE_FETCH_PAGE_FAULT, "non-canonical");
	}

	/* A, D or U in a non-leaf PTE: reserved there; QEMU 7.2 and the
	 * hypervisor's walker both fault. The control entry works. */
	EXPECT_FAULT(VM_LOAD, VA_BADPTR(0) + 8, CAUSE_LOAD_PAGE_FAULT, "A in non-leaf");
	EXPECT_FAULT(VM_LOAD, VA_BADPTR(1) + 8, CAUSE_LOAD_PAGE_FAULT, "D in non-leaf");
	EXPECT_FAULT(VM_STORE, VA_BADPTR(2) + 8, CAUSE_STORE_PAGE_FAULT, "U in non-leaf");
	EXPECT_LOAD(VA_BADPTR(3) + 5 * 8, MARK_A, "valid non-leaf control");

	/* R-only: loads work, stores fault. */
	bufB[3] = MARK_B;
	EXPECT_LOAD(VA_HI4K(HI_RONLY) + 24, MARK_B, "R-only load");
	EXPECT_FAULT(VM_STORE, VA_HI4K(HI_RONLY) + 24, CAUSE_STORE_PAGE_FAULT, "R-only store");
	EXPECT_FAULT(VM_FETCH, VA_HI4K(HI_RONLY), CAUSE_FETCH_PAGE_FAULT, "R-only fetch");
	CHECK_EQ(bufB[3], MARK_B);
}

static void test_user_super(void)
{
	const uint64_t ua = va_of(&bufA[5], VA_IDENT_U); /* U alias of bufA[5] */
	bufA[5] = MARK_A;

	/* S touching U pages: SUM=0 faults, SUM=1 works; fetch always faults. */
	csr_clear(CSR_SSTATUS, SSTATUS_SUM);
	EXPECT_FAULT(VM_LOAD, ua, CAUSE_LOAD_PAGE_FAULT, "S load U page, SUM=0");
	EXPECT_FAULT(VM_STORE, ua, CAUSE_STORE_PAGE_FAULT, "S store U page, SUM=0");
	EXPECT_FAULT(VM_FETCH, va_of(vm_ret, VA_IDENT_U), CAUSE_FETCH_PAGE_FAULT,
		     "S fetch U page, SUM=0");
	csr_set(CSR_SSTATUS, SSTATUS_SUM);
	EXPECT_LOAD(ua, MARK_A, "S load U page, SUM=1");
	EXPECT_STORE(ua + 8, MARK_C, "S store U page, SUM=1");
	CHECK_EQ(bufA[6], MARK_C);
	EXPECT_FAULT(VM_FETCH, va_of(vm_ret, VA_IDENT_U), CAUSE_FETCH_PAGE_FAULT,
		     "S fetch U page, SUM=1");
	/* S pages still work with SUM=1. */
	EXPECT_LOAD(pa_of(&bufA[5]), MARK_A, "S load S page, SUM=1");
	csr_clear(CSR_SSTATUS, SSTATUS_SUM);
	/* SUM=0 again: the U page faults again. */
	EXPECT_FAULT(VM_LOAD, ua, CAUSE_LOAD_PAGE_FAULT, "S load U page, SUM=0 again");

	/* U-mode, running at the U alias of the image. */
	const uint64_t u_load = va_of(vm_u_load, VA_IDENT_U);
	const uint64_t u_store = va_of(vm_u_store, VA_IDENT_U);
	const uint64_t u_fetch = va_of(vm_u_fetch, VA_IDENT_U);
	EXPECT_USER(u_load, ua, CAUSE_USER_ECALL, "U load U page");
	EXPECT_USER(u_store, ua + 16, CAUSE_USER_ECALL, "U store U page");
	CHECK_EQ(bufA[7], ua + 16);
	EXPECT_USER(u_fetch, va_of(vm_ret, VA_IDENT_U), CAUSE_USER_ECALL, "U fetch U page");
	EXPECT_USER(u_load, pa_of(&bufA[5]), CAUSE_LOAD_PAGE_FAULT, "U load S page");
	EXPECT_USER(u_store, pa_of(&bufA[5]), CAUSE_STORE_PAGE_FAULT, "U store S page");
	EXPECT_USER(u_fetch, pa_of(vm_ret), CAUSE_FETCH_PAGE_FAULT, "U fetch S page");
	/* SUM does not open S pages to U. */
	csr_set(CSR_SSTATUS, SSTATUS_SUM);
	EXPECT_USER(u_load, VA_HI4K(HI_ALIAS), CAUSE_LOAD_PAGE_FAULT, "U load S page, SUM=1");
	csr_clear(CSR_SSTATUS, SSTATUS_SUM);
	CHECK_EQ(bufA[5], MARK_A);
}

/* An AMO at vm_addr (S-mode): it reads and writes. */
static void s_amoadd(void)
{
	uint64_t addr = vm_addr;
	__asm__ volatile("amoadd.d zero, %1, (%0)" ::"r"(addr), "r"(UL(1)) : "memory");
}

static void test_mxr(void)
{
	const uint64_t va = VA_HI4K(HI_XONLY);
	const uint64_t code = *(volatile uint64_t *)(pa_of(vm_ret) & ~UL(7));
	const uint64_t at = va + (off4k(vm_ret) & ~UL(7));

	csr_clear(CSR_SSTATUS, SSTATUS_MXR);
	EXPECT_FAULT(VM_LOAD, at, CAUSE_LOAD_PAGE_FAULT, "X-only load, MXR=0");
	EXPECT_FETCH(va + off4k(vm_ret), "X-only fetch");
	csr_set(CSR_SSTATUS, SSTATUS_MXR);
	EXPECT_LOAD(at, code, "X-only load, MXR=1");
	EXPECT_FAULT(VM_STORE, at, CAUSE_STORE_PAGE_FAULT, "X-only store, MXR=1");
	csr_clear(CSR_SSTATUS, SSTATUS_MXR);
	EXPECT_FAULT(VM_LOAD, at, CAUSE_LOAD_PAGE_FAULT, "X-only load, MXR=0 again");

	/* MXR with a U X-only page: S reads it only with SUM=1 too. */
	l0_hi[HI_XONLY] |= PTE_U;
	sfence_va(va);
	csr_set(CSR_SSTATUS, SSTATUS_MXR);
	EXPECT_FAULT(VM_LOAD, at, CAUSE_LOAD_PAGE_FAULT, "U X-only load, MXR=1 SUM=0");
	csr_set(CSR_SSTATUS, SSTATUS_SUM);
	EXPECT_LOAD(at, code, "U X-only load, MXR=1 SUM=1");
	/* MXR lends R, never W: an AMO there gets the store page fault (the
	 * hypervisor emulates that page's loads, and once answered an AMO
	 * with an access fault). */
	struct rt_trap t = { 0, 0, 0 };
	vm_addr = at;
	if (CHECK(rt_catch(s_amoadd, &t))) {
		CHECK_EQ(t.scause, CAUSE_STORE_PAGE_FAULT);
		CHECK_EQ(t.stval, at);
	}
	EXPECT_LOAD(at, code, "U X-only load after the AMO");
	csr_clear(CSR_SSTATUS, SSTATUS_SUM | SSTATUS_MXR);
	l0_hi[HI_XONLY] &= ~PTE_U;
	sfence_va(va);
}

static void test_unmap(void)
{
	volatile uint64_t *pte = &l0_hi[HI_UNMAP];
	const uint64_t va = VA_HI4K(HI_UNMAP);
	bufA[10] = MARK_A;
	bufB[10] = MARK_B;
	EXPECT_LOAD(va + 80, MARK_A, "mapped");
	*pte = 0;
	sfence_va(va);
	EXPECT_FAULT(VM_LOAD, va + 80, CAUSE_LOAD_PAGE_FAULT, "unmapped");
	EXPECT_FAULT(VM_STORE, va + 80, CAUSE_STORE_PAGE_FAULT, "unmapped");
	*pte = pte_leaf(pa_of(bufB), F_RW_AD);
	sfence_va(va);
	EXPECT_LOAD(va + 80, MARK_B, "remapped elsewhere");
}

static void test_sfence(void)
{
	volatile uint64_t *pte = &l0_hi[HI_FENCE];
	const uint64_t va = VA_HI4K(HI_FENCE);
	const uint64_t a = pte_leaf(pa_of(bufA), F_RW_AD), b = pte_leaf(pa_of(bufB), F_RW_AD);
	bufA[1] = MARK_A;
	bufB[1] = MARK_B;

	EXPECT_LOAD(va + 8, MARK_A, "before the fences");
	*pte = b;
	sfence_all();
	EXPECT_LOAD(va + 8, MARK_B, "sfence.vma x0, x0");
	*pte = a;
	sfence_va(va);
	EXPECT_LOAD(va + 8, MARK_A, "sfence.vma va, x0");
	*pte = b;
	sfence_asid(ASID1);
	EXPECT_LOAD(va + 8, MARK_B, "sfence.vma x0, asid");
	*pte = a;
	sfence_va_asid(va + 0x10, ASID1); /* any address in the page */
	EXPECT_LOAD(va + 8, MARK_A, "sfence.vma va, asid");
	/* Unmapping seen through each form too (stores). */
	*pte = 0;
	sfence_va_asid(va, ASID1);
	EXPECT_FAULT(VM_STORE, va + 8, CAUSE_STORE_PAGE_FAULT, "unmapped, sfence.vma va, asid");
	*pte = b;
	sfence_asid(ASID1);
	EXPECT_STORE(va + 8, MARK_C, "remapped, sfence.vma x0, asid");
	CHECK_EQ(bufB[1], MARK_C);
}

/* sfence.vma va for a superpage: the spec invalidates the leaf "for the
 * virtual address in rs1", i.e. the whole superpage's translation, not
 * just the 4 KiB around va. */
static void test_sfence_superpage(void)
{
	volatile uint64_t *pte = &l1_hi[1]; /* VA_MEGA_HI, 2 MiB */
	volatile uint64_t *s1 = (volatile uint64_t *)SCRATCH_2M;
	volatile uint64_t *s2 = (volatile uint64_t *)SCRATCH2_2M;
	const uint64_t far = 0x1ff000 / 8; /* the last page of the megapage */

	s1[0] = MARK_A;
	s1[far] = MARK_A;
	s2[0] = MARK_B;
	s2[far] = MARK_B;
	/* Use two pages of the megapage, then retarget it. */
	EXPECT_LOAD(VA_MEGA_HI, MARK_A, "2m page 0 before");
	EXPECT_LOAD(VA_MEGA_HI + far * 8, MARK_A, "2m last page before");
	*pte = pte_leaf(SCRATCH2_2M, F_RW_AD);
	sfence_va(VA_MEGA_HI); /* the megapage's first address */
	EXPECT_LOAD(VA_MEGA_HI + far * 8, MARK_B, "2m retargeted, sfence.vma base");
	EXPECT_LOAD(VA_MEGA_HI, MARK_B, "2m retargeted, page 0");
	/* Back, fenced by an address in the last page. */
	*pte = pte_leaf(SCRATCH_2M, F_RW_AD);
	sfence_va_asid(VA_MEGA_HI + far * 8 + 0x10, ASID1);
	EXPECT_LOAD(VA_MEGA_HI, MARK_A, "2m back, sfence.vma last page");
	sfence_all();
	EXPECT_LOAD(VA_MEGA_HI + far * 8, MARK_A, "2m back, sfence.vma all");

	/* A 1 GiB leaf unmapped, fenced by one address: all of it is gone. */
	const uint64_t g1 = va_of(&bufA[5], VA_GIGA_HI), g2 = va_of(&bufB[5], VA_GIGA_HI);
	bufA[5] = MARK_A;
	bufB[5] = MARK_B;
	EXPECT_LOAD(g1, MARK_A, "1g before unmap");
	EXPECT_LOAD(g2, MARK_B, "1g before unmap");
	root1[300] = 0;
	sfence_va(VA_GIGA_HI);
	EXPECT_FAULT(VM_LOAD, g1, CAUSE_LOAD_PAGE_FAULT, "1g unmapped, sfence.vma base");
	EXPECT_FAULT(VM_LOAD, g2, CAUSE_LOAD_PAGE_FAULT, "1g unmapped, sfence.vma base");
	root1[300] = pte_leaf(RAM_GIGA, F_RW_AD);
	sfence_va(g1);
	EXPECT_LOAD(g1, MARK_A, "1g remapped");
	sfence_all();
}

static void test_satp_switch(void)
{
	const uint64_t va = VA_HI4K(HI_SWITCH) + 8;
	const uint64_t s1 = satp_sv39(root1, ASID1), s2 = satp_sv39(root2, ASID2);
	bufA[1] = MARK_A;
	bufB[1] = MARK_B;

	EXPECT_LOAD(va, MARK_A, "set 1");
	csr_write(CSR_SATP, s2);
	CHECK_EQ(csr_read(CSR_SATP), s2);
	EXPECT_LOAD(va, MARK_B, "set 2");
	/* Set 2 has no 1 GiB alias and no U alias. */
	EXPECT_FAULT(VM_LOAD, va_of(&bufA[1], VA_GIGA_LO), CAUSE_LOAD_PAGE_FAULT, "set 2 lacks");
	EXPECT_FAULT(VM_LOAD, VA_HI4K(HI_ALIAS), CAUSE_LOAD_PAGE_FAULT, "set 2 lacks 4k");
	csr_write(CSR_SATP, s1);
	CHECK_EQ(csr_read(CSR_SATP), s1);
	EXPECT_LOAD(va, MARK_A, "set 1 again");
	EXPECT_LOAD(va_of(&bufA[1], VA_GIGA_LO), MARK_A, "set 1 again, 1g");
	csr_write(CSR_SATP, s2);
	EXPECT_LOAD(va, MARK_B, "set 2 again");
	csr_write(CSR_SATP, s1);
	EXPECT_LOAD(va, MARK_A, "set 1 third time");
}

/* A leaf of the address space not running, changed and fenced by its
 * ASID alone (both sfence.vma forms with rs2), is seen once satp switches
 * back to it. */
static void test_fence_other_space(void)
{
	const uint64_t va = VA_HI4K(HI_SWITCH) + 8;
	const uint64_t s1 = satp_sv39(root1, ASID1), s2 = satp_sv39(root2, ASID2);
	bufC[1] = MARK_C;

	EXPECT_LOAD(va, MARK_A, "set 1 before");
	csr_write(CSR_SATP, s2);
	EXPECT_LOAD(va, MARK_B, "set 2 before");
	l0_hi[HI_SWITCH] = pte_leaf(pa_of(bufC), F_RW_AD);
	sfence_asid(ASID1);
	csr_write(CSR_SATP, s1);
	EXPECT_LOAD(va, MARK_C, "set 1 changed from set 2, sfence.vma x0, asid 1");
	csr_write(CSR_SATP, s2);
	l0_hi[HI_SWITCH] = pte_leaf(pa_of(bufA), F_RW_AD);
	sfence_va_asid(va, ASID1);
	EXPECT_LOAD(va, MARK_B, "set 2 after fencing set 1");
	csr_write(CSR_SATP, s1);
	EXPECT_LOAD(va, MARK_A, "set 1 changed back, sfence.vma va, asid 1");
	/* And set 2's leaf, changed from set 1. */
	l0_hi2[HI_SWITCH] = pte_leaf(pa_of(bufC), F_RW_AD);
	sfence_va_asid(va, ASID2);
	csr_write(CSR_SATP, s2);
	EXPECT_LOAD(va, MARK_C, "set 2 changed from set 1, sfence.vma va, asid 2");
	l0_hi2[HI_SWITCH] = pte_leaf(pa_of(bufB), F_RW_AD);
	sfence_all();
	EXPECT_LOAD(va, MARK_B, "set 2 changed back, sfence.vma x0, x0");
	csr_write(CSR_SATP, s1);
}

/* More address spaces in turn than a hart might keep translations for:
 * the two table sets under ten ASIDs each, round and round. */
static void test_many_spaces(void)
{
	const uint64_t va = VA_HI4K(HI_SWITCH) + 8;
	for (unsigned i = 0; i < 60; i++) {
		bool one = i % 2 == 0;
		csr_write(CSR_SATP, satp_sv39(one ? root1 : root2, 3 + i % 20));
		if (!EXPECT_LOAD(va, one ? MARK_A : MARK_B, "many spaces: the right page"))
			break;
	}
	csr_write(CSR_SATP, satp_sv39(root1, ASID1));
}

static void test_bare(void)
{
	csr_write(CSR_SATP, 0);
	CHECK_EQ(csr_read(CSR_SATP), 0);
	/* VA = PA now: a high VA is a physical address with nothing there. */
	EXPECT_FAULT(VM_LOAD, VA_HI4K(HI_ALIAS), CAUSE_LOAD_ACCESS, "Bare: high VA");
	EXPECT_FAULT(VM_STORE, VA_HI4K(HI_ALIAS), CAUSE_STORE_ACCESS, "Bare: high VA");
	bufA[2] = MARK_C;
	EXPECT_LOAD(pa_of(&bufA[2]), MARK_C, "Bare: physical");
	/* And back on, then off for good. */
	csr_write(CSR_SATP, satp_sv39(root1, ASID1));
	EXPECT_LOAD(VA_HI4K(HI_ALIAS) + 16, MARK_C, "Sv39 again");
	csr_write(CSR_SATP, 0);
	CHECK_EQ(csr_read(CSR_SATP), 0);
}

int main(void)
{
	CHECK(pa_of(rt_trap_stack_top) <= SCRATCH_2M);
	CHECK(SCRATCH2_2M + SZ_2M <= UL(0x80200000) + 8 * SZ_2M / 2);
	bufA[0] = MARK_A;
	bufB[0] = MARK_B;
	bufC[0] = MARK_C;
	build_tables();
	sfence_all();
	csr_clear(CSR_SSTATUS, SSTATUS_SUM | SSTATUS_MXR);
	const uint64_t s1 = satp_sv39(root1, ASID1);
	csr_write(CSR_SATP, s1);
	sfence_all();
	CHECK_EQ(csr_read(CSR_SATP), s1);
	rt_printf("vm_basic: translation on\n");

	test_sizes();
	test_ad();
	test_faults();
	test_user_super();
	test_mxr();
	test_unmap();
	test_sfence();
	test_sfence_superpage();
	test_satp_switch();
	test_fence_other_space();
	test_many_spaces();
	test_bare();
	return 0;
}
