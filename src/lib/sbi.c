#include "lib/sbi.h"

#include "encoding.h"
#include "lib/printf.h"

struct sbiret sbi_call4(unsigned long eid, unsigned long fid, unsigned long a0,
			unsigned long a1, unsigned long a2, unsigned long a3)
{
	register unsigned long r_a0 __asm__("a0") = a0;
	register unsigned long r_a1 __asm__("a1") = a1;
	register unsigned long r_a2 __asm__("a2") = a2;
	register unsigned long r_a3 __asm__("a3") = a3;
	register unsigned long r_a6 __asm__("a6") = fid;
	register unsigned long r_a7 __asm__("a7") = eid;
	__asm__ volatile("ecall"
			 : "+r"(r_a0), "+r"(r_a1)
			 : "r"(r_a2), "r"(r_a3), "r"(r_a6), "r"(r_a7)
			 : "memory");
	return (struct sbiret){ .error = (long)r_a0, .value = (long)r_a1 };
}

struct sbiret sbi_call(unsigned long eid, unsigned long fid, unsigned long a0,
		       unsigned long a1, unsigned long a2)
{
	return sbi_call4(eid, fid, a0, a1, a2, 0);
}

static int have_dbcn;
/* DBCN takes physical addresses; the caller may run at another address. */
static uint64_t console_phys_offset;

void sbi_console_init(uint64_t virt_to_phys_offset)
{
	console_phys_offset = virt_to_phys_offset;
	struct sbiret r = sbi_call(SBI_EXT_BASE, SBI_BASE_PROBE_EXTENSION,
				   SBI_EXT_DBCN, 0, 0);
	have_dbcn = r.error == SBI_SUCCESS && r.value != 0;
}

void sbi_console_putc(char c)
{
	if (have_dbcn)
		sbi_call(SBI_EXT_DBCN, SBI_DBCN_WRITE_BYTE, (unsigned char)c, 0, 0);
	else
		sbi_call(SBI_EXT_LEGACY_PUTCHAR, 0, (unsigned char)c, 0, 0);
}

void sbi_console_write(const char *s, unsigned long len)
{
	if (!have_dbcn) {
		for (unsigned long i = 0; i < len; i++)
			sbi_console_putc(s[i]);
		return;
	}
	while (len > 0) {
		struct sbiret r = sbi_call(SBI_EXT_DBCN, SBI_DBCN_WRITE, len,
					   (uint64_t)(uintptr_t)s + console_phys_offset, 0);
		if (r.error != SBI_SUCCESS || r.value <= 0)
			return;
		s += r.value;
		len -= (unsigned long)r.value;
	}
}

int sbi_console_getc(void)
{
	struct sbiret r = sbi_call(SBI_EXT_LEGACY_GETCHAR, 0, 0, 0, 0);
	return r.error < 0 ? -1 : (int)(r.error & 0xff);
}

/* Output is gathered per line so that one SBI call carries many bytes. */
struct line {
	char buf[160];
	unsigned long len;
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

void sbi_console_vprintf(const char *fmt, va_list ap)
{
	struct line l = { .len = 0 };
	fmt_vprintf(line_putc, &l, fmt, ap);
	line_flush(&l);
}

void sbi_set_timer(uint64_t when)
{
	sbi_call(SBI_EXT_TIME, SBI_TIME_SET_TIMER, when, 0, 0);
}

void sbi_shutdown(unsigned long reason)
{
	sbi_call(SBI_EXT_SRST, SBI_SRST_SYSTEM_RESET, SBI_SRST_TYPE_SHUTDOWN,
		 reason, 0);
	/* Firmware without SRST: the legacy call cannot carry a failure. */
	sbi_call(SBI_EXT_LEGACY_SHUTDOWN, 0, 0, 0, 0);
	for (;;)
		__asm__ volatile("wfi");
}
