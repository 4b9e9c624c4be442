/* virtio-blk device model. A chain is parsed as the spec asks, without
 * assuming any framing: the first 16 device-readable bytes are the header,
 * the other readable bytes the data to write, the writable bytes but the
 * last the data to read into, the last writable byte the status. What
 * reaches the backend has been checked against guest RAM, the capacity and
 * the request type's direction; what cannot be answered through a status
 * byte puts the device in DEVICE_NEEDS_RESET. */
#include <stddef.h>
#include <string.h>

#include "dev/virtio_blk.h"

#define REG_WIDTH 4u
#define BIT(n) ((uint64_t)1 << (n))

/* Status bits the driver writes; DEVICE_NEEDS_RESET is the device's. */
#define DRIVER_STATUS_BITS                                                                         \
	(VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_DRIVER_OK |              \
	 VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_FAILED)
#define RUNNING (VIRTIO_STATUS_DRIVER_OK | VIRTIO_STATUS_FEATURES_OK)

void virtio_blk_init(struct virtio_blk *d, const struct virtq_mem *mem,
		     const struct virtio_blk_backend *be)
{
	memset(d, 0, sizeof(*d));
	d->mem = *mem;
	d->be = *be;
}

bool virtio_blk_irq(const struct virtio_blk *d)
{
	return d->isr != 0;
}

static uint64_t offered_features(const struct virtio_blk *d)
{
	uint64_t f = BIT(VIRTIO_F_VERSION_1) | BIT(VIRTIO_BLK_F_SEG_MAX);

	if (d->be.can_flush)
		f |= BIT(VIRTIO_BLK_F_FLUSH);
	if (d->be.read_only)
		f |= BIT(VIRTIO_BLK_F_RO);
	return f;
}

static bool features_acceptable(const struct virtio_blk *d)
{
	return (d->driver_features & ~offered_features(d)) == 0 &&
	       (d->driver_features & BIT(VIRTIO_F_VERSION_1)) != 0;
}

/* The queue stops: requests still with the backend can no longer be
 * answered (the rings may move), but their heads stay reserved until the
 * backend lets go of them, so a late completion never lands on a new
 * request that reuses the head. */
static void stop_queue(struct virtio_blk *d)
{
	unsigned i;

	d->queue_ready = false;
	for (i = 0; i < VIRTIO_BLK_QUEUE_MAX; i++)
		if (d->inflight[i].state == VIRTIO_BLK_SLOT_LIVE)
			d->inflight[i].state = VIRTIO_BLK_SLOT_STALE;
}

static void reset(struct virtio_blk *d)
{
	stop_queue(d);
	d->status = 0;
	d->isr = 0;
	d->device_features_sel = 0;
	d->driver_features_sel = 0;
	d->driver_features = 0;
	d->queue_sel = 0;
	memset(&d->q, 0, sizeof(d->q));
	d->completed = false;
}

/* Once set, only a reset clears it; the driver hears of it through the
 * configuration-change interrupt (3.1.1, 2.1.2). */
static void needs_reset(struct virtio_blk *d)
{
	d->status |= VIRTIO_STATUS_DEVICE_NEEDS_RESET;
	d->isr |= VIRTIO_MMIO_INT_CONFIG;
}

static bool queue_running(const struct virtio_blk *d)
{
	return d->queue_ready &&
	       (d->status & (RUNNING | VIRTIO_STATUS_DEVICE_NEEDS_RESET)) == RUNNING;
}

/* Answer a chain: status byte, used element, interrupt. */
static void finish(struct virtio_blk *d, uint16_t head, uint64_t status_gpa, uint8_t status,
		   uint32_t used_len)
{
	if (!virtq_write_guest(&d->mem, status_gpa, &status, 1)) {
		used_len = 0;
		needs_reset(d);
	}
	if (!virtq_push_used(&d->q, &d->mem, head, used_len)) {
		needs_reset(d);
		return;
	}
	d->isr |= VIRTIO_MMIO_INT_VRING;
}

/* A chain the device cannot answer: returned empty, and the device stops. */
static void give_up(struct virtio_blk *d, uint16_t head)
{
	if (virtq_push_used(&d->q, &d->mem, head, 0))
		d->isr |= VIRTIO_MMIO_INT_VRING;
	needs_reset(d);
}

/* The status byte: the last byte of the last descriptor, if that is a plain
 * writable buffer whose last byte lies in guest RAM (even when the chain
 * is otherwise bad, so that the driver hears IOERR). */
static bool status_byte(const struct virtio_blk *d, const struct virtq_chain *c, uint64_t *gpa)
{
	const struct virtq_desc *last = &d->chain[c->n - 1];

	if ((last->flags & (VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_INDIRECT)) != VIRTQ_DESC_F_WRITE ||
	    last->len == 0 || last->addr > UINT64_MAX - last->len)
		return false;
	*gpa = last->addr + last->len - 1;
	return d->mem.gpa_to_hva(d->mem.ctx, *gpa, 1) != NULL;
}

/* Append to req.segs the bytes [skip, skip + keep) of descriptors
 * [first, end), counted from the start of the first. false: more than
 * VIRTIO_BLK_MAX_SEGS pieces. */
static bool carve(struct virtio_blk *d, unsigned first, unsigned end, uint64_t skip, uint64_t keep)
{
	unsigned i;

	for (i = first; i < end && keep > 0; i++) {
		const struct virtq_desc *desc = &d->chain[i];
		uint64_t take;

		if (skip >= desc->len) {
			skip -= desc->len;
			continue;
		}
		take = desc->len - skip;
		if (take > keep)
			take = keep;
		if (d->req.nsegs == VIRTIO_BLK_MAX_SEGS)
			return false;
		d->req.segs[d->req.nsegs].gpa = desc->addr + skip;
		d->req.segs[d->req.nsegs].len = (uint32_t)take;
		d->req.nsegs++;
		keep -= take;
		skip = 0;
	}
	return true;
}

/* Copy the header out of the first readable bytes, once; the caller made
 * sure there are at least VIRTIO_BLK_HDR_SIZE of them. */
static bool read_header(struct virtio_blk *d, const struct virtq_chain *c,
			uint8_t hdr[VIRTIO_BLK_HDR_SIZE])
{
	uint32_t got = 0;
	unsigned i;

	for (i = 0; i < c->readable && got < VIRTIO_BLK_HDR_SIZE; i++) {
		uint32_t take = VIRTIO_BLK_HDR_SIZE - got;

		if (take > d->chain[i].len)
			take = d->chain[i].len;
		if (!virtq_read_guest(&d->mem, d->chain[i].addr, hdr + got, take))
			return false;
		got += take;
	}
	return true;
}

static uint64_t get_le(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;
	unsigned i;

	for (i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

/* A read or write of len bytes at the request's sector: whole sectors, at
 * least one, within the capacity (without overflow). */
static bool transfer_ok(const struct virtio_blk *d, uint64_t len)
{
	uint64_t sectors = len / VIRTIO_BLK_SECTOR_SIZE;

	if (len == 0 || len % VIRTIO_BLK_SECTOR_SIZE != 0 || len > UINT32_MAX)
		return false;
	return d->req.sector <= d->be.capacity && sectors <= d->be.capacity - d->req.sector;
}

/* Fill d->req from a well-formed chain. VIRTIO_BLK_S_OK: the request is
 * good to carry out; otherwise the status to answer with at once. */
static uint8_t parse_request(struct virtio_blk *d, const struct virtq_chain *c)
{
	uint8_t hdr[VIRTIO_BLK_HDR_SIZE];
	uint64_t readable = 0, writable = 0, rdata, wdata;
	unsigned i;

	for (i = 0; i < c->n; i++) {
		if (i < c->readable)
			readable += d->chain[i].len;
		else
			writable += d->chain[i].len;
	}
	if (readable < VIRTIO_BLK_HDR_SIZE || !read_header(d, c, hdr))
		return VIRTIO_BLK_S_IOERR;
	rdata = readable - VIRTIO_BLK_HDR_SIZE;
	wdata = writable - 1; /* the status byte exists: writable >= 1 */
	d->req.type = (uint32_t)get_le(hdr, 4);
	d->req.sector = get_le(hdr + 8, 8);
	d->req.nsegs = 0;
	d->req.data_len = 0;
	switch (d->req.type) {
	case VIRTIO_BLK_T_IN:
		if (rdata != 0 || !transfer_ok(d, wdata) || !carve(d, c->readable, c->n, 0, wdata))
			return VIRTIO_BLK_S_IOERR;
		d->req.data_len = (uint32_t)wdata;
		break;
	case VIRTIO_BLK_T_OUT:
		if (wdata != 0 || !transfer_ok(d, rdata) || d->be.read_only ||
		    !carve(d, 0, c->readable, VIRTIO_BLK_HDR_SIZE, rdata))
			return VIRTIO_BLK_S_IOERR;
		d->req.data_len = (uint32_t)rdata;
		break;
	case VIRTIO_BLK_T_FLUSH:
		if (!d->be.can_flush)
			return VIRTIO_BLK_S_UNSUPP;
		if (rdata != 0 || wdata != 0)
			return VIRTIO_BLK_S_IOERR;
		break;
	case VIRTIO_BLK_T_GET_ID:
		if (rdata != 0 || wdata == 0)
			return VIRTIO_BLK_S_IOERR;
		/* At most 20 bytes, so at most 20 pieces: carve cannot fail. */
		(void)carve(d, c->readable, c->n, 0,
			    wdata < VIRTIO_BLK_ID_BYTES ? wdata : VIRTIO_BLK_ID_BYTES);
		break;
	default:
		return VIRTIO_BLK_S_UNSUPP;
	}
	return VIRTIO_BLK_S_OK;
}

/* GET_ID is answered here: the NUL-padded ID into the carved segments. */
static uint8_t write_id(struct virtio_blk *d, uint32_t *written)
{
	static const char id[VIRTIO_BLK_ID_BYTES] = VIRTIO_BLK_ID;
	uint32_t i;

	*written = 0;
	for (i = 0; i < d->req.nsegs; i++) {
		const struct virtio_blk_seg *s = &d->req.segs[i];

		if (!virtq_write_guest(&d->mem, s->gpa, id + *written, s->len))
			return VIRTIO_BLK_S_IOERR;
		*written += s->len;
	}
	return VIRTIO_BLK_S_OK;
}

enum chain_result { CHAIN_TAKEN, CHAIN_BUSY };

static enum chain_result handle_chain(struct virtio_blk *d, uint16_t head)
{
	const struct virtq_chain c = virtq_walk(&d->q, &d->mem, head, d->chain);
	struct virtio_blk_inflight *slot = &d->inflight[head];
	uint64_t status_gpa;
	uint32_t written;
	uint8_t status;

	if (c.status == VIRTQ_CHAIN_BROKEN || !status_byte(d, &c, &status_gpa)) {
		virtq_take_avail(&d->q);
		give_up(d, head);
		return CHAIN_TAKEN;
	}
	status = c.status == VIRTQ_CHAIN_OK ? parse_request(d, &c) : VIRTIO_BLK_S_IOERR;
	if (status == VIRTIO_BLK_S_OK && d->req.type == VIRTIO_BLK_T_GET_ID) {
		status = write_id(d, &written);
		virtq_take_avail(&d->q);
		finish(d, head, status_gpa, status, status == VIRTIO_BLK_S_OK ? written + 1 : 1);
		return CHAIN_TAKEN;
	}
	if (status != VIRTIO_BLK_S_OK) {
		virtq_take_avail(&d->q);
		finish(d, head, status_gpa, status, 1);
		return CHAIN_TAKEN;
	}
	/* Book the head before submit: the backend may complete at once. */
	d->req.head = head;
	slot->state = VIRTIO_BLK_SLOT_LIVE;
	slot->status_gpa = status_gpa;
	slot->ok_len = d->req.type == VIRTIO_BLK_T_IN ? d->req.data_len + 1 : 1;
	if (!d->be.submit(d->be.ctx, &d->req)) {
		slot->state = VIRTIO_BLK_SLOT_FREE;
		return CHAIN_BUSY;
	}
	virtq_take_avail(&d->q);
	return CHAIN_TAKEN;
}

/* Take available chains in order while the backend accepts them. A chain
 * whose head is still with the backend (the driver reused it early, or it
 * predates a reset) waits for that head's completion. */
static void process_queue(struct virtio_blk *d)
{
	if (d->processing)
		return;
	d->processing = true;
	while (queue_running(d)) {
		uint16_t head;
		enum virtq_avail a = virtq_peek_avail(&d->q, &d->mem, &head);

		if (a == VIRTQ_AVAIL_EMPTY)
			break;
		if (a == VIRTQ_AVAIL_BROKEN) {
			needs_reset(d);
			break;
		}
		if (d->inflight[head].state != VIRTIO_BLK_SLOT_FREE)
			break;
		d->completed = false;
		/* Busy, unless something completed meanwhile and made room. */
		if (handle_chain(d, head) == CHAIN_BUSY && !d->completed)
			break;
	}
	d->processing = false;
}

void virtio_blk_complete(struct virtio_blk *d, uint16_t head, uint8_t status)
{
	struct virtio_blk_inflight *slot;

	if (head >= VIRTIO_BLK_QUEUE_MAX)
		return;
	slot = &d->inflight[head];
	if (slot->state == VIRTIO_BLK_SLOT_FREE)
		return;
	if (slot->state == VIRTIO_BLK_SLOT_LIVE)
		finish(d, head, slot->status_gpa, status,
		       status == VIRTIO_BLK_S_OK ? slot->ok_len : 1);
	slot->state = VIRTIO_BLK_SLOT_FREE;
	d->completed = true;
	process_queue(d);
}

/* Config space: little-endian bytes of the fields we fill, 0 elsewhere. */
static uint8_t config_byte(const struct virtio_blk *d, uint64_t off)
{
	if (off < VIRTIO_BLK_CFG_CAPACITY + 8)
		return (uint8_t)(d->be.capacity >> (8 * (off - VIRTIO_BLK_CFG_CAPACITY)));
	if (off >= VIRTIO_BLK_CFG_SEG_MAX && off < VIRTIO_BLK_CFG_SEG_MAX + 4)
		return (uint8_t)(VIRTIO_BLK_MAX_SEGS >> (8 * (off - VIRTIO_BLK_CFG_SEG_MAX)));
	return 0;
}

static uint32_t read_config(const struct virtio_blk *d, uint64_t off, unsigned width)
{
	uint32_t v = 0;
	unsigned i;

	if ((width != 1 && width != 2 && width != 4) || off % width != 0)
		return 0;
	for (i = 0; i < width; i++)
		v |= (uint32_t)config_byte(d, off + i) << (8 * i);
	return v;
}

uint32_t virtio_blk_read(const struct virtio_blk *d, uint64_t offset, unsigned width)
{
	const bool q0 = d->queue_sel == 0;

	if (offset >= VIRTIO_MMIO_CONFIG)
		return read_config(d, offset - VIRTIO_MMIO_CONFIG, width);
	if (width != REG_WIDTH || offset % REG_WIDTH != 0)
		return 0;
	switch (offset) {
	case VIRTIO_MMIO_MAGIC_VALUE:
		return VIRTIO_MMIO_MAGIC;
	case VIRTIO_MMIO_VERSION:
		return VIRTIO_MMIO_VERSION_MODERN;
	case VIRTIO_MMIO_DEVICE_ID:
		return VIRTIO_ID_BLOCK;
	case VIRTIO_MMIO_VENDOR_ID:
		return VIRTIO_BLK_VENDOR_ID;
	case VIRTIO_MMIO_DEVICE_FEATURES:
		if (d->device_features_sel > 1)
			return 0;
		return (uint32_t)(offered_features(d) >> (32 * d->device_features_sel));
	case VIRTIO_MMIO_QUEUE_NUM_MAX:
		return q0 ? VIRTIO_BLK_QUEUE_MAX : 0;
	case VIRTIO_MMIO_QUEUE_READY:
		return q0 && d->queue_ready ? 1u : 0u;
	case VIRTIO_MMIO_INTERRUPT_STATUS:
		return d->isr;
	case VIRTIO_MMIO_STATUS:
		return d->status;
	default: /* write-only registers, ConfigGeneration (never changes), holes */
		return 0;
	}
}

/* Only checked when the driver sets FEATURES_OK: nothing else depends on
 * them (FLUSH is honoured whenever the backend can flush). */
static void write_driver_features(struct virtio_blk *d, uint32_t value)
{
	const unsigned shift = 32 * d->driver_features_sel;

	if (d->driver_features_sel > 1)
		return;
	d->driver_features &= ~((uint64_t)UINT32_MAX << shift);
	d->driver_features |= (uint64_t)value << shift;
}

/* 0 resets; FEATURES_OK sticks only for an acceptable feature set. */
static void write_status(struct virtio_blk *d, uint32_t value)
{
	const uint32_t old = d->status;

	if (value == 0) {
		reset(d);
		return;
	}
	value &= DRIVER_STATUS_BITS;
	if ((value & VIRTIO_STATUS_FEATURES_OK) != 0 && (old & VIRTIO_STATUS_FEATURES_OK) == 0 &&
	    !features_acceptable(d))
		value &= ~VIRTIO_STATUS_FEATURES_OK;
	d->status = value | (old & VIRTIO_STATUS_DEVICE_NEEDS_RESET);
}

/* Enabling takes a valid size and valid rings after feature negotiation;
 * otherwise QueueReady stays 0 (the driver can read it back). */
static void write_queue_ready(struct virtio_blk *d, uint32_t value)
{
	if (value == 0) {
		stop_queue(d);
		return;
	}
	if (value != 1 || d->queue_ready || (d->status & VIRTIO_STATUS_FEATURES_OK) == 0 ||
	    !virtq_rings_valid(&d->q, &d->mem, VIRTIO_BLK_QUEUE_MAX))
		return;
	virtq_reset_indices(&d->q);
	d->queue_ready = true;
}

static void set_low(uint64_t *reg, uint32_t value)
{
	*reg = (*reg & ~(uint64_t)UINT32_MAX) | value;
}

static void set_high(uint64_t *reg, uint32_t value)
{
	*reg = (*reg & UINT32_MAX) | (uint64_t)value << 32;
}

/* Queue layout registers: queue 0 only, and only while it is not ready, so
 * the rings checked at enable time stay the rings in use. */
static void write_queue_layout(struct virtio_blk *d, uint64_t offset, uint32_t value)
{
	if (d->queue_sel != 0 || d->queue_ready)
		return;
	switch (offset) {
	case VIRTIO_MMIO_QUEUE_NUM:
		d->q.num = value <= VIRTIO_BLK_QUEUE_MAX ? (uint16_t)value : 0;
		break;
	case VIRTIO_MMIO_QUEUE_DESC_LOW:
		set_low(&d->q.desc, value);
		break;
	case VIRTIO_MMIO_QUEUE_DESC_HIGH:
		set_high(&d->q.desc, value);
		break;
	case VIRTIO_MMIO_QUEUE_DRIVER_LOW:
		set_low(&d->q.avail, value);
		break;
	case VIRTIO_MMIO_QUEUE_DRIVER_HIGH:
		set_high(&d->q.avail, value);
		break;
	case VIRTIO_MMIO_QUEUE_DEVICE_LOW:
		set_low(&d->q.used, value);
		break;
	default: /* VIRTIO_MMIO_QUEUE_DEVICE_HIGH */
		set_high(&d->q.used, value);
		break;
	}
}

void virtio_blk_write(struct virtio_blk *d, uint64_t offset, unsigned width, uint32_t value)
{
	if (offset >= VIRTIO_MMIO_CONFIG || width != REG_WIDTH || offset % REG_WIDTH != 0)
		return;
	switch (offset) {
	case VIRTIO_MMIO_DEVICE_FEATURES_SEL:
		d->device_features_sel = value;
		break;
	case VIRTIO_MMIO_DRIVER_FEATURES:
		write_driver_features(d, value);
		break;
	case VIRTIO_MMIO_DRIVER_FEATURES_SEL:
		d->driver_features_sel = value;
		break;
	case VIRTIO_MMIO_QUEUE_SEL:
		d->queue_sel = value;
		break;
	case VIRTIO_MMIO_QUEUE_NUM:
	case VIRTIO_MMIO_QUEUE_DESC_LOW:
	case VIRTIO_MMIO_QUEUE_DESC_HIGH:
	case VIRTIO_MMIO_QUEUE_DRIVER_LOW:
	case VIRTIO_MMIO_QUEUE_DRIVER_HIGH:
	case VIRTIO_MMIO_QUEUE_DEVICE_LOW:
	case VIRTIO_MMIO_QUEUE_DEVICE_HIGH:
		write_queue_layout(d, offset, value);
		break;
	case VIRTIO_MMIO_QUEUE_READY:
		if (d->queue_sel == 0)
			write_queue_ready(d, value);
		break;
	case VIRTIO_MMIO_QUEUE_NOTIFY:
		if (value == 0)
			process_queue(d);
		break;
	case VIRTIO_MMIO_INTERRUPT_ACK:
		d->isr &= ~value;
		break;
	case VIRTIO_MMIO_STATUS:
		write_status(d, value);
		break;
	default: /* read-only registers and holes */
		break;
	}
}
