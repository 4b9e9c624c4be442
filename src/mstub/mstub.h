/*
 * The M-mode stub: the few machine-level services the S-mode software above
 * it needs (standard SBI subset, timer forwarding), for QEMU's virt machine.
 */
#ifndef MSTUB_MSTUB_H
#define MSTUB_MSTUB_H

/* Where things are on QEMU virt (hw/riscv/virt.c). */
#define MSTUB_BASE        0x80000000UL
#define MSTUB_SIZE        0x00040000UL /* PMP-protected, power of two */
#define MSTUB_NEXT_ADDR   0x80200000UL /* S-mode entry, as OpenSBI fw_jump */
#define CLINT_BASE        0x02000000UL
#define CLINT_SIZE        0x00010000UL
#define CLINT_MTIMECMP(h) (CLINT_BASE + 0x4000UL + 8UL * (h))
#define UART0_BASE        0x10000000UL
#define TEST_FINISHER     0x00100000UL

/* sifive_test finisher commands (QEMU hw/misc/sifive_test.c). */
#define FINISHER_PASS  0x5555U
#define FINISHER_FAIL  0x3333U /* exit code in bits 31:16 */
#define FINISHER_RESET 0x7777U

/* Register frame saved by the trap entry in start.S: x1..x31 at
 * regs[1..31]; regs[0] is unused so that regs[n] is register xn. */
#define MSTUB_FRAME_SIZE (32 * 8)

#ifndef __ASSEMBLER__
#include <stdint.h>

struct mstub_frame {
	uint64_t regs[32];
};

/* Called from start.S. */
void mstub_init(unsigned long hartid, unsigned long dtb);
void mstub_trap(struct mstub_frame *f);
__attribute__((noreturn)) void mstub_fatal(void);
#endif

#endif
