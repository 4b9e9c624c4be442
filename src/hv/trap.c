#include "hv/trap.h"

#include "core/vcsr.h"
#include "core/vtrap.h"
#include "encoding.h"
#include "hv/console.h"
#include "hv/csr.h"
#include "hv/guest.h"
#include "hv/stop.h"
#include "hv/sbi/vsbi.h"
#include "hv/timer.h"

/* The real sstatus bits that follow the guest's virtual sstatus. */
#define SSTATUS_GUEST_FS SSTATUS_FS

void vcpu_load_real_state(const struct vcpu *v)
{
	/* Always return to real U-mode, with the guest's FP state enable. */
	csr_clear(sstatus, SSTATUS_SPP | SSTATUS_SPIE | SSTATUS_SUM | SSTATUS_MXR |
				   SSTATUS_FS);
	csr_set(sstatus, v->vh.sstatus & SSTATUS_GUEST_FS);
}

/* Hardware may leave stval 0 for an illegal instruction: then read the
 * instruction from guest memory (satp Bare: pc is guest-physical). */
static bool fetch_insn(const struct vcpu *v, uint64_t stval, uint32_t *insn)
{
	if (stval) {
		*insn = (uint32_t)stval;
		return true;
	}
	const uint16_t *p = guest_gpa_to_hva(v->guest, v->vh.pc, 2);
	if (!p)
		return false;
	*insn = p[0];
	if (INSN_IS_COMPRESSED(*insn))
		return true;
	p = guest_gpa_to_hva(v->guest, v->vh.pc + 2, 2);
	if (!p)
		return false;
	*insn |= (uint32_t)p[0] << 16;
	return true;
}

static void raise_illegal(struct vcpu *v, uint32_t insn)
{
	vtrap_enter(&v->vh, CAUSE_ILLEGAL_INSTRUCTION, insn);
}

static bool is_csr_insn(uint32_t insn)
{
	return INSN_OPCODE(insn) == OPCODE_SYSTEM && INSN_FUNCT3(insn) != FUNCT3_PRIV &&
	       INSN_FUNCT3(insn) != 4U;
}

static bool is_sfence_vma(uint32_t insn)
{
	return INSN_OPCODE(insn) == OPCODE_SYSTEM && INSN_FUNCT3(insn) == FUNCT3_PRIV &&
	       INSN_FUNCT7(insn) == FUNCT7_SFENCE_VMA && INSN_RD(insn) == 0;
}

static void emulate_csr(struct vcpu *v, uint32_t insn)
{
	uint64_t old_satp = v->vh.satp;
	struct vcsr_result r = vcsr_emulate(&v->vh, insn, v->x[INSN_RS1(insn)]);
	if (r.status != VCSR_OK) {
		raise_illegal(v, insn);
		return;
	}
	if (r.rd != 0)
		v->x[r.rd] = r.rd_value;
	v->vh.pc += 4;
	if (v->vh.satp != old_satp && (v->vh.satp >> SATP_MODE_SHIFT) != SATP_MODE_BARE)
		guest_stop(v, "guest turned on Sv39 translation (satp %lx), which this "
			      "build does not emulate yet", v->vh.satp);
}

/* Privileged instructions trap from real U-mode as illegal instructions. */
static void emulate_illegal(struct vcpu *v, uint64_t stval)
{
	uint32_t insn;
	if (!fetch_insn(v, stval, &insn)) {
		vtrap_enter(&v->vh, CAUSE_FETCH_ACCESS, v->vh.pc);
		return;
	}
	if (is_csr_insn(insn)) {
		emulate_csr(v, insn);
	} else if (insn == INSN_SRET) {
		if (vtrap_sret(&v->vh) != VCSR_OK)
			raise_illegal(v, insn);
	} else if (insn == INSN_WFI || is_sfence_vma(insn)) {
		/* Both are S-mode only. With satp Bare there is nothing to fence. */
		if (v->vh.priv != PRV_S) {
			raise_illegal(v, insn);
			return;
		}
		if (insn == INSN_WFI)
			vcpu_wait_for_interrupt(v);
		v->vh.pc += 4;
	} else {
		raise_illegal(v, insn);
	}
}

/* A guest access the shadow table does not map: with satp Bare the address
 * is guest-physical, and outside guest RAM nothing answers, so the guest
 * gets the access fault that hardware gives for missing memory. */
static void guest_page_fault(struct vcpu *v, uint64_t cause, uint64_t stval)
{
	static const uint64_t access_fault[CAUSE_EXCEPTION_COUNT] = {
		[CAUSE_FETCH_PAGE_FAULT] = CAUSE_FETCH_ACCESS,
		[CAUSE_LOAD_PAGE_FAULT] = CAUSE_LOAD_ACCESS,
		[CAUSE_STORE_PAGE_FAULT] = CAUSE_STORE_ACCESS,
	};
	if (guest_gpa_to_hva(v->guest, stval, 1))
		guest_stop(v, "page fault at %lx inside guest RAM", stval);
	vtrap_enter(&v->vh, access_fault[cause], stval);
}

static void handle_interrupt(struct vcpu *v, uint64_t irq)
{
	if (irq > IRQ_M_EXT) {
		v->stats.other++;
		guest_stop(v, "unknown interrupt %lu", irq);
	}
	v->stats.interrupts[irq]++;
	if (irq != IRQ_S_TIMER)
		guest_stop(v, "unexpected interrupt %lu", irq);
	timer_interrupt(v);
}

static void handle_exception(struct vcpu *v, uint64_t cause, uint64_t stval)
{
	if (cause >= CAUSE_EXCEPTION_COUNT) {
		v->stats.other++;
		guest_stop(v, "unknown trap cause %lx", cause);
	}
	v->stats.exceptions[cause]++;

	switch (cause) {
	case CAUSE_ILLEGAL_INSTRUCTION:
		emulate_illegal(v, stval);
		break;
	case CAUSE_USER_ECALL:
		if (v->vh.priv == PRV_S)
			vsbi_handle(v);
		else
			vtrap_enter(&v->vh, CAUSE_USER_ECALL, 0);
		break;
	case CAUSE_FETCH_PAGE_FAULT:
	case CAUSE_LOAD_PAGE_FAULT:
	case CAUSE_STORE_PAGE_FAULT:
		guest_page_fault(v, cause, stval);
		break;
	case CAUSE_MISALIGNED_FETCH:
	case CAUSE_FETCH_ACCESS:
	case CAUSE_BREAKPOINT:
	case CAUSE_MISALIGNED_LOAD:
	case CAUSE_LOAD_ACCESS:
	case CAUSE_MISALIGNED_STORE:
	case CAUSE_STORE_ACCESS:
		/* The guest's own fault: it sees it exactly as hardware gave it. */
		vtrap_enter(&v->vh, cause, stval);
		break;
	default:
		guest_stop(v, "unexpected trap cause %lu", cause);
	}
}

struct vcpu *trap_dispatch(struct vcpu *v)
{
	uint64_t cause = csr_read(scause);
	uint64_t stval = csr_read(stval);
	v->vh.pc = csr_read(sepc);
	/* FP instructions mark the real FS dirty; the guest must see that. */
	v->vh.sstatus = (v->vh.sstatus & ~SSTATUS_FS) | (csr_read(sstatus) & SSTATUS_FS);

	if (cause & CAUSE_INTERRUPT)
		handle_interrupt(v, cause & ~CAUSE_INTERRUPT);
	else
		handle_exception(v, cause, stval);

	/* A virtual interrupt that is now pending and enabled is taken before
	 * the guest runs another instruction, as hardware would. */
	uint64_t irq_cause = vtrap_pending_interrupt(&v->vh);
	if (irq_cause)
		vtrap_enter(&v->vh, irq_cause, 0);
	vcpu_load_real_state(v);
	return v;
}

void hv_trap_in_hypervisor(void)
{
	hv_panic("trap in the hypervisor: scause %lx sepc %lx stval %lx",
		 csr_read(scause), csr_read(sepc), csr_read(stval));
}
