/*
 * M-stub entry and trap vector. QEMU starts every hart here in M-mode with
 * a0 = hart id and a1 = DTB address. Hart 0 sets the stub up and enters
 * S-mode; the others wait for it, then for an SBI HSM hart_start.
 */
#include "encoding.h"
#include "mstub/mstub.h"

	.section .text.entry, "ax"
	.globl _start
_start:
	csrw	mie, zero
	li	t0, MSTUB_MAX_HARTS
	bgeu	a0, t0, park
	/* This hart's stack: MSTUB_STACK_SIZE bytes each, hart 0's on top. */
	la	sp, mstub_stack_top
	li	t0, MSTUB_STACK_SIZE
	mul	t0, t0, a0
	sub	sp, sp, t0
	/* mscratch == 0 means "running in M-mode": a trap then is a bug. */
	csrw	mscratch, zero
	la	t0, mstub_trap_entry
	csrw	mtvec, t0
	mv	s0, a0
	mv	s1, a1
	bnez	a0, secondary

	/* Zero .bss: after a QEMU reset RAM keeps its old contents. */
	la	t0, mstub_bss_start
	la	t1, mstub_bss_end
1:	bgeu	t0, t1, 2f
	sd	zero, 0(t0)
	addi	t0, t0, 8
	j	1b
2:	call	mstub_init
	/* Let the other harts go on, now that .bss and the DTB facts are in. */
	fence	rw, rw
	la	t0, mstub_booted
	li	t1, 1
	sw	t1, 0(t0)
	mv	a0, s0
	mv	a1, s1
	li	a2, MSTUB_NEXT_ADDR
	j	enter_s

secondary:
	la	t0, mstub_booted
3:	lw	t1, 0(t0)
	beqz	t1, 3b
	fence	rw, rw
	mv	a0, s0
	call	mstub_secondary	/* returns once S-mode starts this hart */
	mv	a2, a0
	mv	a0, s0
	/* a1: the opaque value hart_start gave */

/* Enter S-mode at a2 with a0 = hart id and a1 as given. From now on traps
 * come from S/U: give the vector this hart's stack. */
enter_s:
	csrw	mscratch, sp
	csrw	mepc, a2
	li	t0, 3 << MSTATUS_MPP_SHIFT
	csrc	mstatus, t0
	li	t0, 1 << MSTATUS_MPP_SHIFT
	csrs	mstatus, t0
	li	sp, 0
	li	s0, 0
	li	s1, 0
	mret

park:
	wfi
	j	park

/*
 * Every trap into M-mode lands here. From S/U, mscratch holds the stub's
 * stack top: swap it with sp, save all registers, handle the trap in C and
 * return with mret. While the stub itself runs, mscratch is 0, so a trap
 * taken in M-mode (a stub bug) is told apart and reported as fatal.
 */
	.text
	.balign 4
	.globl mstub_trap_entry
mstub_trap_entry:
	csrrw	sp, mscratch, sp
	beqz	sp, trap_from_m
	addi	sp, sp, -MSTUB_FRAME_SIZE
	sd	x1, 1*8(sp)
	sd	x3, 3*8(sp)
	sd	x4, 4*8(sp)
	sd	x5, 5*8(sp)
	sd	x6, 6*8(sp)
	sd	x7, 7*8(sp)
	sd	x8, 8*8(sp)
	sd	x9, 9*8(sp)
	sd	x10, 10*8(sp)
	sd	x11, 11*8(sp)
	sd	x12, 12*8(sp)
	sd	x13, 13*8(sp)
	sd	x14, 14*8(sp)
	sd	x15, 15*8(sp)
	sd	x16, 16*8(sp)
	sd	x17, 17*8(sp)
	sd	x18, 18*8(sp)
	sd	x19, 19*8(sp)
	sd	x20, 20*8(sp)
	sd	x21, 21*8(sp)
	sd	x22, 22*8(sp)
	sd	x23, 23*8(sp)
	sd	x24, 24*8(sp)
	sd	x25, 25*8(sp)
	sd	x26, 26*8(sp)
	sd	x27, 27*8(sp)
	sd	x28, 28*8(sp)
	sd	x29, 29*8(sp)
	sd	x30, 30*8(sp)
	sd	x31, 31*8(sp)
	csrrw	t0, mscratch, zero	/* the interrupted sp; now "in M" */
	sd	t0, 2*8(sp)

	mv	a0, sp
	call	mstub_trap

	addi	t0, sp, MSTUB_FRAME_SIZE
	csrw	mscratch, t0
	ld	x1, 1*8(sp)
	ld	x3, 3*8(sp)
	ld	x4, 4*8(sp)
	ld	x5, 5*8(sp)
	ld	x6, 6*8(sp)
	ld	x7, 7*8(sp)
	ld	x8, 8*8(sp)
	ld	x9, 9*8(sp)
	ld	x10, 10*8(sp)
	ld	x11, 11*8(sp)
	ld	x12, 12*8(sp)
	ld	x13, 13*8(sp)
	ld	x14, 14*8(sp)
	ld	x15, 15*8(sp)
	ld	x16, 16*8(sp)
	ld	x17, 17*8(sp)
	ld	x18, 18*8(sp)
	ld	x19, 19*8(sp)
	ld	x20, 20*8(sp)
	ld	x21, 21*8(sp)
	ld	x22, 22*8(sp)
	ld	x23, 23*8(sp)
	ld	x24, 24*8(sp)
	ld	x25, 25*8(sp)
	ld	x26, 26*8(sp)
	ld	x27, 27*8(sp)
	ld	x28, 28*8(sp)
	ld	x29, 29*8(sp)
	ld	x30, 30*8(sp)
	ld	x31, 31*8(sp)
	ld	x2, 2*8(sp)
	mret

trap_from_m:
	/* Undo the swap (mscratch stays 0) and die on this hart's stack. */
	csrrw	sp, mscratch, sp
	la	sp, mstub_stack_top
	csrr	t0, mhartid
	li	t1, MSTUB_STACK_SIZE
	mul	t0, t0, t1
	sub	sp, sp, t0
	j	mstub_fatal

	/* In .data, not .bss: the secondaries read it before .bss is zeroed,
	 * and QEMU reloads .data on a machine reset. */
	.data
	.balign 4
mstub_booted:
	.word	0
