#include "lib/printf.h"

#include <stdbool.h>
#include <stdint.h>

struct spec {
	unsigned width;
	int precision; /* %s: at most this many bytes; -1 for no limit */
	bool zero_pad;
	bool left;
};

static void pad(fmt_putc_fn out, void *ctx, unsigned n, char c)
{
	while (n--)
		out(c, ctx);
}

static void put_str(fmt_putc_fn out, void *ctx, const char *s, struct spec sp)
{
	unsigned len = 0;
	if (!s)
		s = "(null)";
	while (s[len] && (sp.precision < 0 || len < (unsigned)sp.precision))
		len++;
	if (!sp.left && sp.width > len)
		pad(out, ctx, sp.width - len, ' ');
	for (unsigned i = 0; i < len; i++)
		out(s[i], ctx);
	if (sp.left && sp.width > len)
		pad(out, ctx, sp.width - len, ' ');
}

static void put_num(fmt_putc_fn out, void *ctx, uint64_t v, unsigned base,
		    bool negative, bool upper, struct spec sp)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char buf[24];
	unsigned n = 0;
	do {
		buf[n++] = digits[v % base];
		v /= base;
	} while (v);
	unsigned len = n + (negative ? 1U : 0U);
	unsigned fill = sp.width > len ? sp.width - len : 0;
	if (!sp.left && !sp.zero_pad)
		pad(out, ctx, fill, ' ');
	if (negative)
		out('-', ctx);
	if (!sp.left && sp.zero_pad)
		pad(out, ctx, fill, '0');
	while (n)
		out(buf[--n], ctx);
	if (sp.left)
		pad(out, ctx, fill, ' ');
}

void fmt_vprintf(fmt_putc_fn out, void *ctx, const char *fmt, va_list ap)
{
	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			out(*fmt, ctx);
			continue;
		}
		struct spec sp = { 0, -1, false, false };
		fmt++;
		for (;; fmt++) {
			if (*fmt == '0')
				sp.zero_pad = true;
			else if (*fmt == '-')
				sp.left = true;
			else
				break;
		}
		while (*fmt >= '0' && *fmt <= '9')
			sp.width = sp.width * 10 + (unsigned)(*fmt++ - '0');
		if (*fmt == '.') {
			fmt++;
			sp.precision = 0;
			if (*fmt == '*') {
				sp.precision = va_arg(ap, int);
				fmt++;
			}
			while (*fmt >= '0' && *fmt <= '9')
				sp.precision = sp.precision * 10 + (*fmt++ - '0');
		}
		unsigned longs = 0;
		while (*fmt == 'l' || *fmt == 'z') {
			longs++;
			fmt++;
		}
		switch (*fmt) {
		case 'd':
		case 'i': {
			int64_t v = longs ? va_arg(ap, long) : va_arg(ap, int);
			uint64_t mag = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
			put_num(out, ctx, mag, 10, v < 0, false, sp);
			break;
		}
		case 'u':
		case 'x':
		case 'X': {
			uint64_t v = longs ? va_arg(ap, unsigned long) : va_arg(ap, unsigned);
			put_num(out, ctx, v, *fmt == 'u' ? 10 : 16, false, *fmt == 'X', sp);
			break;
		}
		case 'p':
			out('0', ctx);
			out('x', ctx);
			put_num(out, ctx, (uint64_t)(uintptr_t)va_arg(ap, void *), 16,
				false, false, sp);
			break;
		case 's':
			put_str(out, ctx, va_arg(ap, const char *), sp);
			break;
		case 'c':
			out((char)va_arg(ap, int), ctx);
			break;
		case '%':
			out('%', ctx);
			break;
		case '\0':
			return;
		default:
			out('%', ctx);
			out(*fmt, ctx);
			break;
		}
	}
}

struct buf_ctx {
	char *buf;
	size_t size;
	size_t len;
};

static void buf_putc(char c, void *ctx)
{
	struct buf_ctx *b = ctx;
	if (b->len + 1 < b->size)
		b->buf[b->len] = c;
	b->len++;
}

int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct buf_ctx b = { buf, size, 0 };
	fmt_vprintf(buf_putc, &b, fmt, ap);
	if (size)
		buf[b.len < size ? b.len : size - 1] = '\0';
	return (int)b.len;
}

int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = fmt_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
