/*
 * Guest entry, in S-mode at 0x80200000 with a0 = hart id and a1 = the
 * device tree (from the M-stub, OpenSBI or the hypervisor) and satp Bare.
 */
	.section .text.entry, "ax"
	.globl _start
_start:
	la	sp, rt_stack_top
	mv	s0, a0
	mv	s1, a1
	/* The raw binary carries no .bss: zero it. */
	la	t0, rt_bss_start
	la	t1, rt_bss_end
1:	bgeu	t0, t1, 2f
	sd	zero, 0(t0)
	addi	t0, t0, 8
	j	1b
2:	la	t0, rt_trap_vector
	csrw	stvec, t0
	mv	a0, s0
	mv	a1, s1
	call	rt_start	/* runs main, reports and shuts down */
3:	wfi
	j	3b
