/* The one C entry from the trap vector. */
#ifndef HV_TRAP_H
#define HV_TRAP_H

#include "hv/vcpu.h"

/* Handle the trap that just left v's guest, and return the vCPU to resume
 * on this hart (entry.S then restores it and executes sret). */
struct vcpu *trap_dispatch(struct vcpu *v);

/* A trap taken while the hypervisor itself ran: a hypervisor bug. */
__attribute__((noreturn)) void hv_trap_in_hypervisor(void);

#endif
