/*
 * What each hart runs: the vCPUs pinned to it, in turn (a time slice each
 * when more than one is ready), and nothing while none is ready (real
 * WFI). Here vCPUs start (SBI HSM), stop, and guests end: every vCPU of
 * an ending guest stops on its own hart, and the hart that stops the last
 * one restarts the guest or reports it over.
 */
#ifndef HV_SCHED_H
#define HV_SCHED_H

#include <stdbool.h>
#include <stdint.h>

#include "hv/guest.h"
#include "hv/hart.h"
#include "hv/vcpu.h"

/* The vCPU to enter next on h, its pending interrupts delivered and its
 * real state loaded; waits (serving real interrupts) until one is ready. */
struct vcpu *sched_next(struct hart *h);
/* Run h from the top of its stack, forever: whatever trap or loop called
 * this is abandoned (it must hold no lock). */
__attribute__((noreturn)) void sched_restart(struct hart *h);
/* A real interrupt (IRQ_S_*) taken on h while a guest ran. */
void sched_interrupt(struct hart *h, uint64_t irq);

/* End g: every vCPU stops, then g restarts (how == GUEST_ENDING_REBOOT) or
 * is over. The first call decides; failed marks the guest as failed. */
void sched_end_guest(struct guest *g, enum guest_end how, bool failed);
/* Stop v, the vCPU that trapped on this hart (SBI HSM hart_stop, or its
 * guest ending), and run something else. */
__attribute__((noreturn)) void sched_stop_vcpu(struct vcpu *v);

#endif
