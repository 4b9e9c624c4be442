/* Formatted output for freestanding code: %d %i %u %x %X %p %s %c %%, with
 * the l/ll/z length modifiers, a field width, the '0' and '-' flags, and a
 * precision (digits or '*') for %s. */
#ifndef LIB_PRINTF_H
#define LIB_PRINTF_H

#include <stdarg.h>
#include <stddef.h>

typedef void (*fmt_putc_fn)(char c, void *ctx);

void fmt_vprintf(fmt_putc_fn out, void *ctx, const char *fmt, va_list ap);
int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
