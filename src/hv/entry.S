/*
 * Boot, the entry of the other harts, trap vector and guest entry.
 *
 * Boot: the firmware (M-stub or OpenSBI) enters _start in S-mode at the
 * load address 0x80200000 with paging off, a0 = hart id, a1 = DTB. We
 * build a root page table mapping the high window (layout.h) plus an
 * identity gigapage for the instructions that turn paging on, jump to the
 * linked (high) addresses and call hv_main. The other harts enter at
 * hart_entry (SBI HSM hart_start) and use the same table.
 */
#include "encoding.h"
#include "hv/layout.h"
#include "hv/asm_offsets.h"

#define REG(n) (VCPU_X + 8 * (n))
#define GIGAPAGE_PTE_SHIFT 28  /* (1 GiB >> 12) << 10: PPN of gigapage k */
#define PTE_DEVICE (PTE_V | PTE_R | PTE_W | PTE_A | PTE_D | PTE_G)
#define PTE_RAM    (PTE_DEVICE | PTE_X)

	.section .text.entry, "ax"
	.globl _start
_start:
	mv	s0, a0
	mv	s1, a1

	/* Paging is off: `la` is pc-relative, so these are physical. */
	la	t0, __bss_start
	la	t1, __bss_end
1:	bgeu	t0, t1, 2f
	sd	zero, 0(t0)
	addi	t0, t0, 8
	j	1b
2:
	la	s2, hv_boot_root
	/* Identity gigapage for the load address: for the instructions that
	 * turn paging on, here and on every hart hart_entry starts. */
	li	t0, (HV_LOAD_ADDR >> 30) << GIGAPAGE_PTE_SHIFT | PTE_RAM
	sd	t0, ((HV_LOAD_ADDR >> 30) * 8)(s2)
	li	t0, HV_WINDOW_SLOT_FIRST * 8
	add	s3, s2, t0
	/* First window slot: devices (physical 0..1 GiB), never executable. */
	li	t0, PTE_DEVICE
	sd	t0, 0(s3)
	/* Window slots 2..31: physical 2 GiB.. as RAM. */
	li	t1, 2
	li	t2, HV_WINDOW_SLOTS
3:	slli	t0, t1, GIGAPAGE_PTE_SHIFT
	ori	t0, t0, PTE_RAM
	slli	t3, t1, 3
	add	t3, t3, s3
	sd	t0, 0(t3)
	addi	t1, t1, 1
	bltu	t1, t2, 3b

	call	paging_on
	/* Now at the linked address: `la` yields window addresses. */
	la	sp, __stack_top
	mv	a0, s0
	mv	a1, s1
	call	hv_main
5:	wfi
	j	5b

/* Turn on paging with hv_boot_root and return to the caller's linked
 * (window) address; sscratch = 0 and stvec = trap_vector, as the
 * hypervisor runs with them. Paging is off: `la` gives physical addresses. */
paging_on:
	la	t0, hv_boot_root
	srli	t0, t0, PAGE_SHIFT
	li	t1, SATP_MODE_SV39 << SATP_MODE_SHIFT
	or	t0, t0, t1
	csrw	satp, t0
	sfence.vma
	li	t1, HV_WINDOW_BASE
	add	ra, ra, t1
	csrw	sscratch, zero
	la	t0, trap_vector
	add	t0, t0, t1
	csrw	stvec, t0
	ret

/* A hart started by SBI HSM: paging off, a0 = hart id, a1 = the physical
 * address of its struct hart. It runs hv_hart_main on its own stack, with
 * tp = its struct hart. */
	.globl hart_entry
hart_entry:
	mv	s1, a1
	call	paging_on
	li	t0, HV_WINDOW_BASE
	add	tp, s1, t0
	ld	sp, HART_STACK_TOP(tp)
	mv	a0, tp
	call	hv_hart_main
6:	wfi
	j	6b

/* hart_switch_stack(sp, fn, h): fn(h) on the stack whose top is sp; what
 * ran before on this hart is abandoned. */
	.globl hart_switch_stack
hart_switch_stack:
	mv	sp, a0
	mv	a0, a2
	jr	a1

/*
 * Trap vector. While a guest runs, sscratch holds its struct vcpu; while
 * the hypervisor runs, sscratch is 0, so a trap taken in the hypervisor
 * itself is recognised and reported instead of corrupting a vcpu.
 */
	.text
	.globl trap_vector
	.balign 4
trap_vector:
	csrrw	sp, sscratch, sp
	beqz	sp, hv_self_trap
	sd	x1, REG(1)(sp)
	sd	x3, REG(3)(sp)
	sd	x4, REG(4)(sp)
	sd	x5, REG(5)(sp)
	sd	x6, REG(6)(sp)
	sd	x7, REG(7)(sp)
	sd	x8, REG(8)(sp)
	sd	x9, REG(9)(sp)
	sd	x10, REG(10)(sp)
	sd	x11, REG(11)(sp)
	sd	x12, REG(12)(sp)
	sd	x13, REG(13)(sp)
	sd	x14, REG(14)(sp)
	sd	x15, REG(15)(sp)
	sd	x16, REG(16)(sp)
	sd	x17, REG(17)(sp)
	sd	x18, REG(18)(sp)
	sd	x19, REG(19)(sp)
	sd	x20, REG(20)(sp)
	sd	x21, REG(21)(sp)
	sd	x22, REG(22)(sp)
	sd	x23, REG(23)(sp)
	sd	x24, REG(24)(sp)
	sd	x25, REG(25)(sp)
	sd	x26, REG(26)(sp)
	sd	x27, REG(27)(sp)
	sd	x28, REG(28)(sp)
	sd	x29, REG(29)(sp)
	sd	x30, REG(30)(sp)
	sd	x31, REG(31)(sp)
	csrrw	t0, sscratch, zero
	sd	t0, REG(2)(sp)
	mv	a0, sp
	ld	sp, VCPU_HV_SP(a0)
	ld	tp, VCPU_HART(a0)
	call	trap_dispatch
	/* trap_dispatch returns the vcpu to resume: fall into vcpu_enter. */

	.globl vcpu_enter
vcpu_enter:
	csrw	sscratch, a0
	ld	t0, VCPU_PC(a0)
	csrw	sepc, t0
	ld	x1, REG(1)(a0)
	ld	x2, REG(2)(a0)
	ld	x3, REG(3)(a0)
	ld	x4, REG(4)(a0)
	ld	x5, REG(5)(a0)
	ld	x6, REG(6)(a0)
	ld	x7, REG(7)(a0)
	ld	x8, REG(8)(a0)
	ld	x9, REG(9)(a0)
	ld	x11, REG(11)(a0)
	ld	x12, REG(12)(a0)
	ld	x13, REG(13)(a0)
	ld	x14, REG(14)(a0)
	ld	x15, REG(15)(a0)
	ld	x16, REG(16)(a0)
	ld	x17, REG(17)(a0)
	ld	x18, REG(18)(a0)
	ld	x19, REG(19)(a0)
	ld	x20, REG(20)(a0)
	ld	x21, REG(21)(a0)
	ld	x22, REG(22)(a0)
	ld	x23, REG(23)(a0)
	ld	x24, REG(24)(a0)
	ld	x25, REG(25)(a0)
	ld	x26, REG(26)(a0)
	ld	x27, REG(27)(a0)
	ld	x28, REG(28)(a0)
	ld	x29, REG(29)(a0)
	ld	x30, REG(30)(a0)
	ld	x31, REG(31)(a0)
	ld	x10, REG(10)(a0)
	sret

hv_self_trap:
	csrrw	sp, sscratch, sp	/* back to the hypervisor stack, sscratch = 0 */
	call	hv_trap_in_hypervisor
7:	wfi
	j	7b

	.section .bss.pagetable, "aw", @nobits
	.globl hv_boot_root
	.balign 4096
hv_boot_root:
	.zero 4096
