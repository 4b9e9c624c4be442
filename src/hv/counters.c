/* The real counters, for the core's emulation of a trapped counter read
 * (core/vcsr.h: hw_counter_read). */
#include "core/vcsr.h"

#include "lib/csr.h"

uint64_t hw_counter_read(unsigned csr)
{
	switch (csr) {
	case CSR_CYCLE:
		return csr_read(CSR_CYCLE);
	case CSR_TIME:
		return csr_read(CSR_TIME);
	default:
		return csr_read(CSR_INSTRET);
	}
}
