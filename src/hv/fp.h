/* A guest's floating-point registers, reached by the hypervisor (fp.S). */
#ifndef HV_FP_H
#define HV_FP_H

#include <stdint.h>

struct vcpu;

/* The real FP registers and fcsr into v, and back; the caller has made
 * the real sstatus.FS non-zero. */
void fp_save(struct vcpu *v);
void fp_restore(struct vcpu *v);
/* f[reg] = value, the 64 bits as they are (reg < 32); the real
 * sstatus.FS becomes Dirty. */
void fp_write(unsigned reg, uint64_t value);

#endif
