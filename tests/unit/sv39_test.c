/*
 * Host tests of src/core/sv39.c: the Sv39 walker over a host buffer that
 * plays guest RAM, one behaviour per test, a randomised comparison with a
 * straightforward reference walker, and the shadow-leaf rules.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "encoding.h"
#include "core/gmem.h"
#include "core/sv39.h"

/* Guest RAM: 4 MiB at 0x80000000, page tables allocated from its start. */
#define RAM_BASE UL(0x80000000)
#define RAM_SIZE (UL(4) << 20)
#define RAM_PAGES (RAM_SIZE / PAGE_SIZE)
#define SATP_SV39 (SATP_MODE_SV39 << SATP_MODE_SHIFT)
#define LEAF_RWX (PTE_V | PTE_R | PTE_W | PTE_X)

static uint64_t ram[RAM_SIZE / 8];
static const struct gmem gm = { RAM_BASE, RAM_SIZE };
static unsigned next_page;
static unsigned reads, writes;
static bool cas_interfere; /* the next CAS finds the PTE changed */
static uint64_t last_write_gpa, last_write_value;

/* The accessors the shell provides, over the host buffer. */
uint64_t gmem_read_pte(const struct gmem *m, uint64_t gpa)
{
	assert_true(gpa % 8 == 0 && gpa >= m->base && gpa + 8 <= m->base + m->size);
	reads++;
	return ram[(gpa - m->base) / 8];
}

bool gmem_cas_pte(const struct gmem *m, uint64_t gpa, uint64_t expected, uint64_t desired)
{
	uint64_t *p;

	assert_true(gpa % 8 == 0 && gpa >= m->base && gpa + 8 <= m->base + m->size);
	p = &ram[(gpa - m->base) / 8];
	if (cas_interfere) {
		cas_interfere = false;
		*p ^= PTE_G; /* another hart got there first */
	}
	if (*p != expected)
		return false;
	*p = desired;
	writes++;
	last_write_gpa = gpa;
	last_write_value = desired;
	return true;
}

static int reset(void **state)
{
	(void)state;
	memset(ram, 0, sizeof(ram));
	next_page = 0;
	reads = writes = 0;
	cas_interfere = false;
	return 0;
}

static uint64_t alloc_table(void)
{
	assert_true(next_page < RAM_PAGES);
	return RAM_BASE + (uint64_t)next_page++ * PAGE_SIZE;
}

static uint64_t *pte_at(uint64_t gpa)
{
	return &ram[(gpa - RAM_BASE) / 8];
}

static uint64_t pte_of(uint64_t pa, uint64_t flags)
{
	return (pa >> PAGE_SHIFT) << PTE_PPN_SHIFT | flags;
}

static unsigned vpn(uint64_t va, unsigned level)
{
	return (unsigned)((va >> (PAGE_SHIFT + SV39_VPN_BITS * level)) & (SV39_PTES_PER_TABLE - 1));
}

/*
 * Build root -> ... -> leaf for va at level, return satp. The leaf maps
 * pa with flags; pointer PTEs are plain V.
 */
static uint64_t root_gpa;
static uint64_t map_at(uint64_t va, unsigned level, uint64_t pa, uint64_t flags)
{
	uint64_t table = root_gpa;
	unsigned l;

	for (l = SV39_LEVELS - 1; l > level; l--) {
		uint64_t *p = pte_at(table + vpn(va, l) * 8);

		if (!(*p & PTE_V))
			*p = pte_of(alloc_table(), PTE_V);
		table = ((*p >> PTE_PPN_SHIFT) & PTE_PPN_MASK) << PAGE_SHIFT;
	}
	*pte_at(table + vpn(va, level) * 8) = pte_of(pa, flags);
	return table + vpn(va, level) * 8;
}

static uint64_t new_root(void)
{
	root_gpa = alloc_table();
	return SATP_SV39 | (root_gpa >> PAGE_SHIFT);
}

static struct sv39_result walk(uint64_t satp, uint64_t va, enum sv39_access acc,
			       uint64_t priv, uint64_t sstatus)
{
	return sv39_translate(&gm, satp, va, acc, priv, sstatus);
}

/* ---- mappings ---- */

static void test_bare_is_identity_and_reads_nothing(void **state)
{
	struct sv39_result r = walk(0, 0x1234567890UL, SV39_STORE, PRV_S, 0);

	(void)state;
	assert_int_equal(r.status, SV39_OK);
	assert_int_equal(r.gpa, 0x1234567890UL);
	assert_int_equal(reads + writes, 0);
}

static void test_4k_mapping_translates(void **state)
{
	uint64_t satp = new_root();
	uint64_t data = alloc_table();
	uint64_t at = map_at(0x40201000UL, 0, data, LEAF_RWX | PTE_A | PTE_D);
	struct sv39_result r = walk(satp, 0x40201abcUL, SV39_LOAD, PRV_S, 0);

	(void)state;
	assert_int_equal(r.status, SV39_OK);
	assert_int_equal(r.gpa, data + 0xabc);
	assert_int_equal(r.level, 0);
	assert_int_equal(r.pte_gpa, at);
	assert_int_equal(r.pte, *pte_at(at));
	assert_int_equal(reads, 3);
	assert_int_equal(writes, 0);
}

static void test_2m_mapping_translates(void **state)
{
	uint64_t satp = new_root();
	struct sv39_result r;

	(void)state;
	map_at(0x40200000UL, 1, 0x80200000UL, LEAF_RWX | PTE_A | PTE_D);
	r = walk(satp, 0x403fedcbUL, SV39_STORE, PRV_S, 0);
	assert_int_equal(r.status, SV39_OK);
	assert_int_equal(r.gpa, 0x803fedcbUL);
	assert_int_equal(r.level, 1);
	assert_int_equal(reads, 2);
}

static void test_1g_mapping_translates(void **state)
{
	uint64_t satp = new_root();
	struct sv39_result r;

	(void)state;
	map_at(0xffffffffc0000000UL, 2, 0x80000000UL, LEAF_RWX | PTE_A | PTE_D);
	r = walk(satp, 0xffffffffc1234567UL, SV39_FETCH, PRV_S, 0);
	assert_int_equal(r.status, SV39_OK);
	assert_int_equal(r.gpa, 0x81234567UL);
	assert_int_equal(r.level, 2);
	assert_int_equal(reads, 1);
}

/* ---- faults from the PTE encoding ---- */

static enum sv39_status walk_4k_with(uint64_t flags, enum sv39_access acc, uint64_t priv,
				     uint64_t sstatus)
{
	uint64_t satp = new_root();

	map_at(0x1000, 0, RAM_BASE, flags);
	return walk(satp, 0x1234, acc, priv, sstatus).status;
}

static void test_invalid_pte_faults(void **state)
{
	(void)state;
	assert_int_equal(walk_4k_with(LEAF_RWX & ~PTE_V, SV39_LOAD, PRV_S, 0), SV39_PAGE_FAULT);
}

static void test_w_without_r_faults(void **state)
{
	(void)state;
	assert_int_equal(walk_4k_with(PTE_V | PTE_W, SV39_STORE, PRV_S, 0), SV39_PAGE_FAULT);
	assert_int_equal(walk_4k_with(PTE_V | PTE_W | PTE_X, SV39_FETCH, PRV_S, 0),
			 SV39_PAGE_FAULT);
}

static void test_reserved_bits_fault(void **state)
{
	unsigned bit;

	(void)state;
	for (bit = 54; bit <= 60; bit++) {
		reset(NULL);
		assert_int_equal(walk_4k_with(LEAF_RWX | BIT(bit), SV39_LOAD, PRV_S, 0),
				 SV39_PAGE_FAULT);
	}
}

static void test_pbmt_and_n_bits_fault(void **state)
{
	(void)state;
	assert_int_equal(walk_4k_with(LEAF_RWX | BIT(61), SV39_LOAD, PRV_S, 0), SV39_PAGE_FAULT);
	reset(NULL);
	assert_int_equal(walk_4k_with(LEAF_RWX | BIT(62), SV39_LOAD, PRV_S, 0), SV39_PAGE_FAULT);
	reset(NULL);
	assert_int_equal(walk_4k_with(LEAF_RWX | PTE_N, SV39_LOAD, PRV_S, 0), SV39_PAGE_FAULT);
}

static void test_reserved_bits_in_pointer_fault(void **state)
{
	uint64_t satp = new_root();

	(void)state;
	map_at(0x1000, 0, RAM_BASE, LEAF_RWX);
	*pte_at(root_gpa) |= PTE_PBMT;
	assert_int_equal(walk(satp, 0x1000, SV39_LOAD, PRV_S, 0).status, SV39_PAGE_FAULT);
}

static void test_pointer_with_a_d_or_u_faults(void **state)
{
	const uint64_t bits[] = { PTE_A, PTE_D, PTE_U };
	unsigned i;

	(void)state;
	for (i = 0; i < 3; i++) {
		uint64_t satp;

		reset(NULL);
		satp = new_root();
		map_at(0x1000, 0, RAM_BASE, LEAF_RWX | PTE_A);
		*pte_at(root_gpa) |= bits[i];
		assert_int_equal(walk(satp, 0x1000, SV39_LOAD, PRV_S, 0).status, SV39_PAGE_FAULT);
	}
}

static void test_pointer_at_level_0_faults(void **state)
{
	(void)state;
	assert_int_equal(walk_4k_with(PTE_V, SV39_LOAD, PRV_S, 0), SV39_PAGE_FAULT);
}

static void test_misaligned_superpages_fault(void **state)
{
	uint64_t satp = new_root();

	(void)state;
	map_at(0x40200000UL, 1, 0x80201000UL, LEAF_RWX | PTE_A);
	assert_int_equal(walk(satp, 0x40200000UL, SV39_LOAD, PRV_S, 0).status, SV39_PAGE_FAULT);
	reset(NULL);
	satp = new_root();
	map_at(0xc0000000UL, 2, 0x80200000UL, LEAF_RWX | PTE_A);
	assert_int_equal(walk(satp, 0xc0000000UL, SV39_LOAD, PRV_S, 0).status, SV39_PAGE_FAULT);
}

static void test_non_canonical_va_faults(void **state)
{
	uint64_t satp = new_root();

	(void)state;
	map_at(0x1000, 0, RAM_BASE, LEAF_RWX | PTE_A);
	assert_int_equal(walk(satp, BIT(39) | 0x1000, SV39_LOAD, PRV_S, 0).status,
			 SV39_PAGE_FAULT);
	assert_int_equal(walk(satp, BIT(63) | 0x1000, SV39_LOAD, PRV_S, 0).status,
			 SV39_PAGE_FAULT);
	assert_int_equal(reads, 0);
	assert_int_equal(walk(satp, 0x1000, SV39_LOAD, PRV_S, 0).status, SV39_OK);
}

static void test_pte_outside_ram_is_access_fault(void **state)
{
	uint64_t satp;

	(void)state;
	/* Root outside RAM. */
	assert_int_equal(walk(SATP_SV39 | (UL(0x10000000) >> PAGE_SHIFT), 0, SV39_LOAD, PRV_S, 0)
				 .status,
			 SV39_ACCESS_FAULT);
	/* A pointer leading outside RAM, and one to the last page's end. */
	satp = new_root();
	*pte_at(root_gpa) = pte_of(RAM_BASE + RAM_SIZE, PTE_V);
	assert_int_equal(walk(satp, 0, SV39_LOAD, PRV_S, 0).status, SV39_ACCESS_FAULT);
	*pte_at(root_gpa) = pte_of(RAM_BASE + RAM_SIZE - PAGE_SIZE, PTE_V);
	assert_int_equal(walk(satp, (UL(511) << 21), SV39_LOAD, PRV_S, 0).status,
			 SV39_PAGE_FAULT); /* reads the RAM's last PTE: 0 */
	/* A leaf may point anywhere: that is the shell's business. */
	reset(NULL);
	satp = new_root();
	map_at(0x1000, 0, 0x10000000UL, LEAF_RWX | PTE_A | PTE_D);
	assert_int_equal(walk(satp, 0x1000, SV39_STORE, PRV_S, 0).status, SV39_OK);
}

/* ---- permissions ---- */

static void test_fetch_needs_x(void **state)
{
	(void)state;
	assert_int_equal(walk_4k_with(PTE_V | PTE_R | PTE_W | PTE_A, SV39_FETCH, PRV_S, 0),
			 SV39_PAGE_FAULT);
	reset(NULL);
	assert_int_equal(walk_4k_with(PTE_V | PTE_X | PTE_A, SV39_FETCH, PRV_S, 0), SV39_OK);
}

static void test_store_needs_w(void **state)
{
	(void)state;
	assert_int_equal(walk_4k_with(PTE_V | PTE_R | PTE_X | PTE_A | PTE_D, SV39_STORE, PRV_S, 0),
			 SV39_PAGE_FAULT);
}

static void test_load_needs_r(void **state)
{
	(void)state;
	assert_int_equal(walk_4k_with(PTE_V | PTE_X | PTE_A, SV39_LOAD, PRV_S, 0),
			 SV39_PAGE_FAULT);
}

static void test_mxr_lets_load_read_x_page(void **state)
{
	(void)state;
	assert_int_equal(walk_4k_with(PTE_V | PTE_X | PTE_A, SV39_LOAD, PRV_S, SSTATUS_MXR),
			 SV39_OK);
	reset(NULL);
	assert_int_equal(walk_4k_with(PTE_V | PTE_X | PTE_A, SV39_STORE, PRV_S, SSTATUS_MXR),
			 SV39_PAGE_FAULT);
}

static void test_vu_needs_u_page(void **state)
{
	(void)state;
	assert_int_equal(walk_4k_with(LEAF_RWX | PTE_A, SV39_LOAD, PRV_U, 0), SV39_PAGE_FAULT);
	reset(NULL);
	assert_int_equal(walk_4k_with(LEAF_RWX | PTE_U | PTE_A, SV39_LOAD, PRV_U, 0), SV39_OK);
	reset(NULL);
	assert_int_equal(walk_4k_with(LEAF_RWX | PTE_U | PTE_A, SV39_FETCH, PRV_U, SSTATUS_SUM),
			 SV39_OK);
}

static void test_vs_u_page_needs_sum(void **state)
{
	(void)state;
	assert_int_equal(walk_4k_with(LEAF_RWX | PTE_U | PTE_A, SV39_LOAD, PRV_S, 0),
			 SV39_PAGE_FAULT);
	reset(NULL);
	assert_int_equal(walk_4k_with(LEAF_RWX | PTE_U | PTE_A, SV39_LOAD, PRV_S, SSTATUS_SUM),
			 SV39_OK);
	reset(NULL);
	assert_int_equal(
		walk_4k_with(LEAF_RWX | PTE_U | PTE_A | PTE_D, SV39_STORE, PRV_S, SSTATUS_SUM),
		SV39_OK);
}

static void test_vs_never_fetches_u_page(void **state)
{
	(void)state;
	assert_int_equal(walk_4k_with(LEAF_RWX | PTE_U | PTE_A, SV39_FETCH, PRV_S, SSTATUS_SUM),
			 SV39_PAGE_FAULT);
}

/* ---- A and D ---- */

static void test_load_sets_a_only(void **state)
{
	uint64_t satp = new_root();
	uint64_t at = map_at(0x1000, 0, RAM_BASE, LEAF_RWX);
	struct sv39_result r = walk(satp, 0x1000, SV39_LOAD, PRV_S, 0);

	(void)state;
	assert_int_equal(r.status, SV39_OK);
	assert_int_equal(*pte_at(at), pte_of(RAM_BASE, LEAF_RWX | PTE_A));
	assert_int_equal(r.pte, *pte_at(at));
	assert_int_equal(writes, 1);
}

static void test_store_sets_a_and_d(void **state)
{
	uint64_t satp = new_root();
	uint64_t at = map_at(0x1000, 0, RAM_BASE, LEAF_RWX | PTE_A);
	struct sv39_result r = walk(satp, 0x1000, SV39_STORE, PRV_S, 0);

	(void)state;
	assert_int_equal(r.status, SV39_OK);
	assert_int_equal(*pte_at(at), pte_of(RAM_BASE, LEAF_RWX | PTE_A | PTE_D));
	assert_int_equal(r.pte, *pte_at(at));
	assert_int_equal(last_write_gpa, at);
	assert_int_equal(writes, 1);
}

static void test_a_d_already_set_writes_nothing(void **state)
{
	(void)state;
	assert_int_equal(walk_4k_with(LEAF_RWX | PTE_A | PTE_D, SV39_STORE, PRV_S, 0), SV39_OK);
	assert_int_equal(writes, 0);
}

static void test_denied_access_writes_nothing(void **state)
{
	uint64_t satp = new_root();
	uint64_t at = map_at(0x1000, 0, RAM_BASE, PTE_V | PTE_R);

	(void)state;
	assert_int_equal(walk(satp, 0x1000, SV39_STORE, PRV_S, 0).status, SV39_PAGE_FAULT);
	assert_int_equal(walk(satp, 0x1000, SV39_LOAD, PRV_U, 0).status, SV39_PAGE_FAULT);
	assert_int_equal(writes, 0);
	assert_int_equal(*pte_at(at), pte_of(RAM_BASE, PTE_V | PTE_R));
}

static void test_cas_failure_is_retry(void **state)
{
	uint64_t satp = new_root();
	uint64_t at = map_at(0x1000, 0, RAM_BASE, LEAF_RWX);

	(void)state;
	cas_interfere = true;
	assert_int_equal(walk(satp, 0x1000, SV39_LOAD, PRV_S, 0).status, SV39_RETRY);
	assert_int_equal(writes, 0);
	assert_int_equal(*pte_at(at), pte_of(RAM_BASE, LEAF_RWX | PTE_G));
}

/* ---- shadow leaves ---- */

static const struct host_map hmap = { RAM_BASE, RAM_SIZE, UL(0x90000000) };

static struct sv39_result ok_result(uint64_t gpa, uint64_t pte)
{
	struct sv39_result r = { SV39_OK, gpa, pte, 0, 0 };

	return r;
}

static void test_shadow_points_into_host_ram(void **state)
{
	struct sv39_result r = ok_result(RAM_BASE + 0x12345, LEAF_RWX | PTE_A | PTE_D);
	uint64_t s = sv39_shadow_leaf(&r, SHADOW_VS, &hmap);

	(void)state;
	assert_int_equal(s >> PTE_PPN_SHIFT, (UL(0x90000000) + 0x12000) >> PAGE_SHIFT);
	assert_int_equal(s & 0x3ff, LEAF_RWX | PTE_U | PTE_A | PTE_D);
}

static void test_shadow_w_waits_for_d(void **state)
{
	struct sv39_result r = ok_result(RAM_BASE, LEAF_RWX | PTE_A);

	(void)state;
	assert_int_equal(sv39_shadow_leaf(&r, SHADOW_VS, &hmap) & 0x3ff,
			 PTE_V | PTE_R | PTE_X | PTE_U | PTE_A);
}

static void test_shadow_vs_gets_nothing_of_u_page(void **state)
{
	struct sv39_result r = ok_result(RAM_BASE, LEAF_RWX | PTE_U | PTE_A | PTE_D);

	(void)state;
	assert_int_equal(sv39_shadow_leaf(&r, SHADOW_VS, &hmap), 0);
}

static void test_shadow_vs_sum_never_executes_u_page(void **state)
{
	struct sv39_result r = ok_result(RAM_BASE, LEAF_RWX | PTE_U | PTE_A | PTE_D);

	(void)state;
	assert_int_equal(sv39_shadow_leaf(&r, SHADOW_VS_SUM, &hmap) & 0x3ff,
			 PTE_V | PTE_R | PTE_W | PTE_U | PTE_A | PTE_D);
	r.pte = PTE_V | PTE_X | PTE_U | PTE_A; /* nothing left: no leaf */
	assert_int_equal(sv39_shadow_leaf(&r, SHADOW_VS_SUM, &hmap), 0);
}

static void test_shadow_vu_only_u_pages(void **state)
{
	struct sv39_result r = ok_result(RAM_BASE, LEAF_RWX | PTE_A | PTE_D);

	(void)state;
	assert_int_equal(sv39_shadow_leaf(&r, SHADOW_VU, &hmap), 0);
	r.pte |= PTE_U;
	assert_int_equal(sv39_shadow_leaf(&r, SHADOW_VU, &hmap) & 0x3ff,
			 LEAF_RWX | PTE_U | PTE_A | PTE_D);
}

static void test_shadow_outside_ram_or_fault_is_zero(void **state)
{
	struct sv39_result r = ok_result(RAM_BASE + RAM_SIZE, LEAF_RWX | PTE_A | PTE_D);

	(void)state;
	assert_int_equal(sv39_shadow_leaf(&r, SHADOW_VS, &hmap), 0);
	r.gpa = RAM_BASE - 1;
	assert_int_equal(sv39_shadow_leaf(&r, SHADOW_VS, &hmap), 0);
	r.gpa = RAM_BASE;
	r.status = SV39_PAGE_FAULT;
	assert_int_equal(sv39_shadow_leaf(&r, SHADOW_VS, &hmap), 0);
}

static void test_shadow_of_bare_walk(void **state)
{
	struct sv39_result r = walk(0, RAM_BASE + 0x5000, SV39_LOAD, PRV_S, 0);

	(void)state;
	assert_int_equal(sv39_shadow_leaf(&r, SHADOW_VS, &hmap),
			 pte_of(UL(0x90005000), LEAF_RWX | PTE_U | PTE_A | PTE_D));
	r = walk(0, RAM_BASE + 0x5000, SV39_LOAD, PRV_U, 0);
	assert_int_equal(sv39_shadow_leaf(&r, SHADOW_VU, &hmap),
			 pte_of(UL(0x90005000), LEAF_RWX | PTE_U | PTE_A | PTE_D));
}

/* A guest megapage: one 2 MiB shadow leaf for its whole block, with the
 * flags of its 4 KiB shadow leaves. */
static void test_megaleaf_maps_the_whole_block(void **state)
{
	static const enum shadow_ctx ctxs[] = { SHADOW_VS, SHADOW_VS_SUM, SHADOW_VU };
	static const uint64_t ptes[] = { LEAF_RWX | PTE_A | PTE_D, LEAF_RWX | PTE_A,
					 PTE_V | PTE_R | PTE_A, PTE_V | PTE_X | PTE_A,
					 LEAF_RWX | PTE_U | PTE_A | PTE_D, PTE_V | PTE_R | PTE_U | PTE_A };

	(void)state;
	for (size_t c = 0; c < 3; c++)
		for (size_t i = 0; i < sizeof(ptes) / sizeof(ptes[0]); i++) {
			struct sv39_result r = ok_result(RAM_BASE + MEGAPAGE_SIZE + 0x12345, ptes[i]);
			r.level = 1;
			uint64_t small = sv39_shadow_leaf(&r, ctxs[c], &hmap);
			uint64_t mega = sv39_shadow_megaleaf(&r, ctxs[c], &hmap);
			assert_int_equal(mega & 0x3ff, small & 0x3ff);
			if (small)
				assert_int_equal(mega >> PTE_PPN_SHIFT,
						 (UL(0x90000000) + MEGAPAGE_SIZE) >> PAGE_SHIFT);
			else
				assert_int_equal(mega, 0);
			r.level = 2;
			assert_int_equal(sv39_shadow_megaleaf(&r, ctxs[c], &hmap), mega);
		}
}

static void test_megaleaf_only_for_superpages_in_whole_blocks(void **state)
{
	struct sv39_result r = ok_result(RAM_BASE + 0x5000, LEAF_RWX | PTE_A | PTE_D);

	(void)state;
	assert_int_equal(sv39_shadow_megaleaf(&r, SHADOW_VS, &hmap), 0);
	r.level = 1;
	assert_int_not_equal(sv39_shadow_megaleaf(&r, SHADOW_VS, &hmap), 0);
	struct host_map odd_host = { RAM_BASE, RAM_SIZE, UL(0x90001000) };
	struct host_map odd_size = { RAM_BASE, RAM_SIZE - PAGE_SIZE, UL(0x90000000) };
	struct host_map odd_base = { RAM_BASE + PAGE_SIZE, RAM_SIZE, UL(0x90000000) };
	assert_int_equal(sv39_shadow_megaleaf(&r, SHADOW_VS, &odd_host), 0);
	assert_int_equal(sv39_shadow_megaleaf(&r, SHADOW_VS, &odd_size), 0);
	r.gpa = RAM_BASE + PAGE_SIZE + 0x5000;
	assert_int_equal(sv39_shadow_megaleaf(&r, SHADOW_VS, &odd_base), 0);
	r.gpa = RAM_BASE + RAM_SIZE;
	assert_int_equal(sv39_shadow_megaleaf(&r, SHADOW_VS, &hmap), 0);
	r.gpa = RAM_BASE + 0x5000;
	r.status = SV39_PAGE_FAULT;
	assert_int_equal(sv39_shadow_megaleaf(&r, SHADOW_VS, &hmap), 0);
}

/* ---- randomised comparison with a reference walker ---- */

static uint64_t rng_state = 0x9e3779b97f4a7c15UL;

static uint64_t rnd(void)
{
	/* xorshift64*: fixed seed, same sequence on every run. */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dUL;
}

static bool chance(unsigned percent)
{
	return rnd() % 100 < percent;
}

struct ref_result {
	enum sv39_status status;
	uint64_t gpa;
	bool writes;
	uint64_t write_gpa, write_value;
};

/* The spec's algorithm (privileged 1.12, 4.3.2), written out plainly. */
static struct ref_result ref_walk(uint64_t satp, uint64_t va, enum sv39_access acc,
				  uint64_t priv, uint64_t sstatus)
{
	struct ref_result res = { SV39_PAGE_FAULT, 0, false, 0, 0 };
	uint64_t a = (satp & SATP_PPN) * PAGE_SIZE;
	int i;

	if ((satp >> SATP_MODE_SHIFT) == SATP_MODE_BARE) {
		res.status = SV39_OK;
		res.gpa = va;
		return res;
	}
	if ((uint64_t)((int64_t)(va << 25) >> 25) != va)
		return res;
	for (i = SV39_LEVELS - 1; i >= 0; i--) {
		uint64_t pte_gpa = a + vpn(va, (unsigned)i) * 8;
		uint64_t pte, ppn, newpte;
		bool r, w, x, u, ok;

		if (pte_gpa < RAM_BASE || pte_gpa + 8 > RAM_BASE + RAM_SIZE) {
			res.status = SV39_ACCESS_FAULT;
			return res;
		}
		pte = ram[(pte_gpa - RAM_BASE) / 8];
		r = pte & PTE_R;
		w = pte & PTE_W;
		x = pte & PTE_X;
		u = pte & PTE_U;
		ppn = (pte >> 10) & ((UL(1) << 44) - 1);
		if (!(pte & PTE_V) || (w && !r) || (pte >> 54) != 0)
			return res;
		if (!r && !x) {
			if (i == 0 || (pte & (PTE_A | PTE_D | PTE_U)))
				return res;
			a = ppn * PAGE_SIZE;
			continue;
		}
		switch (acc) {
		case SV39_FETCH:
			ok = x;
			break;
		case SV39_LOAD:
			ok = r || (x && (sstatus & SSTATUS_MXR));
			break;
		default:
			ok = w;
			break;
		}
		if (priv == PRV_U && !u)
			ok = false;
		if (priv == PRV_S && u && (acc == SV39_FETCH || !(sstatus & SSTATUS_SUM)))
			ok = false;
		if (i > 0 && (ppn & ((UL(1) << (9 * i)) - 1)) != 0)
			ok = false;
		if (!ok)
			return res;
		newpte = pte | PTE_A | (acc == SV39_STORE ? PTE_D : 0);
		if (newpte != pte) {
			res.writes = true;
			res.write_gpa = pte_gpa;
			res.write_value = newpte;
		}
		/* pa.ppn[i-1:0] = va.vpn[i-1:0], pa.ppn[2:i] = pte.ppn[2:i]. */
		ppn = (ppn >> (9 * i) << (9 * i)) | ((va >> 12) & ((UL(1) << (9 * i)) - 1));
		res.gpa = ppn << PAGE_SHIFT | (va & (PAGE_SIZE - 1));
		res.status = SV39_OK;
		return res;
	}
	return res; /* not reached */
}

/* A random PTE: mostly valid, pointing mostly into RAM, some superpage-
 * aligned, random permission and A/D bits, a few reserved bits. */
static uint64_t random_pte(void)
{
	uint64_t ppn, flags = rnd() & 0xff;

	if (chance(90))
		flags |= PTE_V;
	if (chance(35))
		flags &= ~(PTE_R | PTE_W | PTE_X); /* a pointer */
	if (chance(50))
		flags &= ~(PTE_A | PTE_D | PTE_U);
	if (chance(85))
		ppn = (RAM_BASE >> PAGE_SHIFT) + rnd() % RAM_PAGES;
	else
		ppn = rnd() & ((UL(1) << 44) - 1);
	if (chance(15))
		ppn &= ~((UL(1) << 9) - 1);
	if (chance(5))
		ppn &= ~((UL(1) << 18) - 1);
	if (chance(3))
		flags |= rnd() & (UL(0x3ff) << 54);
	return ppn << PTE_PPN_SHIFT | flags | (rnd() & PTE_RSW);
}

static void test_random_walks_match_reference(void **state)
{
	const unsigned walks = 100000;
	unsigned n, ok = 0, faults = 0, writes_seen = 0;
	size_t i;

	(void)state;
	for (i = 0; i < RAM_SIZE / 8; i++)
		ram[i] = random_pte();
	for (n = 0; n < walks; n++) {
		uint64_t satp, va, priv, sstatus;
		enum sv39_access acc = (enum sv39_access)(rnd() % 3);
		struct ref_result want;
		struct sv39_result got;
		unsigned w0;

		if (n % 1000 == 0) /* refresh a slice, so A/D updates don't pile up */
			for (i = 0; i < RAM_SIZE / 8 / 16; i++)
				ram[rnd() % (RAM_SIZE / 8)] = random_pte();
		satp = chance(3) ? rnd() & ~SATP_MODE : SATP_SV39 | (rnd() & SATP_ASID);
		satp |= chance(95) ? (RAM_BASE >> PAGE_SHIFT) + rnd() % RAM_PAGES : rnd() & SATP_PPN;
		va = rnd();
		if (chance(95))
			va = (uint64_t)((int64_t)(va << 25) >> 25);
		priv = chance(50) ? PRV_S : PRV_U;
		sstatus = rnd() & (SSTATUS_SUM | SSTATUS_MXR);

		want = ref_walk(satp, va, acc, priv, sstatus);
		w0 = writes;
		got = sv39_translate(&gm, satp, va, acc, priv, sstatus);
		assert_int_equal(got.status, want.status);
		if (want.status != SV39_OK)
			assert_int_equal(writes, w0);
		if (want.status == SV39_OK) {
			ok++;
			assert_int_equal(got.gpa, want.gpa);
			assert_int_equal(writes - w0, want.writes ? 1 : 0);
			if (want.writes) {
				writes_seen++;
				assert_int_equal(last_write_gpa, want.write_gpa);
				assert_int_equal(last_write_value, want.write_value);
			}
			if ((satp & SATP_MODE) != 0)
				assert_int_equal(got.pte, ram[(got.pte_gpa - RAM_BASE) / 8]);
		} else {
			faults++;
		}
	}
	/* The tables must exercise both outcomes, and the A/D path. */
	assert_true(ok > walks / 50);
	assert_true(faults > walks / 50);
	assert_true(writes_seen > walks / 500);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_bare_is_identity_and_reads_nothing, reset),
		cmocka_unit_test_setup(test_4k_mapping_translates, reset),
		cmocka_unit_test_setup(test_2m_mapping_translates, reset),
		cmocka_unit_test_setup(test_1g_mapping_translates, reset),
		cmocka_unit_test_setup(test_invalid_pte_faults, reset),
		cmocka_unit_test_setup(test_w_without_r_faults, reset),
		cmocka_unit_test_setup(test_reserved_bits_fault, reset),
		cmocka_unit_test_setup(test_pbmt_and_n_bits_fault, reset),
		cmocka_unit_test_setup(test_reserved_bits_in_pointer_fault, reset),
		cmocka_unit_test_setup(test_pointer_with_a_d_or_u_faults, reset),
		cmocka_unit_test_setup(test_pointer_at_level_0_faults, reset),
		cmocka_unit_test_setup(test_misaligned_superpages_fault, reset),
		cmocka_unit_test_setup(test_non_canonical_va_faults, reset),
		cmocka_unit_test_setup(test_pte_outside_ram_is_access_fault, reset),
		cmocka_unit_test_setup(test_fetch_needs_x, reset),
		cmocka_unit_test_setup(test_store_needs_w, reset),
		cmocka_unit_test_setup(test_load_needs_r, reset),
		cmocka_unit_test_setup(test_mxr_lets_load_read_x_page, reset),
		cmocka_unit_test_setup(test_vu_needs_u_page, reset),
		cmocka_unit_test_setup(test_vs_u_page_needs_sum, reset),
		cmocka_unit_test_setup(test_vs_never_fetches_u_page, reset),
		cmocka_unit_test_setup(test_load_sets_a_only, reset),
		cmocka_unit_test_setup(test_store_sets_a_and_d, reset),
		cmocka_unit_test_setup(test_a_d_already_set_writes_nothing, reset),
		cmocka_unit_test_setup(test_denied_access_writes_nothing, reset),
		cmocka_unit_test_setup(test_cas_failure_is_retry, reset),
		cmocka_unit_test_setup(test_shadow_points_into_host_ram, reset),
		cmocka_unit_test_setup(test_shadow_w_waits_for_d, reset),
		cmocka_unit_test_setup(test_shadow_vs_gets_nothing_of_u_page, reset),
		cmocka_unit_test_setup(test_shadow_vs_sum_never_executes_u_page, reset),
		cmocka_unit_test_setup(test_shadow_vu_only_u_pages, reset),
		cmocka_unit_test_setup(test_shadow_outside_ram_or_fault_is_zero, reset),
		cmocka_unit_test_setup(test_shadow_of_bare_walk, reset),
		cmocka_unit_test_setup(test_megaleaf_maps_the_whole_block, reset),
		cmocka_unit_test_setup(test_megaleaf_only_for_superpages_in_whole_blocks, reset),
		cmocka_unit_test_setup(test_random_walks_match_reference, reset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
