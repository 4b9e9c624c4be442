/* SBI calls downwards (S-mode to whatever runs in M-mode), standard
 * extensions only, so the same caller works on the M-stub and OpenSBI. */
#ifndef LIB_SBI_H
#define LIB_SBI_H

#include <stdarg.h>
#include <stdint.h>

struct sbiret {
	long error;
	long value;
};

struct sbiret sbi_call(unsigned long eid, unsigned long fid, unsigned long a0,
		       unsigned long a1, unsigned long a2);
/* The same with a fourth argument (SBI RFENCE takes four). */
struct sbiret sbi_call4(unsigned long eid, unsigned long fid, unsigned long a0,
			unsigned long a1, unsigned long a2, unsigned long a3);

/* Console output: DBCN when the firmware has it, else legacy putchar.
 * virt_to_phys_offset is added to a buffer's address to get the physical
 * address DBCN wants (0 when running at physical addresses). */
void sbi_console_init(uint64_t virt_to_phys_offset);
void sbi_console_putc(char c);
void sbi_console_write(const char *s, unsigned long len);
/* printf to the console, sent a line at a time. */
void sbi_console_vprintf(const char *fmt, va_list ap);
/* One byte of console input, or -1 when none is waiting (legacy getchar:
 * every firmware has it, and it needs no buffer address). */
int sbi_console_getc(void);
void sbi_set_timer(uint64_t when);
/* Ends the machine; QEMU's exit code is 0 when reason is
 * SBI_SRST_REASON_NONE and non-zero otherwise. */
__attribute__((noreturn)) void sbi_shutdown(unsigned long reason);

#endif
