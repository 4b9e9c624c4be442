/* The real counters, for the core's emulation of a trapped counter read
 * (core/vcsr.h: hw_counter_read). */
#include "core/vcsr.h"

#include "hv/csr.h"

uint64_t hw_counter_read(unsigned csr)
{
	switch (csr) {
	case CSR_CYCLE:
		return csr_read(cycle);
	case CSR_TIME:
		return csr_read(time);
	default:
		return csr_read(instret);
	}
}
