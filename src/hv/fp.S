/*
 * A guest's floating-point registers: saved to and restored from its vCPU
 * when another vCPU takes the hart (sched.c), and one of them written by
 * an emulated FP load (vmem.c). The hypervisor itself is built without FP
 * and never touches them otherwise. The caller of fp_save and fp_restore
 * has made sstatus.FS non-zero.
 */
#include "encoding.h"
#include "hv/asm_offsets.h"

	.option arch, +d
	.text

#define F(n) (VCPU_FREGS + 8 * (n))

	.globl fp_save
fp_save:
	fsd	f0, F(0)(a0)
	fsd	f1, F(1)(a0)
	fsd	f2, F(2)(a0)
	fsd	f3, F(3)(a0)
	fsd	f4, F(4)(a0)
	fsd	f5, F(5)(a0)
	fsd	f6, F(6)(a0)
	fsd	f7, F(7)(a0)
	fsd	f8, F(8)(a0)
	fsd	f9, F(9)(a0)
	fsd	f10, F(10)(a0)
	fsd	f11, F(11)(a0)
	fsd	f12, F(12)(a0)
	fsd	f13, F(13)(a0)
	fsd	f14, F(14)(a0)
	fsd	f15, F(15)(a0)
	fsd	f16, F(16)(a0)
	fsd	f17, F(17)(a0)
	fsd	f18, F(18)(a0)
	fsd	f19, F(19)(a0)
	fsd	f20, F(20)(a0)
	fsd	f21, F(21)(a0)
	fsd	f22, F(22)(a0)
	fsd	f23, F(23)(a0)
	fsd	f24, F(24)(a0)
	fsd	f25, F(25)(a0)
	fsd	f26, F(26)(a0)
	fsd	f27, F(27)(a0)
	fsd	f28, F(28)(a0)
	fsd	f29, F(29)(a0)
	fsd	f30, F(30)(a0)
	fsd	f31, F(31)(a0)
	frcsr	t0
	sd	t0, VCPU_FCSR(a0)
	ret

	.globl fp_restore
fp_restore:
	fld	f0, F(0)(a0)
	fld	f1, F(1)(a0)
	fld	f2, F(2)(a0)
	fld	f3, F(3)(a0)
	fld	f4, F(4)(a0)
	fld	f5, F(5)(a0)
	fld	f6, F(6)(a0)
	fld	f7, F(7)(a0)
	fld	f8, F(8)(a0)
	fld	f9, F(9)(a0)
	fld	f10, F(10)(a0)
	fld	f11, F(11)(a0)
	fld	f12, F(12)(a0)
	fld	f13, F(13)(a0)
	fld	f14, F(14)(a0)
	fld	f15, F(15)(a0)
	fld	f16, F(16)(a0)
	fld	f17, F(17)(a0)
	fld	f18, F(18)(a0)
	fld	f19, F(19)(a0)
	fld	f20, F(20)(a0)
	fld	f21, F(21)(a0)
	fld	f22, F(22)(a0)
	fld	f23, F(23)(a0)
	fld	f24, F(24)(a0)
	fld	f25, F(25)(a0)
	fld	f26, F(26)(a0)
	fld	f27, F(27)(a0)
	fld	f28, F(28)(a0)
	fld	f29, F(29)(a0)
	fld	f30, F(30)(a0)
	fld	f31, F(31)(a0)
	ld	t0, VCPU_FCSR(a0)
	fscsr	t0
	ret

/* fp_write(reg, value): f[reg] = value (the 64 bits as they are), with
 * the real sstatus.FS made Dirty first. */
	.globl fp_write
fp_write:
	.option push
	.option norvc
	li	t0, SSTATUS_FS
	csrs	sstatus, t0
	la	t0, 1f
	slli	a0, a0, 3
	add	t0, t0, a0
	jr	t0
1:
	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	fmv.d.x	f\n, a1
	ret
	.endr
	.option pop
