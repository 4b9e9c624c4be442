/*
 * satp written with every mode the guest's hart lacks (1-7 reserved,
 * Sv48, Sv57, 11-15), with PPNs in and out of RAM and ASIDs all ones:
 * the spec makes such a write have no effect at all, so satp keeps its
 * value (Bare, then an Sv39 one) and translation goes on as before.
 */
#include "vm.h"
#include "attack.h"

static uint64_t root[PT_ENTRIES] PT_ALIGNED;

int main(void)
{
	attack_begin();
	root[2] = pte_leaf(ATTACK_RAM_BASE, F_RWX_AD);
	const uint64_t sv39 = satp_sv39(root, 5);
	const uint64_t before[] = { 0, sv39 };
	static const uint64_t ppns[] = { 0, UL(0x80000), UL(0xfffffffffff) };
	for (unsigned b = 0; b < 2; b++) {
		csr_write(CSR_SATP, before[b]);
		sfence_all();
		for (uint64_t mode = 1; mode < 16; mode++) {
			if (mode == SATP_MODE_SV39)
				continue;
			for (unsigned p = 0; p < 3; p++) {
				csr_write(CSR_SATP, mode << SATP_MODE_SHIFT | SATP_ASID | ppns[p]);
				CHECK_EQ(csr_read(CSR_SATP), before[b]);
			}
		}
		EXPECT_LOAD(pa_of(root) + 16, root[2], "translation as before");
	}
	vm_off();
	return 0;
}
