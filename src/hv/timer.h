/*
 * The guest's timer: SBI set_timer deadlines multiplexed onto the real
 * supervisor timer (one vCPU per hart, so the real timer is the vCPU's).
 */
#ifndef HV_TIMER_H
#define HV_TIMER_H

#include <stdbool.h>
#include <stdint.h>

#include "hv/vcpu.h"

/* How the real timer is set: Sstc's stimecmp when the host hart has it
 * (firmware then lets S-mode own it), else SBI set_timer. */
void timer_init(bool host_sstc);
/* SBI set_timer: clears the guest's pending timer interrupt and arms a
 * new deadline (UL(-1): never). */
void timer_set(struct vcpu *v, uint64_t deadline);
/* The real supervisor timer interrupt fired while v's guest ran. */
void timer_interrupt(struct vcpu *v);
/* WFI: return once an interrupt is pending and enabled in sie (sstatus.SIE
 * does not matter); stop the guest if none can ever arrive. */
void vcpu_wait_for_interrupt(struct vcpu *v);

#endif
