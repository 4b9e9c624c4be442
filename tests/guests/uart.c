/*
 * The UART a guest sees at 0x10000000 (NS16550A, byte registers), natively
 * QEMU's and under the hypervisor the emulated one: the registers the Linux
 * 8250 and U-Boot drivers touch behave the same. Input cannot be tested
 * here (the runs have no console input).
 */
#include "rt/rt.h"

#define UART_BASE UL(0x10000000)
#define RBR_THR 0
#define IER_DLM 1
#define IIR_FCR 2
#define LCR 3
#define MCR 4
#define LSR 5
#define SCR 7

#define LCR_DLAB 0x80U
#define LSR_THRE 0x20U
#define LSR_TEMT 0x40U
#define IER_ETBEI 0x02U
#define IIR_NONE 0x01U
#define IIR_THRE 0x02U
#define IIR_FIFO 0xc0U
#define FCR_ENABLE 0x01U

static volatile uint8_t *const uart = (volatile uint8_t *)UART_BASE;

static void put(const char *s)
{
	for (; *s; s++) {
		while (!(uart[LSR] & LSR_THRE))
			;
		uart[RBR_THR] = (uint8_t)*s;
	}
}

int main(void)
{
	CHECK_EQ(uart[LSR] & (LSR_THRE | LSR_TEMT), LSR_THRE | LSR_TEMT);
	put("uart: hello through THR\n");

	uart[SCR] = 0x5a;
	CHECK_EQ(uart[SCR], 0x5a);
	uart[SCR] = 0xa5;
	CHECK_EQ(uart[SCR], 0xa5);

	/* The divisor latch behind DLAB, and IER kept apart from DLM. */
	uart[IER_DLM] = 0;
	uart[LCR] = 0x03 | LCR_DLAB;
	uart[RBR_THR] = 0x12;
	uart[IER_DLM] = 0x34;
	CHECK_EQ(uart[RBR_THR], 0x12);
	CHECK_EQ(uart[IER_DLM], 0x34);
	uart[LCR] = 0x03;
	CHECK_EQ(uart[LCR], 0x03);
	CHECK_EQ(uart[IER_DLM], 0);

	/* No interrupt pending, then the FIFO-enabled bits. */
	uart[IIR_FCR] = 0;
	CHECK_EQ(uart[IIR_FCR], IIR_NONE);
	uart[IIR_FCR] = FCR_ENABLE;
	CHECK_EQ(uart[IIR_FCR], IIR_FIFO | IIR_NONE);

	/* THR-empty interrupt: pending once enabled, cleared by reading IIR,
	 * pending again after the next character. */
	uart[IER_DLM] = IER_ETBEI;
	CHECK_EQ(uart[IIR_FCR], IIR_FIFO | IIR_THRE);
	CHECK_EQ(uart[IIR_FCR], IIR_FIFO | IIR_NONE);
	put("uart: THRE interrupt rises again after a write\n");
	CHECK_EQ(uart[IIR_FCR], IIR_FIFO | IIR_THRE);
	uart[IER_DLM] = 0;
	CHECK_EQ(uart[IIR_FCR], IIR_FIFO | IIR_NONE);

	/* Nothing to read: DR clear. */
	CHECK_EQ(uart[LSR] & 1, 0);
	CHECK_EQ(uart[MCR] & 0xe0, 0);
	uart[IIR_FCR] = 0;
	return 0;
}
