/* NS16550A UART model. Output is immediate (THR written goes straight to the
 * backend), so the transmitter is always empty: LSR.THRE and LSR.TEMT stay
 * set and a THR write re-raises the THR-empty interrupt at once. Input is
 * pulled from the backend into a 16-byte RX FIFO whenever the guest touches
 * a register or the hypervisor calls uart16550_poll(). */
#include <stddef.h>
#include <string.h>

#include "dev/uart16550.h"

/* What QEMU's serial_reset() reports with no modem lines: CTS, DSR, DCD. */
#define UART16550_MSR_IDLE (UART16550_MSR_CTS | UART16550_MSR_DSR | UART16550_MSR_DCD)

void uart16550_init(struct uart16550 *u, const struct uart16550_io *io)
{
	memset(u, 0, sizeof(*u));
	if (io != NULL)
		u->io = *io;
	/* 9600 baud from a 1.8432 MHz clock, the usual reset divisor. */
	u->dll = 0x0c;
}

static bool loopback(const struct uart16550 *u)
{
	return (u->mcr & UART16550_MCR_LOOP) != 0;
}

static bool rx_full(const struct uart16550 *u)
{
	return u->rx_count >= UART16550_FIFO_SIZE;
}

/* Append a byte; the caller has checked there is room. */
static void rx_push(struct uart16550 *u, uint8_t c)
{
	unsigned tail = (u->rx_head + u->rx_count) % UART16550_FIFO_SIZE;

	u->rx[tail] = c;
	u->rx_count++;
}

static uint8_t rx_pop(struct uart16550 *u)
{
	uint8_t c;

	if (u->rx_count == 0)
		return 0;
	c = u->rx[u->rx_head];
	u->rx_head = (u->rx_head + 1u) % UART16550_FIFO_SIZE;
	u->rx_count--;
	return c;
}

static void rx_clear(struct uart16550 *u)
{
	u->rx_head = 0;
	u->rx_count = 0;
}

void uart16550_poll(struct uart16550 *u)
{
	/* In loopback the receiver is cut off from the line, as in QEMU. */
	if (u->io.getc == NULL || loopback(u))
		return;
	/* Stop when full: what does not fit stays waiting in the backend. */
	while (!rx_full(u)) {
		int c = u->io.getc(u->io.ctx);

		if (c < 0)
			break;
		rx_push(u, (uint8_t)(c & 0xff));
	}
}

bool uart16550_wants_input(const struct uart16550 *u)
{
	return (u->ier & UART16550_IER_ERBFI) && u->rx_count == 0;
}

static bool rx_irq(const struct uart16550 *u)
{
	return (u->ier & UART16550_IER_ERBFI) != 0 && u->rx_count > 0;
}

static bool thre_irq(const struct uart16550 *u)
{
	return (u->ier & UART16550_IER_ETBEI) != 0 && u->thre_pending;
}

bool uart16550_irq(const struct uart16550 *u)
{
	return rx_irq(u) || thre_irq(u);
}

/* IIR: the highest-priority pending source (RX data over THR empty).
 * Reporting THR empty acknowledges it, as on the 16550. */
static uint8_t read_iir(struct uart16550 *u)
{
	unsigned iir;

	if (rx_irq(u)) {
		iir = UART16550_IIR_RDA;
	} else if (thre_irq(u)) {
		iir = UART16550_IIR_THRE;
		u->thre_pending = false;
	} else {
		iir = UART16550_IIR_NO_INT;
	}
	if ((u->fcr & UART16550_FCR_ENABLE) != 0)
		iir |= UART16550_IIR_FIFO;
	return (uint8_t)iir;
}

static uint8_t read_lsr(const struct uart16550 *u)
{
	unsigned lsr = UART16550_LSR_THRE | UART16550_LSR_TEMT;

	if (u->rx_count > 0)
		lsr |= UART16550_LSR_DR;
	return (uint8_t)lsr;
}

/* In loopback the modem outputs drive the inputs: DTR->DSR, RTS->CTS,
 * OUT1->RI, OUT2->DCD (what the Linux 8250 probe checks). */
static uint8_t read_msr(const struct uart16550 *u)
{
	unsigned msr = 0;

	if (!loopback(u))
		return (uint8_t)UART16550_MSR_IDLE;
	if ((u->mcr & UART16550_MCR_DTR) != 0)
		msr |= UART16550_MSR_DSR;
	if ((u->mcr & UART16550_MCR_RTS) != 0)
		msr |= UART16550_MSR_CTS;
	if ((u->mcr & UART16550_MCR_OUT1) != 0)
		msr |= UART16550_MSR_RI;
	if ((u->mcr & UART16550_MCR_OUT2) != 0)
		msr |= UART16550_MSR_DCD;
	return (uint8_t)msr;
}

uint8_t uart16550_read(struct uart16550 *u, unsigned offset)
{
	bool dlab = (u->lcr & UART16550_LCR_DLAB) != 0;

	uart16550_poll(u);
	switch (offset) {
	case UART16550_RBR:
		return dlab ? u->dll : rx_pop(u);
	case UART16550_IER:
		return dlab ? u->dlm : u->ier;
	case UART16550_IIR:
		return read_iir(u);
	case UART16550_LCR:
		return u->lcr;
	case UART16550_MCR:
		return u->mcr;
	case UART16550_LSR:
		return read_lsr(u);
	case UART16550_MSR:
		return read_msr(u);
	case UART16550_SCR:
		return u->scr;
	default:
		return 0;
	}
}

/* THR: out at once (or back into the receiver in loopback, dropped when the
 * FIFO is full); the transmitter is empty again, so THRE is raised anew. */
static void write_thr(struct uart16550 *u, uint8_t value)
{
	if (loopback(u)) {
		if (!rx_full(u))
			rx_push(u, value);
	} else if (u->io.putc != NULL) {
		u->io.putc(u->io.ctx, (char)value);
	}
	u->thre_pending = true;
}

/* Enabling ETBEI with THR empty raises THRE at once (the Linux driver's
 * start_tx relies on it); disabling it drops any pending THRE. */
static void write_ier(struct uart16550 *u, uint8_t value)
{
	uint8_t old = u->ier;

	u->ier = (uint8_t)(value & UART16550_IER_MASK);
	if (((old ^ u->ier) & UART16550_IER_ETBEI) != 0)
		u->thre_pending = (u->ier & UART16550_IER_ETBEI) != 0;
}

/* Changing the FIFO enable bit resets the FIFOs, as on the 16550. */
static void write_fcr(struct uart16550 *u, uint8_t value)
{
	if ((value & UART16550_FCR_CLEAR_RX) != 0 || ((value ^ u->fcr) & UART16550_FCR_ENABLE) != 0)
		rx_clear(u);
	u->fcr = (uint8_t)(value & UART16550_FCR_ENABLE);
}

void uart16550_write(struct uart16550 *u, unsigned offset, uint8_t value)
{
	bool dlab = (u->lcr & UART16550_LCR_DLAB) != 0;

	uart16550_poll(u);
	switch (offset) {
	case UART16550_THR:
		if (dlab)
			u->dll = value;
		else
			write_thr(u, value);
		break;
	case UART16550_IER:
		if (dlab)
			u->dlm = value;
		else
			write_ier(u, value);
		break;
	case UART16550_FCR:
		write_fcr(u, value);
		break;
	case UART16550_LCR:
		u->lcr = value;
		break;
	case UART16550_MCR:
		u->mcr = (uint8_t)(value & UART16550_MCR_MASK);
		break;
	case UART16550_SCR:
		u->scr = value;
		break;
	default: /* LSR, MSR: read-only */
		break;
	}
}
