/*
 * The guest's supervisor state while it shares a host hart with the
 * other guest (ATTACK_SHARES_HART, time-sliced): sscratch, sepc, scause,
 * stval, stvec, sie, scounteren, senvcfg and satp set to values of its
 * own (satp an Sv39 space mapping its RAM), then two seconds of guest
 * time spinning, then read back: every one unchanged, no interrupt
 * pending that it did not raise.
 */
#include "vm.h"
#include "attack.h"

#define CSR_SENVCFG 0x10a

static uint64_t root[PT_ENTRIES] PT_ALIGNED;

int main(void)
{
	attack_begin();
	root[2] = pte_leaf(ATTACK_RAM_BASE, F_RWX_AD);
	const uint64_t satp = satp_sv39(root, 77);
	csr_write(CSR_SATP, satp);
	sfence_all();
	csr_write(CSR_SSCRATCH, 0x5c5c5c5c12345678UL);
	csr_write(CSR_SEPC, 0x80212344UL);
	csr_write(CSR_SCAUSE, 0x8000000000000009UL);
	csr_write(CSR_STVAL, 0xdeadbeefcafeUL);
	csr_write(CSR_SIE, MIP_SSIP | MIP_SEIP);
	csr_write(CSR_SCOUNTEREN, 5);
	csr_write(CSR_SENVCFG, 1);
	const uint64_t stvec = csr_read(CSR_STVEC), senvcfg = csr_read(CSR_SENVCFG);
	uint64_t start = csr_read(CSR_TIME);
	while (csr_read(CSR_TIME) - start < 20000000) /* 2 s at 10 MHz */
		__asm__ volatile("" ::: "memory");
	CHECK_EQ(csr_read(CSR_SSCRATCH), 0x5c5c5c5c12345678UL);
	CHECK_EQ(csr_read(CSR_SEPC), 0x80212344UL);
	CHECK_EQ(csr_read(CSR_SCAUSE), 0x8000000000000009UL);
	CHECK_EQ(csr_read(CSR_STVAL), 0xdeadbeefcafeUL);
	CHECK_EQ(csr_read(CSR_SIE), MIP_SSIP | MIP_SEIP);
	CHECK_EQ(csr_read(CSR_SCOUNTEREN), 5);
	CHECK_EQ(csr_read(CSR_SENVCFG), senvcfg);
	CHECK_EQ(csr_read(CSR_STVEC), stvec);
	CHECK_EQ(csr_read(CSR_SATP), satp);
	CHECK_EQ(csr_read(CSR_SIP) & (MIP_SSIP | MIP_SEIP), 0);
	csr_write(CSR_SIE, 0);
	vm_off();
	return 0;
}
