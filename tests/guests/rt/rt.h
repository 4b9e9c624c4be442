/*
 * Runtime for bare-metal S-mode test guests: console over SBI, CHECKs that
 * count and report, trap catching, and a way into U-mode. A guest defines
 * main(); the runtime prints "<name>: N passed, N failed" after it and
 * shuts the machine down (SRST reason NONE only if nothing failed).
 */
#ifndef TESTS_GUESTS_RT_H
#define TESTS_GUESTS_RT_H

#include <stdbool.h>
#include <stdint.h>

#include "encoding.h"

/* The guest's code; returning non-zero counts as one failure. */
int main(void);

extern unsigned long rt_hartid;
/* The device tree's address the guest was entered with (a1). */
extern unsigned long rt_dtb;
extern const char rt_guest_name[];

__attribute__((format(printf, 1, 2))) void rt_printf(const char *fmt, ...);

/* Record one check; on failure print where and go on. */
#define CHECK(cond) rt_check((cond), #cond, __FILE__, __LINE__)
/* Same, printing both values on failure. */
#define CHECK_EQ(a, b) \
	rt_check_eq((uint64_t)(a), (uint64_t)(b), #a, #b, __FILE__, __LINE__)
bool rt_check(bool ok, const char *expr, const char *file, int line);
bool rt_check_eq(uint64_t a, uint64_t b, const char *ea, const char *eb,
		 const char *file, int line);

/* What the guest's S-mode trap handler saw. */
struct rt_trap {
	uint64_t scause;
	uint64_t stval;
	uint64_t sepc;
};

/* Runs fn in S-mode. Returns false if it returned normally, true if it
 * trapped; then *out holds the trap and execution resumes here (fn's
 * registers are lost, callee-saved ones of the caller restored). */
bool rt_catch(void (*fn)(void), struct rt_trap *out);
/* Runs fn in U-mode (sstatus.SPP = 0, sret). fn cannot return: it ends
 * with a trap (usually ecall, scause 8), which lands back here; returns
 * true and fills *out. */
bool rt_user(void (*fn)(void), struct rt_trap *out);

/* How many checks failed so far. */
unsigned rt_failures(void);

/* Report and shut down; also called after main() returns. */
__attribute__((noreturn)) void rt_finish(void);

/* CSR access by number (names from encoding.h). */
#include "lib/csr.h"
/* csrrw/csrrs/csrrc returning the old value. */
#define csr_swap(csr, v)                                               \
	({                                                             \
		unsigned long o_;                                      \
		__asm__ volatile("csrrw %0, %1, %2"                    \
				 : "=r"(o_)                            \
				 : "i"(csr), "r"((unsigned long)(v))   \
				 : "memory");                          \
		o_;                                                    \
	})
#define csr_read_set(csr, v)                                           \
	({                                                             \
		unsigned long o_;                                      \
		__asm__ volatile("csrrs %0, %1, %2"                    \
				 : "=r"(o_)                            \
				 : "i"(csr), "r"((unsigned long)(v))   \
				 : "memory");                          \
		o_;                                                    \
	})
#define csr_read_clear(csr, v)                                         \
	({                                                             \
		unsigned long o_;                                      \
		__asm__ volatile("csrrc %0, %1, %2"                    \
				 : "=r"(o_)                            \
				 : "i"(csr), "r"((unsigned long)(v))   \
				 : "memory");                          \
		o_;                                                    \
	})

#endif
