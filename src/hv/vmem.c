#include "hv/vmem.h"

#include <string.h>

#include "core/mmio.h"
#include "core/sv39.h"
#include "core/vtrap.h"
#include "encoding.h"
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

#define OPCODE_AMO 0x2fU
#define AMO_FUNCT5_LR 0x02U

/* The access fault for what a device cannot take: an AMO is a store/AMO
 * access (QEMU 7.2 reports some as loads), LR a load, the rest as trapped. */
static uint64_t device_access_fault(uint32_t insn, enum sv39_access acc)
{
	if (INSN_OPCODE(insn) == OPCODE_AMO)
		return INSN_FUNCT7(insn) >> 2 == AMO_FUNCT5_LR ? CAUSE_LOAD_ACCESS
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

/* A load the guest's tables allow but no shadow leaf can express: vS
 * reading an execute-only vU page under SUM and MXR (a shadow leaf may not
 * make a vU page executable for vS, and without R the hardware refuses). */
static void ram_load(struct vcpu *v, const struct mmio_insn *d, uint32_t insn, uint64_t gpa,
		     uint64_t *raw)
{
	if (d->kind != MMIO_LOAD)
		guest_stop(v, "cannot emulate instruction %x loading from %lx", insn, gpa);
	const uint8_t *p = ram_gpa_to_hva(&v->guest->ram, gpa, d->width);
	if (!p || gpa % PAGE_SIZE + d->width > PAGE_SIZE)
		guest_stop(v, "cannot emulate a load crossing a page at %lx", gpa);
	*raw = 0;
	memcpy(raw, p, d->width);
}

/* The one place a trapped load or store is fetched, decoded by the proved
 * decoder and carried out: on a device (device pages are never
 * shadow-mapped) or, for ram_load's case, on RAM. Writes rd and steps pc;
 * or gives the guest the access fault hardware gives for an access the
 * device cannot take (misaligned, atomic, floating-point, wider than the
 * register). */
static void emulate_access(struct vcpu *v, uint64_t gpa, uint64_t va, enum sv39_access acc,
			   bool on_device)
{
	uint32_t insn;
	if (!vmem_fetch_insn(v, &insn))
		return;
	struct mmio_insn d = mmio_decode(insn);
	uint64_t raw = 0;
	if (!on_device) {
		ram_load(v, &d, insn, gpa, &raw);
	} else if (!device_access(v, &d, gpa, acc, &raw)) {
		vtrap_enter(&v->vh, device_access_fault(insn, acc), va);
		return;
	}
	if (d.kind == MMIO_LOAD && d.reg != 0)
		v->x[d.reg] = mmio_load_value(raw, d.width, d.sign_extend);
	v->vh.pc += d.len;
}

void vmem_page_fault(struct vcpu *v, uint64_t cause, uint64_t va)
{
	struct guest *g = v->guest;
	enum sv39_access acc = access_of(cause);
	struct sv39_result r = translate(v, va, acc);

	if (r.status != SV39_OK) {
		deliver_walk_fault(v, &r, va, acc);
		return;
	}
	if (!ram_gpa_to_hva(&g->ram, r.gpa, 1)) {
		/* An emulated device, or nothing: then the access fault that
		 * hardware gives for missing memory (also for fetching from a
		 * device). */
		if (acc != SV39_FETCH && devices_mmio_at(&g->dev, r.gpa))
			emulate_access(v, r.gpa, va, acc, true);
		else
			vtrap_enter(&v->vh, access_fault_cause[acc], va);
		return;
	}
	if ((v->vh.satp >> SATP_MODE_SHIFT) == SATP_MODE_BARE)
		guest_stop(v, "page fault at %lx inside guest RAM with satp Bare", va);
	if (shadow_va_in_window(va))
		guest_stop(v, "guest mapped %lx, inside the hypervisor's window "
			      "(Linux's unused KASAN range)", va);
	enum shadow_ctx ctx = shadow_ctx_of(&v->vh);
	uint64_t leaf = sv39_shadow_leaf(&r, ctx, &g->ram.map);
	if (!leaf && acc == SV39_LOAD) {
		emulate_access(v, r.gpa, va, acc, false);
		return;
	}
	if (!leaf)
		guest_stop(v, "walk of %lx allowed an access its shadow context does not", va);
	note_fill(v, cause, va, &r, leaf);
	if (!shadow_map(&v->shadow, ctx, va, leaf, r.level))
		guest_stop(v, "hypervisor page pool too small for one shadow path");
}

bool vmem_fetch_insn(struct vcpu *v, uint32_t *insn)
{
	uint16_t parcel[2];
	for (unsigned i = 0; i < 2; i++) {
		const uint16_t *p = shadow_fetch_ptr(&v->shadow, &v->vh, v->vh.pc + 2 * i);
		if (!p)
			return false;
		parcel[i] = *p;
		if (i == 0 && INSN_IS_COMPRESSED(parcel[0])) {
			*insn = parcel[0];
			return true;
		}
	}
	*insn = (uint32_t)parcel[0] | (uint32_t)parcel[1] << 16;
	return true;
}

/* A lost race setting A (the guest changed the PTE meanwhile) is retried
 * this often before the read gives up with an access fault. */
#define READ_RETRIES 8

uint64_t vmem_read_u64(struct vcpu *v, uint64_t va, uint64_t *out, uint64_t *fault_va)
{
	uint64_t value = 0;
	for (unsigned i = 0; i < sizeof(value); i++) {
		struct sv39_result r;
		unsigned tries = 0;
		do
			r = translate(v, va + i, SV39_LOAD);
		while (r.status == SV39_RETRY && ++tries < READ_RETRIES);
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
