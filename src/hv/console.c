#include "hv/console.h"

#include <stdarg.h>
#include <stdint.h>
#include <string.h>

#include "encoding.h"
#include "hv/layout.h"
#include "hv/lock.h"
#include "lib/csr.h"
#include "lib/printf.h"
#include "lib/sbi.h"

#define INPUT_SIZE 64U
#define LINE_SIZE 512U

/* The one console: who writes, who reads. */
static struct {
	struct spinlock lock;
	unsigned nguests;
	unsigned focus;                 /* the guest that gets input */
	uint32_t over;                  /* bit k: guest k is over */
	uint64_t hold_ticks;            /* CONSOLE_HOLD_MS in time ticks */
	struct console_port *mid_line;  /* a port whose line is unfinished */
	char input[INPUT_SIZE];         /* read from SBI, not yet taken */
	unsigned in_head, in_count;
} con;

void console_init(void)
{
	sbi_console_init(0 - HV_WINDOW_BASE);
	con.nguests = 1;
}

void console_set_guests(unsigned n, uint64_t timebase_hz)
{
	con.nguests = n;
	con.hold_ticks = timebase_hz * CONSOLE_HOLD_MS / 1000;
}

void console_port_init(struct console_port *p, unsigned index)
{
	p->index = index;
	p->tagged = con.nguests > 1;
	p->line_start = true;
	p->nheld = 0;
}

/* With the lock held: end a line another writer left unfinished. */
static void break_line(const struct console_port *writer)
{
	if (con.mid_line && con.mid_line != writer) {
		sbi_console_write("\n", 1);
		con.mid_line->line_start = true;
		con.mid_line = NULL;
	}
}

/* With the lock held: out with what a tagged port holds, tagged if it
 * starts a line. */
static void release_held(struct console_port *p)
{
	if (!p->nheld)
		return;
	break_line(p);
	if (p->line_start) {
		char tag[16];
		int n = fmt_snprintf(tag, sizeof(tag), "[g%u] ", p->index);
		sbi_console_write(tag, (unsigned long)n);
	}
	sbi_console_write(p->held, p->nheld);
	p->line_start = p->held[p->nheld - 1] == '\n';
	con.mid_line = p->line_start ? NULL : p;
	p->nheld = 0;
}

void console_write(struct console_port *p, const char *s, size_t len)
{
	spin_lock(&con.lock);
	if (!p->tagged) {
		break_line(p);
		sbi_console_write(s, len);
		if (len)
			con.mid_line = s[len - 1] == '\n' ? NULL : p;
		spin_unlock(&con.lock);
		return;
	}
	for (size_t i = 0; i < len; i++) {
		if (!p->nheld)
			p->held_since = csr_read(CSR_TIME);
		p->held[p->nheld++] = s[i];
		if (s[i] == '\n' || p->nheld == sizeof(p->held))
			release_held(p);
	}
	spin_unlock(&con.lock);
}

void console_flush(struct console_port *p)
{
	spin_lock(&con.lock);
	release_held(p);
	spin_unlock(&con.lock);
}

struct line {
	char buf[LINE_SIZE];
	unsigned long len;
};

static void line_putc(char c, void *ctx)
{
	struct line *l = ctx;
	if (l->len < sizeof(l->buf))
		l->buf[l->len++] = c;
}

static void vprint(const char *prefix, const char *fmt, va_list ap)
{
	struct line l = { .len = 0 };
	fmt_vprintf(line_putc, &l, fmt, ap);
	spin_lock(&con.lock);
	break_line(NULL);
	if (prefix)
		sbi_console_write(prefix, strlen(prefix));
	sbi_console_write(l.buf, l.len);
	spin_unlock(&con.lock);
}

void hv_printf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vprint(NULL, fmt, ap);
	va_end(ap);
}

void hv_panic(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vprint("hv: PANIC: ", fmt, ap);
	va_end(ap);
	hv_printf("\n");
	sbi_shutdown(SBI_SRST_REASON_SYSFAIL);
}

/* With the lock held: the input to the next guest still running, if
 * there is another. Input waiting for the old one is dropped when the
 * switch key moved it (it was typed for that guest), kept when the old
 * one is over. */
static void next_focus(bool drop_waiting)
{
	unsigned old = con.focus;
	for (unsigned k = 1; k < con.nguests; k++) {
		unsigned g = (old + k) % con.nguests;
		if (!(con.over & (UINT32_C(1) << g))) {
			con.focus = g;
			break;
		}
	}
	if (con.focus == old)
		return;
	if (drop_waiting)
		con.in_count = 0;
	break_line(NULL);
	char msg[64];
	int n = fmt_snprintf(msg, sizeof(msg), "hv: console input now goes to guest %u\n",
			     con.focus);
	sbi_console_write(msg, (unsigned long)n);
}

void console_guest_over(unsigned index)
{
	spin_lock(&con.lock);
	con.over |= UINT32_C(1) << index;
	if (con.focus == index)
		next_focus(false);
	spin_unlock(&con.lock);
}

/* With the lock held: move waiting SBI input into the buffer, acting on
 * the switch key. */
static void pull_input(void)
{
	while (con.in_count < INPUT_SIZE) {
		int c = sbi_console_getc();
		if (c < 0)
			return;
		if (c == CONSOLE_SWITCH_KEY && con.nguests > 1) {
			next_focus(true);
			continue;
		}
		con.input[(con.in_head + con.in_count) % INPUT_SIZE] = (char)c;
		con.in_count++;
	}
}

int console_getc(struct console_port *p)
{
	int c = -1;
	spin_lock(&con.lock);
	/* A guest reading the console with part of a line held for a while
	 * may be showing a prompt. */
	if (p->nheld && csr_read(CSR_TIME) - p->held_since >= con.hold_ticks)
		release_held(p);
	pull_input();
	if (p->index == con.focus && con.in_count) {
		c = (unsigned char)con.input[con.in_head];
		con.in_head = (con.in_head + 1) % INPUT_SIZE;
		con.in_count--;
	}
	spin_unlock(&con.lock);
	return c;
}
