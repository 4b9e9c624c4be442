#include "hv/hart.h"

#include "encoding.h"
#include "hv/layout.h"
#include "lib/sbi.h"

/* entry.S: where a hart that SBI HSM starts enters the hypervisor. */
extern char hart_entry[];

void hart_fence_i(void)
{
	__asm__ volatile("fence.i" : : : "memory");
}

void hart_kick(struct hart *h)
{
	if (h != this_hart())
		sbi_call(SBI_EXT_IPI, SBI_IPI_SEND_IPI, 1, h->hartid, 0);
}

const char *hart_boot(struct hart *h)
{
	/* It starts with paging off: at physical addresses, and with h's
	 * physical address as its opaque value. */
	struct sbiret r = sbi_call(SBI_EXT_HSM, SBI_HSM_HART_START, h->hartid,
				   va_to_pa(hart_entry), va_to_pa(h));
	switch (r.error) {
	case SBI_SUCCESS:
		return NULL;
	case SBI_ERR_ALREADY_AVAILABLE:
		return "the firmware says it is already running";
	case SBI_ERR_INVALID_PARAM:
		return "the firmware does not know it";
	case SBI_ERR_NOT_SUPPORTED:
		return "the firmware has no SBI HSM";
	default:
		return "the firmware could not start it";
	}
}
