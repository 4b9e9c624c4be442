/*
 * libFuzzer target for the guests' SBI (src/hv/sbi/): one ecall of a
 * virtual hart in a guest of 1..8 vCPUs, through vsbi_handle, with the
 * shell around it faked (hart kicks, posts to other vCPUs, shadow drops,
 * the timer, the console, guest ends) so that every effect is recorded.
 * Built with ASan/UBSan; the guest's RAM is a heap block of exactly its
 * size, so a buffer check that lets a byte through is an ASan report.
 *
 * The result and every effect are checked against a reference written
 * from the SBI v2.0 spec alone: error codes and values per extension and
 * function, hart masks (base -1 names all; a named hart that does not
 * exist is INVALID_PARAM), exactly the harts named interrupted or fenced,
 * an sfence covering at least the range asked (start 0 and size 0, or
 * size -1: everything), HSM states, SRST types and reasons, DBCN buffers
 * wholly in RAM with the bytes passed unchanged, the v0.1 calls' single
 * a0 and their hart-mask pointer (a fault is delivered at the ecall);
 * nothing else of the caller, the other vCPUs or RAM changes. Any
 * violation is an abort(), which libFuzzer reports.
 *
 * Input: byte 0 vCPUs (1..8), byte 1 the caller, byte 2 the others'
 * HSM states (2 bits each), byte 3 flags (guest ending, SSIP pending),
 * byte 4 extension (a known one, or the raw eid below), then fid (1 byte,
 * or raw), a0..a5 (a selector byte each, see arg()), console input bytes;
 * what is left fills the guest's RAM.
 */
#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "encoding.h"
#include "core/vtrap.h"
#include "hv/console.h"
#include "hv/guest.h"
#include "hv/hart.h"
#include "hv/ram.h"
#include "hv/sbi/vsbi.h"
#include "hv/sched.h"
#include "hv/stop.h"
#include "hv/timer.h"
#include "hv/vmem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c) do { if (!(c)) abort(); } while (0)

#define RAM_BASE GUEST_RAM_BASE
#define RAM_SIZE UL(0x4000)
#define PAGE UL(4096)
#define MAX_FLUSHES 80
#define CONSOLE_IN 16

/* What the fakes saw. */
static struct {
	unsigned fence_i;            /* fence.i on the caller's hart */
	bool flush_all;              /* the caller's shadows all dropped */
	uint64_t flushed[MAX_FLUSHES];
	unsigned nflushed;
	uint32_t posted[GUEST_MAX_VCPUS];
	unsigned kicks;
	bool timer_set;
	uint64_t timer_deadline;
	char out[4096];           /* dbcn.c writes at most 4 KiB a call */
	size_t nout;
	const uint8_t *in;
	size_t nin, in_used;
	unsigned waits;
	enum { END_NONE, END_EXIT, END_REBOOT, END_STOP } end;
	uint64_t exit_reason;
} seen;

static struct guest g;
static uint8_t *ram;
static jmp_buf ended;

void *ram_gpa_to_hva(const struct guest_ram *r, uint64_t gpa, uint64_t len)
{
	CHECK(r == &g.ram);
	if (gpa < RAM_BASE || (unsigned __int128)gpa + len > (unsigned __int128)RAM_BASE + RAM_SIZE)
		return NULL;
	return ram + (gpa - RAM_BASE);
}

void hart_fence_i(void)
{
	seen.fence_i++;
}

void hart_kick(struct hart *h)
{
	(void)h;
	seen.kicks++;
}

/* A posted fence is done at once: the caller never waits. */
void vcpu_post(struct vcpu *v, uint32_t requests)
{
	CHECK(v >= g.vcpus && v < g.vcpus + g.nvcpus);
	seen.posted[v->id] |= requests;
}

bool vcpu_fence_pending(const struct vcpu *v)
{
	(void)v;
	return false;
}

void vcpu_take_requests(struct vcpu *v)
{
	(void)v;
	abort();
}

void vcpu_wfi(struct vcpu *v)
{
	(void)v;
	seen.waits++;
}

void shadow_flush_all(struct shadow *s)
{
	(void)s;
	seen.flush_all = true;
}

void shadow_flush_va(struct shadow *s, uint64_t va)
{
	(void)s;
	CHECK(seen.nflushed < MAX_FLUSHES);
	seen.flushed[seen.nflushed++] = va;
}

void timer_set(struct vcpu *v, uint64_t deadline)
{
	(void)v;
	seen.timer_set = true;
	seen.timer_deadline = deadline;
}

void console_write(struct console_port *p, const char *s, size_t len)
{
	CHECK(p == &g.console);
	CHECK(seen.nout + len <= sizeof(seen.out));
	memcpy(seen.out + seen.nout, s, len);
	seen.nout += len;
}

int console_getc(struct console_port *p)
{
	CHECK(p == &g.console);
	if (seen.in_used == seen.nin)
		return -1;
	return seen.in[seen.in_used++];
}

/* The guest's virtual memory here: identity onto its RAM; a byte outside
 * it takes a load page fault. */
uint64_t vmem_read_u64(struct vcpu *v, uint64_t va, uint64_t *out, uint64_t *fault_va)
{
	(void)v;
	uint64_t x = 0;
	for (unsigned i = 0; i < 8; i++) {
		const uint8_t *b = ram_gpa_to_hva(&g.ram, va + i, 1);
		if (!b) {
			*fault_va = va + i;
			return CAUSE_LOAD_PAGE_FAULT;
		}
		x |= (uint64_t)*b << (8 * i);
	}
	*out = x;
	return 0;
}

void guest_exit(struct vcpu *v, uint64_t reason)
{
	(void)v;
	seen.end = END_EXIT;
	seen.exit_reason = reason;
	longjmp(ended, 1);
}

void guest_reboot(struct vcpu *v)
{
	(void)v;
	seen.end = END_REBOOT;
	longjmp(ended, 1);
}

void sched_stop_vcpu(struct vcpu *v)
{
	(void)v;
	seen.end = END_STOP;
	longjmp(ended, 1);
}

static size_t pos;
static const uint8_t *in;
static size_t in_size;

static uint8_t byte(void)
{
	return pos < in_size ? in[pos++] : 0;
}

static uint64_t raw64(void)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < 8; i++)
		v |= (uint64_t)byte() << (8 * i);
	return v;
}

/* An argument: small numbers, hart masks and bases, -1, addresses in and
 * around RAM (its ends, page ends), sizes around the flush limits, or 64
 * raw bits. */
static uint64_t arg(void)
{
	uint8_t s = byte();
	uint8_t k = byte();
	switch (s % 8) {
	case 0: return k;
	case 1: return UL(-1) - (k % 4);
	case 2: return RAM_BASE + k * UL(64);
	case 3: return RAM_BASE + RAM_SIZE - (k % 16);
	case 4: return RAM_BASE - (k % 16);
	case 5: return (uint64_t)k * PAGE + (s >> 3);
	case 6: return UL(1) << (k % 64);
	default: return raw64();
	}
}

static const uint64_t known_eids[] = {
	0, 1, 2, 3, 4, 5, 6, 7, 8, SBI_EXT_BASE, SBI_EXT_TIME, SBI_EXT_IPI, SBI_EXT_RFENCE,
	SBI_EXT_HSM, SBI_EXT_SRST, SBI_EXT_DBCN,
};
#define NKNOWN (sizeof(known_eids) / sizeof(known_eids[0]))

/* The reference's statements, from the spec. */
static bool in_ram(uint64_t lo, uint64_t len)
{
	return lo >= RAM_BASE &&
	       (unsigned __int128)lo + len <= (unsigned __int128)RAM_BASE + RAM_SIZE;
}

/* SBI v2.0 3.2 hart masks: the harts named as a bit mask of vCPU ids, or
 * false when one named does not exist. */
static bool ref_mask(unsigned n, uint64_t mask, uint64_t base, uint64_t *out)
{
	if (base == UL(-1)) {
		*out = (UL(1) << n) - 1;
		return true;
	}
	*out = 0;
	for (unsigned i = 0; i < 64; i++) {
		if (!(mask >> i & 1))
			continue;
		if ((unsigned __int128)base + i >= n)
			return false;
		*out |= UL(1) << (base + i);
	}
	return true;
}

static const long hsm_state[] = {
	[VCPU_STOPPED] = 1, [VCPU_START_PENDING] = 2, [VCPU_STARTED] = 0, [VCPU_SUSPENDED] = 4,
};

/* The caller's shadows cover [start, start + size): every page in it was
 * dropped, or all were; the whole space when start and size are 0 or size
 * is -1. */
static void check_flushed(uint64_t start, uint64_t size)
{
	if (seen.flush_all)
		return;
	CHECK(!(start == 0 && size == 0) && size != UL(-1));
	for (uint64_t p = start & ~(PAGE - 1); (unsigned __int128)p < (unsigned __int128)start + size;
	     p += PAGE) {
		bool found = false;
		for (unsigned i = 0; i < seen.nflushed; i++)
			found |= (seen.flushed[i] & ~(PAGE - 1)) == p;
		CHECK(found);
		if (p > UL(-1) - PAGE)
			break;
	}
}

/* The harts in mask, and only they, were interrupted (req VCPU_REQ_IPI)
 * or fenced (VCPU_REQ_FENCE); the caller does its own part at once. */
static void check_targets(const struct vcpu *self, uint64_t mask, uint32_t req, bool ssip_before)
{
	for (unsigned i = 0; i < g.nvcpus; i++) {
		bool named = mask >> i & 1;
		if (&g.vcpus[i] == self) {
			CHECK(seen.posted[i] == 0);
			if (req == VCPU_REQ_IPI)
				CHECK(!!(self->vh.sip & MIP_SSIP) == (named || ssip_before));
			continue;
		}
		CHECK(seen.posted[i] == (named ? req : 0));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t ram_before[RAM_SIZE];
	static struct vcpu others_before[GUEST_MAX_VCPUS];

	in = data;
	in_size = size;
	pos = 0;
	memset(&seen, 0, sizeof(seen));
	memset(&g, 0, sizeof(g));

	unsigned n = byte() % GUEST_MAX_VCPUS + 1;
	unsigned self_id = byte() % n;
	uint8_t states = byte(), flags = byte();
	g.nvcpus = n;
	g.ending = flags & 1 ? GUEST_ENDING_EXIT : GUEST_RUNNING;
	for (unsigned i = 0; i < n; i++) {
		struct vcpu *v = &g.vcpus[i];
		v->id = i;
		v->guest = &g;
		v->state = i == self_id ? VCPU_STARTED : (enum vcpu_state)((states >> (2 * (i % 4))) & 3);
	}
	struct vcpu *v = &g.vcpus[self_id];
	v->vh.priv = PRV_S;
	v->vh.pc = RAM_BASE + 0x100;
	v->vh.stvec = RAM_BASE + 0x200;
	v->vh.sstatus = SSTATUS_SIE;
	if (flags & 2)
		v->vh.sip = MIP_SSIP;

	uint8_t e = byte();
	uint64_t eid = e < 2 * NKNOWN ? known_eids[e % NKNOWN] : raw64();
	uint8_t f = byte();
	uint64_t fid = f < 0xf0 ? f % 8 : raw64();
	for (unsigned i = 1; i < 32; i++)
		v->x[i] = UL(0x1111111111111111) * (i % 16);
	v->x[17] = eid;
	v->x[16] = fid;
	for (unsigned i = 0; i < 6; i++)
		v->x[10 + i] = arg();
	seen.nin = byte() % CONSOLE_IN;
	seen.in = data + pos;
	if (seen.nin > in_size - pos)
		seen.nin = in_size - pos;
	pos += seen.nin;

	ram = malloc(RAM_SIZE);
	CHECK(ram);
	for (uint64_t i = 0; i < RAM_SIZE; i++)
		ram[i] = pos + i < in_size ? in[pos + i] : (uint8_t)i;
	memcpy(ram_before, ram, RAM_SIZE);
	struct vcpu before = *v;
	for (unsigned i = 0; i < n; i++)
		others_before[i] = g.vcpus[i];
	uint64_t *a = before.x + 10;

	if (!setjmp(ended))
		vsbi_handle(v);

	/* Only SRST, HSM stop and the v0.1 shutdown end or stop the caller,
	 * and only when asked the right way. */
	bool legacy = eid <= SBI_EXT_LEGACY_SHUTDOWN;
	if (seen.end != END_NONE) {
		if (seen.end == END_STOP) {
			CHECK(eid == SBI_EXT_HSM && fid == SBI_HSM_HART_STOP);
		} else if (legacy) {
			CHECK(eid == SBI_EXT_LEGACY_SHUTDOWN && seen.end == END_EXIT);
		} else {
			uint64_t type = a[0], reason = a[1];
			CHECK(eid == SBI_EXT_SRST && fid == SBI_SRST_SYSTEM_RESET);
			CHECK(type <= SBI_SRST_TYPE_WARM_REBOOT);
			CHECK(reason <= SBI_SRST_REASON_SYSFAIL ||
			      (reason >= UL(0xe0000000) && reason <= UL(0xffffffff)));
			CHECK((seen.end == END_EXIT) == (type == SBI_SRST_TYPE_SHUTDOWN));
			if (seen.end == END_EXIT)
				CHECK(seen.exit_reason == reason);
		}
		free(ram);
		return 0;
	}

	/* The caller's registers: a0 (and a1 but for v0.1) carry the result,
	 * the rest is as it was. */
	for (unsigned i = 1; i < 32; i++)
		if (i != 10 && (legacy || i != 11))
			CHECK(v->x[i] == before.x[i]);
	long err = (long)v->x[10];
	uint64_t val = v->x[11];
	uint64_t mask;
	bool ssip = before.vh.sip & MIP_SSIP;
	size_t ram_written_lo = 0, ram_written_len = 0;
	uint32_t req = 0;

	if (legacy) {
		bool mask_call = eid >= SBI_EXT_LEGACY_SEND_IPI &&
				 eid <= SBI_EXT_LEGACY_REMOTE_SFENCE_VMA_ASID;
		if (mask_call && !in_ram(a[0], 8)) {
			/* The load of the mask faults: the guest takes it at
			 * the ecall, with nothing else done. */
			CHECK(v->x[10] == before.x[10]);
			CHECK(v->vh.scause == CAUSE_LOAD_PAGE_FAULT && v->vh.sepc == before.vh.pc);
			CHECK(v->vh.stval >= a[0] && v->vh.stval - a[0] < 8 && !in_ram(v->vh.stval, 1));
			CHECK(v->vh.pc == before.vh.stvec);
			mask = 0;
		} else {
			CHECK(v->vh.pc == before.vh.pc + 4);
			v->vh.pc = before.vh.pc;
			uint64_t harts = 0;
			if (mask_call) {
				memcpy(&harts, ram + (a[0] - RAM_BASE), 8);
				harts &= (UL(1) << n) - 1;
			}
			mask = harts;
			switch (eid) {
			case SBI_EXT_LEGACY_SET_TIMER:
				CHECK(seen.timer_set && seen.timer_deadline == a[0] && err == 0);
				break;
			case SBI_EXT_LEGACY_PUTCHAR:
				CHECK(seen.nout == 1 && (uint8_t)seen.out[0] == (a[0] & 0xff) && err == 0);
				break;
			case SBI_EXT_LEGACY_GETCHAR:
				CHECK(err == (seen.nin ? (long)seen.in[0] : -1));
				break;
			case SBI_EXT_LEGACY_CLEAR_IPI:
				CHECK(ssip ? err > 0 : err == 0);
				CHECK(!(v->vh.sip & MIP_SSIP));
				v->vh.sip = before.vh.sip;
				break;
			case SBI_EXT_LEGACY_SEND_IPI:
				CHECK(err == 0);
				req = VCPU_REQ_IPI;
				break;
			case SBI_EXT_LEGACY_REMOTE_FENCE_I:
				CHECK(err == 0 && seen.fence_i == (mask >> self_id & 1));
				req = VCPU_REQ_FENCE;
				break;
			default:
				CHECK(err == 0);
				if (mask >> self_id & 1)
					check_flushed(a[1], a[2]);
				req = VCPU_REQ_FENCE;
				break;
			}
		}
	} else {
		CHECK(v->vh.pc == before.vh.pc + 4);
		v->vh.pc = before.vh.pc;
		mask = 0;
		switch (eid) {
		case SBI_EXT_BASE:
			switch (fid) {
			case SBI_BASE_GET_SPEC_VERSION:
				CHECK(err == 0 && val == UL(0x02000000));
				break;
			case SBI_BASE_GET_IMPL_ID:
			case SBI_BASE_GET_IMPL_VERSION:
				CHECK(err == 0);
				break;
			case SBI_BASE_PROBE_EXTENSION: {
				bool known = false;
				for (unsigned i = 0; i < NKNOWN; i++)
					known |= known_eids[i] == a[0];
				CHECK(err == 0 && (known ? val != 0 : val == 0));
				break;
			}
			case SBI_BASE_GET_MVENDORID:
			case SBI_BASE_GET_MARCHID:
			case SBI_BASE_GET_MIMPID:
				CHECK(err == 0 && val == 0);
				break;
			default:
				CHECK(err == SBI_ERR_NOT_SUPPORTED);
			}
			break;
		case SBI_EXT_TIME:
			if (fid == SBI_TIME_SET_TIMER)
				CHECK(err == 0 && seen.timer_set && seen.timer_deadline == a[0]);
			else
				CHECK(err == SBI_ERR_NOT_SUPPORTED && !seen.timer_set);
			break;
		case SBI_EXT_IPI:
		case SBI_EXT_RFENCE:
			/* The hfence calls need an H extension guests lack. */
			if (fid != 0 && (eid == SBI_EXT_IPI || fid > SBI_RFENCE_REMOTE_SFENCE_VMA_ASID)) {
				CHECK(err == SBI_ERR_NOT_SUPPORTED);
			} else if (!ref_mask(n, a[0], a[1], &mask)) {
				CHECK(err == SBI_ERR_INVALID_PARAM);
				mask = 0;
			} else {
				CHECK(err == 0);
				req = eid == SBI_EXT_IPI ? VCPU_REQ_IPI : VCPU_REQ_FENCE;
				if (eid == SBI_EXT_RFENCE && fid == SBI_RFENCE_REMOTE_FENCE_I)
					CHECK(seen.fence_i == (mask >> self_id & 1));
				else if (eid == SBI_EXT_RFENCE && mask >> self_id & 1)
					check_flushed(a[2], a[3]);
			}
			break;
		case SBI_EXT_HSM:
			switch (fid) {
			case SBI_HSM_HART_START:
				if (a[0] >= n) {
					CHECK(err == SBI_ERR_INVALID_PARAM);
				} else if (!in_ram(a[1], 2)) {
					CHECK(err == SBI_ERR_INVALID_ADDRESS);
				} else if (g.ending != GUEST_RUNNING) {
					CHECK(err == SBI_ERR_FAILED);
				} else if (others_before[a[0]].state != VCPU_STOPPED) {
					CHECK(err == SBI_ERR_ALREADY_AVAILABLE);
				} else {
					struct vcpu *t = &g.vcpus[a[0]];
					CHECK(err == 0 && seen.kicks == 1);
					CHECK(t->state == VCPU_START_PENDING && t->start_addr == a[1] &&
					      t->start_opaque == a[2]);
					t->state = VCPU_STOPPED;
					t->start_addr = t->start_opaque = 0;
				}
				break;
			case SBI_HSM_HART_GET_STATUS:
				if (a[0] >= n)
					CHECK(err == SBI_ERR_INVALID_PARAM);
				else
					CHECK(err == 0 && val == (uint64_t)hsm_state[others_before[a[0]].state]);
				break;
			case SBI_HSM_HART_SUSPEND:
				if (a[0] != SBI_HSM_SUSPEND_RETENTIVE && a[0] != SBI_HSM_SUSPEND_NON_RETENTIVE) {
					CHECK(err == SBI_ERR_INVALID_PARAM);
				} else if (a[0] == SBI_HSM_SUSPEND_NON_RETENTIVE && !in_ram(a[1], 2)) {
					CHECK(err == SBI_ERR_INVALID_ADDRESS);
				} else {
					/* Suspended and waiting; a non-retentive one resumes
					 * at the address given. */
					CHECK(err == 0 && seen.waits == 1 && v->state == VCPU_SUSPENDED);
					v->state = before.state;
					if (a[0] == SBI_HSM_SUSPEND_NON_RETENTIVE) {
						CHECK(v->resume_fresh && v->start_addr == a[1] &&
						      v->start_opaque == a[2]);
						v->resume_fresh = false;
						v->start_addr = v->start_opaque = 0;
					}
				}
				break;
			default:
				CHECK(err == SBI_ERR_NOT_SUPPORTED);
			}
			break;
		case SBI_EXT_SRST:
			CHECK(err == (fid == SBI_SRST_SYSTEM_RESET ? SBI_ERR_INVALID_PARAM
								   : SBI_ERR_NOT_SUPPORTED));
			break;
		case SBI_EXT_DBCN: {
			uint64_t len = a[0], lo = a[1], hi = a[2];
			bool ok = hi == 0 && in_ram(lo, len);
			switch (fid) {
			case SBI_DBCN_WRITE:
				if (!ok) {
					CHECK(err == SBI_ERR_INVALID_PARAM && seen.nout == 0);
					break;
				}
				/* Possibly shortened; the guest writes the rest. */
				CHECK(err == 0 && val == seen.nout && val <= len && (len == 0 || val > 0));
				CHECK(memcmp(seen.out, ram + (lo - RAM_BASE), seen.nout) == 0);
				break;
			case SBI_DBCN_READ:
				if (!ok) {
					CHECK(err == SBI_ERR_INVALID_PARAM && seen.in_used == 0);
					break;
				}
				CHECK(err == 0 && val == seen.in_used);
				CHECK(val == (len < seen.nin ? len : seen.nin));
				CHECK(memcmp(ram + (lo - RAM_BASE), seen.in, val) == 0);
				ram_written_lo = lo - RAM_BASE;
				ram_written_len = val;
				break;
			case SBI_DBCN_WRITE_BYTE:
				CHECK(err == 0 && seen.nout == 1 && (uint8_t)seen.out[0] == (a[0] & 0xff));
				break;
			default:
				CHECK(err == SBI_ERR_NOT_SUPPORTED);
			}
			break;
		}
		default:
			CHECK(err == SBI_ERR_NOT_SUPPORTED);
		}
	}

	/* What the call did to others is exactly what it was asked to. */
	check_targets(v, mask, req, ssip);
	if (req == VCPU_REQ_IPI)
		v->vh.sip = before.vh.sip;
	if (!legacy || v->vh.pc == before.vh.pc) {
		v->vh.scause = before.vh.scause;
		v->vh.sepc = before.vh.sepc;
		v->vh.stval = before.vh.stval;
		v->vh.sstatus = before.vh.sstatus;
		v->vh.priv = before.vh.priv;
	} else {
		v->vh = before.vh;
	}
	CHECK(memcmp(&v->vh, &before.vh, sizeof(v->vh)) == 0);
	for (unsigned i = 0; i < n; i++)
		if (i != self_id)
			CHECK(memcmp(&g.vcpus[i], &others_before[i], sizeof(g.vcpus[i])) == 0);
	memcpy(ram_before + ram_written_lo, ram + ram_written_lo, ram_written_len);
	CHECK(memcmp(ram, ram_before, RAM_SIZE) == 0);
	free(ram);
	return 0;
}
