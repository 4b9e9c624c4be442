/* Host tests of src/dev/uart16550.c against a fake console backend: output
 * collected in a buffer, input served from a queue. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dev/uart16550.h"

struct fake_console {
	char out[256];
	size_t out_len;
	const char *in;
	size_t in_len;
	size_t in_pos;
	unsigned getc_calls;
};

static void fake_putc(void *ctx, char c)
{
	struct fake_console *f = ctx;

	if (f->out_len < sizeof(f->out))
		f->out[f->out_len++] = c;
}

static int fake_getc(void *ctx)
{
	struct fake_console *f = ctx;

	f->getc_calls++;
	if (f->in_pos >= f->in_len)
		return -1;
	return (unsigned char)f->in[f->in_pos++];
}

static void setup_uart(struct uart16550 *u, struct fake_console *f, const char *input)
{
	struct uart16550_io io = {fake_putc, fake_getc, f};

	memset(f, 0, sizeof(*f));
	f->in = input;
	f->in_len = input != NULL ? strlen(input) : 0;
	uart16550_init(u, &io);
}

static uint8_t rd(struct uart16550 *u, unsigned off)
{
	return uart16550_read(u, off);
}

static void wr(struct uart16550 *u, unsigned off, unsigned v)
{
	uart16550_write(u, off, (uint8_t)v);
}

static void test_thr_write_reaches_putc(void **state)
{
	struct uart16550 u;
	struct fake_console f;

	(void)state;
	setup_uart(&u, &f, NULL);
	wr(&u, UART16550_THR, 'h');
	wr(&u, UART16550_THR, 'i');
	wr(&u, UART16550_THR, 0xff);
	assert_int_equal(f.out_len, 3);
	assert_memory_equal(f.out, "hi\xff", 3);
}

static void test_rbr_returns_input_in_order_and_lsr_dr_follows(void **state)
{
	struct uart16550 u;
	struct fake_console f;

	(void)state;
	setup_uart(&u, &f, "abc");
	assert_int_equal(rd(&u, UART16550_LSR) & UART16550_LSR_DR, 1);
	assert_int_equal(rd(&u, UART16550_RBR), 'a');
	assert_int_equal(rd(&u, UART16550_LSR) & UART16550_LSR_DR, 1);
	assert_int_equal(rd(&u, UART16550_RBR), 'b');
	assert_int_equal(rd(&u, UART16550_RBR), 'c');
	assert_int_equal(rd(&u, UART16550_LSR) & UART16550_LSR_DR, 0);
	/* THRE and TEMT: output is immediate. */
	assert_int_equal(rd(&u, UART16550_LSR), 0x60);
}

static void test_dlab_switches_to_divisor_and_back_keeps_ier(void **state)
{
	struct uart16550 u;
	struct fake_console f;

	(void)state;
	setup_uart(&u, &f, NULL);
	wr(&u, UART16550_IER, 0x05);
	wr(&u, UART16550_LCR, 0x80 | 0x03);
	wr(&u, UART16550_DLL, 0x01);
	wr(&u, UART16550_DLM, 0x02);
	assert_int_equal(rd(&u, UART16550_DLL), 0x01);
	assert_int_equal(rd(&u, UART16550_DLM), 0x02);
	assert_int_equal(f.out_len, 0); /* DLL write is not a THR write */
	wr(&u, UART16550_LCR, 0x03);
	assert_int_equal(rd(&u, UART16550_IER), 0x05);
	assert_int_equal(rd(&u, UART16550_LCR), 0x03);
	wr(&u, UART16550_LCR, 0x83);
	assert_int_equal(rd(&u, UART16550_DLL), 0x01);
	assert_int_equal(rd(&u, UART16550_DLM), 0x02);
}

static void test_iir_values_and_rx_priority_over_thre(void **state)
{
	struct uart16550 u;
	struct fake_console f;

	(void)state;
	setup_uart(&u, &f, "x");
	assert_int_equal(rd(&u, UART16550_IIR), 0x01); /* IER = 0 */
	wr(&u, UART16550_IER, UART16550_IER_ERBFI | UART16550_IER_ETBEI);
	assert_int_equal(rd(&u, UART16550_IIR), 0x04); /* RX first */
	assert_int_equal(rd(&u, UART16550_IIR), 0x04); /* THRE still held */
	assert_int_equal(rd(&u, UART16550_RBR), 'x');
	assert_int_equal(rd(&u, UART16550_IIR), 0x02);
	assert_int_equal(rd(&u, UART16550_IIR), 0x01);
	wr(&u, UART16550_FCR, UART16550_FCR_ENABLE);
	assert_int_equal(rd(&u, UART16550_IIR), 0xc1);
	wr(&u, UART16550_THR, 'y');
	assert_int_equal(rd(&u, UART16550_IIR), 0xc2);
}

static void test_thre_irq_raised_cleared_by_iir_reraised_by_thr(void **state)
{
	struct uart16550 u;
	struct fake_console f;

	(void)state;
	setup_uart(&u, &f, NULL);
	assert_false(uart16550_irq(&u));
	wr(&u, UART16550_IER, UART16550_IER_ETBEI);
	assert_true(uart16550_irq(&u));
	assert_int_equal(rd(&u, UART16550_IIR), 0x02);
	assert_false(uart16550_irq(&u));
	wr(&u, UART16550_THR, 'z');
	assert_true(uart16550_irq(&u));
	/* Disabling ETBEI drops it; re-enabling raises it again. */
	wr(&u, UART16550_IER, 0);
	assert_false(uart16550_irq(&u));
	wr(&u, UART16550_IER, UART16550_IER_ETBEI);
	assert_true(uart16550_irq(&u));
}

static void test_rx_irq_level_follows_fifo(void **state)
{
	struct uart16550 u;
	struct fake_console f;

	(void)state;
	setup_uart(&u, &f, NULL);
	wr(&u, UART16550_IER, UART16550_IER_ERBFI);
	assert_false(uart16550_irq(&u));
	f.in = "12";
	f.in_len = 2;
	uart16550_poll(&u);
	assert_true(uart16550_irq(&u));
	assert_int_equal(rd(&u, UART16550_RBR), '1');
	assert_true(uart16550_irq(&u));
	assert_int_equal(rd(&u, UART16550_RBR), '2');
	assert_false(uart16550_irq(&u));
	assert_int_equal(rd(&u, UART16550_IIR), 0x01);
}

static void test_wants_input_only_with_rx_irq_and_empty_fifo(void **state)
{
	struct uart16550 u;
	struct fake_console f;

	(void)state;
	setup_uart(&u, &f, NULL);
	assert_false(uart16550_wants_input(&u));
	wr(&u, UART16550_IER, UART16550_IER_ERBFI);
	assert_true(uart16550_wants_input(&u));
	f.in = "x";
	f.in_len = 1;
	uart16550_poll(&u);
	assert_false(uart16550_wants_input(&u));
	assert_int_equal(rd(&u, UART16550_RBR), 'x');
	assert_true(uart16550_wants_input(&u));
	wr(&u, UART16550_IER, UART16550_IER_ETBEI);
	assert_false(uart16550_wants_input(&u));
}

static void test_fcr_clears_rx_fifo(void **state)
{
	struct uart16550 u;
	struct fake_console f;

	(void)state;
	setup_uart(&u, &f, NULL);
	wr(&u, UART16550_FCR, UART16550_FCR_ENABLE);
	f.in = "abc";
	f.in_len = 3;
	uart16550_poll(&u);
	assert_int_equal(u.rx_count, 3);
	wr(&u, UART16550_FCR, UART16550_FCR_ENABLE | UART16550_FCR_CLEAR_RX);
	assert_int_equal(u.rx_count, 0);
	assert_int_equal(rd(&u, UART16550_LSR) & UART16550_LSR_DR, 0);
	assert_int_equal(rd(&u, UART16550_IIR), 0xc1);
}

static void test_full_fifo_holds_16_and_leaves_rest_in_backend(void **state)
{
	static const char in[] = "0123456789abcdefghijklmnopqrstuvwxyz";
	struct uart16550 u;
	struct fake_console f;
	size_t i;

	(void)state;
	setup_uart(&u, &f, in);
	for (i = 0; i < 5; i++)
		uart16550_poll(&u);
	assert_int_equal(u.rx_count, UART16550_FIFO_SIZE);
	assert_int_equal(f.in_pos, UART16550_FIFO_SIZE);
	/* Nothing lost, nothing written past the FIFO (ASan watches). */
	for (i = 0; i < sizeof(in) - 1; i++) {
		assert_int_equal(rd(&u, UART16550_RBR), in[i]);
		assert_true(u.rx_count <= UART16550_FIFO_SIZE);
	}
	assert_int_equal(rd(&u, UART16550_LSR) & UART16550_LSR_DR, 0);
	assert_int_equal(rd(&u, UART16550_RBR), 0); /* empty reads 0 */
}

static void test_loopback_thr_comes_back_and_full_drops(void **state)
{
	struct uart16550 u;
	struct fake_console f;
	unsigned i;

	(void)state;
	setup_uart(&u, &f, NULL);
	wr(&u, UART16550_MCR, UART16550_MCR_LOOP);
	f.in = "ignored";
	f.in_len = 7;
	for (i = 0; i < 40; i++)
		wr(&u, UART16550_THR, 'A' + (i % 26));
	assert_int_equal(f.out_len, 0);
	assert_int_equal(f.in_pos, 0); /* receiver cut off from the line */
	assert_int_equal(u.rx_count, UART16550_FIFO_SIZE);
	for (i = 0; i < UART16550_FIFO_SIZE; i++)
		assert_int_equal(rd(&u, UART16550_RBR), 'A' + i);
	assert_int_equal(rd(&u, UART16550_LSR) & UART16550_LSR_DR, 0);
}

static void test_msr_idle_and_loopback_mirrors_mcr(void **state)
{
	struct uart16550 u;
	struct fake_console f;

	(void)state;
	setup_uart(&u, &f, NULL);
	assert_int_equal(rd(&u, UART16550_MSR), 0xb0);
	/* The Linux 8250 probe: MCR = LOOP|OUT2|RTS gives MSR & 0xf0 = 0x90. */
	wr(&u, UART16550_MCR, 0x1a);
	assert_int_equal(rd(&u, UART16550_MSR) & 0xf0, 0x90);
	wr(&u, UART16550_MCR, 0x1f);
	assert_int_equal(rd(&u, UART16550_MSR), 0xf0);
	wr(&u, UART16550_MCR, 0xff);
	assert_int_equal(rd(&u, UART16550_MCR), 0x1f);
}

static void test_read_only_registers_ignore_writes(void **state)
{
	struct uart16550 u;
	struct fake_console f;

	(void)state;
	setup_uart(&u, &f, NULL);
	wr(&u, UART16550_LSR, 0x00);
	wr(&u, UART16550_MSR, 0x00);
	assert_int_equal(rd(&u, UART16550_LSR), 0x60);
	assert_int_equal(rd(&u, UART16550_MSR), 0xb0);
}

static void test_ier_keeps_low_four_bits(void **state)
{
	struct uart16550 u;
	struct fake_console f;

	(void)state;
	setup_uart(&u, &f, NULL);
	wr(&u, UART16550_IER, 0xff);
	assert_int_equal(rd(&u, UART16550_IER), 0x0f);
}

static void test_scratch_register(void **state)
{
	struct uart16550 u;
	struct fake_console f;
	unsigned v;

	(void)state;
	setup_uart(&u, &f, NULL);
	assert_int_equal(rd(&u, UART16550_SCR), 0);
	for (v = 0; v < 256; v++) {
		wr(&u, UART16550_SCR, v);
		assert_int_equal(rd(&u, UART16550_SCR), v);
	}
	wr(&u, UART16550_LCR, 0x80); /* DLAB does not hide SCR */
	wr(&u, UART16550_SCR, 0x5a);
	assert_int_equal(rd(&u, UART16550_SCR), 0x5a);
}

static void test_every_offset_in_every_dlab_state_reads(void **state)
{
	struct uart16550 u;
	struct fake_console f;
	unsigned dlab, off;

	(void)state;
	setup_uart(&u, &f, "some input");
	for (dlab = 0; dlab < 2; dlab++) {
		wr(&u, UART16550_LCR, dlab ? 0x83 : 0x03);
		for (off = 0; off < UART16550_NREGS; off++)
			(void)rd(&u, off);
	}
	/* Out-of-range offsets are harmless too. */
	assert_int_equal(rd(&u, 8), 0);
	wr(&u, 8, 0xff);
	wr(&u, 0xffffffffu, 0xff);
	assert_int_equal(f.out_len, 0);
}

static void test_null_backend_is_harmless(void **state)
{
	struct uart16550 u;

	(void)state;
	uart16550_init(&u, NULL);
	wr(&u, UART16550_THR, 'q');
	uart16550_poll(&u);
	assert_int_equal(rd(&u, UART16550_LSR), 0x60);
	assert_int_equal(rd(&u, UART16550_RBR), 0);
}

/* xorshift32: reproducible without libc's rand(). */
static uint32_t next_rand(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static void test_random_accesses_keep_invariants(void **state)
{
	static char input[4096];
	struct uart16550 u;
	struct fake_console f;
	uint32_t seed = 0x1234567u;
	unsigned i;

	(void)state;
	for (i = 0; i < sizeof(input); i++)
		input[i] = (char)('!' + next_rand(&seed) % 90);
	setup_uart(&u, &f, NULL);
	f.in = input;
	for (i = 0; i < 200000; i++) {
		uint32_t r = next_rand(&seed);
		unsigned off = r % 10; /* a few beyond the registers too */
		uint8_t v = (uint8_t)(r >> 8);

		/* Feed input now and then, rarely enough to drain. */
		if (f.in_len < sizeof(input) && (r >> 16) % 7 == 0)
			f.in_len++;
		switch ((r >> 20) % 3) {
		case 0:
			(void)rd(&u, off);
			break;
		case 1:
			wr(&u, off, v);
			break;
		default:
			uart16550_poll(&u);
			break;
		}
		assert_true(u.rx_count <= UART16550_FIFO_SIZE);
		assert_true(u.rx_head < UART16550_FIFO_SIZE);
		assert_true(u.ier <= 0x0f);
		assert_true(u.mcr <= 0x1f);
		assert_int_equal(uart16550_irq(&u), ((u.ier & 1) && u.rx_count > 0) ||
							((u.ier & 2) && u.thre_pending));
		assert_int_equal(rd(&u, UART16550_LSR) & 0x60, 0x60);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_thr_write_reaches_putc),
	    cmocka_unit_test(test_rbr_returns_input_in_order_and_lsr_dr_follows),
	    cmocka_unit_test(test_dlab_switches_to_divisor_and_back_keeps_ier),
	    cmocka_unit_test(test_iir_values_and_rx_priority_over_thre),
	    cmocka_unit_test(test_thre_irq_raised_cleared_by_iir_reraised_by_thr),
	    cmocka_unit_test(test_rx_irq_level_follows_fifo),
	    cmocka_unit_test(test_wants_input_only_with_rx_irq_and_empty_fifo),
	    cmocka_unit_test(test_fcr_clears_rx_fifo),
	    cmocka_unit_test(test_full_fifo_holds_16_and_leaves_rest_in_backend),
	    cmocka_unit_test(test_loopback_thr_comes_back_and_full_drops),
	    cmocka_unit_test(test_msr_idle_and_loopback_mirrors_mcr),
	    cmocka_unit_test(test_read_only_registers_ignore_writes),
	    cmocka_unit_test(test_ier_keeps_low_four_bits),
	    cmocka_unit_test(test_scratch_register),
	    cmocka_unit_test(test_every_offset_in_every_dlab_state_reads),
	    cmocka_unit_test(test_null_backend_is_harmless),
	    cmocka_unit_test(test_random_accesses_keep_invariants),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
