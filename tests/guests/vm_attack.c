/*
 * Attacks through the guest's own page tables (run under the hypervisor:
 * guest RAM is 128 MiB at guest-physical 0x80000000, and the emulated
 * devices are the PLIC and the UART). Every access must end in the
 * architectural fault with stval = the VA, and the hypervisor must keep
 * serving:
 *  - leaves (4 KiB, 2 MiB, 1 GiB) whose target is past guest RAM
 *    (0x88000000, 0x90000000, 0xc0000000, 0x100000000), a device (CLINT,
 *    the test finisher: not emulated; the PLIC and the UART: emulated, but
 *    these accesses are 8 bytes wide, more than their registers take) or
 *    PPN all ones: access faults 1/5/7;
 *  - leaves at 0x80000000 (the firmware's place on the host) and
 *    0x80200000 (the hypervisor's): for the guest these are its own RAM;
 *  - non-leaf PTEs whose next table is outside guest RAM: access faults
 *    (the spec's answer; QEMU 7.2 natively gives page faults there);
 *  - a root entry pointing back to the root (self-reference): walks
 *    through it read root entries as lower-level PTEs; one that meets the
 *    self-pointer again at level 0 ends in a page fault;
 *  - a storm of 100000 faults, a storm of map/unmap/fence, and enough
 *    shadow fills to exhaust the hypervisor's page pool; afterwards the
 *    guest still runs normally.
 * A satp whose root lies outside guest RAM cannot be tested from inside a
 * guest: the very next instruction fetch faults, and so does the fetch at
 * stvec, forever (natively too).
 */
#include "vm.h"

#define ASID1 1UL
#define RAM_GIGA UL(0x80000000)
#define GUEST_RAM_END UL(0x88000000) /* 128 MiB under the hypervisor */

static volatile uint64_t root[PT_ENTRIES] PT_ALIGNED;
static volatile uint64_t l1[PT_ENTRIES] PT_ALIGNED; /* under root[256] */
static volatile uint64_t l0[PT_ENTRIES] PT_ALIGNED; /* under l1[0] */
static volatile uint64_t l1_self[PT_ENTRIES] PT_ALIGNED; /* under root[12] */
static volatile uint64_t buf[PT_ENTRIES] PT_ALIGNED;

#define MARK UL(0x5a5aa5a55a5aa5a5)

#define VA_HI4K(i) (slot_va(256) + (uint64_t)(i) * SZ_4K)
#define VA_HI2M(i) (slot_va(256) + (uint64_t)(i) * SZ_2M)

/* Where 4 KiB leaves point (l0 slots). */
static const struct {
	uint64_t pa;
	const char *what;
} outside[] = {
	{ UL(0xc0000000), "past host RAM 0xc0000000" },
	{ UL(0x100000000), "0x100000000" },
	{ UL(0x90000000), "past guest RAM 0x90000000" },
	{ GUEST_RAM_END, "first page past guest RAM" },
	{ UL(0x9ffff000), "last host RAM page" },
	{ UL(0x10000000), "UART" },
	{ UL(0x0c000000), "PLIC" },
	{ UL(0x0c200000), "PLIC context" },
	{ UL(0x02000000), "CLINT" },
	{ UL(0x02004000), "CLINT mtimecmp" },
	{ UL(0x00100000), "test finisher" },
	{ UL(0x00001000), "boot ROM" },
	{ UL(0x00000000), "physical 0" },
	{ PTE_PPN_MASK << 12, "PPN all ones" },
};
#define N_OUTSIDE (sizeof(outside) / sizeof(outside[0]))

/* l0 slots past the outside[] ones. */
enum {
	L0_LAST_PAGE = 32, /* last guest RAM page: works */
	L0_STUB = 33,      /* 0x80000000 */
	L0_HV = 34,        /* 0x80200000 */
	L0_STORM = 64,     /* 64.. : map/unmap storm */
	L0_FREE = 256,     /* 256..511: never mapped */
};

/* l1 slots (2 MiB each, under root[256]). */
enum {
	L1_MEGA_OUT = 1,    /* 2 MiB leaf at 0xc0000000 */
	L1_MEGA_DEV = 2,    /* 2 MiB leaf at 0x10000000 (UART) */
	L1_PTR_OUT = 3,     /* next table at 0xc0000000 */
	L1_PTR_GUESTEND = 4, /* next table at 0x90000000 */
	L1_PTR_UART = 5,    /* next table at the UART */
	L1_PTR_ONES = 6,    /* next table PPN all ones */
	L1_PTR_SELF = 7,    /* l1 pointing to l1 itself */
	L1_MEGA_LAST = 8,   /* last 2 MiB of guest RAM: works */
};

/* Root slots. */
enum {
	R_IDENT = 2,   /* 1 GiB identity at 0x80000000 */
	R_GIGA_OUT = 5, /* 1 GiB leaf at 0xc0000000 */
	R_GIGA_DEV = 6, /* 1 GiB leaf at 0 (devices) */
	R_GIGA_4G = 7, /* 1 GiB leaf at 0x100000000 */
	R_PTR_OUT = 8, /* next table at 0xc0000000 */
	R_SELF = 9,    /* the root itself */
	R_MIS = 10,    /* 1 GiB leaf at 0x80200000: misaligned at level 2 */
	R_SELF2 = 12,  /* l1_self, whose entries point back to the root */
	R_STORM_FIRST = 16, /* 16..255: 1 GiB leaves for the fill storm */
};

static void build_tables(void)
{
	root[R_IDENT] = pte_leaf(RAM_GIGA, F_RWX_AD);
	root[256] = pte_table(l1);
	l1[0] = pte_table(l0);
	for (unsigned i = 0; i < N_OUTSIDE; i++)
		l0[i] = pte_leaf(outside[i].pa, F_RWX_AD);
	l0[L0_LAST_PAGE] = pte_leaf(GUEST_RAM_END - SZ_4K, F_RW_AD);
	l0[L0_STUB] = pte_leaf(RAM_GIGA, F_RW_AD);
	l0[L0_HV] = pte_leaf(RAM_GIGA + SZ_2M, F_RWX_AD);

	l1[L1_MEGA_OUT] = pte_leaf(UL(0xc0000000), F_RWX_AD);
	l1[L1_MEGA_DEV] = pte_leaf(UL(0x10000000), F_RWX_AD);
	l1[L1_PTR_OUT] = PTE_V | (UL(0xc0000000) >> 12) << PTE_PPN_SHIFT;
	l1[L1_PTR_GUESTEND] = PTE_V | (UL(0x90000000) >> 12) << PTE_PPN_SHIFT;
	l1[L1_PTR_UART] = PTE_V | (UL(0x10000000) >> 12) << PTE_PPN_SHIFT;
	l1[L1_PTR_ONES] = PTE_V | PTE_PPN_MASK << PTE_PPN_SHIFT;
	l1[L1_PTR_SELF] = pte_table(l1);
	l1[L1_MEGA_LAST] = pte_leaf(GUEST_RAM_END - SZ_2M, F_RW_AD);

	root[R_GIGA_OUT] = pte_leaf(UL(0xc0000000), F_RWX_AD);
	root[R_GIGA_DEV] = pte_leaf(0, F_RWX_AD);
	root[R_GIGA_4G] = pte_leaf(UL(0x100000000), F_RWX_AD);
	root[R_PTR_OUT] = PTE_V | (UL(0xc0000000) >> 12) << PTE_PPN_SHIFT;
	root[R_SELF] = pte_table(root);
	root[R_MIS] = pte_leaf(RAM_GIGA + SZ_2M, F_RWX_AD);
	root[R_SELF2] = pte_table(l1_self);
	for (unsigned i = 0; i < PT_ENTRIES; i++)
		l1_self[i] = pte_table(root);
}

/* Load, store and fetch at va: all three access faults. */
static void expect_access_faults(uint64_t va, const char *what)
{
	EXPECT_FAULT(VM_LOAD, va, CAUSE_LOAD_ACCESS, what);
	EXPECT_FAULT(VM_STORE, va + 8, CAUSE_STORE_ACCESS, what);
	EXPECT_FAULT(VM_FETCH, va + 4, CAUSE_FETCH_ACCESS, what);
}

static void expect_page_faults(uint64_t va, const char *what)
{
	EXPECT_FAULT(VM_LOAD, va, CAUSE_LOAD_PAGE_FAULT, what);
	EXPECT_FAULT(VM_STORE, va + 8, CAUSE_STORE_PAGE_FAULT, what);
	EXPECT_FAULT(VM_FETCH, va + 4, CAUSE_FETCH_PAGE_FAULT, what);
}

static void test_leaves_outside(void)
{
	for (unsigned i = 0; i < N_OUTSIDE; i++) {
		expect_access_faults(VA_HI4K(i), outside[i].what);
		/* And the last doubleword of the page. */
		EXPECT_FAULT(VM_LOAD, VA_HI4K(i) + 0xff8, CAUSE_LOAD_ACCESS, outside[i].what);
	}
	/* The test finisher's "pass, power off" command through a PTE: must
	 * fault, not end the run. */
	for (unsigned i = 0; i < N_OUTSIDE; i++) {
		if (outside[i].pa != UL(0x00100000))
			continue;
		uint64_t v = 0x5555;
		struct rt_trap t;
		CHECK(vm_try(VM_STORE, VA_HI4K(i), &v, &t));
		CHECK_EQ(t.scause, CAUSE_STORE_ACCESS);
		CHECK_EQ(t.stval, VA_HI4K(i));
	}

	/* Superpages outside. */
	expect_access_faults(VA_HI2M(L1_MEGA_OUT) + 0x1000, "2 MiB leaf at 0xc0000000");
	expect_access_faults(VA_HI2M(L1_MEGA_DEV), "2 MiB leaf at the UART");
	expect_access_faults(slot_va(R_GIGA_OUT) + 0x3000, "1 GiB leaf at 0xc0000000");
	expect_access_faults(slot_va(R_GIGA_DEV) + 0x10000000, "1 GiB leaf over the UART");
	expect_access_faults(slot_va(R_GIGA_DEV) + 0x0c000000, "1 GiB leaf over the PLIC");
	expect_access_faults(slot_va(R_GIGA_DEV) + 0x02000000, "1 GiB leaf over the CLINT");
	expect_access_faults(slot_va(R_GIGA_DEV) + 0x00100000, "1 GiB leaf over the finisher");
	expect_access_faults(slot_va(R_GIGA_4G) + 0x123000, "1 GiB leaf at 4 GiB");
	/* The identity gigapage reaches past guest RAM: there it faults. */
	expect_access_faults(GUEST_RAM_END, "identity past guest RAM");
	expect_access_faults(UL(0x90000000), "identity 0x90000000");
	expect_access_faults(UL(0xbffff000), "identity last page");

	/* The guest's own RAM where the host has firmware and hypervisor:
	 * ordinary guest memory. */
	volatile uint64_t *base = (volatile uint64_t *)RAM_GIGA;
	EXPECT_STORE(VA_HI4K(L0_STUB) + 0x100, MARK, "0x80000000 is guest RAM");
	CHECK_EQ(base[0x100 / 8], MARK);
	EXPECT_LOAD(VA_HI4K(L0_HV), *(volatile uint64_t *)(RAM_GIGA + SZ_2M),
		    "0x80200000 is the guest's own image");
	EXPECT_LOAD(VA_HI4K(L0_HV) + 0xff8, *(volatile uint64_t *)(RAM_GIGA + SZ_2M + 0xff8),
		    "0x80200000 alias, end of page");
	/* The last page and megapage of guest RAM work. */
	volatile uint64_t *last = (volatile uint64_t *)(GUEST_RAM_END - 8);
	*last = MARK;
	EXPECT_LOAD(VA_HI4K(L0_LAST_PAGE) + SZ_4K - 8, MARK, "last guest page");
	EXPECT_LOAD(VA_HI2M(L1_MEGA_LAST) + SZ_2M - 8, MARK, "last guest megapage");
}

static void test_tables_outside(void)
{
	/* Next-level tables outside guest RAM: the walk's PTE read fails. */
	expect_access_faults(slot_va(R_PTR_OUT) + 0x5000, "root entry -> 0xc0000000");
	expect_access_faults(VA_HI2M(L1_PTR_OUT) + 0x5000, "l1 entry -> 0xc0000000");
	expect_access_faults(VA_HI2M(L1_PTR_GUESTEND), "l1 entry -> 0x90000000");
	expect_access_faults(VA_HI2M(L1_PTR_UART) + 0x18, "l1 entry -> UART");
	expect_access_faults(VA_HI2M(L1_PTR_ONES), "l1 entry -> PPN all ones");
}

static uint64_t va3(unsigned v2, unsigned v1, unsigned v0, uint64_t off)
{
	return slot_va(v2) + (uint64_t)v1 * SZ_2M + (uint64_t)v0 * SZ_4K + off;
}

static void test_self_reference(void)
{
	const uint64_t img = *(volatile uint64_t *)(RAM_GIGA + SZ_2M + 0x40);

	/* root[9] -> root: level 1 reads root[9] again (a pointer), level 0
	 * reads root[9] a third time: a pointer at level 0 = page fault. */
	expect_page_faults(va3(R_SELF, R_SELF, R_SELF, 0x10), "self-reference to level 0");
	/* Through the self-pointer to an empty root slot. */
	expect_page_faults(va3(R_SELF, 0, 0, 0), "self-reference, empty slot");
	expect_page_faults(va3(R_SELF, R_SELF, 0, 0), "self-reference twice, empty slot");
	/* root[10] is a misaligned 1 GiB leaf: page fault itself... */
	expect_page_faults(slot_va(R_MIS) + 0x40, "misaligned gigapage");
	/* ...but read as a level-1 PTE it is an aligned 2 MiB leaf at
	 * 0x80200000, and as a level-0 PTE a 4 KiB leaf there. */
	EXPECT_LOAD(va3(R_SELF, R_MIS, 0, 0x40), img, "root entry as 2 MiB leaf");
	EXPECT_LOAD(va3(R_SELF, R_SELF, R_MIS, 0x40), img, "root entry as 4 KiB leaf");
	/* l1 pointing to itself: a pointer at level 0. */
	expect_page_faults(VA_HI2M(L1_PTR_SELF) + (uint64_t)L1_PTR_SELF * SZ_4K,
			   "l1 self-reference to level 0");
	/* l1 self-reference reaching l1[0] (a pointer) at level 0. */
	expect_page_faults(VA_HI2M(L1_PTR_SELF), "l1 self-reference, pointer at level 0");
	/* l1 self-reference reaching the 2 MiB leaf l1[8] at level 0: a 4 KiB
	 * leaf at the last 2 MiB of guest RAM. */
	volatile uint64_t *lastmega = (volatile uint64_t *)(GUEST_RAM_END - SZ_2M);
	lastmega[3] = MARK;
	EXPECT_LOAD(VA_HI2M(L1_PTR_SELF) + (uint64_t)L1_MEGA_LAST * SZ_4K + 24, MARK,
		    "l1 entry as 4 KiB leaf");
	/* A table all of whose entries point to the root: two levels of
	 * root reads, ending in root[x] at level 0. */
	expect_page_faults(va3(R_SELF2, 100, R_SELF, 0), "l1 -> root, pointer at level 0");
	expect_page_faults(va3(R_SELF2, 7, 200, 0), "l1 -> root, empty at level 0");
	EXPECT_LOAD(va3(R_SELF2, 300, R_MIS, 0x40), img, "l1 -> root, leaf at level 0");
}

static void test_storms(void)
{
	/* 100000 faults on never-mapped pages, loads, stores and fetches in
	 * turn, each with its scause and stval checked. */
	static const uint64_t cause[] = { CAUSE_LOAD_PAGE_FAULT, CAUSE_STORE_PAGE_FAULT,
					  CAUSE_FETCH_PAGE_FAULT };
	unsigned bad = 0;
	for (unsigned i = 0; i < 100000; i++) {
		enum vm_kind k = (enum vm_kind)(i % 3);
		uint64_t va = VA_HI4K(L0_FREE + i % (PT_ENTRIES - L0_FREE)) + (i % 512) * 8;
		uint64_t v = i;
		struct rt_trap t;
		if (!vm_try(k, va, &v, &t) || t.scause != cause[k] || t.stval != va) {
			if (bad++ < 5)
				rt_printf("vm_attack: storm %u: %s at 0x%lx: scause=%lu stval=0x%lx\n",
					  i, vm_kind_name[k], va, t.scause, t.stval);
		}
	}
	CHECK_EQ(bad, 0);
	rt_printf("vm_attack: 100000 faults taken\n");

	/* Map, use, unmap, fence, fault: 3000 times over 128 slots. */
	bad = 0;
	for (unsigned i = 0; i < 3000; i++) {
		unsigned s = L0_STORM + i % 128;
		uint64_t va = VA_HI4K(s);
		uint64_t v = i;
		struct rt_trap t;
		l0[s] = pte_leaf(pa_of(buf), F_RW_AD);
		if (i % 2)
			sfence_va(va);
		else
			sfence_all();
		if (vm_try(VM_STORE, va + (i % 512) * 8, &v, &t) || buf[i % 512] != i)
			bad++;
		l0[s] = 0;
		if (i % 3)
			sfence_va_asid(va, ASID1);
		else
			sfence_asid(ASID1);
		if (!vm_try(VM_LOAD, va, &v, &t) || t.scause != CAUSE_LOAD_PAGE_FAULT)
			bad++;
	}
	CHECK_EQ(bad, 0);

	/* Shadow fills in 240 gigapages x 63 megapages: far more shadow
	 * tables than the hypervisor's pool holds (it must recycle them). */
	for (unsigned s = R_STORM_FIRST; s < 256; s++)
		root[s] = pte_leaf(RAM_GIGA, F_RW_AD);
	sfence_all();
	bad = 0;
	unsigned fills = 0;
	for (unsigned s = R_STORM_FIRST; s < 256; s++) {
		for (unsigned m = 1; m < 64; m++) {
			uint64_t off = (uint64_t)m * SZ_2M + ((s * 8 + m) % 512) * 8;
			uint64_t want = *(volatile uint64_t *)(RAM_GIGA + off);
			uint64_t v = 0;
			struct rt_trap t;
			if (vm_try(VM_LOAD, slot_va(s) + off, &v, &t) || v != want)
				bad++;
			fills++;
		}
	}
	CHECK_EQ(bad, 0);
	rt_printf("vm_attack: %u fills across %u gigapages\n", fills, 256 - R_STORM_FIRST);
	for (unsigned s = R_STORM_FIRST; s < 256; s++)
		root[s] = 0;
	sfence_all();
}

static void test_still_running(void)
{
	/* Normal service after all that: a fresh mapping, SBI, traps. */
	l0[L0_STORM] = pte_leaf(pa_of(buf), F_RW_AD);
	sfence_va(VA_HI4K(L0_STORM));
	EXPECT_STORE(VA_HI4K(L0_STORM) + 8, MARK, "fresh mapping after the storms");
	CHECK_EQ(buf[1], MARK);
	EXPECT_LOAD(VA_HI4K(L0_STORM) + 8, MARK, "fresh mapping reads");
	EXPECT_FAULT(VM_LOAD, VA_HI4K(L0_FREE), CAUSE_LOAD_PAGE_FAULT, "still faults");
	CHECK(vm_on_hv());
}

int main(void)
{
	build_tables();
	sfence_all();
	const uint64_t satp = satp_sv39(root, ASID1);
	csr_write(CSR_SATP, satp);
	sfence_all();
	CHECK_EQ(csr_read(CSR_SATP), satp);

	test_leaves_outside();
	test_tables_outside();
	test_self_reference();
	test_storms();
	test_still_running();

	csr_write(CSR_SATP, 0);
	return 0;
}
