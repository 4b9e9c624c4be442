/* The hypervisor's own console output, through the firmware's SBI. */
#ifndef HV_CONSOLE_H
#define HV_CONSOLE_H

#include <stddef.h>

void console_init(void);
void hv_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Write raw bytes (a guest's console output). */
void console_write(const char *s, size_t len);
/* One byte of console input for the guest, or -1 when none is waiting. */
int console_getc(void);
/* A hypervisor bug: report it and stop the machine with a failure. */
__attribute__((noreturn, format(printf, 1, 2))) void hv_panic(const char *fmt, ...);

#endif
