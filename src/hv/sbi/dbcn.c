#include "hv/console.h"
#include "hv/guest.h"
#include "hv/sbi/vsbi.h"

/* A longer write is shortened; the spec lets the guest loop for the rest. */
#define DBCN_WRITE_MAX UL(4096)

/* The guest buffer [lo, lo + len) in guest-physical memory, or NULL; on
 * RV64 the high half of the address must be 0. */
static char *guest_buffer(const struct vcpu *v, uint64_t len, uint64_t lo,
				uint64_t hi)
{
	return hi ? NULL : ram_gpa_to_hva(&v->guest->ram, lo, len);
}

struct sbi_result vsbi_dbcn(struct vcpu *v, const struct sbi_call *c)
{
	switch (c->fid) {
	case SBI_DBCN_WRITE: {
		/* The whole buffer the guest names must be its memory. */
		const char *buf = guest_buffer(v, c->a[0], c->a[1], c->a[2]);
		if (!buf)
			return sbi_err(SBI_ERR_INVALID_PARAM);
		uint64_t len = c->a[0] < DBCN_WRITE_MAX ? c->a[0] : DBCN_WRITE_MAX;
		console_write(&v->guest->console, buf, len);
		return sbi_ok(len);
	}
	case SBI_DBCN_READ: {
		/* What is waiting now, without blocking: possibly 0 bytes. */
		char *buf = guest_buffer(v, c->a[0], c->a[1], c->a[2]);
		if (!buf)
			return sbi_err(SBI_ERR_INVALID_PARAM);
		uint64_t n = 0;
		for (int ch; n < c->a[0] && (ch = console_getc(&v->guest->console)) >= 0; n++)
			buf[n] = (char)ch;
		return sbi_ok(n);
	}
	case SBI_DBCN_WRITE_BYTE: {
		char byte = (char)(c->a[0] & 0xff);
		console_write(&v->guest->console, &byte, 1);
		return sbi_ok(0);
	}
	default:
		return sbi_err(SBI_ERR_NOT_SUPPORTED);
	}
}
