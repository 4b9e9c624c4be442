/*
 * libFuzzer target for the Sv39 walker and the shadow leaf (src/core/sv39.c),
 * built with ASan/UBSan. The input describes a guest RAM of 64 KiB at
 * 0x80000000 (sparse: a list of PTE writes over zeroed RAM), the walk's
 * satp, va, access, privilege and sstatus, and a host map. The fake gmem
 * accessors abort on any read or CAS outside guest RAM or misaligned (the
 * precondition the proof claims the walker respects), log what the walker
 * did, and the target checks it against a plain reference walker and the
 * properties below; any violation is an abort(), which libFuzzer reports.
 *
 * Input layout (little endian; missing bytes read as 0):
 *   0      flags: bit0 Sv39 (else Bare), bit1-2 access (mod 3), bit3 vU,
 *          bit4 SUM, bit5 MXR, bit6 relocate PPNs into/near RAM,
 *          bit7 another hart changes the leaf before our CAS
 *   1..8   satp (MODE forced to Bare or Sv39 as bit0 says; with bit6 the
 *          root PPN becomes RAM's first PPN + (PPN % 32): 16 pages in RAM,
 *          16 beyond it)
 *   9..16  va
 *   17     flags2: bit0 make va canonical, bit1-2 what the other hart
 *          does (flip G, clear V, set A|D, replace PTE by 0)
 *   18..25 host map hpa_base (made page-aligned, below 2^55)
 *   26..27 host map size in pages (0..65535)
 *   28     host map gpa_base = RAM base - (this byte - 128) pages
 *   29     the struct gmem the walker gets: 0 the whole buffer; 0xff
 *          4 bytes (no PTE fits); 0xfe 16 bytes at 2^64 - 16; else a
 *          window of the buffer, neither end 8- or page-aligned:
 *          base + (b % 16) * 0x808, end - (b / 16) * 0x404
 *   30..   records of 10 bytes: u16 word index (mod 8192), u64 value;
 *          with bit6, a value whose bit 9 (RSW) is clear gets PPN
 *          RAM's first PPN + (PPN % 32)
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "encoding.h"
#include "core/gmem.h"
#include "core/sv39.h"

#define RAM_BASE UL(0x80000000)
#define RAM_SIZE (UL(64) << 10)
#define RAM_WORDS (RAM_SIZE / 8)
#define RAM_PPN (RAM_BASE >> PAGE_SHIFT)
#define PPN_FIELD (PTE_PPN_MASK << PTE_PPN_SHIFT)
#define HEADER 30
#define MAX_READS 8
#define MAX_RECORDS 4096

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint64_t ram[RAM_WORDS];
static uint64_t beyond; /* a PTE in the gmem but not in the buffer (0xfe) */
static struct gmem gm;  /* the guest RAM the walker is told about */
/* The words an input wrote, so the next one starts from zeroed RAM
 * without clearing all of it. The walker has no way into ram[] but the
 * two accessors, so only the CAS can change it (checked there). */
static size_t touched[MAX_RECORDS + 1];
static size_t ntouched;

/* What the walker did to guest memory during one translate. */
static unsigned nreads, ncas;
static uint64_t read_gpa[MAX_READS], read_val[MAX_READS];
static uint64_t cas_gpa, cas_expected, cas_desired;
static bool cas_replaced, cas_after_last_read;
static bool interfere;    /* the other hart changes the PTE before our CAS */
static unsigned interfere_kind;

#define CHECK(c) do { if (!(c)) abort(); } while (0)

/* GmemPteInRam, in unbounded integers. */
static bool in_gmem(uint64_t gpa)
{
	return (unsigned __int128)gm.base <= gpa &&
	       (unsigned __int128)gpa + PTE_SIZE <= (unsigned __int128)gm.base + gm.size;
}

static uint64_t *word_at(const struct gmem *m, uint64_t gpa)
{
	/* The proof's precondition GmemPteAt, checked at run time: an
	 * 8-aligned PTE inside the gmem the walker was given. */
	CHECK(m == &gm);
	CHECK(gpa % PTE_SIZE == 0 && in_gmem(gpa));
	if (gpa < RAM_BASE || gpa - RAM_BASE >= RAM_SIZE)
		return &beyond;
	return &ram[(gpa - RAM_BASE) / 8];
}

uint64_t gmem_read_pte(const struct gmem *m, uint64_t gpa)
{
	uint64_t v = *word_at(m, gpa);

	CHECK(ncas == 0); /* nothing is read after the CAS */
	CHECK(nreads < MAX_READS);
	read_gpa[nreads] = gpa;
	read_val[nreads] = v;
	nreads++;
	return v;
}

bool gmem_cas_pte(const struct gmem *m, uint64_t gpa, uint64_t expected, uint64_t desired)
{
	uint64_t *p = word_at(m, gpa);

	ncas++;
	cas_gpa = gpa;
	cas_expected = expected;
	cas_desired = desired;
	cas_after_last_read = nreads > 0;
	if (interfere) {
		switch (interfere_kind) {
		case 0:
			*p ^= PTE_G;
			break;
		case 1:
			*p &= ~PTE_V;
			break;
		case 2:
			*p |= PTE_A | PTE_D;
			break;
		default:
			*p = 0;
			break;
		}
	}
	cas_replaced = *p == expected;
	if (cas_replaced)
		*p = desired;
	return cas_replaced;
}

static uint64_t get(const uint8_t *data, size_t size, size_t off, unsigned n)
{
	uint64_t v = 0;
	unsigned i;

	for (i = 0; i < n; i++)
		if (off + i < size)
			v |= (uint64_t)data[off + i] << (8 * i);
	return v;
}

static uint64_t relocate(uint64_t pte)
{
	uint64_t ppn = RAM_PPN + (pte >> PTE_PPN_SHIFT) % 32;

	return (pte & ~PPN_FIELD) | ppn << PTE_PPN_SHIFT;
}

static unsigned vpn(uint64_t va, int level)
{
	return (unsigned)((va >> (PAGE_SHIFT + SV39_VPN_BITS * (unsigned)level)) &
			  (SV39_PTES_PER_TABLE - 1));
}

struct ref_result {
	enum sv39_status status;
	uint64_t gpa, pte, pte_gpa;
	unsigned level;
	bool writes;
	uint64_t write_value;
};

/* The spec's algorithm (privileged 1.12, 4.3.2), run before the walker,
 * with the walker's documented choices (A/D/U on a pointer is a page
 * fault; a PTE outside RAM is an access fault). */
static struct ref_result ref_walk(uint64_t satp, uint64_t va, enum sv39_access acc,
				  uint64_t priv, uint64_t sstatus)
{
	struct ref_result res = { SV39_PAGE_FAULT, 0, 0, 0, 0, false, 0 };
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
		uint64_t pte_gpa = a + vpn(va, i) * 8;
		uint64_t pte, ppn, newpte;
		bool r, w, x, u, ok;

		res.pte_gpa = pte_gpa;
		res.level = (unsigned)i;
		if (!in_gmem(pte_gpa)) {
			res.status = SV39_ACCESS_FAULT;
			return res;
		}
		pte = *word_at(&gm, pte_gpa); /* before the walker runs */
		res.pte = pte;
		r = pte & PTE_R;
		w = pte & PTE_W;
		x = pte & PTE_X;
		u = pte & PTE_U;
		ppn = (pte >> 10) & PTE_PPN_MASK;
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
		res.writes = newpte != pte;
		res.write_value = newpte;
		ppn = (ppn >> (9 * i) << (9 * i)) | ((va >> 12) & ((UL(1) << (9 * i)) - 1));
		res.gpa = ppn << PAGE_SHIFT | (va & (PAGE_SIZE - 1));
		res.status = SV39_OK;
		return res;
	}
	return res;
}

/* The shadow leaf for context ctx, checked against its documented rules. */
static void check_shadow(const struct sv39_result *r, enum shadow_ctx ctx,
			 const struct host_map *map, bool guest_d)
{
	const uint64_t leaf = sv39_shadow_leaf(r, ctx, map);
	const uint64_t g = r->pte;
	const bool in_map = r->gpa >= map->gpa_base && r->gpa - map->gpa_base < map->size;
	const bool allows = ctx == SHADOW_VS_SUM || (ctx == SHADOW_VS) == ((g & PTE_U) == 0);
	const bool rd = (g & PTE_R) != 0;
	const bool ex = (g & PTE_X) != 0 && (ctx == SHADOW_VU || (g & PTE_U) == 0);
	const bool wr = rd && (g & PTE_W) != 0 && (g & PTE_D) != 0;
	uint64_t addr, flags;

	if (r->status != SV39_OK || !in_map || !allows || (!rd && !ex)) {
		CHECK(leaf == 0);
		return;
	}
	CHECK(leaf != 0);
	flags = leaf & 0x3ff;
	addr = (leaf >> PTE_PPN_SHIFT & PTE_PPN_MASK) << PAGE_SHIFT;
	CHECK((leaf & PTE_HIGH) == 0 && (flags & (PTE_G | PTE_RSW)) == 0);
	CHECK((flags & (PTE_V | PTE_U | PTE_A)) == (PTE_V | PTE_U | PTE_A));
	/* The target: the host page holding gpa, inside the host map. */
	CHECK(addr >= map->hpa_base && addr - map->hpa_base <= map->size - PAGE_SIZE);
	CHECK(addr == map->hpa_base + (r->gpa - map->gpa_base) / PAGE_SIZE * PAGE_SIZE);
	/* W only if the guest PTE had D (and W); D with W. */
	if (flags & PTE_W)
		CHECK(guest_d && (g & PTE_W) && (g & PTE_R));
	CHECK(((flags & PTE_W) != 0) == wr && ((flags & PTE_D) != 0) == wr);
	CHECK(((flags & PTE_R) != 0) == rd && ((flags & PTE_X) != 0) == ex);
	/* vS never executes a page vU can reach. */
	if (ctx != SHADOW_VU && (g & PTE_U))
		CHECK((flags & PTE_X) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const unsigned f = (unsigned)get(data, size, 0, 1);
	const unsigned f2 = (unsigned)get(data, size, 17, 1);
	const unsigned shape = (unsigned)get(data, size, 29, 1);
	const bool sv39 = f & 1, reloc = f & 0x40;
	const enum sv39_access acc = (enum sv39_access)((f >> 1 & 3) % 3);
	const uint64_t priv = (f & 8) ? PRV_U : PRV_S;
	const uint64_t sstatus = ((f & 0x10) ? SSTATUS_SUM : 0) | ((f & 0x20) ? SSTATUS_MXR : 0);
	uint64_t satp = get(data, size, 1, 8) & ~SATP_MODE;
	uint64_t va = get(data, size, 9, 8);
	struct host_map map;
	struct ref_result want;
	struct sv39_result got;
	bool guest_d = true;
	unsigned ctx;
	size_t off;

	while (ntouched > 0)
		ram[touched[--ntouched]] = 0;
	beyond = 0;
	gm.base = RAM_BASE;
	gm.size = RAM_SIZE;
	if (shape == 0xff) {
		gm.size = 4;
	} else if (shape == 0xfe) {
		gm.base = (uint64_t)0 - 16;
		gm.size = 16;
	} else {
		gm.base += shape % 16 * 0x808;
		gm.size -= shape % 16 * 0x808 + shape / 16 * 0x404;
	}
	for (off = HEADER; off + 10 <= size && ntouched < MAX_RECORDS; off += 10) {
		const size_t w = (size_t)get(data, size, off, 2) % RAM_WORDS;
		uint64_t v = get(data, size, off + 2, 8);

		if (reloc && (v & BIT(9)) == 0)
			v = relocate(v);
		ram[w] = v;
		touched[ntouched++] = w;
	}
	if (sv39)
		satp |= SATP_MODE_SV39 << SATP_MODE_SHIFT;
	if (reloc)
		satp = (satp & ~SATP_PPN) | (RAM_PPN + (satp & SATP_PPN) % 32);
	if (f2 & 1)
		va = (uint64_t)((int64_t)(va << 25) >> 25);
	interfere = f & 0x80;
	interfere_kind = f2 >> 1 & 3;
	map.hpa_base = get(data, size, 18, 8) % (UL(1) << 55) / PAGE_SIZE * PAGE_SIZE;
	map.size = get(data, size, 26, 2) * PAGE_SIZE;
	map.gpa_base = RAM_BASE + PAGE_SIZE * 128 - get(data, size, 28, 1) * PAGE_SIZE;

	nreads = ncas = 0;
	cas_after_last_read = false;
	want = ref_walk(satp, va, acc, priv, sstatus);
	got = sv39_translate(&gm, satp, va, acc, priv, sstatus);

	/* Same outcome as the reference; the other hart always changes the
	 * leaf (a leaf is never 0), so its CAS fails: OK becomes RETRY. */
	if (want.status == SV39_OK && want.writes && interfere)
		CHECK(got.status == SV39_RETRY);
	else
		CHECK(got.status == want.status);
	CHECK(got.status != SV39_RETRY || (ncas == 1 && !cas_replaced));
	if (!sv39) {
		CHECK(nreads == 0 && ncas == 0 && got.gpa == va && got.level == 0);
		CHECK(got.pte == (PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D |
				  (priv == PRV_U ? PTE_U : 0)));
	}
	if (got.status == SV39_OK) {
		CHECK(got.gpa % PAGE_SIZE == va % PAGE_SIZE);
		CHECK(got.gpa == want.gpa);
		if (sv39) {
			CHECK(got.level == want.level && got.pte_gpa == want.pte_gpa);
			CHECK(nreads > 0 && got.pte_gpa == read_gpa[nreads - 1]);
			CHECK(got.pte == *word_at(&gm, got.pte_gpa));
			CHECK(got.pte & PTE_A);
			CHECK(acc != SV39_STORE || (got.pte & PTE_D));
		}
	}
	if (got.status == SV39_ACCESS_FAULT)
		CHECK(!in_gmem(got.pte_gpa) && got.pte_gpa == want.pte_gpa);
	/* At most 3 reads, one per level; at most one CAS, on the last PTE
	 * read, expecting what was read, only adding A (and D on a store). */
	CHECK(nreads <= SV39_LEVELS);
	CHECK(ncas <= 1);
	if (ncas == 1) {
		CHECK(cas_after_last_read);
		CHECK(cas_gpa == read_gpa[nreads - 1] && cas_expected == read_val[nreads - 1]);
		CHECK((cas_desired & cas_expected) == cas_expected);
		CHECK((cas_desired & ~cas_expected) != 0);
		CHECK((cas_desired & ~cas_expected & ~(PTE_A | PTE_D)) == 0);
		CHECK(acc == SV39_STORE || (cas_desired & ~cas_expected & PTE_D) == 0);
		CHECK(want.writes && cas_desired == want.write_value);
	} else {
		CHECK(!(want.status == SV39_OK && want.writes));
	}
	if (ncas == 1 && cas_gpa >= RAM_BASE && cas_gpa - RAM_BASE < RAM_SIZE)
		touched[ntouched++] = (size_t)(cas_gpa - RAM_BASE) / 8;

	/* The shadow leaf, for each context; "D" is the guest PTE's in memory
	 * (the made-up Bare leaf has D). */
	if (sv39 && got.status == SV39_OK)
		guest_d = (*word_at(&gm, got.pte_gpa) & PTE_D) != 0;
	for (ctx = SHADOW_VS; ctx <= SHADOW_VU; ctx++)
		check_shadow(&got, (enum shadow_ctx)ctx, &map, guest_d);
	return 0;
}
