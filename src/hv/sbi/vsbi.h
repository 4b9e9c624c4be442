/*
 * SBI for guests: the calls a guest in virtual S-mode makes with ecall,
 * numbered as in the SBI v2.0 spec. One file per extension; vsbi.c reads
 * the call from the guest's registers and dispatches with a switch.
 */
#ifndef HV_SBI_VSBI_H
#define HV_SBI_VSBI_H

#include <stdbool.h>
#include <stdint.h>

#include "hv/vcpu.h"

#define VSBI_IMPL_VERSION UL(1)

struct sbi_result {
	long error;
	uint64_t value;
};

/* One SBI call as the guest made it: a7, a6, a0..a5. */
struct sbi_call {
	uint64_t eid;
	uint64_t fid;
	uint64_t a[6];
};

static inline struct sbi_result sbi_ok(uint64_t value)
{
	return (struct sbi_result){ SBI_SUCCESS, value };
}

static inline struct sbi_result sbi_err(long error)
{
	return (struct sbi_result){ error, 0 };
}

/* Handle the SBI call in v's registers: set a0/a1 and step over the
 * ecall, or end or restart the guest (SRST). */
void vsbi_handle(struct vcpu *v);

bool vsbi_probe(uint64_t eid);
/* Whether hart set (hart_mask, hart_mask_base) names only harts the
 * guest has (SBI v2.0: base -1 names them all); *mask gets them as a bit
 * mask of vCPU ids. */
bool vsbi_hart_mask(const struct vcpu *v, uint64_t hart_mask, uint64_t base,
		    uint64_t *mask);

/* Raise the virtual supervisor software interrupt of the guest's harts in
 * mask (bit i: vCPU i). */
void vsbi_send_ipi(struct vcpu *v, uint64_t mask);

enum vsbi_fence { VSBI_FENCE_I, VSBI_SFENCE_VMA };
/* Make the guest's harts in mask execute fence.i, or drop their shadows
 * for [start, start + size) (size -1: everything), and return only when
 * every one of them has. */
void vsbi_remote_fence(struct vcpu *v, uint64_t mask, enum vsbi_fence kind, uint64_t start,
		       uint64_t size);

struct sbi_result vsbi_base(struct vcpu *v, const struct sbi_call *c);
struct sbi_result vsbi_time(struct vcpu *v, const struct sbi_call *c);
struct sbi_result vsbi_ipi(struct vcpu *v, const struct sbi_call *c);
struct sbi_result vsbi_rfence(struct vcpu *v, const struct sbi_call *c);
struct sbi_result vsbi_hsm(struct vcpu *v, const struct sbi_call *c);
struct sbi_result vsbi_dbcn(struct vcpu *v, const struct sbi_call *c);
/* SRST returns only for a bad call; a good one never comes back here. */
struct sbi_result vsbi_srst(struct vcpu *v, const struct sbi_call *c);
/* Legacy v0.1 calls return one value, in a0: false when instead the guest
 * took a trap (a bad hart-mask pointer), which leaves its registers alone. */
bool vsbi_legacy(struct vcpu *v, const struct sbi_call *c, uint64_t *value);

#endif
