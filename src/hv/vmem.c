#include "hv/vmem.h"

#include <string.h>

#include "core/mmio.h"
#include "core/sv39.h"
#include "core/vtrap.h"
#include "encoding.h"
#include "hv/guest.h"
#include "hv/devices.h"
#include "hv/mmio.h"
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
	return sv39_translate(&v->guest->gmem, v->vh.satp, va, acc, v->vh.priv, v->vh.sstatus);
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
	uint64_t flushes = v->guest->shadow.flushes;
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

/* A load the guest's tables allow but no shadow leaf can express: vS
 * reading an execute-only vU page under SUM and MXR (a shadow leaf may not
 * make a vU page executable for vS, and without R the hardware refuses).
 * Done here instead, by decoding the instruction. */
static void emulate_load(struct vcpu *v, uint64_t gpa)
{
	uint32_t insn;
	if (!vmem_fetch_insn(v, &insn))
		return;
	struct mmio_insn d = mmio_decode(insn);
	if (d.kind != MMIO_LOAD)
		guest_stop(v, "cannot emulate instruction %x loading from %lx", insn, gpa);
	const uint8_t *p = guest_gpa_to_hva(v->guest, gpa, d.width);
	if (!p || gpa % PAGE_SIZE + d.width > PAGE_SIZE)
		guest_stop(v, "cannot emulate a load crossing a page at %lx", gpa);
	uint64_t raw = 0;
	memcpy(&raw, p, d.width);
	if (d.reg != 0)
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
	if (!guest_gpa_to_hva(g, r.gpa, 1)) {
		/* An emulated device, or nothing: then the access fault that
		 * hardware gives for missing memory (also for fetching from a
		 * device). */
		if (acc != SV39_FETCH && devices_mmio_at(v->guest, r.gpa))
			mmio_emulate(v, r.gpa, va, acc);
		else
			vtrap_enter(&v->vh, access_fault_cause[acc], va);
		return;
	}
	if ((v->vh.satp >> SATP_MODE_SHIFT) == SATP_MODE_BARE)
		guest_stop(v, "page fault at %lx inside guest RAM with satp Bare", va);
	if (shadow_va_in_window(va))
		guest_stop(v, "guest mapped %lx, inside the hypervisor's window "
			      "(Linux's unused KASAN range)", va);
	const struct host_map map = { GUEST_RAM_BASE, g->ram_size, g->ram_hpa };
	enum shadow_ctx ctx = shadow_ctx_of(&v->vh);
	uint64_t leaf = sv39_shadow_leaf(&r, ctx, &map);
	if (!leaf && acc == SV39_LOAD) {
		emulate_load(v, r.gpa);
		return;
	}
	if (!leaf)
		guest_stop(v, "walk of %lx allowed an access its shadow context does not", va);
	note_fill(v, cause, va, &r, leaf);
	if (!shadow_map(g, ctx, va, leaf, r.level))
		guest_stop(v, "hypervisor page pool too small for one shadow path");
}

bool vmem_fetch_insn(struct vcpu *v, uint32_t *insn)
{
	uint32_t parcel[2];
	uint64_t pc = v->vh.pc;
	for (unsigned i = 0; i < 2; i++) {
		uint64_t va = pc + 2 * i;
		struct sv39_result r = translate(v, va, SV39_FETCH);
		if (r.status != SV39_OK) {
			deliver_walk_fault(v, &r, va, SV39_FETCH);
			return false;
		}
		const uint16_t *p = guest_gpa_to_hva(v->guest, r.gpa, 2);
		if (!p) {
			vtrap_enter(&v->vh, CAUSE_FETCH_ACCESS, va);
			return false;
		}
		parcel[i] = *p;
		if (i == 0 && INSN_IS_COMPRESSED(parcel[0])) {
			*insn = parcel[0];
			return true;
		}
	}
	*insn = parcel[0] | parcel[1] << 16;
	return true;
}

uint64_t vmem_read_u64(struct vcpu *v, uint64_t va, uint64_t *out)
{
	if (va % sizeof(uint64_t))
		return CAUSE_LOAD_ACCESS;
	struct sv39_result r = translate(v, va, SV39_LOAD);
	if (r.status == SV39_PAGE_FAULT)
		return CAUSE_LOAD_PAGE_FAULT;
	const uint64_t *p = r.status == SV39_OK ? guest_gpa_to_hva(v->guest, r.gpa, 8) : NULL;
	if (!p)
		return CAUSE_LOAD_ACCESS;
	*out = *p;
	return 0;
}
