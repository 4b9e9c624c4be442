/* Test-guest runtime: see rt.h. RT_GUEST_NAME comes from the build. */
#include "rt.h"

#include <stdarg.h>

#include "lib/sbi.h"

#ifndef RT_GUEST_NAME
#error "build with -DRT_GUEST_NAME='\"name\"'"
#endif

const char rt_guest_name[] = RT_GUEST_NAME;
unsigned long rt_hartid;
unsigned long rt_dtb;

static unsigned passed, failed;

bool rt_catch_mode(void (*fn)(void), struct rt_trap *out, bool user);
__attribute__((noreturn)) void rt_start(unsigned long hartid, unsigned long dtb);
__attribute__((noreturn)) void rt_unexpected_trap(uint64_t scause, uint64_t sepc,
						  uint64_t stval);

void rt_printf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	sbi_console_vprintf(fmt, ap);
	va_end(ap);
}

bool rt_check(bool ok, const char *expr, const char *file, int line)
{
	if (ok) {
		passed++;
	} else {
		failed++;
		rt_printf("%s: FAIL %s:%d: %s\n", rt_guest_name, file, line, expr);
	}
	return ok;
}

bool rt_check_eq(uint64_t a, uint64_t b, const char *ea, const char *eb,
		 const char *file, int line)
{
	if (a == b) {
		passed++;
		return true;
	}
	failed++;
	rt_printf("%s: FAIL %s:%d: %s == %s (0x%lx != 0x%lx)\n", rt_guest_name,
		  file, line, ea, eb, a, b);
	return false;
}

bool rt_catch(void (*fn)(void), struct rt_trap *out)
{
	return rt_catch_mode(fn, out, false);
}

bool rt_user(void (*fn)(void), struct rt_trap *out)
{
	/* sret goes to U-mode with S interrupts off once back in S. */
	csr_clear(CSR_SSTATUS, SSTATUS_SPP | SSTATUS_SPIE);
	return rt_catch_mode(fn, out, true);
}

unsigned rt_failures(void)
{
	return failed;
}

void rt_finish(void)
{
	rt_printf("%s: %u passed, %u failed\n", rt_guest_name, passed, failed);
	sbi_shutdown(failed == 0 && passed > 0 ? SBI_SRST_REASON_NONE :
						 SBI_SRST_REASON_SYSFAIL);
}

void rt_unexpected_trap(uint64_t scause, uint64_t sepc, uint64_t stval)
{
	failed++;
	rt_printf("%s: FAIL unexpected trap: scause=0x%lx sepc=0x%lx stval=0x%lx\n",
		  rt_guest_name, scause, sepc, stval);
	rt_finish();
}

void rt_start(unsigned long hartid, unsigned long dtb)
{
	rt_hartid = hartid;
	rt_dtb = dtb;
	sbi_console_init(0);
	int rc = main();
	if (rc != 0) {
		failed++;
		rt_printf("%s: FAIL main returned %d\n", rt_guest_name, rc);
	}
	rt_finish();
}
