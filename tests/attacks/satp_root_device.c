/*
 * satp's root aimed at a device: the UART's page. The hart's next fetch
 * walks from there; a device is no page table, so the walk's first read
 * faults (fetch access fault), and so does the fetch of the trap vector:
 * the machine loops for ever. Under the hypervisor no byte of the UART
 * (nor of anything behind the guest-physical address) may be taken for a
 * PTE, the loop must stay the guest's, and the other guest runs on.
 */
#include "vm.h"
#include "attack.h"

int main(void)
{
	attack_begin();
	attack_loops();
	csr_write(CSR_SATP, SATP_MODE_SV39 << SATP_MODE_SHIFT | UL(0x10000000) >> 12);
	sfence_all();
	return 1;
}
