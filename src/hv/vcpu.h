/*
 * A virtual CPU: the guest's registers as saved by the trap vector, its
 * virtual privileged state (struct vhart, owned by the proved core), its
 * shadow page tables, and the hypervisor's bookkeeping for it. A vCPU is
 * pinned to one hart, which alone touches its state; other harts reach it
 * through its request word (vcpu_post), and its external interrupt line
 * through the word its guest's devices keep. The assembly in entry.S
 * reaches fields through offsets generated from this struct
 * (asm_offsets.c).
 */
#ifndef HV_VCPU_H
#define HV_VCPU_H

#include <stdbool.h>
#include <stdint.h>

#include "core/vhart.h"
#include "encoding.h"
#include "hv/hart.h"
#include "hv/shadow.h"

struct guest;

struct trap_stats {
	uint64_t exceptions[CAUSE_EXCEPTION_COUNT];
	uint64_t interrupts[IRQ_M_EXT + 1];
	/* Real interrupts served while no guest ran on the hart (no trap). */
	uint64_t in_wfi[IRQ_M_EXT + 1];
	uint64_t other;
	/* Shadow leaves installed, and real satp writes made to run this vCPU. */
	uint64_t shadow_fills, satp_writes;
	/* Privileged instructions emulated in the trap of one before them. */
	uint64_t batched;
	/* shadow.flushes when the guest last (re)started: the flushes of this
	 * boot are the difference. */
	uint64_t flushes_at_reset;
};

/* SBI HSM states a vCPU can be in (SBI v2.0 9.1; the pending states of a
 * stop or suspend are not observable here). */
enum vcpu_state {
	VCPU_STOPPED,
	VCPU_START_PENDING, /* hart_start named it; its hart has not yet run it */
	VCPU_STARTED,
	VCPU_SUSPENDED,     /* in hart_suspend, until an interrupt wakes it */
};

/* Requests other harts post to a vCPU (bits of vcpu.requests). */
#define VCPU_REQ_IPI   BIT(0) /* raise its virtual SSIP (SBI IPI) */
#define VCPU_REQ_FENCE BIT(1) /* drop its shadows and fence.i; the bit clears when done */

#define TIMER_NEVER UL(-1)

struct vcpu {
	uint64_t x[32];      /* x[0] unused; saved/restored by entry.S */
	struct vhart vh;     /* vh.pc is the guest pc across a trap */
	uint64_t hv_sp;      /* top of its hart's hypervisor stack */
	struct hart *hart;   /* the hart it is pinned to */
	struct guest *guest;
	unsigned id;         /* the guest's hart id for it */
	const uint32_t *seip_lines; /* bit id: its guest's PLIC asks for SEIP */
	uint32_t requests;   /* VCPU_REQ_*, set by any hart */
	/* HSM state, written under its guest's lock. */
	enum vcpu_state state;
	uint64_t start_addr, start_opaque; /* for START_PENDING */
	bool waiting;        /* in WFI or a suspend: runs again once woken */
	bool resume_fresh;   /* a non-retentive suspend: resume at start_addr */
	uint64_t timer_deadline; /* guest's SBI set_timer value, in time ticks */
	/* Its FP registers while another vCPU has the hart (fp.S). */
	uint64_t fregs[32];
	uint64_t fcsr;
	/* Detects a shadow fill that keeps faulting (see vmem.c). */
	uint64_t last_fill_page;
	uint64_t last_fill_pc;
	uint64_t last_fill_flushes;
	unsigned fill_repeats;
	struct trap_stats stats;
	/* Last: entry.S and fp.S reach the fields above with 12-bit offsets. */
	struct shadow shadow;
};

/* Everything for a first start: registers, virtual hart at entry with
 * a0, a1 as given (SBI: hart id and an opaque value), no timer, empty
 * shadows. */
void vcpu_reset(struct vcpu *v, uint64_t entry, uint64_t a1);
/* Post requests to v (any hart) and make its hart notice. */
void vcpu_post(struct vcpu *v, uint32_t requests);
/* On v's hart: carry out the requests posted to v. */
void vcpu_take_requests(struct vcpu *v);
/* Whether a VCPU_REQ_FENCE posted to v is still being carried out. */
bool vcpu_fence_pending(const struct vcpu *v);
/* The guest executed WFI (or a retentive suspend): v waits until an
 * interrupt is pending and enabled in sie (sstatus.SIE does not matter). */
void vcpu_wfi(struct vcpu *v);
/* Whether v can run now: started (or suspended) and not waiting, or its
 * wait is over. On v's hart; ends the wait when it is over. */
bool vcpu_ready(struct vcpu *v);
/* Before entering v's guest: its external interrupt line into sip, then
 * a virtual interrupt now pending and enabled is taken, as hardware would
 * before the next instruction. */
void vcpu_deliver_interrupts(struct vcpu *v);
/* Real satp, sstatus and scounteren for running v's guest, derived from
 * its virtual state; writes only what changed on its hart. */
void vcpu_load_real_state(struct vcpu *v);

/* Trap vector (entry.S): saves the guest into the vcpu in sscratch and
 * calls trap_dispatch on the vcpu's hypervisor stack. */
void trap_vector(void);
/* Load the guest registers of v and sret into it (entry.S). */
__attribute__((noreturn)) void vcpu_enter(struct vcpu *v);

#endif
