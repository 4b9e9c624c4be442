/*
 * SBI calls with random extension and function IDs and random arguments:
 * 20000 of them, the extension drawn from the ones the hypervisor has
 * (base, TIME, IPI, RFENCE, HSM, DBCN, the legacy ones) and from random
 * IDs. Left out: what ends or parks the guest by design (SRST, legacy
 * shutdown, HSM hart_stop and hart_suspend) and what prints (legacy
 * putchar, DBCN writes; console input is drained first, so a DBCN read
 * at a random buffer reads nothing). Every call must come back: with an SBI error
 * code the spec defines (SBI_ERR_NOT_SUPPORTED for every ID no extension
 * has), or, for a legacy call whose hart-mask pointer the guest cannot
 * read, with the load fault the guest's own access would take. The base
 * extension still answers at the end.
 */
#include "attack.h"

static uint64_t rng = 0x243f6a8885a308d3UL;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static volatile uint64_t call_eid, call_fid, call_arg[4];
static volatile long call_error;

static void call(void)
{
	struct sbiret r = sbi_call4(call_eid, call_fid, call_arg[0], call_arg[1], call_arg[2],
				    call_arg[3]);
	call_error = r.error;
}

static const uint64_t eids[] = {
	SBI_EXT_BASE, SBI_EXT_TIME, SBI_EXT_IPI, SBI_EXT_RFENCE, SBI_EXT_HSM, SBI_EXT_DBCN,
	SBI_EXT_LEGACY_SET_TIMER, SBI_EXT_LEGACY_GETCHAR, SBI_EXT_LEGACY_CLEAR_IPI,
	SBI_EXT_LEGACY_SEND_IPI, SBI_EXT_LEGACY_REMOTE_FENCE_I,
	SBI_EXT_LEGACY_REMOTE_SFENCE_VMA, SBI_EXT_LEGACY_REMOTE_SFENCE_VMA_ASID,
	0x504d55 /* PMU */, 0x535441 /* STA */, 0x53555350 /* SUSP */, 0x43505043 /* CPPC */,
	0x4e41434c /* NACL */, 0x46574654 /* FWFT */, 0x09, 0x0f, 0x0a000000, 0x0fffffff,
};
#define EIDS (sizeof eids / sizeof eids[0])

static bool refused(uint64_t eid, uint64_t fid)
{
	return eid == SBI_EXT_SRST || eid == SBI_EXT_LEGACY_SHUTDOWN ||
	       eid == SBI_EXT_LEGACY_PUTCHAR ||
	       (eid == SBI_EXT_HSM && (fid == SBI_HSM_HART_STOP || fid == SBI_HSM_HART_SUSPEND)) ||
	       (eid == SBI_EXT_DBCN && fid != 1);
}

/* The base extension's probe agrees with what the calls met. */
static bool probe(uint64_t eid)
{
	return sbi_call(SBI_EXT_BASE, SBI_BASE_PROBE_EXTENSION, eid, 0, 0).value != 0;
}

#define SZ_64K UL(0x10000)

static uint64_t draw_arg(void)
{
	switch (rnd() % 4) {
	case 0:
		return rnd() % 8;
	case 1:
		return ATTACK_RAM_BASE + rnd() % (ATTACK_RAM_SIZE + SZ_64K);
	default:
		return rnd();
	}
}

int main(void)
{
	attack_begin();
	unsigned faults = 0, bad = 0;
	for (unsigned n = 0; n < 20000; n++) {
		uint64_t eid = rnd() % 4 ? eids[rnd() % EIDS] : rnd() >> (rnd() % 64);
		uint64_t fid = rnd() % 4 ? rnd() % 8 : rnd();
		if (refused(eid, fid))
			continue;
		call_eid = eid;
		call_fid = fid;
		for (unsigned i = 0; i < 4; i++)
			call_arg[i] = draw_arg();
		struct rt_trap t = { 0, 0, 0 };
		if (rt_catch(call, &t)) {
			bool legacy = eid >= SBI_EXT_LEGACY_SEND_IPI &&
				      eid <= SBI_EXT_LEGACY_REMOTE_SFENCE_VMA_ASID;
			bool ok = legacy && (t.scause == CAUSE_LOAD_ACCESS ||
					     t.scause == CAUSE_LOAD_PAGE_FAULT);
			faults++;
			if (!ok && bad++ < 8)
				rt_printf("sbi_random: eid 0x%lx fid 0x%lx trapped: scause %lu\n",
					  eid, fid, t.scause);
			continue;
		}
		/* Legacy calls return a value, not an error; the first six IDs
		 * of eids are the extensions the hypervisor has. */
		bool known = false;
		for (unsigned i = 0; i < 6; i++)
			known |= eids[i] == eid;
		long e = call_error;
		bool ok = eid < SBI_EXT_BASE || (known ? e <= 0 && e >= -11
						      : e == SBI_ERR_NOT_SUPPORTED);
		if (!ok && bad++ < 8)
			rt_printf("sbi_random: eid 0x%lx fid 0x%lx: error %ld\n", eid, fid, e);
	}
	CHECK_EQ(bad, 0);
	rt_printf("sbi_random: %u legacy calls took the guest's load fault\n", faults);
	csr_write(CSR_SIP, 0);
	struct sbiret r = sbi_call(SBI_EXT_BASE, SBI_BASE_GET_SPEC_VERSION, 0, 0, 0);
	CHECK_EQ(r.error, SBI_SUCCESS);
	for (unsigned i = 0; i < EIDS; i++)
		if (!CHECK(probe(eids[i]) == (i < 6 || eids[i] <= SBI_EXT_LEGACY_SHUTDOWN)))
			rt_printf("sbi_random: probe of 0x%lx says %d\n", eids[i], probe(eids[i]));
	return 0;
}
