#include "hv/console.h"

#include <stdarg.h>

#include "encoding.h"
#include "hv/layout.h"
#include "lib/printf.h"
#include "lib/sbi.h"

/* Output is gathered per line so that one SBI call carries many bytes. */
struct line {
	char buf[160];
	size_t len;
};

static void line_flush(struct line *l)
{
	sbi_console_write(l->buf, l->len);
	l->len = 0;
}

static void line_putc(char c, void *ctx)
{
	struct line *l = ctx;
	l->buf[l->len++] = c;
	if (c == '\n' || l->len == sizeof(l->buf))
		line_flush(l);
}

void console_init(void)
{
	sbi_console_init(0 - HV_WINDOW_BASE);
}

void console_write(const char *s, size_t len)
{
	sbi_console_write(s, len);
}

int console_getc(void)
{
	return sbi_console_getc();
}

void hv_printf(const char *fmt, ...)
{
	struct line l = { .len = 0 };
	va_list ap;
	va_start(ap, fmt);
	fmt_vprintf(line_putc, &l, fmt, ap);
	va_end(ap);
	line_flush(&l);
}

void hv_panic(const char *fmt, ...)
{
	struct line l = { .len = 0 };
	va_list ap;
	for (const char *p = "hv: PANIC: "; *p; p++)
		line_putc(*p, &l);
	va_start(ap, fmt);
	fmt_vprintf(line_putc, &l, fmt, ap);
	va_end(ap);
	line_putc('\n', &l);
	sbi_shutdown(SBI_SRST_REASON_SYSFAIL);
}
