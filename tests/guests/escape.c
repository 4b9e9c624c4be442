/* Ways out of the guest's memory: fetch, load and store at addresses the
 * guest does not own must give the architectural access faults with stval
 * = the address. With satp Bare these are physical addresses:
 *  - 0xfffffff7_00000000.., 0xfffffff780200000: the hypervisor's own
 *    (virtual) window; for a Bare guest just non-existent physical memory;
 *  - 0xc0000000: past the 512 MiB of RAM QEMU is given, no device there.
 * (Guest-physical 0x80000000 is guest RAM under the hypervisor, so the
 * M-stub's range is not an escape test that works in every mode.) */
#include "rt/rt.h"

static const uint64_t targets[] = {
	0xfffffff700000000UL, /* base of the hypervisor's window */
	0xfffffff780200000UL,
	0xc0000000UL,
	0xfffffff780200000UL + 0x1000,
};

static volatile uint64_t target;

static void do_fetch(void)
{
	((void (*)(void))(uintptr_t)target)();
}

static void do_load64(void)
{
	(void)*(volatile uint64_t *)(uintptr_t)target;
}

static void do_load8(void)
{
	(void)*(volatile uint8_t *)(uintptr_t)target;
}

static void do_store64(void)
{
	*(volatile uint64_t *)(uintptr_t)target = 0x5a5a5a5a5a5a5a5aUL;
}

static void do_store8(void)
{
	*(volatile uint8_t *)(uintptr_t)target = 0x5a;
}

/* Runs fn at target and checks it faulted with `cause` and stval = target. */
static void expect_fault(void (*fn)(void), uint64_t where, uint64_t cause,
			 const char *what)
{
	struct rt_trap t = { 0, 0, 0 };
	target = where;
	bool trapped = rt_catch(fn, &t);
	if (!trapped || t.scause != cause || t.stval != where) {
		rt_printf("escape: %s at 0x%lx: trapped=%d scause=0x%lx stval=0x%lx "
			  "sepc=0x%lx\n",
			  what, where, trapped, t.scause, t.stval, t.sepc);
	}
	CHECK(trapped);
	CHECK_EQ(t.scause, cause);
	CHECK_EQ(t.stval, where);
	if (fn == do_fetch)
		CHECK_EQ(t.sepc, where);
}

int main(void)
{
	for (unsigned i = 0; i < sizeof(targets) / sizeof(targets[0]); i++) {
		uint64_t a = targets[i];
		expect_fault(do_fetch, a, CAUSE_FETCH_ACCESS, "fetch");
		expect_fault(do_load64, a, CAUSE_LOAD_ACCESS, "load64");
		expect_fault(do_load8, a + 3, CAUSE_LOAD_ACCESS, "load8");
		expect_fault(do_store64, a, CAUSE_STORE_ACCESS, "store64");
		expect_fault(do_store8, a + 5, CAUSE_STORE_ACCESS, "store8");
	}
	return 0;
}
