/* The demo guest for `make run`: says hello with what SBI it sees. */
#include "lib/sbi.h"
#include "rt/rt.h"

static const char *impl_name(long id)
{
	switch (id) {
	case 0:
		return "BBL";
	case (long)SBI_IMPL_ID_OPENSBI:
		return "OpenSBI";
	case (long)SBI_IMPL_ID_MSTUB:
		return "M-stub";
	case (long)SBI_IMPL_ID_HV:
		return "hypervisor";
	default:
		return "unknown";
	}
}

int main(void)
{
	struct sbiret spec = sbi_call(SBI_EXT_BASE, SBI_BASE_GET_SPEC_VERSION, 0, 0, 0);
	struct sbiret id = sbi_call(SBI_EXT_BASE, SBI_BASE_GET_IMPL_ID, 0, 0, 0);
	struct sbiret ver = sbi_call(SBI_EXT_BASE, SBI_BASE_GET_IMPL_VERSION, 0, 0, 0);
	CHECK_EQ(spec.error, SBI_SUCCESS);
	CHECK_EQ(id.error, SBI_SUCCESS);
	CHECK_EQ(ver.error, SBI_SUCCESS);
	unsigned long v = (unsigned long)spec.value;
	rt_printf("Hello from a guest on hart %lu! SBI v%lu.%lu, implementation "
		  "%s (id 0x%lx), version 0x%lx\n",
		  rt_hartid, (v >> 24) & 0x7f, v & 0xffffff, impl_name(id.value),
		  (unsigned long)id.value, (unsigned long)ver.value);
	/* The standard extensions every guest relies on. */
	struct sbiret base = sbi_call(SBI_EXT_BASE, SBI_BASE_PROBE_EXTENSION,
				      SBI_EXT_BASE, 0, 0);
	CHECK_EQ(base.value, 1);
	struct sbiret srst = sbi_call(SBI_EXT_BASE, SBI_BASE_PROBE_EXTENSION,
				      SBI_EXT_SRST, 0, 0);
	CHECK_EQ(srst.value, 1);
	return 0;
}
