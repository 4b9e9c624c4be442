/*
 * How a guest ends. With one guest per machine, ending the guest powers
 * off the machine, with an exit code that says whether the guest failed.
 */
#ifndef HV_STOP_H
#define HV_STOP_H

#include <stdint.h>

#include "hv/vcpu.h"

/* The guest asked to power off (SBI SRST): reason is the SRST reason. */
__attribute__((noreturn)) void guest_exit(struct vcpu *v, uint64_t reason);
/* The guest asked to reboot: restart it from its image. */
void guest_reboot(struct vcpu *v);
/* The guest did something the hypervisor will not emulate: report it and
 * stop the guest. Never used for a hypervisor bug (hv_panic). */
__attribute__((noreturn, format(printf, 2, 3))) void guest_stop(struct vcpu *v,
								const char *fmt, ...);
/* Per-cause trap counts of v, one line each. */
void trap_stats_print(const struct vcpu *v);

#endif
