/* Real CSR access by number (CSR_* from encoding.h), and address-translation
 * fences, for the code that runs on the hardware: the M-stub, the
 * hypervisor shell and the test guests. The proved core never touches a
 * real CSR. */
#ifndef LIB_CSR_H
#define LIB_CSR_H

#include "encoding.h"

#define csr_read(csr)                                                  \
	({                                                             \
		unsigned long v_;                                      \
		__asm__ volatile("csrr %0, %1" : "=r"(v_) : "i"(csr)); \
		v_;                                                    \
	})
#define csr_write(csr, v) \
	__asm__ volatile("csrw %0, %1" ::"i"(csr), "r"((unsigned long)(v)) : "memory")
#define csr_set(csr, v) \
	__asm__ volatile("csrs %0, %1" ::"i"(csr), "r"((unsigned long)(v)) : "memory")
#define csr_clear(csr, v) \
	__asm__ volatile("csrc %0, %1" ::"i"(csr), "r"((unsigned long)(v)) : "memory")

static inline void sfence_vma_all(void)
{
	__asm__ volatile("sfence.vma" : : : "memory");
}

static inline void sfence_vma_page(unsigned long va)
{
	__asm__ volatile("sfence.vma %0" : : "r"(va) : "memory");
}

#endif
