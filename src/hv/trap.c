#include "hv/trap.h"

#include "encoding.h"
#include "core/vcsr.h"
#include "core/vreal.h"
#include "core/vtrap.h"
#include "hv/console.h"
#include "hv/sbi/vsbi.h"
#include "hv/sched.h"
#include "hv/shadow.h"
#include "hv/stop.h"
#include "hv/vmem.h"
#include "lib/csr.h"

/* At most this many privileged instructions in a row are emulated in one
 * trap: Linux's exception entry reads five CSRs back to back. */
#define BATCH_MAX 8

static void raise_illegal(struct vcpu *v, uint32_t insn)
{
	vtrap_enter(&v->vh, CAUSE_ILLEGAL_INSTRUCTION, insn);
}

/* The core decides the rest (reserved funct3 4 included: illegal). */
static bool is_csr_insn(uint32_t insn)
{
	return INSN_OPCODE(insn) == OPCODE_SYSTEM && INSN_FUNCT3(insn) != FUNCT3_PRIV;
}

static bool is_sfence_vma(uint32_t insn)
{
	return INSN_OPCODE(insn) == OPCODE_SYSTEM && INSN_FUNCT3(insn) == FUNCT3_PRIV &&
	       INSN_FUNCT7(insn) == FUNCT7_SFENCE_VMA && INSN_RD(insn) == 0;
}

/* Whether insn traps from real U-mode whatever the real state: an access
 * to a CSR above U level, or sfence.vma (U-level CSRs, the FP ones and the
 * counters, may run on the hart). */
static bool always_traps(uint32_t insn)
{
	return (is_csr_insn(insn) && CSR_ADDR_PRIV(INSN_CSR(insn)) > PRV_U) || is_sfence_vma(insn);
}

/* True if the access was legal (and done). */
static bool emulate_csr(struct vcpu *v, uint32_t insn)
{
	uint64_t old_satp = v->vh.satp;
	struct vcsr_result r = vcsr_emulate(&v->vh, insn, v->x[INSN_RS1(insn)]);
	if (r.status != VCSR_OK) {
		raise_illegal(v, insn);
		return false;
	}
	if (r.rd != 0)
		v->x[r.rd] = r.rd_value;
	v->vh.pc += 4;
	/* Shadows derive from the tables a satp names. */
	if (v->vh.satp != old_satp)
		shadow_switch(&v->shadow, v->vh.satp);
	return true;
}

/* sfence.vma rs1, rs2: drop the shadows of one page, or of every page,
 * of every address space or of those with the ASID in rs2. */
static void emulate_sfence_vma(struct vcpu *v, uint32_t insn)
{
	uint64_t va = v->x[INSN_RS1(insn)];
	uint64_t asid = v->x[INSN_RS2(insn)] & (SATP_ASID >> SATP_ASID_SHIFT);
	if (INSN_RS1(insn) == 0 && INSN_RS2(insn) == 0)
		shadow_flush_all(&v->shadow);
	else if (INSN_RS1(insn) == 0)
		shadow_flush_asid(&v->shadow, asid);
	else if (INSN_RS2(insn) == 0)
		shadow_flush_va(&v->shadow, va);
	else
		shadow_flush_va_asid(&v->shadow, va, asid);
}

/* Emulate the privileged instruction insn at the guest's pc. True if the
 * guest's next instruction follows it (nothing raised, no jump); *waits
 * becomes true for a WFI. */
static bool emulate_privileged(struct vcpu *v, uint32_t insn, bool *waits)
{
	if (is_csr_insn(insn))
		return emulate_csr(v, insn);
	if (insn == INSN_SRET) {
		if (vtrap_sret(&v->vh) != VCSR_OK)
			raise_illegal(v, insn);
		return false;
	}
	/* WFI and sfence.vma are S-mode only. */
	if ((insn != INSN_WFI && !is_sfence_vma(insn)) || v->vh.priv != PRV_S) {
		raise_illegal(v, insn);
		return false;
	}
	v->vh.pc += 4;
	if (insn == INSN_WFI) {
		vcpu_wfi(v);
		*waits = true;
		return false;
	}
	emulate_sfence_vma(v, insn);
	return true;
}

/* Privileged instructions trap from real U-mode as illegal instructions.
 * stval is not used: a hart need not write the instruction there, and
 * QEMU 7.2 leaves a stale one for some (H-extension loads and stores).
 * The instructions right after it that would trap too (always_traps) are
 * emulated in the same trap, as long as no interrupt is to be taken
 * before them; each is fetched through the shadow the hart would fetch it
 * through. True if the scheduler must decide what runs next. */
static bool emulate_illegal(struct vcpu *v)
{
	uint32_t insn;
	bool waits = false;
	if (!vmem_fetch_insn(v, &insn))
		return true;
	for (unsigned n = 1; emulate_privileged(v, insn, &waits) && n < BATCH_MAX; n++) {
		if (vtrap_pending_interrupt(&v->vh) || !vmem_fetch_insn(v, &insn) ||
		    !always_traps(insn))
			break;
		v->stats.batched++;
	}
	return waits;
}

static void handle_interrupt(struct vcpu *v, uint64_t irq)
{
	if (irq > IRQ_M_EXT) {
		v->stats.other++;
		guest_stop(v, "unknown interrupt %lu", irq);
	}
	v->stats.interrupts[irq]++;
	if (irq != IRQ_S_SOFT && irq != IRQ_S_TIMER && irq != IRQ_S_EXT)
		guest_stop(v, "unexpected interrupt %lu", irq);
	sched_interrupt(v->hart, irq);
}

/* True if the scheduler must decide what runs next: the vCPU may wait,
 * stop or end its guest, or a device may have changed anything. */
static bool handle_exception(struct vcpu *v, uint64_t cause, uint64_t stval)
{
	if (cause >= CAUSE_EXCEPTION_COUNT) {
		v->stats.other++;
		guest_stop(v, "unknown trap cause %lx", cause);
	}
	v->stats.exceptions[cause]++;

	switch (cause) {
	case CAUSE_ILLEGAL_INSTRUCTION:
		return emulate_illegal(v);
	case CAUSE_USER_ECALL:
		if (v->vh.priv == PRV_S) {
			vsbi_handle(v);
			return true;
		}
		vtrap_enter(&v->vh, CAUSE_USER_ECALL, 0);
		return false;
	case CAUSE_FETCH_PAGE_FAULT:
	case CAUSE_LOAD_PAGE_FAULT:
	case CAUSE_STORE_PAGE_FAULT:
		return vmem_page_fault(v, cause, stval);
	case CAUSE_MISALIGNED_FETCH:
	case CAUSE_FETCH_ACCESS:
	case CAUSE_BREAKPOINT:
	case CAUSE_MISALIGNED_LOAD:
	case CAUSE_LOAD_ACCESS:
	case CAUSE_MISALIGNED_STORE:
	case CAUSE_STORE_ACCESS:
		/* The guest's own fault: it sees it exactly as hardware gave it. */
		vtrap_enter(&v->vh, cause, stval);
		return false;
	default:
		guest_stop(v, "unexpected trap cause %lu", cause);
	}
}

/*
 * What can change while a guest runs without a trap on its hart reaches
 * the hart as a real interrupt (other harts kick it; the timer fires), and
 * interrupts always go through the scheduler. So after an exception that
 * only emulated or reflected something, the vCPU resumes at once, and if
 * no input of its real state changed and no interrupt is to be taken
 * (vreal_unchanged), without even reloading that state.
 */
struct vcpu *trap_dispatch(struct vcpu *v)
{
	uint64_t cause = csr_read(CSR_SCAUSE);
	uint64_t stval = csr_read(CSR_STVAL);
	v->vh.pc = csr_read(CSR_SEPC);
	/* FP instructions mark the real FS dirty; the guest must see that. */
	v->vh.sstatus = (v->vh.sstatus & ~SSTATUS_FS) | (csr_read(CSR_SSTATUS) & SSTATUS_FS);

	if (cause & CAUSE_INTERRUPT) {
		handle_interrupt(v, cause & ~CAUSE_INTERRUPT);
		return sched_next(v->hart);
	}
	struct vreal_inputs before = vreal_inputs_of(&v->vh);
	if (handle_exception(v, cause, stval))
		return sched_next(v->hart);
	if (!vreal_unchanged(&v->vh, &before)) {
		vcpu_deliver_interrupts(v);
		vcpu_load_real_state(v);
	}
	return v;
}

void hv_trap_in_hypervisor(void)
{
	hv_panic("trap in the hypervisor: scause %lx sepc %lx stval %lx",
		 csr_read(CSR_SCAUSE), csr_read(CSR_SEPC), csr_read(CSR_STVAL));
}
