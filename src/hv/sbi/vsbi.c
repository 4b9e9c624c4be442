#include "hv/sbi/vsbi.h"

#include "encoding.h"
#include "hv/guest.h"

#define REG_A0 10
#define REG_A1 11
#define REG_A6 16
#define REG_A7 17

bool vsbi_probe(uint64_t eid)
{
	switch (eid) {
	case SBI_EXT_LEGACY_SET_TIMER:
	case SBI_EXT_LEGACY_PUTCHAR:
	case SBI_EXT_LEGACY_GETCHAR:
	case SBI_EXT_LEGACY_CLEAR_IPI:
	case SBI_EXT_LEGACY_SEND_IPI:
	case SBI_EXT_LEGACY_REMOTE_FENCE_I:
	case SBI_EXT_LEGACY_REMOTE_SFENCE_VMA:
	case SBI_EXT_LEGACY_REMOTE_SFENCE_VMA_ASID:
	case SBI_EXT_LEGACY_SHUTDOWN:
	case SBI_EXT_BASE:
	case SBI_EXT_TIME:
	case SBI_EXT_IPI:
	case SBI_EXT_RFENCE:
	case SBI_EXT_HSM:
	case SBI_EXT_SRST:
	case SBI_EXT_DBCN:
		return true;
	default:
		return false;
	}
}

/* The guest's hart ids are its vCPU ids, 0..nvcpus-1. */
bool vsbi_hart_mask(const struct vcpu *v, uint64_t hart_mask, uint64_t base,
		    uint64_t *mask)
{
	unsigned n = v->guest->nvcpus;
	uint64_t all = (UL(1) << n) - 1;
	if (base == UL(-1)) {
		*mask = all;
		return true;
	}
	/* Every hart named, base + bit index, must exist; SBI v2.0 makes it
	 * an error only for a hart the mask names, so no bits is no harts. */
	if (hart_mask == 0) {
		*mask = 0;
		return true;
	}
	if (base >= n || (hart_mask << base) >> base != hart_mask || (hart_mask << base) & ~all)
		return false;
	*mask = hart_mask << base;
	return true;
}

static bool is_legacy(uint64_t eid)
{
	return eid <= SBI_EXT_LEGACY_SHUTDOWN;
}

void vsbi_handle(struct vcpu *v)
{
	struct sbi_call c = { .eid = v->x[REG_A7], .fid = v->x[REG_A6] };
	for (unsigned i = 0; i < 6; i++)
		c.a[i] = v->x[REG_A0 + i];
	struct sbi_result r;

	v->vh.pc += 4;
	if (is_legacy(c.eid)) {
		uint64_t value;
		if (vsbi_legacy(v, &c, &value))
			v->x[REG_A0] = value;
		return;
	}
	switch (c.eid) {
	case SBI_EXT_BASE:
		r = vsbi_base(v, &c);
		break;
	case SBI_EXT_TIME:
		r = vsbi_time(v, &c);
		break;
	case SBI_EXT_IPI:
		r = vsbi_ipi(v, &c);
		break;
	case SBI_EXT_RFENCE:
		r = vsbi_rfence(v, &c);
		break;
	case SBI_EXT_HSM:
		r = vsbi_hsm(v, &c);
		break;
	case SBI_EXT_SRST:
		r = vsbi_srst(v, &c);
		break;
	case SBI_EXT_DBCN:
		r = vsbi_dbcn(v, &c);
		break;
	default:
		r = sbi_err(SBI_ERR_NOT_SUPPORTED);
		break;
	}
	v->x[REG_A0] = (uint64_t)r.error;
	v->x[REG_A1] = r.value;
}
