#include "hv/sbi/vsbi.h"

struct sbi_result vsbi_base(struct vcpu *v, const struct sbi_call *c)
{
	(void)v;
	switch (c->fid) {
	case SBI_BASE_GET_SPEC_VERSION:
		return sbi_ok(SBI_SPEC_VERSION_2_0);
	case SBI_BASE_GET_IMPL_ID:
		return sbi_ok(SBI_IMPL_ID_HV);
	case SBI_BASE_GET_IMPL_VERSION:
		return sbi_ok(VSBI_IMPL_VERSION);
	case SBI_BASE_PROBE_EXTENSION:
		return sbi_ok(vsbi_probe(c->a[0]) ? 1 : 0);
	case SBI_BASE_GET_MVENDORID:
	case SBI_BASE_GET_MARCHID:
	case SBI_BASE_GET_MIMPID:
		/* A virtual hart of no particular vendor or implementation. */
		return sbi_ok(0);
	default:
		return sbi_err(SBI_ERR_NOT_SUPPORTED);
	}
}
