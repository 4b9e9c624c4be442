/*
 * A host hart as the hypervisor sees it: its stack, the vCPUs pinned to
 * it (it runs them in turn), its context at the real PLIC, how its real
 * timer is set, and what it last wrote to the real CSRs that guest entry
 * sets. While the hypervisor runs on a hart, tp holds its struct hart
 * (entry.S puts it there on every trap).
 */
#ifndef HV_HART_H
#define HV_HART_H

#include <stdbool.h>
#include <stdint.h>

#include "hv/platform.h"

#define HV_MAX_HARTS PLATFORM_MAX_HARTS
/* vCPUs one hart may run in turn. */
#define HART_MAX_VCPUS 16
#define HART_STACK_SIZE 16384

struct vcpu;

struct hart {
	uint64_t stack_top; /* the hypervisor's stack on this hart */
	uint64_t hartid;
	bool sstc;          /* real timer through stimecmp, else SBI set_timer */
	uint64_t timebase_hz;
	bool asid_fence;    /* too few ASID bits: fence on every satp switch */
	const struct platform_plic *plic; /* the real PLIC */
	uint32_t plic_context;            /* this hart's S context there */
	struct vcpu *vcpus[HART_MAX_VCPUS];
	unsigned nvcpus;
	struct vcpu *current;  /* the vCPU whose guest ran last */
	uint64_t slice_end;    /* when current's time slice ends */
	uint64_t wake_at;      /* the hypervisor's own next timer event here */
	uint64_t real_satp;    /* real satp and scounteren as last written */
	uint64_t real_scounteren;
	_Alignas(16) uint8_t stack[HART_STACK_SIZE];
};

static inline struct hart *this_hart(void)
{
	struct hart *h;
	__asm__("mv %0, tp" : "=r"(h));
	return h;
}

static inline void hart_set_this(struct hart *h)
{
	__asm__ volatile("mv tp, %0" : : "r"(h) : "memory");
}

/* fence.i on this hart: its later instruction fetches see every store
 * already visible to it. */
void hart_fence_i(void);
/* Make h notice new requests soon: a real IPI, unless h is this hart. */
void hart_kick(struct hart *h);
/* Start h in the hypervisor with SBI HSM; NULL, or why it did not start. */
const char *hart_boot(struct hart *h);

#endif
