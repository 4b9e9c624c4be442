/*
 * The machine's one console (the firmware's SBI console), shared by the
 * hypervisor's messages and every guest. Each guest writes and reads
 * through its own port. With several guests, every line a guest prints
 * starts with its tag ("[g1] "), a line broken off by another writer is
 * ended first, and console input goes to one guest at a time: Ctrl-T
 * (CONSOLE_SWITCH_KEY) passes it to the next guest.
 */
#ifndef HV_CONSOLE_H
#define HV_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>

#define CONSOLE_SWITCH_KEY 0x14 /* Ctrl-T */

struct console_port {
	unsigned index; /* the guest's number */
	bool tagged;    /* lines carry the guest's tag */
	bool line_start;
};

void console_init(void);
/* How many guests share the console: from two on, lines are tagged and
 * the switch key moves the input. Ports then take their index's tag. */
void console_set_guests(unsigned n);
void console_port_init(struct console_port *p, unsigned index);
/* Guest index is over: the switch key skips it, and if it had the input,
 * the next guest still running gets it. */
void console_guest_over(unsigned index);

void hv_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A hypervisor bug: report it and stop the machine with a failure. */
__attribute__((noreturn, format(printf, 1, 2))) void hv_panic(const char *fmt, ...);

/* A guest's console output, raw bytes. */
void console_write(struct console_port *p, const char *s, size_t len);
/* One byte of console input for the port's guest, or -1 when none is
 * waiting for it. */
int console_getc(struct console_port *p);

#endif
