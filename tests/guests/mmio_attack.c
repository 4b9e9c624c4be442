/*
 * Malformed MMIO against the emulated UART (run under the hypervisor):
 * every offset of its page at byte width is harmless, and what the device
 * cannot take (misaligned, wider than its registers, atomic, LR, floating
 * point, instruction fetch) gives the architectural access fault with
 * stval = the address, while the UART keeps working.
 */
#include "access.h"
#include "rt/rt.h"

#define UART      UL(0x10000000)
#define UART_SIZE UL(0x100) /* as on QEMU virt; beyond it nothing answers */
#define SCR       7


static void expect_fault(void (*fn)(void), uint64_t at, uint64_t cause, const char *what)
{
	struct rt_trap t = { 0, 0, 0 };
	addr = at;
	bool trapped = rt_catch(fn, &t);
	if (!rt_check(trapped, what, __FILE__, __LINE__))
		return;
	CHECK_EQ(t.scause, cause);
	CHECK_EQ(t.stval, at);
}

int main(void)
{
	volatile uint8_t *uart = (volatile uint8_t *)UART;

	/* Byte accesses anywhere in the device: registers 0..7, zeros above,
	 * writes above ignored; past it, access faults. */
	unsigned stray = 0;
	for (uint64_t off = 8; off < UART_SIZE; off++) {
		uart[off] = 0xff;
		stray += uart[off] != 0;
	}
	CHECK_EQ(stray, 0);
	uart[SCR] = 0x3c;
	CHECK_EQ(uart[SCR], 0x3c);

	/* FP loads and stores trap as illegal unless FS is on. */
	csr_set(CSR_SSTATUS, SSTATUS_FS);
	expect_fault(lh, UART + 1, CAUSE_LOAD_ACCESS, "misaligned lh");
	expect_fault(lw, UART + 2, CAUSE_LOAD_ACCESS, "misaligned lw");
	expect_fault(ld, UART, CAUSE_LOAD_ACCESS, "ld wider than a register");
	expect_fault(sd, UART, CAUSE_STORE_ACCESS, "sd wider than a register");
	expect_fault(sw, UART + 6, CAUSE_STORE_ACCESS, "misaligned sw");
	expect_fault(amoadd, UART, CAUSE_STORE_ACCESS, "amoadd.w");
	expect_fault(lr, UART, CAUSE_LOAD_ACCESS, "lr.w");
	expect_fault(flw, UART, CAUSE_LOAD_ACCESS, "flw");
	expect_fault(fetch, UART, CAUSE_FETCH_ACCESS, "fetch from the UART");
	expect_fault(lw, UART + UART_SIZE, CAUSE_LOAD_ACCESS, "load past the UART");
	expect_fault(sw, UART + UART_SIZE, CAUSE_STORE_ACCESS, "store past the UART");
	csr_clear(CSR_SSTATUS, SSTATUS_FS);

	/* Still a working UART. */
	CHECK_EQ(uart[SCR], 0x3c);
	CHECK(uart[5] & 0x20);
	return 0;
}
