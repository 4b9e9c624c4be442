/*
 * Trap catching for test guests, setjmp/longjmp style: rt_catch_mode saves
 * the callee-saved context, runs fn (in S-mode, or in U-mode through sret),
 * and the trap vector, if a catch is armed, records scause/stval/sepc and
 * resumes that context as if rt_catch_mode had returned 1.
 */
#define JB_RA     0
#define JB_SP     8
#define JB_S0     16	/* s0..s11 at 16..104 */
#define JB_OUT    112
#define JB_ARMED  120
#define JB_SIZE   128

/* struct rt_trap: scause, stval, sepc (rt.h). */
#define TRAP_SCAUSE 0
#define TRAP_STVAL  8
#define TRAP_SEPC   16

	.bss
	.balign 8
rt_jmpbuf:
	.space JB_SIZE

	.text
/* bool rt_catch_mode(void (*fn)(void), struct rt_trap *out, bool user) */
	.globl rt_catch_mode
rt_catch_mode:
	la	t0, rt_jmpbuf
	sd	ra, JB_RA(t0)
	sd	sp, JB_SP(t0)
	sd	s0, JB_S0+0*8(t0)
	sd	s1, JB_S0+1*8(t0)
	sd	s2, JB_S0+2*8(t0)
	sd	s3, JB_S0+3*8(t0)
	sd	s4, JB_S0+4*8(t0)
	sd	s5, JB_S0+5*8(t0)
	sd	s6, JB_S0+6*8(t0)
	sd	s7, JB_S0+7*8(t0)
	sd	s8, JB_S0+8*8(t0)
	sd	s9, JB_S0+9*8(t0)
	sd	s10, JB_S0+10*8(t0)
	sd	s11, JB_S0+11*8(t0)
	sd	a1, JB_OUT(t0)
	li	t1, 1
	sd	t1, JB_ARMED(t0)
	bnez	a2, 1f

	jalr	a0
	/* fn returned without trapping. */
	la	t0, rt_jmpbuf
	sd	zero, JB_ARMED(t0)
	ld	ra, JB_RA(t0)
	li	a0, 0
	ret

1:	/* Enter fn in U-mode: rt_user() has already cleared sstatus.SPP. */
	csrw	sepc, a0
	sret

	.balign 4
	.globl rt_trap_vector
rt_trap_vector:
	/* t0/t1 may be clobbered: a caught trap resumes the saved context,
	 * an unexpected one ends the test. */
	la	t0, rt_jmpbuf
	ld	t1, JB_ARMED(t0)
	beqz	t1, unexpected
	sd	zero, JB_ARMED(t0)
	ld	t1, JB_OUT(t0)
	beqz	t1, 2f
	csrr	t2, scause
	sd	t2, TRAP_SCAUSE(t1)
	csrr	t2, stval
	sd	t2, TRAP_STVAL(t1)
	csrr	t2, sepc
	sd	t2, TRAP_SEPC(t1)
2:	ld	ra, JB_RA(t0)
	ld	sp, JB_SP(t0)
	ld	s0, JB_S0+0*8(t0)
	ld	s1, JB_S0+1*8(t0)
	ld	s2, JB_S0+2*8(t0)
	ld	s3, JB_S0+3*8(t0)
	ld	s4, JB_S0+4*8(t0)
	ld	s5, JB_S0+5*8(t0)
	ld	s6, JB_S0+6*8(t0)
	ld	s7, JB_S0+7*8(t0)
	ld	s8, JB_S0+8*8(t0)
	ld	s9, JB_S0+9*8(t0)
	ld	s10, JB_S0+10*8(t0)
	ld	s11, JB_S0+11*8(t0)
	li	a0, 1
	ret

unexpected:
	la	sp, rt_trap_stack_top
	csrr	a0, scause
	csrr	a1, sepc
	csrr	a2, stval
	call	rt_unexpected_trap	/* does not return */
3:	wfi
	j	3b
