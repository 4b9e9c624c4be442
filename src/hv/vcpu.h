/*
 * A virtual CPU: the guest's registers as saved by the trap vector, its
 * virtual privileged state (struct vhart, owned by the proved core), and
 * the hypervisor's own bookkeeping for it. The assembly in entry.S reaches
 * fields through offsets generated from this struct (asm_offsets.c).
 */
#ifndef HV_VCPU_H
#define HV_VCPU_H

#include <stdint.h>

#include "core/vhart.h"
#include "encoding.h"

struct guest;

struct trap_stats {
	uint64_t exceptions[CAUSE_EXCEPTION_COUNT];
	uint64_t interrupts[IRQ_M_EXT + 1];
	/* Real interrupts served while the guest waited in WFI (no trap). */
	uint64_t in_wfi[IRQ_M_EXT + 1];
	uint64_t other;
};

struct vcpu {
	uint64_t x[32];      /* x[0] unused; saved/restored by entry.S */
	struct vhart vh;     /* vh.pc is the guest pc across a trap */
	uint64_t hv_sp;      /* top of this vCPU's hypervisor stack */
	uint64_t real_satp;  /* shadow root in use while the guest runs */
	uint64_t real_scounteren; /* counters the guest reads without trapping */
	uint64_t timer_deadline; /* guest's SBI set_timer value, in time ticks */
	struct guest *guest;
	/* Detects a shadow fill that keeps faulting (see vmem.c). */
	uint64_t last_fill_page;
	uint64_t last_fill_pc;
	uint64_t last_fill_flushes;
	unsigned fill_repeats;
	struct trap_stats stats;
};

/* Trap vector (entry.S): saves the guest into the vcpu in sscratch and
 * calls trap_dispatch on the vcpu's hypervisor stack. */
void trap_vector(void);
/* Load the guest registers of v and sret into it (entry.S). */
__attribute__((noreturn)) void vcpu_enter(struct vcpu *v);

#endif
