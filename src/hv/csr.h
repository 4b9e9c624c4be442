/* Real CSR access for the hypervisor shell (never used by src/core/). */
#ifndef HV_CSR_H
#define HV_CSR_H

#define csr_read(csr)                                                  \
	({                                                             \
		unsigned long csr_value_;                              \
		__asm__ volatile("csrr %0, " #csr : "=r"(csr_value_)); \
		csr_value_;                                            \
	})

#define csr_write(csr, val) \
	__asm__ volatile("csrw " #csr ", %0" : : "rK"((unsigned long)(val)) : "memory")

#define csr_set(csr, val) \
	__asm__ volatile("csrs " #csr ", %0" : : "rK"((unsigned long)(val)) : "memory")

#define csr_clear(csr, val) \
	__asm__ volatile("csrc " #csr ", %0" : : "rK"((unsigned long)(val)) : "memory")

static inline void sfence_vma_all(void)
{
	__asm__ volatile("sfence.vma" : : : "memory");
}

#endif
