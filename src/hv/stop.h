/*
 * How a guest ends, asked by one of its vCPUs: power-off, reboot, or a
 * stop because it did something the hypervisor will not emulate. Each
 * says why on the console, then every vCPU of the guest stops (sched.h);
 * other guests keep running. When the last guest is over the machine
 * powers off, with an exit code that says whether a guest failed.
 */
#ifndef HV_STOP_H
#define HV_STOP_H

#include <stdint.h>

#include "hv/vcpu.h"

/* The guest asked to power off (SBI SRST): reason is the SRST reason. */
__attribute__((noreturn)) void guest_exit(struct vcpu *v, uint64_t reason);
/* The guest asked to reboot: restart it from its image. */
__attribute__((noreturn)) void guest_reboot(struct vcpu *v);
/* The guest did something the hypervisor will not emulate: report it and
 * stop the guest. Never used for a hypervisor bug (hv_panic). Must not be
 * called with a lock held. */
__attribute__((noreturn, format(printf, 2, 3))) void guest_stop(struct vcpu *v,
								const char *fmt, ...);

#endif
