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
#define CLINT_MSIP(h)     (CLINT_BASE + 4UL * (h))
#define CLINT_MTIMECMP(h) (CLINT_BASE + 0x4000UL + 8UL * (h))
#define UART0_BASE        0x10000000UL
#define TEST_FINISHER     0x00100000UL

/* sifive_test finisher commands (QEMU hw/misc/sifive_test.c). */
#define FINISHER_PASS  0x5555U
#define FINISHER_FAIL  0x3333U /* exit code in bits 31:16 */
#define FINISHER_RESET 0x7777U

/* Harts 0..MSTUB_MAX_HARTS-1 may exist (QEMU virt: -smp 1 to 8); each has
 * its own M-mode stack. Hart 0 boots; the others wait in the stub until
 * S-mode starts them with SBI HSM. */
#define MSTUB_MAX_HARTS   8
#define MSTUB_STACK_SIZE  4096

/* Register frame saved by the trap entry in start.S: x1..x31 at
 * regs[1..31]; regs[0] is unused so that regs[n] is register xn. */
#define MSTUB_FRAME_SIZE (32 * 8)

#ifndef __ASSEMBLER__
#include <stdint.h>

struct mstub_frame {
	uint64_t regs[32];
};

/* Where and with what a hart enters S-mode (start.S does the mret). */
struct mstub_entry {
	unsigned long addr;
	unsigned long opaque;
};

/* Called from start.S: the boot hart's setup, and a secondary hart's,
 * which returns once S-mode has started it. */
void mstub_init(unsigned long hartid, unsigned long dtb);
struct mstub_entry mstub_secondary(unsigned long hartid);
void mstub_trap(struct mstub_frame *f);
__attribute__((noreturn)) void mstub_fatal(void);
#endif

#endif
