/* NS16550A UART model, as the Linux 8250 and U-Boot ns16550 drivers use it:
 * eight byte registers (reg-shift 0), output passed straight to a backend
 * console, input pulled from it into a 16-byte RX FIFO. Pure C, no globals:
 * all state lives in struct uart16550. */
#ifndef DEV_UART16550_H
#define DEV_UART16550_H

#include <stdbool.h>
#include <stdint.h>

/* Register offsets (bytes). DLAB = LCR bit 7 maps 0/1 to DLL/DLM. */
#define UART16550_RBR 0u /* read: receive buffer */
#define UART16550_THR 0u /* write: transmit holding */
#define UART16550_DLL 0u /* DLAB: divisor latch low */
#define UART16550_IER 1u
#define UART16550_DLM 1u /* DLAB: divisor latch high */
#define UART16550_IIR 2u /* read */
#define UART16550_FCR 2u /* write */
#define UART16550_LCR 3u
#define UART16550_MCR 4u
#define UART16550_LSR 5u
#define UART16550_MSR 6u
#define UART16550_SCR 7u
#define UART16550_NREGS 8u /* offsets >= this are the caller's business */

#define UART16550_IER_ERBFI 0x01u /* RX data available interrupt */
#define UART16550_IER_ETBEI 0x02u /* THR empty interrupt */
#define UART16550_IER_MASK 0x0fu

#define UART16550_IIR_NO_INT 0x01u
#define UART16550_IIR_THRE 0x02u
#define UART16550_IIR_RDA 0x04u
#define UART16550_IIR_FIFO 0xc0u /* FIFOs enabled */

#define UART16550_FCR_ENABLE 0x01u
#define UART16550_FCR_CLEAR_RX 0x02u

#define UART16550_LCR_DLAB 0x80u

#define UART16550_MCR_DTR 0x01u
#define UART16550_MCR_RTS 0x02u
#define UART16550_MCR_OUT1 0x04u
#define UART16550_MCR_OUT2 0x08u
#define UART16550_MCR_LOOP 0x10u
#define UART16550_MCR_MASK 0x1fu

#define UART16550_LSR_DR 0x01u
#define UART16550_LSR_THRE 0x20u
#define UART16550_LSR_TEMT 0x40u

#define UART16550_MSR_CTS 0x10u
#define UART16550_MSR_DSR 0x20u
#define UART16550_MSR_RI 0x40u
#define UART16550_MSR_DCD 0x80u

#define UART16550_FIFO_SIZE 16u

/* The backend: the real console. Either callback may be NULL (output is
 * then discarded, no input ever arrives). */
struct uart16550_io {
	void (*putc)(void *ctx, char c);
	int (*getc)(void *ctx); /* a byte, or -1 when none waits */
	void *ctx;
};

struct uart16550 {
	struct uart16550_io io;
	uint8_t rx[UART16550_FIFO_SIZE];
	unsigned rx_head;  /* index of the oldest byte, < UART16550_FIFO_SIZE */
	unsigned rx_count; /* bytes waiting, <= UART16550_FIFO_SIZE */
	uint8_t ier;	   /* low 4 bits only */
	uint8_t fcr;	   /* bit 0 (FIFO enable) kept, for IIR bits 7:6 */
	uint8_t lcr;
	uint8_t mcr; /* low 5 bits only */
	uint8_t scr;
	uint8_t dll;
	uint8_t dlm;
	bool thre_pending; /* THR-empty interrupt not yet acknowledged */
};

/* Reset state; copies *io (io may be NULL: no backend). */
void uart16550_init(struct uart16550 *u, const struct uart16550_io *io);

/* Register access at byte offset 0..7 (the caller checks range/width and
 * passes the low byte for writes). Other offsets read 0, writes ignored. */
uint8_t uart16550_read(struct uart16550 *u, unsigned offset);
void uart16550_write(struct uart16550 *u, unsigned offset, uint8_t value);

/* Level of the interrupt line: RX data available with IER.ERBFI, or THR
 * empty with IER.ETBEI (until IIR reports it or THR is written). */
bool uart16550_irq(const struct uart16550 *u);

/* Whether the guest waits for input: the RX interrupt enabled and the
 * FIFO empty (the hypervisor then polls the backend more often). */
bool uart16550_wants_input(const struct uart16550 *u);

/* Pull waiting input from the backend into the RX FIFO while it has room
 * (input beyond 16 bytes stays in the backend). No-op in loopback mode. */
void uart16550_poll(struct uart16550 *u);

#endif
