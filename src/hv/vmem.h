/*
 * Guest virtual memory as the hypervisor shell handles it: page faults
 * (shadow fill, the guest's own fault, or a load or store to emulate on a
 * device) through the proved walker and decoder, and fetching the
 * instruction the guest trapped on.
 */
#ifndef HV_VMEM_H
#define HV_VMEM_H

#include <stdbool.h>
#include <stdint.h>

#include "hv/vcpu.h"

/* A real page fault of cause (fetch/load/store page fault) at va. True if
 * it was an access to an emulated device (which may have done anything a
 * device can, up to ending the guest). */
bool vmem_page_fault(struct vcpu *v, uint64_t cause, uint64_t va);
/* The instruction at the guest's pc that the hart just ran: read through
 * the shadow translation the hart fetched it with (never a fresh walk of
 * the guest's tables, which may have changed since without a fence, nor
 * stval, which a hart need not write with it). False if that translation
 * is gone: the guest then runs the instruction again, and takes whatever
 * fault a fetch now takes. */
bool vmem_fetch_insn(struct vcpu *v, uint32_t *insn);

/* Read the little-endian 8 bytes at guest virtual address va as the guest's
 * own loads would, byte by byte (for SBI calls that take a pointer, which
 * need not be aligned): 0, or the scause of the fault a load of the byte
 * at *fault_va takes. */
uint64_t vmem_read_u64(struct vcpu *v, uint64_t va, uint64_t *out, uint64_t *fault_va);

#endif
