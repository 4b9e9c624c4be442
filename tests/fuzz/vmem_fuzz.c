/*
 * libFuzzer target for the MMIO emulation path (src/hv/vmem.c): a real
 * page fault of a vCPU through vmem_page_fault, with the proved walker,
 * decoder and trap entry (src/core/) and the shell around them faked:
 * the devices, the shadow tables (a fill is only recorded), the FP
 * register file. Built with ASan/UBSan; the guest's RAM is a heap block
 * of exactly its size.
 *
 * The guest runs Sv39 with eight 4 KiB pages at VA_BASE, each of a kind
 * the input picks (unmapped, RAM read-write or read-only, a byte device
 * like the UART, a word device like the PLIC, no memory at all, an
 * execute-only U page, a page of the other privilege), and traps on one
 * of them. The reference, written here from the privileged spec and the
 * device rules of src/hv/devices.c, says what must follow: the walk's page
 * fault, an access fault for no memory, a shadow fill (nothing else) for
 * what a shadow can map, or the trapped instruction carried out whole on
 * device and RAM bytes (the instruction the hart ran, fetched through the
 * shadow it used, here a page of its own), with exactly the device
 * accesses, register and pc it implies, or an access fault with nothing
 * done. The decoder, fuzzed against the encoding tables in mmio_fuzz.c,
 * tells the reference what the instruction is. Any difference is an
 * abort(), which libFuzzer reports.
 *
 * Input: flags (bit 0 vU, 1 SUM, 2 MXR, 3-4 cause: load, load, store,
 * fetch page fault; 5 the fetch finds no translation; 6 aim the
 * instruction's base register at the fault), the eight page kinds (3
 * bytes, 3 bits each), the faulting page and offset (3 bytes), the
 * instruction (4 bytes), the pc's offset in its page (2 bytes), the aim's
 * distance (1 byte), x1..x31 (8 bytes each, as far as the input goes),
 * then the RAM pages' contents.
 */
#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "encoding.h"
#include "core/gmem.h"
#include "core/mmio.h"
#include "core/vtrap.h"
#include "hv/devices.h"
#include "hv/fp.h"
#include "hv/guest.h"
#include "hv/ram.h"
#include "hv/shadow.h"
#include "hv/stop.h"
#include "hv/vmem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c) do { if (!(c)) abort(); } while (0)

#define PAGE       UL(4096)
#define RAM_BASE   GUEST_RAM_BASE
#define RAM_PAGES  16
#define RAM_SIZE   (RAM_PAGES * PAGE)
#define DATA_PAGE0 3              /* RAM pages 0-2 hold the page tables */
#define VA_BASE    UL(0x40000000) /* root[1] -> L1[0] -> L0[0..7] */
#define NPAGES     8
#define BYTE_DEV   UL(0x10000000) /* takes any width */
#define WORD_DEV   UL(0x10001000) /* takes 4-byte accesses only */
#define NO_MEMORY  UL(0x20000000)
#define CODE_VA    UL(0x7f000000)
#define STVEC      UL(0x80001000)
#define MAX_ACCESSES 16

enum page_kind {
	UNMAPPED, RAM_RW, RAM_RO, ON_BYTE_DEV, ON_WORD_DEV, NOTHING, EXEC_ONLY_U,
	OTHER_PRIV,
};

static struct guest g;
static uint8_t *ram;
static uint8_t code[2 * PAGE];
static bool code_second_page;  /* the shadow maps the code's second page */
static bool fetch_fails;
static jmp_buf stopped;

struct access {
	bool write;
	uint64_t gpa;
	unsigned width;
	uint64_t value;
};

static struct {
	struct access dev[MAX_ACCESSES];
	unsigned ndev;
	unsigned fills;
	uint64_t fill_va;
	bool fp_written;
	unsigned fp_reg;
	uint64_t fp_value;
	bool stop;
} seen;

/* What a device read returns: a function of where and how wide. */
static uint64_t device_value(uint64_t gpa, unsigned width)
{
	uint64_t v = (gpa * UL(0x9e3779b97f4a7c15)) ^ width;
	return width == 8 ? v : v & ((UL(1) << (8 * width)) - 1);
}

static bool dev_page(uint64_t gpa)
{
	return gpa >> 12 == BYTE_DEV >> 12 || gpa >> 12 == WORD_DEV >> 12;
}

static bool dev_takes(uint64_t gpa, unsigned width)
{
	return dev_page(gpa) && (gpa >> 12 == BYTE_DEV >> 12 || width == 4);
}

/* ---- the shell, faked ---------------------------------------------- */

void *ram_gpa_to_hva(const struct guest_ram *r, uint64_t gpa, uint64_t len)
{
	CHECK(r == &g.ram);
	if (gpa < RAM_BASE || (unsigned __int128)gpa + len > (unsigned __int128)RAM_BASE + RAM_SIZE)
		return NULL;
	return ram + (gpa - RAM_BASE);
}

uint64_t gmem_read_pte(const struct gmem *m, uint64_t gpa)
{
	CHECK(m == &g.ram.gmem && gpa % 8 == 0);
	uint64_t *p = ram_gpa_to_hva(&g.ram, gpa, 8);
	CHECK(p);
	return *p;
}

bool gmem_cas_pte(const struct gmem *m, uint64_t gpa, uint64_t expected, uint64_t desired)
{
	CHECK(m == &g.ram.gmem && gpa % 8 == 0);
	uint64_t *p = ram_gpa_to_hva(&g.ram, gpa, 8);
	CHECK(p);
	if (*p != expected)
		return false;
	*p = desired;
	return true;
}

bool devices_mmio_at(const struct devices *d, uint64_t gpa)
{
	CHECK(d == &g.dev);
	return dev_page(gpa);
}

bool devices_mmio_takes(const struct devices *d, uint64_t gpa, unsigned width)
{
	CHECK(d == &g.dev);
	return dev_takes(gpa, width);
}

static bool device(bool write, uint64_t gpa, unsigned width, uint64_t *value)
{
	if (!dev_takes(gpa, width))
		return false;
	CHECK(seen.ndev < MAX_ACCESSES);
	if (!write)
		*value = device_value(gpa, width);
	seen.dev[seen.ndev++] = (struct access){ write, gpa, width, *value };
	return true;
}

bool devices_mmio_read(struct devices *d, uint64_t gpa, unsigned width, uint64_t *value)
{
	CHECK(d == &g.dev);
	return device(false, gpa, width, value);
}

bool devices_mmio_write(struct devices *d, uint64_t gpa, unsigned width, uint64_t value)
{
	CHECK(d == &g.dev);
	uint64_t v = width == 8 ? value : value & ((UL(1) << (8 * width)) - 1);
	return device(true, gpa, width, &v);
}

void guest_sync_irqs(struct guest *gg)
{
	CHECK(gg == &g);
}

void guest_stop(struct vcpu *v, const char *fmt, ...)
{
	(void)v;
	(void)fmt;
	seen.stop = true;
	longjmp(stopped, 1);
}

bool shadow_map(struct shadow *s, enum shadow_ctx ctx, uint64_t va, uint64_t leaf,
		unsigned leaf_level, unsigned guest_level)
{
	(void)s;
	(void)ctx;
	(void)leaf;
	(void)leaf_level;
	(void)guest_level;
	seen.fills++;
	seen.fill_va = va;
	return true;
}

bool shadow_va_in_window(uint64_t va)
{
	(void)va;
	return false;
}

/* The shadow the hart fetched with maps the code pages only. */
const void *shadow_fetch_ptr(struct shadow *s, const struct vhart *h, uint64_t va)
{
	(void)s;
	(void)h;
	if (fetch_fails || va < CODE_VA || va - CODE_VA >= (code_second_page ? 2 : 1) * PAGE)
		return NULL;
	return code + (va - CODE_VA);
}

void fp_write(unsigned reg, uint64_t value)
{
	CHECK(reg < 32 && !seen.fp_written);
	seen.fp_written = true;
	seen.fp_reg = reg;
	seen.fp_value = value;
}

/* ---- the reference -------------------------------------------------- */

static enum page_kind kinds[NPAGES];
static bool priv_u, sum, mxr;

enum outcome { GOES, PAGE_FAULT, ACCESS_FAULT };

/* Where byte-aligned va goes for acc, as the spec's walk and the device
 * rules say: GOES with *gpa, or the fault. */
static enum outcome ref_translate(uint64_t va, enum sv39_access acc, uint64_t *gpa)
{
	if (va < VA_BASE || va - VA_BASE >= NPAGES * PAGE)
		return PAGE_FAULT;
	unsigned i = (unsigned)((va - VA_BASE) / PAGE);
	enum page_kind k = kinds[i];
	if (k == UNMAPPED)
		return PAGE_FAULT;
	bool u = k == EXEC_ONLY_U ? true : k == OTHER_PRIV ? !priv_u : priv_u;
	if (priv_u ? !u : (u && !sum))
		return PAGE_FAULT;
	/* Only the execute-only page has X; vS never executes a U page. */
	bool x = k == EXEC_ONLY_U && priv_u;
	bool r = k != EXEC_ONLY_U || mxr, w = k != RAM_RO && k != EXEC_ONLY_U;
	if ((acc == SV39_FETCH && !x) || (acc == SV39_LOAD && !r) || (acc == SV39_STORE && !w))
		return PAGE_FAULT;
	uint64_t off = va % PAGE;
	switch (k) {
	case ON_BYTE_DEV: *gpa = BYTE_DEV + off; break;
	case ON_WORD_DEV: *gpa = WORD_DEV + off; break;
	case NOTHING:     *gpa = NO_MEMORY + off; break;
	default:          *gpa = RAM_BASE + (DATA_PAGE0 + i) * PAGE + off; break;
	}
	return GOES;
}

static bool in_ram(uint64_t gpa)
{
	return gpa >= RAM_BASE && gpa - RAM_BASE < RAM_SIZE;
}

/* An aligned part of width bytes at va: where it goes, or its fault (a
 * device that does not take the width, or no memory: access fault). */
static enum outcome ref_part(uint64_t va, enum sv39_access acc, unsigned width, uint64_t *gpa)
{
	enum outcome o = ref_translate(va, acc, gpa);
	if (o == GOES && !in_ram(*gpa) && !dev_takes(*gpa, width))
		return ACCESS_FAULT;
	return o;
}

static const uint64_t page_fault[] = {
	[SV39_FETCH] = CAUSE_FETCH_PAGE_FAULT, [SV39_LOAD] = CAUSE_LOAD_PAGE_FAULT,
	[SV39_STORE] = CAUSE_STORE_PAGE_FAULT,
};
static const uint64_t access_fault[] = {
	[SV39_FETCH] = CAUSE_FETCH_ACCESS, [SV39_LOAD] = CAUSE_LOAD_ACCESS,
	[SV39_STORE] = CAUSE_STORE_ACCESS,
};

static uint64_t cause_of(enum outcome o, enum sv39_access acc)
{
	return o == PAGE_FAULT ? page_fault[acc] : access_fault[acc];
}

/* What the guest must see: a trap, a fill, nothing (re-run), or the
 * instruction done with these device accesses and this value. */
struct expect {
	enum { TRAP, FILL, RERUN, DONE } what;
	uint64_t cause, tval;
	struct access dev[MAX_ACCESSES];
	unsigned ndev;
	bool on_device;       /* the access went to a device page */
	uint64_t value;       /* a load's raw bytes, width of them */
	uint64_t ram_gpa[8];  /* bytes stored to RAM */
	uint8_t ram_byte[8];
	unsigned nram;
};

static void expect_device(struct expect *e, bool write, uint64_t gpa, unsigned width,
			  uint64_t value)
{
	e->dev[e->ndev++] = (struct access){ write, gpa, width, value };
}

/* The access fault of an instruction a device cannot take, or that does
 * not hold the faulting address: a store/AMO one for AMOs and SC, a load
 * one for LR, else the trapped access's own. */
static uint64_t refused(uint32_t insn, enum sv39_access acc)
{
	if ((insn & 0x7f) == 0x2f)
		return insn >> 27 == 2 ? CAUSE_LOAD_ACCESS : CAUSE_STORE_ACCESS;
	return access_fault[acc];
}

/* The instruction the hart ran, carried out as it says (see vmem.c's
 * emulate_access for the order of the parts, which QEMU's harts set). */
static void ref_emulate(struct expect *e, const struct vcpu *v, uint64_t va, uint64_t gpa,
			enum sv39_access acc, bool on_device, uint32_t insn)
{
	struct mmio_insn d = mmio_decode(insn);
	uint64_t ea = v->x[d.base] + (uint64_t)d.offset;
	bool across = ea % PAGE + d.width > PAGE;
	bool is_amo = (insn & 0x7f) == 0x2f && d.kind != MMIO_LR;
	e->what = TRAP;
	e->tval = va;
	/* An AMO or SC writes: on a page without W, the store walk's fault. */
	if (!on_device && is_amo) {
		uint64_t ignored;
		enum outcome o = ref_translate(va, SV39_STORE, &ignored);
		if (o != GOES) {
			e->cause = cause_of(o, SV39_STORE);
			return;
		}
	}
	bool kind_ok = acc == SV39_STORE ? d.kind == MMIO_STORE
		       : d.kind == MMIO_LOAD || (!on_device && (d.kind == MMIO_FP_LOAD ||
								 d.kind == MMIO_LR));
	bool holds = across ? va - ea < d.width : ea == va;
	e->cause = refused(insn, acc);
	if (!kind_ok || !holds)
		return;
	if (on_device && !across) {
		/* One aligned access of at most 32 bits that the device takes. */
		if (ea % d.width || d.width > 4 || !dev_takes(gpa, d.width))
			return;
		if (acc == SV39_STORE)
			expect_device(e, true, gpa, d.width,
				      v->x[d.reg] & ((UL(1) << (8 * d.width)) - 1));
		else
			expect_device(e, false, gpa, d.width, e->value = device_value(gpa, d.width));
		e->what = DONE;
		return;
	}
	if (acc == SV39_STORE) {
		/* Byte by byte: all translated first, the first fault wins. */
		uint64_t t[8];
		for (unsigned i = 0; i < d.width; i++) {
			enum outcome o = ref_part(ea + i, SV39_STORE, 1, &t[i]);
			if (o != GOES) {
				e->cause = cause_of(o, SV39_STORE);
				e->tval = ea + i;
				return;
			}
		}
		for (unsigned i = 0; i < d.width; i++) {
			uint8_t b = (uint8_t)(v->x[d.reg] >> (8 * i));
			if (in_ram(t[i])) {
				e->ram_gpa[e->nram] = t[i];
				e->ram_byte[e->nram++] = b;
			} else {
				expect_device(e, true, t[i], 1, b);
			}
		}
		e->what = DONE;
		return;
	}
	/* A load: within one page, or as two aligned parts of its width. */
	uint64_t start[2] = { ea, 0 }, pgpa[2];
	unsigned nparts = 1;
	if (across) {
		start[0] = ea & ~(uint64_t)(d.width - 1);
		start[1] = start[0] + d.width;
		nparts = 2;
	}
	for (unsigned p = 0; p < nparts; p++) {
		enum outcome o = ref_part(start[p], SV39_LOAD, d.width, &pgpa[p]);
		if (o != GOES) {
			e->cause = cause_of(o, SV39_LOAD);
			e->tval = p == 0 ? ea : start[1];
			return;
		}
	}
	uint64_t part[2];
	for (unsigned p = 0; p < nparts; p++) {
		if (in_ram(pgpa[p])) {
			part[p] = 0;
			memcpy(&part[p], ram + (pgpa[p] - RAM_BASE), d.width);
		} else {
			part[p] = device_value(pgpa[p], d.width);
			expect_device(e, false, pgpa[p], d.width, part[p]);
		}
	}
	e->value = 0;
	for (unsigned j = 0; j < d.width; j++) {
		uint64_t a = ea + j;
		unsigned p = nparts == 2 && a >= start[1];
		e->value |= (part[p] >> (8 * (a - start[p])) & 0xff) << (8 * j);
	}
	e->what = DONE;
}

/* The whole page fault, as the spec and the design say. */
static void reference(struct expect *e, const struct vcpu *v, uint64_t va, enum sv39_access acc,
		      uint32_t insn)
{
	uint64_t gpa;
	enum outcome o = ref_translate(va, acc, &gpa);
	e->what = TRAP;
	e->tval = va;
	if (o != GOES) {
		e->cause = cause_of(o, acc);
		return;
	}
	bool on_device = dev_page(gpa);
	e->on_device = on_device && acc != SV39_FETCH;
	if (!in_ram(gpa) && !e->on_device) {
		e->cause = access_fault[acc];
		return;
	}
	/* RAM: a shadow leaf maps it, but for vS loading from an execute-only
	 * vU page under SUM and MXR, which only emulation gives. */
	bool exec_only_load = kinds[(va - VA_BASE) / PAGE] == EXEC_ONLY_U && !priv_u &&
			      acc == SV39_LOAD;
	if (!on_device && !exec_only_load) {
		e->what = FILL;
		return;
	}
	if (fetch_fails || ((v->vh.pc + 2) % PAGE == 0 && (code[PAGE - 2] & 3) == 3 &&
			    !code_second_page)) {
		e->what = RERUN;
		return;
	}
	ref_emulate(e, v, va, gpa, acc, on_device, insn);
}

/* ---- the run --------------------------------------------------------- */

static size_t pos, in_size;
static const uint8_t *in;

static uint8_t byte(void)
{
	return pos < in_size ? in[pos++] : 0;
}

static uint64_t bytes(unsigned n)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)byte() << (8 * i);
	return v;
}

static uint64_t pte(uint64_t gpa, uint64_t flags)
{
	return (gpa >> 12) << 10 | flags;
}

static void build_tables(void)
{
	uint64_t *root = (uint64_t *)ram, *l1 = root + 512, *l0 = l1 + 512;
	memset(ram, 0, 3 * PAGE);
	root[1] = pte(RAM_BASE + PAGE, PTE_V);
	l1[0] = pte(RAM_BASE + 2 * PAGE, PTE_V);
	for (unsigned i = 0; i < NPAGES; i++) {
		uint64_t ad = PTE_A | PTE_D, u = priv_u ? PTE_U : 0;
		uint64_t target = RAM_BASE + (DATA_PAGE0 + i) * PAGE;
		switch (kinds[i]) {
		case UNMAPPED:    break;
		case RAM_RW:      l0[i] = pte(target, PTE_V | PTE_R | PTE_W | ad | u); break;
		case RAM_RO:      l0[i] = pte(target, PTE_V | PTE_R | PTE_A | u); break;
		case ON_BYTE_DEV: l0[i] = pte(BYTE_DEV, PTE_V | PTE_R | PTE_W | ad | u); break;
		case ON_WORD_DEV: l0[i] = pte(WORD_DEV, PTE_V | PTE_R | PTE_W | ad | u); break;
		case NOTHING:     l0[i] = pte(NO_MEMORY, PTE_V | PTE_R | PTE_W | ad | u); break;
		case EXEC_ONLY_U: l0[i] = pte(target, PTE_V | PTE_X | PTE_U | PTE_A); break;
		case OTHER_PRIV:  l0[i] = pte(target, PTE_V | PTE_R | PTE_W | ad | (u ^ PTE_U)); break;
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct vcpu before;
	static uint8_t ram_before[RAM_SIZE];
	static const uint64_t causes[] = {
		CAUSE_LOAD_PAGE_FAULT, CAUSE_LOAD_PAGE_FAULT, CAUSE_STORE_PAGE_FAULT,
		CAUSE_FETCH_PAGE_FAULT,
	};
	static const enum sv39_access accs[] = { SV39_LOAD, SV39_LOAD, SV39_STORE, SV39_FETCH };

	in = data;
	in_size = size;
	pos = 0;
	memset(&seen, 0, sizeof(seen));

	uint8_t flags = byte();
	priv_u = flags & 1;
	sum = flags & 2;
	mxr = flags & 4;
	unsigned c = flags >> 3 & 3;
	fetch_fails = flags & 0x20;
	uint64_t kind_bits = bytes(3);
	for (unsigned i = 0; i < NPAGES; i++)
		kinds[i] = (enum page_kind)(kind_bits >> (3 * i) & 7);
	uint64_t where = bytes(3);
	uint64_t va = VA_BASE + (where >> 12) % NPAGES * PAGE + where % PAGE;
	uint32_t insn = (uint32_t)bytes(4);
	uint64_t pc_off = bytes(2) % PAGE & ~UL(1);
	uint8_t aim = byte();

	struct vcpu *v = &g.vcpus[0];
	memset(v, 0, sizeof(*v));
	g.nvcpus = 1;
	v->guest = &g;
	v->shadow.cur = &v->shadow.space[0];
	v->shadow.fetch_gen = 1; /* nothing remembered: every fetch asks */
	for (unsigned i = 1; i < 32; i++)
		v->x[i] = pos + 8 <= in_size ? bytes(8) : UL(0x0101010101010101) * i;
	v->vh.priv = priv_u ? PRV_U : PRV_S;
	v->vh.sstatus = VCSR_SSTATUS_UXL64 | (sum ? SSTATUS_SUM : 0) | (mxr ? SSTATUS_MXR : 0);
	v->vh.satp = SATP_MODE_SV39 << SATP_MODE_SHIFT | RAM_BASE >> 12;
	v->vh.stvec = STVEC;
	v->vh.pc = CODE_VA + pc_off;
	g.ram.gmem = (struct gmem){ RAM_BASE, RAM_SIZE };
	g.ram.map = (struct host_map){ RAM_BASE, RAM_SIZE, 0 };

	/* The instruction the hart ran, and after it a second page the
	 * shadow may or may not map (a 4-byte one may cross into it). */
	memset(code, 0, sizeof(code));
	memcpy(code + pc_off, &insn, 4);
	code_second_page = !(aim & 0x80);
	if (flags & 0x40) {
		struct mmio_insn d = mmio_decode(insn);
		if (d.base != 0)
			v->x[d.base] = va - (uint64_t)d.offset - aim % 8;
	}

	ram = malloc(RAM_SIZE);
	CHECK(ram);
	for (uint64_t i = 0; i < RAM_SIZE; i++)
		ram[i] = pos + i < in_size ? in[pos + i] : (uint8_t)(i * 7);
	build_tables();
	memcpy(ram_before, ram, RAM_SIZE);
	before = *v;

	struct expect e = { 0 };
	reference(&e, v, va, accs[c], insn);

	bool on_device = false;
	if (!setjmp(stopped))
		on_device = vmem_page_fault(v, causes[c], va);
	CHECK(!seen.stop);

	/* The trap, or none; then whatever the instruction did. */
	struct vhart vh = before.vh;
	struct mmio_insn d = mmio_decode(insn);
	if (e.what == TRAP)
		vtrap_enter(&vh, e.cause, e.tval);
	if (e.what == DONE)
		vh.pc += d.len;
	if (e.what == DONE && d.kind == MMIO_FP_LOAD)
		vh.sstatus |= SSTATUS_FS;
	CHECK(memcmp(&v->vh, &vh, sizeof(vh)) == 0);
	CHECK(seen.fills == (e.what == FILL));
	CHECK(on_device == e.on_device);
	CHECK(seen.ndev == e.ndev);
	for (unsigned i = 0; i < e.ndev; i++)
		CHECK(seen.dev[i].write == e.dev[i].write && seen.dev[i].gpa == e.dev[i].gpa &&
		      seen.dev[i].width == e.dev[i].width && seen.dev[i].value == e.dev[i].value);

	/* Registers: a load's destination, nothing else. */
	uint64_t x[32];
	memcpy(x, before.x, sizeof(x));
	bool fp = e.what == DONE && d.kind == MMIO_FP_LOAD;
	if (e.what == DONE && accs[c] == SV39_LOAD && !fp && d.reg != 0)
		x[d.reg] = mmio_load_value(e.value, d.width, d.sign_extend);
	CHECK(memcmp(v->x, x, sizeof(x)) == 0);
	CHECK(seen.fp_written == fp);
	if (fp)
		CHECK(seen.fp_reg == d.reg &&
		      seen.fp_value == (d.width == 4 ? UL(0xffffffff00000000) | e.value : e.value));

	/* RAM: the stored bytes, nothing else (the walk sets no A/D here). */
	for (unsigned i = 0; i < e.nram; i++)
		ram_before[e.ram_gpa[i] - RAM_BASE] = e.ram_byte[i];
	CHECK(memcmp(ram, ram_before, RAM_SIZE) == 0);
	free(ram);
	return 0;
}
