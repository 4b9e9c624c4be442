/*
 * libFuzzer target for the 16550 UART model (src/dev/uart16550.c), built
 * with ASan/UBSan: any sequence of guest register accesses, backend input
 * and polls, checked step by step against what uart16550.h and the 16550
 * promise a driver:
 *  - no byte is lost, duplicated or reordered: every byte the backend gave
 *    is read from RBR in order, unless the guest cleared the FIFO, and the
 *    backend is asked for input only while the FIFO has room and the
 *    UART is not in loopback;
 *  - a THR write reaches the backend exactly once, or in loopback the
 *    receiver (dropped when full), never both;
 *  - LSR says data ready exactly when a read of RBR would return a byte,
 *    the transmitter is always empty; IIR bit 0 is the interrupt line's
 *    inverse, RX data outranks THR empty, bits 7:6 follow FCR bit 0;
 *  - registers read back what was written, within their widths, and the
 *    divisor latch only with DLAB; offsets past the eight registers read
 *    0 and change nothing.
 * Any violation is an abort(), which libFuzzer reports.
 *
 * Input: records of 3 bytes: op, offset, value. op % 4: 0 write value at
 * offset % 10, 1 read at offset % 10, 2 uart16550_poll, 3 the backend
 * gets value % 24 more bytes (numbered on from the last).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dev/uart16550.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c) do { if (!(c)) abort(); } while (0)

/* The backend: bytes numbered 0, 1, 2, ... (mod 256), `offered` of them
 * made available so far, `taken` handed to the UART. */
struct backend {
	unsigned offered, taken;
	unsigned out_count;
	uint8_t out_last;
};

static int backend_getc(void *ctx)
{
	struct backend *b = ctx;
	if (b->taken == b->offered)
		return -1;
	return (int)(b->taken++ & 0xff);
}

static void backend_putc(void *ctx, char c)
{
	struct backend *b = ctx;
	b->out_count++;
	b->out_last = (uint8_t)c;
}

/* The receiver as a driver sees it: the bytes in the FIFO, oldest first. */
struct fifo {
	uint8_t byte[UART16550_FIFO_SIZE];
	unsigned count;
};

static void fifo_push(struct fifo *f, uint8_t c)
{
	if (f->count < UART16550_FIFO_SIZE)
		f->byte[f->count++] = c;
}

static uint8_t fifo_pop(struct fifo *f)
{
	uint8_t c = f->byte[0];
	memmove(f->byte, f->byte + 1, --f->count);
	return c;
}

/* What the model's state says of itself (the fields' documented ranges). */
static void check_fields(const struct uart16550 *u)
{
	CHECK(u->rx_count <= UART16550_FIFO_SIZE && u->rx_head < UART16550_FIFO_SIZE);
	CHECK((u->ier & ~UART16550_IER_MASK) == 0 && (u->mcr & ~UART16550_MCR_MASK) == 0);
	CHECK((u->fcr & ~UART16550_FCR_ENABLE) == 0);
}

static bool loopback(const struct uart16550 *u)
{
	return (u->mcr & UART16550_MCR_LOOP) != 0;
}

/* A poll, as the model does one before every register access: the bytes
 * the backend hands over while there is room join the reference FIFO. */
static void expect_poll(const struct uart16550 *u, struct backend *b, struct fifo *f,
			unsigned taken_before)
{
	for (unsigned n = taken_before; n < b->taken; n++)
		fifo_push(f, (uint8_t)n);
	if (loopback(u))
		CHECK(b->taken == taken_before);
	else
		CHECK(b->taken == b->offered || f->count == UART16550_FIFO_SIZE);
}

static void do_read(struct uart16550 *u, struct backend *b, struct fifo *f, unsigned off)
{
	const bool dlab = (u->lcr & UART16550_LCR_DLAB) != 0;
	struct uart16550 before;
	memcpy(&before, u, sizeof(before));
	unsigned taken = b->taken;
	uint8_t v = uart16550_read(u, off);
	expect_poll(&before, b, f, taken);
	switch (off) {
	case UART16550_RBR:
		if (dlab)
			CHECK(v == before.dll);
		else if (f->count == 0)
			CHECK(v == 0);
		else
			CHECK(v == fifo_pop(f));
		break;
	case UART16550_IER:
		CHECK(v == (dlab ? before.dlm : before.ier));
		break;
	case UART16550_IIR: {
		/* After the poll the read made, before its acknowledgement. */
		bool rx = (before.ier & UART16550_IER_ERBFI) && f->count > 0;
		CHECK((v & UART16550_IIR_FIFO) ==
		      ((before.fcr & UART16550_FCR_ENABLE) ? UART16550_IIR_FIFO : 0));
		CHECK((v & 0x3f) == UART16550_IIR_NO_INT || (v & 0x3f) == UART16550_IIR_RDA ||
		      (v & 0x3f) == UART16550_IIR_THRE);
		if (rx)
			CHECK((v & 0x3f) == UART16550_IIR_RDA);
		if ((v & 0x3f) == UART16550_IIR_RDA)
			CHECK(rx);
		if ((v & 0x3f) == UART16550_IIR_THRE) /* reported, so acknowledged */
			CHECK((before.ier & UART16550_IER_ETBEI) && !uart16550_irq(u));
		break;
	}
	case UART16550_LCR:
		CHECK(v == before.lcr);
		break;
	case UART16550_MCR:
		CHECK(v == before.mcr);
		break;
	case UART16550_LSR:
		CHECK((v & UART16550_LSR_DR) == (f->count > 0 ? UART16550_LSR_DR : 0));
		CHECK((v & (UART16550_LSR_THRE | UART16550_LSR_TEMT)) ==
		      (UART16550_LSR_THRE | UART16550_LSR_TEMT));
		break;
	case UART16550_SCR:
		CHECK(v == before.scr);
		break;
	case UART16550_MSR:
		break;
	default:
		CHECK(v == 0);
		break;
	}
}

static void do_write(struct uart16550 *u, struct backend *b, struct fifo *f, unsigned off,
		     uint8_t v)
{
	const bool dlab = (u->lcr & UART16550_LCR_DLAB) != 0;
	const unsigned out = b->out_count;
	unsigned taken = b->taken;
	struct uart16550 before;
	memcpy(&before, u, sizeof(before));
	uart16550_write(u, off, v);
	/* A write polls too (the model's own choice): the bytes taken joined
	 * the FIFO before the write acted. */
	expect_poll(&before, b, f, taken);
	if (off == UART16550_THR && !dlab) {
		if (loopback(&before)) {
			CHECK(b->out_count == out);
			fifo_push(f, v);
		} else {
			CHECK(b->out_count == out + 1 && b->out_last == v);
		}
	} else {
		CHECK(b->out_count == out);
	}
	if (off == UART16550_FCR &&
	    ((v & UART16550_FCR_CLEAR_RX) || ((v ^ before.fcr) & UART16550_FCR_ENABLE)))
		f->count = 0;
	switch (off) {
	case UART16550_THR:
		if (dlab)
			CHECK(u->dll == v);
		break;
	case UART16550_IER:
		if (dlab)
			CHECK(u->dlm == v);
		else
			CHECK(u->ier == (v & UART16550_IER_MASK));
		break;
	case UART16550_LCR:
		CHECK(u->lcr == v);
		break;
	case UART16550_MCR:
		CHECK(u->mcr == (v & UART16550_MCR_MASK));
		break;
	case UART16550_SCR:
		CHECK(u->scr == v);
		break;
	case UART16550_FCR:
		break;
	default:
		/* LSR, MSR (read-only) or no register: nothing but the poll
		 * changed. */
		before.rx_count = u->rx_count;
		before.rx_head = u->rx_head;
		memcpy(before.rx, u->rx, sizeof(before.rx));
		CHECK(memcmp(&before, u, sizeof(before)) == 0);
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct backend b = { 0, 0, 0, 0 };
	struct fifo f = { { 0 }, 0 };
	const struct uart16550_io io = { backend_putc, backend_getc, &b };
	struct uart16550 u;
	uart16550_init(&u, &io);
	for (size_t at = 0; at + 3 <= size; at += 3) {
		unsigned off = data[at + 1] % 10u;
		uint8_t v = data[at + 2];
		switch (data[at] % 4) {
		case 0:
			do_write(&u, &b, &f, off, v);
			break;
		case 1:
			do_read(&u, &b, &f, off);
			break;
		case 2: {
			struct uart16550 before;
			memcpy(&before, &u, sizeof(before));
			unsigned taken = b.taken;
			uart16550_poll(&u);
			expect_poll(&before, &b, &f, taken);
			break;
		}
		default:
			b.offered += v % 24u;
			break;
		}
		check_fields(&u);
		CHECK(u.rx_count == f.count);
		CHECK(uart16550_wants_input(&u) == ((u.ier & UART16550_IER_ERBFI) && f.count == 0));
		if ((u.ier & UART16550_IER_ERBFI) && f.count > 0)
			CHECK(uart16550_irq(&u));
		if (!(u.ier & (UART16550_IER_ERBFI | UART16550_IER_ETBEI)))
			CHECK(!uart16550_irq(&u));
	}
	return 0;
}
