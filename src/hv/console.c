#include "hv/console.h"

#include <stdarg.h>

#include "encoding.h"
#include "hv/layout.h"
#include "lib/sbi.h"

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
	va_list ap;
	va_start(ap, fmt);
	sbi_console_vprintf(fmt, ap);
	va_end(ap);
}

void hv_panic(const char *fmt, ...)
{
	va_list ap;
	hv_printf("hv: PANIC: ");
	va_start(ap, fmt);
	sbi_console_vprintf(fmt, ap);
	va_end(ap);
	hv_printf("\n");
	sbi_shutdown(SBI_SRST_REASON_SYSFAIL);
}
