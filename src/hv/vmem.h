/*
 * Guest virtual memory as the hypervisor shell handles it: page faults
 * (shadow fill, the guest's own fault, or a load or store to emulate on a
 * device) and fetching the instruction the guest trapped on, all through
 * the proved walker and decoder.
 */
#ifndef HV_VMEM_H
#define HV_VMEM_H

#include <stdbool.h>
#include <stdint.h>

#include "hv/vcpu.h"

/* A real page fault of cause (fetch/load/store page fault) at va. */
void vmem_page_fault(struct vcpu *v, uint64_t cause, uint64_t va);
/* Read the instruction at the guest's pc as its MMU would fetch it. On a
 * fault the guest has received it and false is returned. */
bool vmem_fetch_insn(struct vcpu *v, uint32_t *insn);

/* Read 8 bytes at guest virtual address va as a guest load would (for SBI
 * calls that take a pointer): 0, or the scause of the fault that load
 * takes (a misaligned va is reported as a load access fault). */
uint64_t vmem_read_u64(struct vcpu *v, uint64_t va, uint64_t *out);

#endif
