/*
 * Guest timers: each vCPU's SBI set_timer deadline, multiplexed with the
 * hypervisor's own next event on its hart (hart.wake_at) onto that hart's
 * real supervisor timer.
 */
#ifndef HV_TIMER_H
#define HV_TIMER_H

#include <stdbool.h>
#include <stdint.h>

#include "hv/hart.h"
#include "hv/vcpu.h"

/* The hart's clock, in time ticks. */
uint64_t timer_now(void);
/* SBI set_timer on v's hart: clears v's pending timer interrupt and arms a
 * new deadline (TIMER_NEVER: none). */
void timer_set(struct vcpu *v, uint64_t deadline);
/* Raise the virtual timer interrupt of every vCPU on h whose deadline has
 * passed, and make the real timer fire at the next deadline or wake_at.
 * True if it raised one: the real timer will not fire for it. */
bool timer_update(struct hart *h);

#endif
