/*
 * Compiled to assembly only: each OFFSET() becomes a "->NAME value" line
 * that the build turns into build/hv/asm_offsets.h for entry.S, so the
 * assembly never hand-counts a struct offset.
 */
#include <stddef.h>

#include "hv/hart.h"
#include "hv/vcpu.h"

#define OFFSET(name, type, member) \
	__asm__ volatile("\n->" #name " %0" : : "i"(offsetof(type, member)))

void asm_offsets(void);
void asm_offsets(void)
{
	OFFSET(VCPU_X, struct vcpu, x);
	OFFSET(VCPU_PC, struct vcpu, vh.pc);
	OFFSET(VCPU_HV_SP, struct vcpu, hv_sp);
	OFFSET(VCPU_HART, struct vcpu, hart);
	OFFSET(VCPU_FREGS, struct vcpu, fregs);
	OFFSET(VCPU_FCSR, struct vcpu, fcsr);
	OFFSET(HART_STACK_TOP, struct hart, stack_top);
}
