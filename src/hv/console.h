/*
 * The machine's one console (the firmware's SBI console), shared by the
 * hypervisor's messages and every guest. Each guest writes and reads
 * through its own port. With several guests, every line a guest prints
 * starts with its tag ("[g1] ") and goes out whole: a port holds a line
 * until its end (or, so that a prompt shows, until its guest reads the
 * console with part of a line held for CONSOLE_HOLD_MS), and a line left
 * unfinished when another writer comes is ended first. Console input goes to one guest at a time: Ctrl-T
 * (CONSOLE_SWITCH_KEY) passes it to the next guest.
 */
#ifndef HV_CONSOLE_H
#define HV_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CONSOLE_SWITCH_KEY 0x14 /* Ctrl-T */
#define CONSOLE_LINE 160
#define CONSOLE_HOLD_MS 20

struct console_port {
	unsigned index; /* the guest's number */
	bool tagged;    /* lines carry the guest's tag */
	bool line_start;
	char held[CONSOLE_LINE]; /* tagged: the line so far, not yet out */
	unsigned nheld;
	uint64_t held_since;     /* time of the first byte held */
};

void console_init(void);
/* How many guests share the console: from two on, lines are tagged and
 * the switch key moves the input. Ports then take their index's tag.
 * timebase_hz: the rate of the time CSR. */
void console_set_guests(unsigned n, uint64_t timebase_hz);
void console_port_init(struct console_port *p, unsigned index);
/* Guest index is over: the switch key skips it, and if it had the input,
 * the next guest still running gets it. */
void console_guest_over(unsigned index);

void hv_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A hypervisor bug: report it and stop the machine with a failure. */
__attribute__((noreturn, format(printf, 1, 2))) void hv_panic(const char *fmt, ...);

/* A guest's console output, raw bytes. */
void console_write(struct console_port *p, const char *s, size_t len);
/* Out with whatever the port still holds (its guest is ending). */
void console_flush(struct console_port *p);
/* One byte of console input for the port's guest, or -1 when none is
 * waiting for it. */
int console_getc(struct console_port *p);

#endif
