/*
 * The hypervisor's window (0xfffffff700000000.., Sv39 root slots 476..507,
 * which every shadow root maps for the hypervisor itself): a guest VA
 * there must never reach the hypervisor.
 *  1. Without a guest mapping, an access to 0xfffffff780200000 (where the
 *     hypervisor's own image lives) is the guest's own page fault
 *     (scause 13/15/12, stval = the VA): the guest's walk fails first.
 *  2. With a guest mapping of a page of its own there, touching it makes
 *     the hypervisor stop the guest cleanly ("... hypervisor's window")
 *     and power off with a failure; it must never crash nor let the
 *     access through.
 * So this guest never prints a result line: run.sh checks the lines in
 * tests/guests/vm_window.expect and a failing exit instead.
 */
#include "vm.h"

#define ASID1 1UL
#define RAM_GIGA UL(0x80000000)
#define WINDOW_VA UL(0xfffffff780200000)
#define WINDOW_SLOT 478 /* vpn[2] of WINDOW_VA */

static volatile uint64_t root[PT_ENTRIES] PT_ALIGNED;
static volatile uint64_t l1[PT_ENTRIES] PT_ALIGNED;
static volatile uint64_t l0[PT_ENTRIES] PT_ALIGNED;
static volatile uint64_t buf[PT_ENTRIES] PT_ALIGNED;

int main(void)
{
	root[2] = pte_leaf(RAM_GIGA, F_RWX_AD);
	sfence_all();
	const uint64_t satp = satp_sv39(root, ASID1);
	csr_write(CSR_SATP, satp);
	sfence_all();
	CHECK_EQ(csr_read(CSR_SATP), satp);
	CHECK_EQ(vpn_of(WINDOW_VA, 2), WINDOW_SLOT);

	/* 1. No guest mapping: the guest's page faults. */
	bool ok = EXPECT_FAULT(VM_LOAD, WINDOW_VA, CAUSE_LOAD_PAGE_FAULT, "window, unmapped");
	ok &= EXPECT_FAULT(VM_STORE, WINDOW_VA + 8, CAUSE_STORE_PAGE_FAULT, "window, unmapped");
	ok &= EXPECT_FAULT(VM_FETCH, WINDOW_VA + 4, CAUSE_FETCH_PAGE_FAULT, "window, unmapped");
	ok &= EXPECT_FAULT(VM_LOAD, UL(0xfffffff700000000), CAUSE_LOAD_PAGE_FAULT,
			   "window base, unmapped");
	/* Also with a root entry but no leaf there. */
	root[WINDOW_SLOT] = pte_table(l1);
	l1[vpn_of(WINDOW_VA, 1)] = pte_table(l0);
	sfence_all();
	ok &= EXPECT_FAULT(VM_LOAD, WINDOW_VA, CAUSE_LOAD_PAGE_FAULT, "window, no leaf");
	rt_printf("vm_window: window VA without a guest mapping: %s\n",
		  ok ? "page faults as expected" : "WRONG");

	/* 2. A guest page of its own mapped there, then touched. */
	buf[0] = 0x1122334455667788UL;
	l0[vpn_of(WINDOW_VA, 0)] = pte_leaf(pa_of(buf), F_RW_AD);
	sfence_va(WINDOW_VA);
	rt_printf("vm_window: touching the mapped window VA 0x%lx\n", WINDOW_VA);
	uint64_t v = *(volatile uint64_t *)WINDOW_VA;
	/* Not reached under the hypervisor. */
	rt_printf("vm_window: FAIL the access went through, read 0x%lx\n", v);
	CHECK(false);
	return 1;
}
