#include "hv/vmem.h"

#include <string.h>

#include "core/mmio.h"
#include "core/sv39.h"
#include "core/vtrap.h"
#include "encoding.h"
#include "hv/fp.h"
#include "hv/guest.h"
#include "hv/shadow.h"
#include "hv/stop.h"

/* The same instruction faulting on the same page this many times in a row,
 * with no shadow flush in between, means the fill cannot satisfy the
 * access: stop instead of spinning. */
#define FAULT_REPEAT_LIMIT 16

static enum sv39_access access_of(uint64_t cause)
{
	switch (cause) {
	case CAUSE_FETCH_PAGE_FAULT:
		return SV39_FETCH;
	case CAUSE_LOAD_PAGE_FAULT:
		return SV39_LOAD;
	default:
		return SV39_STORE;
	}
}

static const uint64_t page_fault_cause[] = {
	[SV39_FETCH] = CAUSE_FETCH_PAGE_FAULT,
	[SV39_LOAD] = CAUSE_LOAD_PAGE_FAULT,
	[SV39_STORE] = CAUSE_STORE_PAGE_FAULT,
};

static const uint64_t access_fault_cause[] = {
	[SV39_FETCH] = CAUSE_FETCH_ACCESS,
	[SV39_LOAD] = CAUSE_LOAD_ACCESS,
	[SV39_STORE] = CAUSE_STORE_ACCESS,
};

static struct sv39_result translate(const struct vcpu *v, uint64_t va, enum sv39_access acc)
{
	return sv39_translate(&v->guest->ram.gmem, v->vh.satp, va, acc, v->vh.priv,
			      v->vh.sstatus);
}

/* Deliver the fault a failed walk means. SV39_RETRY delivers nothing: the
 * guest re-runs its instruction and the walk happens again. */
static void deliver_walk_fault(struct vcpu *v, const struct sv39_result *r, uint64_t va,
			       enum sv39_access acc)
{
	if (r->status == SV39_PAGE_FAULT)
		vtrap_enter(&v->vh, page_fault_cause[acc], va);
	else if (r->status == SV39_ACCESS_FAULT)
		vtrap_enter(&v->vh, access_fault_cause[acc], va);
}

static void note_fill(struct vcpu *v, uint64_t cause, uint64_t va, const struct sv39_result *r,
		      uint64_t leaf)
{
	uint64_t page = va >> PAGE_SHIFT;
	uint64_t flushes = v->shadow.flushes;
	if (page == v->last_fill_page && v->vh.pc == v->last_fill_pc &&
	    flushes == v->last_fill_flushes) {
		if (++v->fill_repeats >= FAULT_REPEAT_LIMIT)
			guest_stop(v, "shadow fill for %lx (cause %lu, guest pte %lx level %u, "
				      "shadow %lx) does not satisfy the access",
				   va, cause, r->pte, r->level, leaf);
	} else {
		v->last_fill_page = page;
		v->last_fill_pc = v->vh.pc;
		v->last_fill_flushes = flushes;
		v->fill_repeats = 0;
	}
}

/* A lost race setting A/D (the guest changed the PTE meanwhile) is retried
 * this often before the access gives up with an access fault. */
#define WALK_RETRIES 8

static struct sv39_result translate_settled(const struct vcpu *v, uint64_t va,
					    enum sv39_access acc)
{
	struct sv39_result r;
	unsigned tries = 0;
	do
		r = translate(v, va, acc);
	while (r.status == SV39_RETRY && ++tries < WALK_RETRIES);
	return r;
}

/* The access fault for what a device cannot take: an AMO is a store/AMO
 * access (QEMU 7.2 reports some as loads), LR a load, the rest as trapped. */
static uint64_t device_access_fault(uint32_t insn, enum sv39_access acc)
{
	if (INSN_OPCODE(insn) == OPCODE_AMO)
		return INSN_FUNCT5(insn) == AMO_FUNCT5_LR ? CAUSE_LOAD_ACCESS
							      : CAUSE_STORE_ACCESS;
	return acc == SV39_LOAD ? CAUSE_LOAD_ACCESS : CAUSE_STORE_ACCESS;
}

/* Carry out on a device the guest's access of type acc at gpa: on
 * success *raw holds a load's value. false: the device cannot take it. */
static bool device_access(struct vcpu *v, const struct mmio_insn *d, uint64_t gpa,
			  enum sv39_access acc, uint64_t *raw)
{
	bool kind_ok = (acc == SV39_LOAD && d->kind == MMIO_LOAD) ||
		       (acc == SV39_STORE && d->kind == MMIO_STORE);
	if (!kind_ok || gpa % d->width || d->width > sizeof(uint32_t))
		return false;
	struct guest *g = v->guest;
	bool done = d->kind == MMIO_LOAD ? devices_mmio_read(&g->dev, gpa, d->width, raw)
					 : devices_mmio_write(&g->dev, gpa, d->width, v->x[d->reg]);
	guest_sync_irqs(g);
	return done;
}

/* Where (part of) an access goes: guest RAM (hva), else a device (gpa). */
struct byte_target {
	uint8_t *hva;
	uint64_t gpa;
};

/* Where an aligned access of width bytes at va goes, as the guest's own
 * would through its tables: 0, or the scause of its fault (a device that
 * does not take that width faults too). Nothing is accessed yet. */
static uint64_t byte_target(struct vcpu *v, uint64_t va, enum sv39_access acc, unsigned width,
			    struct byte_target *t)
{
	struct sv39_result r = translate_settled(v, va, acc);
	if (r.status == SV39_PAGE_FAULT)
		return page_fault_cause[acc];
	if (r.status != SV39_OK)
		return access_fault_cause[acc];
	struct guest *g = v->guest;
	t->gpa = r.gpa;
	t->hva = ram_gpa_to_hva(&g->ram, r.gpa, width);
	return t->hva || devices_mmio_takes(&g->dev, r.gpa, width) ? 0 : access_fault_cause[acc];
}

/* A store across pages, byte by byte (as QEMU's harts do it): every byte
 * is translated first, and if one faults the guest gets that fault
 * (*fault_va: the portion that faulted) with nothing stored; else the
 * bytes of value go to RAM or the device in address order. */
static uint64_t store_across(struct vcpu *v, uint64_t ea, unsigned width, uint64_t value,
			     uint64_t *fault_va)
{
	struct byte_target t[sizeof(uint64_t)];
	for (unsigned i = 0; i < width; i++) {
		uint64_t fault = byte_target(v, ea + i, SV39_STORE, 1, &t[i]);
		if (fault) {
			*fault_va = ea + i;
			return fault;
		}
	}
	struct guest *g = v->guest;
	for (unsigned i = 0; i < width; i++) {
		uint8_t byte = (uint8_t)(value >> (8 * i));
		if (t[i].hva)
			*t[i].hva = byte;
		else
			devices_mmio_write(&g->dev, t[i].gpa, 1, byte);
	}
	guest_sync_irqs(g);
	return 0;
}

/* One aligned part of a load, width bytes at a target byte_target found. */
static uint64_t load_part(struct vcpu *v, const struct byte_target *t, unsigned width)
{
	uint64_t value = 0;
	if (t->hva)
		memcpy(&value, t->hva, width);
	else
		devices_mmio_read(&v->guest->dev, t->gpa, width, &value);
	return value;
}

/* A load within one page of RAM (the case no shadow leaf expresses). */
static uint64_t load_within(struct vcpu *v, uint64_t ea, unsigned width, uint64_t *raw,
			    uint64_t *fault_va)
{
	struct byte_target t;
	*fault_va = ea;
	uint64_t fault = byte_target(v, ea, SV39_LOAD, width, &t);
	if (!fault)
		*raw = load_part(v, &t, width);
	return fault;
}

/* A load across pages as QEMU's harts do it: two aligned loads of its
 * width, one on each page (a device gets one of them whole), combined;
 * both translated first, and the guest gets the first fault (*fault_va:
 * the portion that faulted). */
static uint64_t load_across(struct vcpu *v, uint64_t ea, unsigned width, uint64_t *raw,
			    uint64_t *fault_va)
{
	uint64_t first = ea & ~(uint64_t)(width - 1), second = first + width;
	struct byte_target t[2];
	uint64_t fault = byte_target(v, first, SV39_LOAD, width, &t[0]);
	*fault_va = ea;
	if (!fault) {
		fault = byte_target(v, second, SV39_LOAD, width, &t[1]);
		*fault_va = second;
	}
	if (fault)
		return fault;
	unsigned shift = 8 * (unsigned)(ea - first);
	*raw = load_part(v, &t[0], width) >> shift | load_part(v, &t[1], width) << (8 * width - shift);
	guest_sync_irqs(v->guest);
	return 0;
}

/* Which decoded accesses a path carries out: a device takes integer loads
 * and stores only; the load that no shadow leaf can express (vS reading
 * an execute-only vU page under SUM and MXR) is any load form. */
static bool kind_allowed(const struct mmio_insn *d, enum sv39_access acc, bool on_device)
{
	if (acc == SV39_STORE)
		return d->kind == MMIO_STORE;
	return d->kind == MMIO_LOAD || (!on_device && (d->kind == MMIO_FP_LOAD || d->kind == MMIO_LR));
}

/* An FP load's value into f[reg] (fp.S); the guest's FP state is then
 * dirty. A single-precision value is NaN-boxed. */
static void write_fp_register(struct vcpu *v, const struct mmio_insn *d, uint64_t raw)
{
	if (d->width == 4)
		raw = UL(0xffffffff00000000) | (raw & UL(0xffffffff));
	fp_write(d->reg, raw);
	v->vh.sstatus |= SSTATUS_FS;
}

/* The one place a trapped load or store is fetched, decoded by the proved
 * decoder and carried out; the guest faulted at va, on a device page
 * (never shadow-mapped) or, for the load kind_allowed names, on RAM.
 * Writes the destination register and steps pc; or gives the guest the
 * fault hardware gives: an access fault for what a device cannot take
 * (misaligned, atomic, floating-point, wider than the register), the
 * fault of the first part that faults in an access across pages, which
 * is carried out as QEMU's harts do (loads as two aligned loads, stores
 * byte by byte), all of it or none. The effective address is the
 * instruction's own (x[base] + offset); an instruction whose access does
 * not hold the address the hart faulted at is refused with an access
 * fault, never half done. */
static void emulate_access(struct vcpu *v, uint64_t va, uint64_t gpa, enum sv39_access acc,
			   bool on_device)
{
	uint32_t insn;
	if (!vmem_fetch_insn(v, &insn))
		return;
	struct mmio_insn d = mmio_decode(insn);
	uint64_t ea = v->x[d.base] + (uint64_t)d.offset;
	bool across = ea % PAGE_SIZE + d.width > PAGE_SIZE;
	uint64_t raw = 0;
	bool matches = across ? va - ea < d.width : ea == va;
	if (!on_device && INSN_OPCODE(insn) == OPCODE_AMO && d.kind != MMIO_LR) {
		/* An AMO or SC on the page no leaf expresses faulted as a load
		 * on the host hart (QEMU 7.2 reports some AMOs so); it writes,
		 * and that page has no W: the guest's hart gives the store
		 * walk's fault. */
		struct sv39_result w = translate_settled(v, va, SV39_STORE);
		if (w.status != SV39_OK) {
			deliver_walk_fault(v, &w, va, SV39_STORE);
			return;
		}
	}
	if (!kind_allowed(&d, acc, on_device) || !matches) {
		vtrap_enter(&v->vh, device_access_fault(insn, acc), va);
		return;
	}
	if (on_device && !across) {
		if (!device_access(v, &d, gpa, acc, &raw)) {
			vtrap_enter(&v->vh, device_access_fault(insn, acc), va);
			return;
		}
	} else {
		uint64_t fault_va, fault = acc == SV39_STORE
			? store_across(v, ea, d.width, v->x[d.reg], &fault_va)
			: across ? load_across(v, ea, d.width, &raw, &fault_va)
				 : load_within(v, ea, d.width, &raw, &fault_va);
		if (fault) {
			vtrap_enter(&v->vh, fault, fault_va);
			return;
		}
	}
	if (d.kind == MMIO_FP_LOAD)
		write_fp_register(v, &d, raw);
	else if (acc == SV39_LOAD && d.reg != 0)
		v->x[d.reg] = mmio_load_value(raw, d.width, d.sign_extend);
	v->vh.pc += d.len;
}

bool vmem_page_fault(struct vcpu *v, uint64_t cause, uint64_t va)
{
	struct guest *g = v->guest;
	enum sv39_access acc = access_of(cause);
	struct sv39_result r = translate(v, va, acc);

	if (r.status != SV39_OK) {
		deliver_walk_fault(v, &r, va, acc);
		return false;
	}
	if (!ram_gpa_to_hva(&g->ram, r.gpa, 1)) {
		/* An emulated device, or nothing: then the access fault that
		 * hardware gives for missing memory (also for fetching from a
		 * device). */
		if (acc != SV39_FETCH && devices_mmio_at(&g->dev, r.gpa)) {
			emulate_access(v, va, r.gpa, acc, true);
			return true;
		}
		vtrap_enter(&v->vh, access_fault_cause[acc], va);
		return false;
	}
	if ((v->vh.satp >> SATP_MODE_SHIFT) == SATP_MODE_BARE)
		guest_stop(v, "page fault at %lx inside guest RAM with satp Bare", va);
	if (shadow_va_in_window(va))
		guest_stop(v, "guest mapped %lx, inside the hypervisor's window "
			      "(Linux's unused KASAN range)", va);
	enum shadow_ctx ctx = shadow_ctx_of(&v->vh);
	/* A guest superpage gets shadow megapages, each filled at once. */
	unsigned leaf_level = 1;
	uint64_t leaf = sv39_shadow_megaleaf(&r, ctx, &g->ram.map);
	if (!leaf) {
		leaf_level = 0;
		leaf = sv39_shadow_leaf(&r, ctx, &g->ram.map);
	}
	if (!leaf && acc == SV39_LOAD) {
		emulate_access(v, va, r.gpa, acc, false);
		return false;
	}
	if (!leaf)
		guest_stop(v, "walk of %lx allowed an access its shadow context does not", va);
	note_fill(v, cause, va, &r, leaf);
	if (!shadow_map(&v->shadow, ctx, va, leaf, leaf_level, r.level))
		guest_stop(v, "hypervisor page pool too small for one shadow path");
	v->stats.shadow_fills++;
	return false;
}

/* vmem_fetch_insn() the long way: a walk, or a second page. */
static bool fetch_insn_walked(struct vcpu *v, uint32_t *insn)
{
	uint64_t pc = v->vh.pc;
	const uint16_t *low = shadow_fetch_ptr(&v->shadow, &v->vh, pc);
	if (!low)
		return false;
	if (INSN_IS_COMPRESSED(*low)) {
		*insn = *low;
		return true;
	}
	/* The leaf that maps the first parcel maps its whole page. */
	const uint16_t *high = (pc + 2) % PAGE_SIZE ? low + 1
				: shadow_fetch_ptr(&v->shadow, &v->vh, pc + 2);
	if (!high)
		return false;
	*insn = (uint32_t)*low | (uint32_t)*high << 16;
	return true;
}

bool vmem_fetch_insn(struct vcpu *v, uint32_t *insn)
{
	uint64_t pc = v->vh.pc;
	const uint16_t *low = shadow_fetch_cached(&v->shadow, &v->vh, pc);
	if (!low)
		return fetch_insn_walked(v, insn);
	if (INSN_IS_COMPRESSED(*low)) {
		*insn = *low;
		return true;
	}
	if ((pc + 2) % PAGE_SIZE == 0)
		return fetch_insn_walked(v, insn);
	*insn = (uint32_t)low[0] | (uint32_t)low[1] << 16;
	return true;
}

uint64_t vmem_read_u64(struct vcpu *v, uint64_t va, uint64_t *out, uint64_t *fault_va)
{
	uint64_t value = 0;
	for (unsigned i = 0; i < sizeof(value); i++) {
		struct sv39_result r = translate_settled(v, va + i, SV39_LOAD);
		*fault_va = va + i;
		if (r.status == SV39_PAGE_FAULT)
			return CAUSE_LOAD_PAGE_FAULT;
		const uint8_t *p = r.status == SV39_OK ? ram_gpa_to_hva(&v->guest->ram, r.gpa, 1)
						       : NULL;
		if (!p)
			return CAUSE_LOAD_ACCESS;
		value |= (uint64_t)*p << (8 * i);
	}
	*out = value;
	return 0;
}
