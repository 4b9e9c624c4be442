/*
 * libFuzzer target for the virtio-blk device model (src/dev/virtio_blk.c,
 * src/dev/virtq.c), built with ASan/UBSan. The guest is the attacker: it
 * owns 8 KiB of RAM at 0x80000000 (a heap buffer of exactly that size, so
 * ASan sees any access beyond it), writes any register, rewrites its rings
 * at any moment (even between two translations of one notify), and the
 * backend completes, defers or refuses as the input says. Checked after
 * every step, abort() on violation:
 *   - every request the backend gets is well-formed: segments non-empty,
 *     inside guest RAM, at most seg_max, summing to data_len; IN and OUT
 *     whole sectors within the capacity, OUT never on a read-only disk,
 *     FLUSH only when offered and without data; its head is not already
 *     with the backend;
 *   - the model's in-flight heads are exactly the backend's pending ones;
 *   - the used index never runs ahead of the chains taken (since the rings
 *     were last enabled), and register writes other than QueueNotify move
 *     no index except to zero them;
 *   - the interrupt line is InterruptStatus != 0, with only bits 0 and 1;
 *   - register reads of the wrong width, misaligned or beyond the config
 *     read 0.
 *
 * Input layout (little endian; missing bytes read as 0):
 *   0      flags: bit0 backend can flush, bit1 read-only, bit2 backend
 *          defers (else completes inside submit), bit3 backend refuses,
 *          bit4 racing guest: each translation flips a RAM byte
 *   1      capacity in sectors
 *   2..3   L: length of the op stream
 *   4..    L bytes of ops, then the initial guest RAM (the rest, zero-filled)
 * Ops (opcode byte % 9, then operands):
 *   0 write  u16 offset (% 0x1000), u8 width, u32 value
 *   1 read   u16 offset (% 0x1000), u8 width
 *   2 poke   u16 RAM offset, u8 n (% 33), n bytes: the guest writes RAM
 *   3 notify queue 0
 *   4 complete the backend's pending request u8 (% pending), status u8
 *   5 complete u16 head (in flight or not), status u8
 *   6 bring-up: u8 log2 queue size (% 8), u16 desc, avail, used RAM
 *          offsets; reset, negotiate all offered features, enable, DRIVER_OK
 *   7 flip the backend's refusing mode
 *   8 u16 limit (% 0x2001): from now on only the first limit bytes of RAM
 *          translate (memory taken away under the device, or given back)
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dev/virtio_blk.h"

#define RAM_BASE 0x80000000ull
#define RAM_SIZE 0x2000u
#define HEADER 4u

#define CHECK(c)                                                                                   \
	do {                                                                                       \
		if (!(c))                                                                          \
			abort();                                                                   \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum {
	OP_WRITE,
	OP_READ,
	OP_POKE,
	OP_NOTIFY,
	OP_COMPLETE,
	OP_COMPLETE_ANY,
	OP_BRINGUP,
	OP_TOGGLE_REFUSE,
	OP_LIMIT,
	NOPS
};

struct harness {
	uint8_t *ram;
	uint32_t ram_limit;	       /* bytes of RAM that translate */
	uint8_t disk_window[RAM_SIZE]; /* where OUT data lands */
	struct virtio_blk dev;
	bool can_flush, read_only, defer, refuse, racing;
	uint64_t capacity;
	uint32_t translations;
	uint16_t pending[VIRTIO_BLK_QUEUE_MAX]; /* heads the backend holds */
	unsigned npending;
	uint64_t taken, used; /* chains taken, used elements, since enable */
};

static struct harness h;

struct input {
	const uint8_t *p;
	size_t n, pos;
};

static uint64_t take(struct input *in, unsigned bytes)
{
	uint64_t v = 0;
	unsigned i;

	for (i = 0; i < bytes; i++, in->pos++)
		if (in->pos < in->n)
			v |= (uint64_t)in->p[in->pos] << (8 * i);
	return v;
}

static void *fuzz_gpa_to_hva(void *ctx, uint64_t gpa, uint64_t len)
{
	(void)ctx;
	/* Another vCPU rewrites guest memory while the device reads it. */
	if (h.racing) {
		h.translations++;
		h.ram[(h.translations * 2654435761u) % RAM_SIZE] ^= (uint8_t)h.translations;
	}
	if (gpa < RAM_BASE || gpa - RAM_BASE > h.ram_limit || len > h.ram_limit - (gpa - RAM_BASE))
		return NULL;
	return h.ram + (gpa - RAM_BASE);
}

static bool pending_has(uint16_t head)
{
	unsigned i;

	for (i = 0; i < h.npending; i++)
		if (h.pending[i] == head)
			return true;
	return false;
}

static void check_request(const struct virtio_blk_req *r)
{
	uint64_t sum = 0;
	uint32_t i;

	CHECK(r->head < VIRTIO_BLK_QUEUE_MAX && !pending_has(r->head));
	CHECK(r->nsegs <= VIRTIO_BLK_MAX_SEGS);
	for (i = 0; i < r->nsegs; i++) {
		const struct virtio_blk_seg *s = &r->segs[i];

		CHECK(s->len > 0);
		CHECK(s->gpa >= RAM_BASE && s->gpa - RAM_BASE < h.ram_limit);
		CHECK(s->len <= h.ram_limit - (s->gpa - RAM_BASE));
		sum += s->len;
	}
	CHECK(sum == r->data_len);
	switch (r->type) {
	case VIRTIO_BLK_T_IN:
	case VIRTIO_BLK_T_OUT:
		CHECK(r->data_len > 0 && r->data_len % VIRTIO_BLK_SECTOR_SIZE == 0);
		CHECK(r->sector <= h.capacity &&
		      r->data_len / VIRTIO_BLK_SECTOR_SIZE <= h.capacity - r->sector);
		CHECK(r->type == VIRTIO_BLK_T_IN || !h.read_only);
		break;
	case VIRTIO_BLK_T_FLUSH:
		CHECK(h.can_flush && r->nsegs == 0);
		break;
	default:
		abort();
	}
}

/* Move the data as a real backend would (ASan watches the buffer). */
static void transfer(const struct virtio_blk_req *r)
{
	uint32_t i;

	for (i = 0; i < r->nsegs; i++) {
		uint8_t *p = h.ram + (r->segs[i].gpa - RAM_BASE);

		if (r->type == VIRTIO_BLK_T_IN)
			memset(p, (int)(r->sector & 0xff), r->segs[i].len);
		else
			memcpy(h.disk_window, p, r->segs[i].len);
	}
}

static bool fuzz_submit(void *ctx, const struct virtio_blk_req *r)
{
	(void)ctx;
	check_request(r);
	if (h.refuse)
		return false;
	transfer(r);
	if (h.defer)
		h.pending[h.npending++] = r->head;
	else
		virtio_blk_complete(&h.dev, r->head, VIRTIO_BLK_S_OK);
	return true;
}

static void complete_pending(unsigned i, uint8_t status)
{
	const uint16_t head = h.pending[i];

	h.pending[i] = h.pending[--h.npending];
	virtio_blk_complete(&h.dev, head, status);
}

static void reg_write(uint64_t off, uint32_t v)
{
	virtio_blk_write(&h.dev, off, 4, v);
}

static uint32_t reg_read(uint64_t off)
{
	return virtio_blk_read(&h.dev, off, 4);
}

static void bringup(struct input *in)
{
	const uint32_t num = 1u << (take(in, 1) % 8);
	const uint64_t desc = RAM_BASE + take(in, 2) % RAM_SIZE;
	const uint64_t avail = RAM_BASE + take(in, 2) % RAM_SIZE;
	const uint64_t used = RAM_BASE + take(in, 2) % RAM_SIZE;
	uint32_t f0, f1;

	reg_write(VIRTIO_MMIO_STATUS, 0);
	reg_write(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	reg_write(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	f0 = reg_read(VIRTIO_MMIO_DEVICE_FEATURES);
	reg_write(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	f1 = reg_read(VIRTIO_MMIO_DEVICE_FEATURES);
	reg_write(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	reg_write(VIRTIO_MMIO_DRIVER_FEATURES, f0);
	reg_write(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	reg_write(VIRTIO_MMIO_DRIVER_FEATURES, f1);
	reg_write(VIRTIO_MMIO_STATUS,
		  VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK);
	CHECK(reg_read(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK);
	reg_write(VIRTIO_MMIO_QUEUE_SEL, 0);
	reg_write(VIRTIO_MMIO_QUEUE_NUM, num);
	reg_write(VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)desc);
	reg_write(VIRTIO_MMIO_QUEUE_DESC_HIGH, (uint32_t)(desc >> 32));
	reg_write(VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)avail);
	reg_write(VIRTIO_MMIO_QUEUE_DRIVER_HIGH, (uint32_t)(avail >> 32));
	reg_write(VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)used);
	reg_write(VIRTIO_MMIO_QUEUE_DEVICE_HIGH, (uint32_t)(used >> 32));
	reg_write(VIRTIO_MMIO_QUEUE_READY, 1);
	reg_write(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
					  VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK);
}

static void check_read(uint64_t off, unsigned width, uint32_t v)
{
	if (width != 1 && width != 2 && width != 4)
		CHECK(v == 0);
	else if (off >= VIRTIO_BLK_MMIO_SIZE || off % width != 0)
		CHECK(v == 0);
	else if (off < VIRTIO_MMIO_CONFIG && width != 4)
		CHECK(v == 0);
	else if (off == VIRTIO_MMIO_INTERRUPT_STATUS)
		CHECK(v == h.dev.isr);
}

/* The model's heads in flight (live or stale) are the backend's. */
static void check_inflight(void)
{
	bool pending[VIRTIO_BLK_QUEUE_MAX] = {false};
	unsigned i;

	for (i = 0; i < h.npending; i++) {
		CHECK(!pending[h.pending[i]]);
		pending[h.pending[i]] = true;
	}
	for (i = 0; i < VIRTIO_BLK_QUEUE_MAX; i++)
		CHECK((h.dev.inflight[i].state != VIRTIO_BLK_SLOT_FREE) == pending[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = {data, size, 0};
	const uint8_t flags = (uint8_t)take(&in, 1);
	struct virtq_mem mem = {fuzz_gpa_to_hva, NULL};
	struct virtio_blk_backend be;
	size_t ops_end, ram_bytes;

	memset(&h, 0, sizeof(h));
	h.can_flush = flags & 1;
	h.read_only = flags >> 1 & 1;
	h.defer = flags >> 2 & 1;
	h.refuse = flags >> 3 & 1;
	h.racing = flags >> 4 & 1;
	h.capacity = take(&in, 1);
	h.ram_limit = RAM_SIZE;
	ops_end = HEADER + take(&in, 2);
	if (ops_end > size)
		ops_end = size;
	h.ram = calloc(1, RAM_SIZE);
	CHECK(h.ram != NULL);
	ram_bytes = size - ops_end < RAM_SIZE ? size - ops_end : RAM_SIZE;
	memcpy(h.ram, data + ops_end, ram_bytes);
	be = (struct virtio_blk_backend){h.capacity, h.can_flush, h.read_only, fuzz_submit, NULL};
	virtio_blk_init(&h.dev, &mem, &be);

	in.n = ops_end;
	while (in.pos < in.n) {
		const unsigned op = (unsigned)take(&in, 1) % NOPS;
		const uint16_t last_avail = h.dev.q.last_avail, used_idx = h.dev.q.used_idx;
		bool moves_indices = op == OP_NOTIFY || op == OP_COMPLETE || op == OP_COMPLETE_ANY;
		uint64_t off;
		unsigned width, n;
		uint32_t v;

		switch (op) {
		case OP_WRITE:
			off = take(&in, 2) % 0x1000;
			width = (unsigned)take(&in, 1);
			v = (uint32_t)take(&in, 4);
			virtio_blk_write(&h.dev, off, width, v);
			moves_indices = off == VIRTIO_MMIO_QUEUE_NOTIFY && width == 4;
			break;
		case OP_READ:
			off = take(&in, 2) % 0x1000;
			width = (unsigned)take(&in, 1);
			check_read(off, width, virtio_blk_read(&h.dev, off, width));
			break;
		case OP_POKE:
			off = take(&in, 2) % RAM_SIZE;
			n = (unsigned)take(&in, 1) % 33;
			for (; n > 0; n--, off = (off + 1) % RAM_SIZE)
				h.ram[off] = (uint8_t)take(&in, 1);
			break;
		case OP_NOTIFY:
			reg_write(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
			break;
		case OP_COMPLETE:
			n = (unsigned)take(&in, 1);
			v = (uint32_t)take(&in, 1);
			if (h.npending > 0)
				complete_pending(n % h.npending, (uint8_t)v);
			break;
		case OP_COMPLETE_ANY:
			off = take(&in, 2);
			v = (uint32_t)take(&in, 1);
			/* Only heads the backend does not hold: those it holds are
			 * completed through OP_COMPLETE, exactly once. */
			if (!pending_has((uint16_t)off))
				virtio_blk_complete(&h.dev, (uint16_t)off, (uint8_t)v);
			break;
		case OP_BRINGUP:
			bringup(&in);
			break;
		case OP_TOGGLE_REFUSE:
			h.refuse = !h.refuse;
			break;
		default:
			h.ram_limit = (uint32_t)(take(&in, 2) % (RAM_SIZE + 1));
			break;
		}
		if (moves_indices) {
			h.taken += (uint16_t)(h.dev.q.last_avail - last_avail);
			h.used += (uint16_t)(h.dev.q.used_idx - used_idx);
		} else if (h.dev.q.last_avail != last_avail || h.dev.q.used_idx != used_idx) {
			/* Only a reset or an enable moves them, and to zero. */
			CHECK(h.dev.q.last_avail == 0 && h.dev.q.used_idx == 0);
			h.taken = h.used = 0;
		}
		CHECK(h.used <= h.taken);
		CHECK(virtio_blk_irq(&h.dev) == (h.dev.isr != 0));
		CHECK((h.dev.isr & ~(VIRTIO_MMIO_INT_VRING | VIRTIO_MMIO_INT_CONFIG)) == 0);
		check_inflight();
	}
	free(h.ram);
	return 0;
}
