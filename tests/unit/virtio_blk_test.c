/* Host tests of src/dev/virtio_blk.c and src/dev/virtq.c, driven the way a
 * driver drives the device: a fake guest RAM (a host buffer at guest-physical
 * RAM_BASE, translated with a range check) holding the rings and buffers,
 * and a fake backend over an in-memory disk that carries requests out at
 * once, defers them, or refuses them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dev/virtio_blk.h"

#define RAM_BASE 0x80000000ull
#define RAM_SIZE 0x10000u
#define DISK_SECTORS 256u
#define SECTOR 512u
#define QSIZE 16u

/* Guest layout: rings, then the header, the status byte and data. */
#define DESC_GPA (RAM_BASE + 0x0000)
#define AVAIL_GPA (RAM_BASE + 0x1000)
#define USED_GPA (RAM_BASE + 0x2000)
#define HDR_GPA (RAM_BASE + 0x3000)
#define STATUS_GPA (RAM_BASE + 0x3100)
#define DATA_GPA (RAM_BASE + 0x4000)
#define DATA2_GPA (RAM_BASE + 0x8000)

#define F_NEXT VIRTQ_DESC_F_NEXT
#define F_WRITE VIRTQ_DESC_F_WRITE
#define STATUS_UNTOUCHED 0xa5u

struct env {
	_Alignas(16) uint8_t ram[RAM_SIZE];
	uint8_t disk[DISK_SECTORS * SECTOR];
	struct virtio_blk dev;
	uint16_t num;	    /* queue size the driver chose */
	uint16_t avail_idx; /* the driver's avail->idx */
	/* Backend behaviour and what it saw. */
	bool defer;		    /* accept, complete only when the test says */
	unsigned refuse;	    /* refuse this many submits first */
	int complete_when_refusing; /* a deferred head to complete inside a refusal */
	unsigned submits;	    /* accepted */
	unsigned refusals;
	unsigned flushes;
	struct virtio_blk_req last; /* copy of the last accepted request */
	unsigned desc_fetches;	    /* translations inside the descriptor table */
	uint32_t ram_limit;	    /* guest RAM the translation admits (shrinks) */
	unsigned translations;
	unsigned fail_at; /* this translation (counted from 1) fails; 0: none */
};

static struct env env;

static void *ram_range(uint64_t gpa, uint64_t len, uint32_t size)
{
	if (gpa < RAM_BASE || gpa - RAM_BASE > size || len > size - (gpa - RAM_BASE))
		return NULL;
	return env.ram + (gpa - RAM_BASE);
}

/* The test's own view of guest RAM. */
static void *ram_ptr(uint64_t gpa, uint64_t len)
{
	return ram_range(gpa, len, RAM_SIZE);
}

static void *fake_gpa_to_hva(void *ctx, uint64_t gpa, uint64_t len)
{
	struct env *e = ctx;

	if (gpa >= DESC_GPA && gpa < DESC_GPA + VIRTQ_DESC_TABLE_SIZE(VIRTIO_BLK_QUEUE_MAX))
		e->desc_fetches++;
	if (++e->translations == e->fail_at)
		return NULL;
	return ram_range(gpa, len, e->ram_limit);
}

/* Carry out r on the disk. Every segment must be inside guest RAM and the
 * transfer inside the disk: the model promised both. */
static uint8_t disk_io(const struct virtio_blk_req *r)
{
	uint64_t off = r->sector * SECTOR;
	uint32_t i, total = 0;

	if (r->type == VIRTIO_BLK_T_FLUSH) {
		env.flushes++;
		assert_int_equal(r->nsegs, 0);
		return VIRTIO_BLK_S_OK;
	}
	assert_true(r->nsegs >= 1 && r->nsegs <= VIRTIO_BLK_MAX_SEGS);
	assert_true(off + r->data_len <= sizeof(env.disk));
	for (i = 0; i < r->nsegs; i++) {
		uint8_t *p = ram_ptr(r->segs[i].gpa, r->segs[i].len);

		assert_non_null(p);
		assert_true(r->segs[i].len > 0);
		if (r->type == VIRTIO_BLK_T_IN)
			memcpy(p, env.disk + off, r->segs[i].len);
		else
			memcpy(env.disk + off, p, r->segs[i].len);
		off += r->segs[i].len;
		total += r->segs[i].len;
	}
	assert_int_equal(total, r->data_len);
	return VIRTIO_BLK_S_OK;
}

static bool fake_submit(void *ctx, const struct virtio_blk_req *r)
{
	struct env *e = ctx;

	if (e->refuse > 0) {
		e->refuse--;
		e->refusals++;
		if (e->complete_when_refusing >= 0) {
			virtio_blk_complete(&e->dev, (uint16_t)e->complete_when_refusing,
					    VIRTIO_BLK_S_OK);
			e->complete_when_refusing = -1;
		}
		return false;
	}
	e->submits++;
	e->last = *r;
	if (!e->defer)
		virtio_blk_complete(&e->dev, r->head, disk_io(r));
	return true;
}

static void setup(bool can_flush, bool read_only, uint64_t capacity)
{
	const struct virtq_mem mem = {fake_gpa_to_hva, &env};
	const struct virtio_blk_backend be = {capacity, can_flush, read_only, fake_submit, &env};
	unsigned i;

	memset(&env, 0, sizeof(env));
	env.complete_when_refusing = -1;
	env.ram_limit = RAM_SIZE;
	for (i = 0; i < sizeof(env.disk); i++)
		env.disk[i] = (uint8_t)(i * 7 + 3);
	virtio_blk_init(&env.dev, &mem, &be);
}

static uint32_t rd(uint64_t off)
{
	return virtio_blk_read(&env.dev, off, 4);
}

static void wr(uint64_t off, uint32_t v)
{
	virtio_blk_write(&env.dev, off, 4, v);
}

static void put16(uint64_t gpa, uint16_t v)
{
	memcpy(ram_ptr(gpa, 2), &v, 2);
}

static void put32(uint64_t gpa, uint32_t v)
{
	memcpy(ram_ptr(gpa, 4), &v, 4);
}

static void put64(uint64_t gpa, uint64_t v)
{
	memcpy(ram_ptr(gpa, 8), &v, 8);
}

static uint16_t get16(uint64_t gpa)
{
	uint16_t v;

	memcpy(&v, ram_ptr(gpa, 2), 2);
	return v;
}

static uint32_t get32(uint64_t gpa)
{
	uint32_t v;

	memcpy(&v, ram_ptr(gpa, 4), 4);
	return v;
}

static uint8_t status_at(uint64_t gpa)
{
	return *(uint8_t *)ram_ptr(gpa, 1);
}

static uint64_t offered(void)
{
	uint64_t f;

	wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	f = rd(VIRTIO_MMIO_DEVICE_FEATURES);
	wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	return f | (uint64_t)rd(VIRTIO_MMIO_DEVICE_FEATURES) << 32;
}

static void write_features(uint64_t f)
{
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)f);
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)(f >> 32));
}

static void write_layout(uint32_t num, uint64_t desc, uint64_t avail, uint64_t used)
{
	wr(VIRTIO_MMIO_QUEUE_NUM, num);
	wr(VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)desc);
	wr(VIRTIO_MMIO_QUEUE_DESC_HIGH, (uint32_t)(desc >> 32));
	wr(VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)avail);
	wr(VIRTIO_MMIO_QUEUE_DRIVER_HIGH, (uint32_t)(avail >> 32));
	wr(VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)used);
	wr(VIRTIO_MMIO_QUEUE_DEVICE_HIGH, (uint32_t)(used >> 32));
}

/* Up to FEATURES_OK, accepting everything offered. */
static void negotiate(void)
{
	wr(VIRTIO_MMIO_STATUS, 0);
	wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE);
	wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	write_features(offered());
	wr(VIRTIO_MMIO_STATUS,
	   VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK);
	assert_true(rd(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK);
}

/* The whole driver bring-up with queue size num. */
static void start(uint16_t num)
{
	negotiate();
	wr(VIRTIO_MMIO_QUEUE_SEL, 0);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_READY), 0);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_NUM_MAX), VIRTIO_BLK_QUEUE_MAX);
	memset(ram_ptr(DESC_GPA, 0x3000), 0, 0x3000);
	write_layout(num, DESC_GPA, AVAIL_GPA, USED_GPA);
	wr(VIRTIO_MMIO_QUEUE_READY, 1);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_READY), 1);
	wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
				   VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK);
	env.num = num;
	env.avail_idx = 0;
}

static void set_desc(uint16_t i, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next)
{
	const uint64_t g = DESC_GPA + 16u * i;

	put64(g, addr);
	put32(g + 8, len);
	put16(g + 12, flags);
	put16(g + 14, next);
}

static void publish_idx(uint16_t idx)
{
	put16(AVAIL_GPA + 2, idx);
}

static void post(uint16_t head)
{
	put16(AVAIL_GPA + 4 + 2u * (env.avail_idx % env.num), head);
	env.avail_idx++;
	publish_idx(env.avail_idx);
}

static void kick(void)
{
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
}

static uint16_t used_idx(void)
{
	return get16(USED_GPA + 2);
}

static uint32_t used_id(unsigned i)
{
	return get32(USED_GPA + 4 + 8u * (i % env.num));
}

static uint32_t used_len(unsigned i)
{
	return get32(USED_GPA + 8 + 8u * (i % env.num));
}

static void write_hdr(uint64_t gpa, uint32_t type, uint64_t sector)
{
	put32(gpa, type);
	put32(gpa + 4, 0);
	put64(gpa + 8, sector);
}

/* The usual three-descriptor request at descriptors first..first+2: header,
 * data (device-readable or writable per data_flags), status. */
static void request3(uint16_t first, uint32_t type, uint64_t sector, uint64_t data, uint32_t len,
		     uint16_t data_flags, uint64_t status)
{
	write_hdr(HDR_GPA, type, sector);
	*(uint8_t *)ram_ptr(status, 1) = STATUS_UNTOUCHED;
	set_desc(first, HDR_GPA, 16, F_NEXT, (uint16_t)(first + 1));
	set_desc((uint16_t)(first + 1), data, len, (uint16_t)(F_NEXT | data_flags),
		 (uint16_t)(first + 2));
	set_desc((uint16_t)(first + 2), status, 1, F_WRITE, 0);
}

/* Run one request chain starting at descriptor 0 and check it came back
 * with the given status and used length. */
static void expect_answer(uint8_t status, uint32_t len)
{
	const uint16_t before = used_idx();

	post(0);
	kick();
	assert_int_equal(used_idx(), (uint16_t)(before + 1));
	assert_int_equal(used_id(before), 0);
	assert_int_equal(used_len(before), len);
	assert_int_equal(status_at(STATUS_GPA), status);
	assert_true(rd(VIRTIO_MMIO_INTERRUPT_STATUS) & VIRTIO_MMIO_INT_VRING);
}

static void expect_needs_reset(void)
{
	assert_true(rd(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_DEVICE_NEEDS_RESET);
	assert_true(rd(VIRTIO_MMIO_INTERRUPT_STATUS) & VIRTIO_MMIO_INT_CONFIG);
	assert_true(virtio_blk_irq(&env.dev));
}

/* ---- transport ---- */

static void test_identity_registers_and_config(void **state)
{
	(void)state;
	setup(false, false, 200);
	assert_int_equal(rd(VIRTIO_MMIO_MAGIC_VALUE), 0x74726976);
	assert_int_equal(rd(VIRTIO_MMIO_VERSION), 2);
	assert_int_equal(rd(VIRTIO_MMIO_DEVICE_ID), 2);
	assert_int_equal(rd(VIRTIO_MMIO_VENDOR_ID), VIRTIO_BLK_VENDOR_ID);
	assert_int_equal(rd(VIRTIO_MMIO_CONFIG_GENERATION), 0);
	assert_int_equal(rd(VIRTIO_MMIO_CONFIG + VIRTIO_BLK_CFG_CAPACITY), 200);
	assert_int_equal(rd(VIRTIO_MMIO_CONFIG + VIRTIO_BLK_CFG_CAPACITY + 4), 0);
	assert_int_equal(rd(VIRTIO_MMIO_CONFIG + VIRTIO_BLK_CFG_SEG_MAX), VIRTIO_BLK_MAX_SEGS);
	assert_int_equal(rd(VIRTIO_MMIO_CONFIG + 8), 0); /* size_max: not offered */
	assert_false(virtio_blk_irq(&env.dev));
}

static void test_capacity_reads_in_every_width(void **state)
{
	(void)state;
	setup(false, false, 0x0123456789abcdefull);
	assert_int_equal(virtio_blk_read(&env.dev, 0x100, 4), 0x89abcdef);
	assert_int_equal(virtio_blk_read(&env.dev, 0x104, 4), 0x01234567);
	assert_int_equal(virtio_blk_read(&env.dev, 0x102, 2), 0x89ab);
	assert_int_equal(virtio_blk_read(&env.dev, 0x107, 1), 0x01);
	/* Misaligned or 8-byte config reads read 0; writes are ignored. */
	assert_int_equal(virtio_blk_read(&env.dev, 0x101, 2), 0);
	assert_int_equal(virtio_blk_read(&env.dev, 0x102, 4), 0);
	assert_int_equal(virtio_blk_read(&env.dev, 0x100, 8), 0);
	virtio_blk_write(&env.dev, 0x100, 4, 0);
	virtio_blk_write(&env.dev, 0x100, 1, 0);
	assert_int_equal(virtio_blk_read(&env.dev, 0x100, 4), 0x89abcdef);
}

static void test_offers_version_1_and_seg_max_only(void **state)
{
	(void)state;
	setup(false, false, 200);
	assert_int_equal(offered(), (1ull << VIRTIO_F_VERSION_1) | (1ull << VIRTIO_BLK_F_SEG_MAX));
	wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 2);
	assert_int_equal(rd(VIRTIO_MMIO_DEVICE_FEATURES), 0);
}

static void test_offers_flush_and_ro_from_backend(void **state)
{
	const uint64_t never = (1ull << VIRTIO_F_INDIRECT_DESC) | (1ull << VIRTIO_F_EVENT_IDX) |
			       (1ull << VIRTIO_F_RING_PACKED);

	(void)state;
	setup(true, true, 200);
	assert_int_equal(offered(), (1ull << VIRTIO_F_VERSION_1) | (1ull << VIRTIO_BLK_F_SEG_MAX) |
					(1ull << VIRTIO_BLK_F_FLUSH) | (1ull << VIRTIO_BLK_F_RO));
	assert_int_equal(offered() & never, 0);
}

static void test_registers_take_aligned_words_only(void **state)
{
	(void)state;
	setup(false, false, 200);
	assert_int_equal(virtio_blk_read(&env.dev, VIRTIO_MMIO_MAGIC_VALUE, 1), 0);
	assert_int_equal(virtio_blk_read(&env.dev, VIRTIO_MMIO_MAGIC_VALUE, 2), 0);
	assert_int_equal(virtio_blk_read(&env.dev, VIRTIO_MMIO_MAGIC_VALUE, 8), 0);
	assert_int_equal(virtio_blk_read(&env.dev, VIRTIO_MMIO_MAGIC_VALUE + 2, 4), 0);
	virtio_blk_write(&env.dev, VIRTIO_MMIO_STATUS, 2, VIRTIO_STATUS_ACKNOWLEDGE);
	virtio_blk_write(&env.dev, VIRTIO_MMIO_STATUS, 1, VIRTIO_STATUS_ACKNOWLEDGE);
	virtio_blk_write(&env.dev, VIRTIO_MMIO_STATUS + 1, 4, VIRTIO_STATUS_ACKNOWLEDGE);
	assert_int_equal(rd(VIRTIO_MMIO_STATUS), 0);
	wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE);
	assert_int_equal(rd(VIRTIO_MMIO_STATUS), VIRTIO_STATUS_ACKNOWLEDGE);
	/* Read-only registers ignore writes; beyond the config all reads 0. */
	wr(VIRTIO_MMIO_MAGIC_VALUE, 0);
	assert_int_equal(rd(VIRTIO_MMIO_MAGIC_VALUE), 0x74726976);
	assert_int_equal(rd(VIRTIO_BLK_MMIO_SIZE), 0);
	assert_int_equal(rd(0xffc), 0);
}

static void test_handshake_brings_queue_up(void **state)
{
	(void)state;
	setup(true, false, 200);
	start(QSIZE);
	assert_int_equal(rd(VIRTIO_MMIO_STATUS), VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
						     VIRTIO_STATUS_FEATURES_OK |
						     VIRTIO_STATUS_DRIVER_OK);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_READY), 1);
	/* Write-only registers read 0. */
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_NUM), 0);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_DESC_LOW), 0);
}

static void test_features_ok_refused_without_version_1(void **state)
{
	(void)state;
	setup(false, false, 200);
	wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	write_features(1ull << VIRTIO_BLK_F_SEG_MAX);
	wr(VIRTIO_MMIO_STATUS,
	   VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK);
	assert_int_equal(rd(VIRTIO_MMIO_STATUS), VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
}

static void test_features_ok_refused_for_bits_not_offered(void **state)
{
	const uint64_t base = 1ull << VIRTIO_F_VERSION_1;
	const unsigned bad[] = {VIRTIO_F_INDIRECT_DESC, VIRTIO_F_EVENT_IDX, VIRTIO_F_RING_PACKED,
				VIRTIO_BLK_F_FLUSH,	VIRTIO_BLK_F_RO,    63};
	unsigned i;

	(void)state;
	setup(false, false, 200);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		wr(VIRTIO_MMIO_STATUS, 0);
		write_features(base | 1ull << bad[i]);
		wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_FEATURES_OK);
		assert_int_equal(rd(VIRTIO_MMIO_STATUS), 0);
	}
	/* A subset of what is offered is fine; selectors above 1 reach nothing. */
	write_features(base);
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 2);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, 0xffffffffu);
	wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_FEATURES_OK);
	assert_int_equal(rd(VIRTIO_MMIO_STATUS), VIRTIO_STATUS_FEATURES_OK);
}

static void test_queue_ready_needs_features_ok(void **state)
{
	(void)state;
	setup(false, false, 200);
	wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	write_layout(QSIZE, DESC_GPA, AVAIL_GPA, USED_GPA);
	wr(VIRTIO_MMIO_QUEUE_READY, 1);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_READY), 0);
}

static void test_queue_ready_needs_power_of_two_size_up_to_max(void **state)
{
	const uint32_t bad[] = {0, 3, 48, 256, 0x10000 | 16};
	unsigned i;

	(void)state;
	setup(false, false, 200);
	negotiate();
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		write_layout(bad[i], DESC_GPA, AVAIL_GPA, USED_GPA);
		wr(VIRTIO_MMIO_QUEUE_READY, 1);
		assert_int_equal(rd(VIRTIO_MMIO_QUEUE_READY), 0);
	}
	write_layout(VIRTIO_BLK_QUEUE_MAX, DESC_GPA, AVAIL_GPA, USED_GPA);
	wr(VIRTIO_MMIO_QUEUE_READY, 1);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_READY), 1);
}

static void test_queue_ready_needs_aligned_rings(void **state)
{
	(void)state;
	setup(false, false, 200);
	negotiate();
	write_layout(QSIZE, DESC_GPA + 8, AVAIL_GPA, USED_GPA);
	wr(VIRTIO_MMIO_QUEUE_READY, 1);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_READY), 0);
	write_layout(QSIZE, DESC_GPA, AVAIL_GPA + 1, USED_GPA);
	wr(VIRTIO_MMIO_QUEUE_READY, 1);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_READY), 0);
	write_layout(QSIZE, DESC_GPA, AVAIL_GPA, USED_GPA + 2);
	wr(VIRTIO_MMIO_QUEUE_READY, 1);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_READY), 0);
	write_layout(QSIZE, DESC_GPA, AVAIL_GPA + 2, USED_GPA + 4);
	wr(VIRTIO_MMIO_QUEUE_READY, 1);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_READY), 1);
}

static void test_queue_ready_needs_rings_inside_ram(void **state)
{
	const uint64_t end = RAM_BASE + RAM_SIZE;

	(void)state;
	setup(false, false, 200);
	negotiate();
	/* The used ring of 16 entries is 134 bytes: it would cross the end. */
	write_layout(QSIZE, DESC_GPA, AVAIL_GPA, end - 128);
	wr(VIRTIO_MMIO_QUEUE_READY, 1);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_READY), 0);
	write_layout(QSIZE, RAM_BASE - 0x1000, AVAIL_GPA, USED_GPA);
	wr(VIRTIO_MMIO_QUEUE_READY, 1);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_READY), 0);
	write_layout(QSIZE, DESC_GPA, 0xfffffffffffffff0ull, USED_GPA);
	wr(VIRTIO_MMIO_QUEUE_READY, 1);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_READY), 0);
	write_layout(QSIZE, DESC_GPA, AVAIL_GPA, end - 136);
	wr(VIRTIO_MMIO_QUEUE_READY, 1);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_READY), 1);
}

static void test_other_queues_do_not_exist(void **state)
{
	(void)state;
	setup(false, false, 200);
	negotiate();
	write_layout(QSIZE, DESC_GPA, AVAIL_GPA, USED_GPA);
	wr(VIRTIO_MMIO_QUEUE_SEL, 1);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_NUM_MAX), 0);
	write_layout(3, 1, 1, 1); /* ignored: queue 1 does not exist */
	wr(VIRTIO_MMIO_QUEUE_READY, 1);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_READY), 0);
	wr(VIRTIO_MMIO_QUEUE_SEL, 0);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_READY), 0);
	wr(VIRTIO_MMIO_QUEUE_READY, 1);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_READY), 1);
}

static void test_queue_layout_is_frozen_while_ready(void **state)
{
	(void)state;
	setup(false, false, 200);
	start(QSIZE);
	write_layout(QSIZE, DATA_GPA, DATA_GPA, DATA_GPA);
	request3(0, VIRTIO_BLK_T_IN, 0, DATA_GPA, SECTOR, F_WRITE, STATUS_GPA);
	expect_answer(VIRTIO_BLK_S_OK, SECTOR + 1);
}

static void test_interrupt_ack_lowers_the_line(void **state)
{
	(void)state;
	setup(false, false, 200);
	start(QSIZE);
	request3(0, VIRTIO_BLK_T_IN, 0, DATA_GPA, SECTOR, F_WRITE, STATUS_GPA);
	expect_answer(VIRTIO_BLK_S_OK, SECTOR + 1);
	assert_true(virtio_blk_irq(&env.dev));
	wr(VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_MMIO_INT_CONFIG);
	assert_true(virtio_blk_irq(&env.dev));
	wr(VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_MMIO_INT_VRING);
	assert_false(virtio_blk_irq(&env.dev));
	assert_int_equal(rd(VIRTIO_MMIO_INTERRUPT_STATUS), 0);
}

static void test_notify_ignored_before_driver_ok_and_for_other_queues(void **state)
{
	(void)state;
	setup(false, false, 200);
	start(QSIZE);
	request3(0, VIRTIO_BLK_T_IN, 0, DATA_GPA, SECTOR, F_WRITE, STATUS_GPA);
	post(0);
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 1);
	assert_int_equal(used_idx(), 0);
	wr(VIRTIO_MMIO_STATUS,
	   VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK);
	kick();
	assert_int_equal(used_idx(), 0);
	assert_int_equal(env.submits, 0);
	wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
				   VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK);
	kick();
	assert_int_equal(used_idx(), 1);
}

/* ---- requests ---- */

static void test_out_then_in_round_trip(void **state)
{
	uint8_t *data = ram_ptr(DATA_GPA, 2 * SECTOR);
	unsigned i;

	(void)state;
	setup(false, false, 200);
	start(QSIZE);
	for (i = 0; i < 2 * SECTOR; i++)
		data[i] = (uint8_t)(i ^ 0x5a);
	request3(0, VIRTIO_BLK_T_OUT, 10, DATA_GPA, 2 * SECTOR, 0, STATUS_GPA);
	expect_answer(VIRTIO_BLK_S_OK, 1);
	assert_int_equal(env.last.type, VIRTIO_BLK_T_OUT);
	assert_int_equal(env.last.sector, 10);
	assert_memory_equal(env.disk + 10 * SECTOR, data, 2 * SECTOR);

	memset(ram_ptr(DATA2_GPA, 2 * SECTOR), 0, 2 * SECTOR);
	request3(0, VIRTIO_BLK_T_IN, 10, DATA2_GPA, 2 * SECTOR, F_WRITE, STATUS_GPA);
	expect_answer(VIRTIO_BLK_S_OK, 2 * SECTOR + 1);
	assert_memory_equal(ram_ptr(DATA2_GPA, 2 * SECTOR), data, 2 * SECTOR);
}

/* Header in two pieces, the second also carrying data; data in odd pieces;
 * the last data byte and the status in one descriptor. */
static void test_split_header_and_odd_data_pieces(void **state)
{
	uint8_t hdr[16];
	uint8_t *data = ram_ptr(DATA_GPA, 4 * SECTOR);
	unsigned i;

	(void)state;
	setup(false, false, 200);
	start(QSIZE);
	for (i = 0; i < 2 * SECTOR; i++)
		data[i] = (uint8_t)(i * 13 + 1);
	/* OUT: 5 header bytes at HDR_GPA; 11 header bytes + 300 data bytes
	 * contiguous at DATA2_GPA; then 7 and 717 data bytes. */
	write_hdr(HDR_GPA, VIRTIO_BLK_T_OUT, 3);
	memcpy(hdr, ram_ptr(HDR_GPA, 16), 16);
	memcpy(ram_ptr(DATA2_GPA, 11), hdr + 5, 11);
	memcpy(ram_ptr(DATA2_GPA + 11, 300), data, 300);
	set_desc(0, HDR_GPA, 5, F_NEXT, 4);
	set_desc(4, DATA2_GPA, 311, F_NEXT, 2);
	set_desc(2, DATA_GPA + 300, 7, F_NEXT, 7);
	set_desc(7, DATA_GPA + 307, 717, F_NEXT, 1);
	set_desc(1, STATUS_GPA, 1, F_WRITE, 0);
	expect_answer(VIRTIO_BLK_S_OK, 1);
	assert_int_equal(env.last.nsegs, 3);
	assert_int_equal(env.last.segs[0].gpa, DATA2_GPA + 11);
	assert_int_equal(env.last.segs[0].len, 300);
	assert_int_equal(env.last.segs[2].len, 717);
	assert_int_equal(env.last.data_len, 2 * SECTOR);
	assert_memory_equal(env.disk + 3 * SECTOR, data, 2 * SECTOR);

	/* IN of the same sectors: 100 + 923 bytes, then a 2-byte descriptor
	 * holding the last data byte and the status. */
	memset(ram_ptr(DATA2_GPA, 0x2000), 0, 0x2000);
	write_hdr(HDR_GPA, VIRTIO_BLK_T_IN, 3);
	set_desc(0, HDR_GPA, 16, F_NEXT, 1);
	set_desc(1, DATA2_GPA, 100, F_NEXT | F_WRITE, 2);
	set_desc(2, DATA2_GPA + 0x1000, 923, F_NEXT | F_WRITE, 3);
	set_desc(3, STATUS_GPA - 1, 2, F_WRITE, 0);
	expect_answer(VIRTIO_BLK_S_OK, 2 * SECTOR + 1);
	assert_int_equal(env.last.nsegs, 3);
	assert_int_equal(env.last.segs[2].gpa, STATUS_GPA - 1);
	assert_int_equal(env.last.segs[2].len, 1);
	assert_memory_equal(ram_ptr(DATA2_GPA, 100), data, 100);
	assert_memory_equal(ram_ptr(DATA2_GPA + 0x1000, 923), data + 100, 923);
	assert_int_equal(status_at(STATUS_GPA - 1), data[1023]);
}

static void test_chain_of_queue_size_descriptors_is_accepted(void **state)
{
	uint16_t i;

	(void)state;
	setup(false, false, 200);
	start(4);
	write_hdr(HDR_GPA, VIRTIO_BLK_T_IN, 0);
	set_desc(0, HDR_GPA, 16, F_NEXT, 1);
	set_desc(1, DATA_GPA, SECTOR, F_NEXT | F_WRITE, 2);
	set_desc(2, DATA2_GPA, SECTOR, F_NEXT | F_WRITE, 3);
	set_desc(3, STATUS_GPA, 1, F_WRITE, 0);
	expect_answer(VIRTIO_BLK_S_OK, 2 * SECTOR + 1);
	for (i = 0; i < 2; i++)
		assert_int_equal(env.last.segs[i].len, SECTOR);
}

static void test_flush_reaches_backend(void **state)
{
	(void)state;
	setup(true, false, 200);
	start(QSIZE);
	write_hdr(HDR_GPA, VIRTIO_BLK_T_FLUSH, 0);
	set_desc(0, HDR_GPA, 16, F_NEXT, 1);
	set_desc(1, STATUS_GPA, 1, F_WRITE, 0);
	expect_answer(VIRTIO_BLK_S_OK, 1);
	assert_int_equal(env.flushes, 1);
}

static void test_flush_unsupported_when_backend_cannot(void **state)
{
	(void)state;
	setup(false, false, 200);
	start(QSIZE);
	write_hdr(HDR_GPA, VIRTIO_BLK_T_FLUSH, 0);
	set_desc(0, HDR_GPA, 16, F_NEXT, 1);
	set_desc(1, STATUS_GPA, 1, F_WRITE, 0);
	expect_answer(VIRTIO_BLK_S_UNSUPP, 1);
	assert_int_equal(env.submits, 0);
}

static void test_flush_with_data_ioerr(void **state)
{
	(void)state;
	setup(true, false, 200);
	start(QSIZE);
	request3(0, VIRTIO_BLK_T_FLUSH, 0, DATA_GPA, SECTOR, 0, STATUS_GPA);
	expect_answer(VIRTIO_BLK_S_IOERR, 1);
	request3(0, VIRTIO_BLK_T_FLUSH, 0, DATA_GPA, SECTOR, F_WRITE, STATUS_GPA);
	expect_answer(VIRTIO_BLK_S_IOERR, 1);
	assert_int_equal(env.flushes, 0);
}

static void test_get_id_needs_a_writable_buffer_only(void **state)
{
	(void)state;
	setup(false, false, 200);
	start(QSIZE);
	request3(0, VIRTIO_BLK_T_GET_ID, 0, DATA_GPA, VIRTIO_BLK_ID_BYTES, 0, STATUS_GPA);
	expect_answer(VIRTIO_BLK_S_IOERR, 1);
	write_hdr(HDR_GPA, VIRTIO_BLK_T_GET_ID, 0);
	set_desc(0, HDR_GPA, 16, F_NEXT, 1);
	set_desc(1, STATUS_GPA, 1, F_WRITE, 0);
	expect_answer(VIRTIO_BLK_S_IOERR, 1);
}

static void test_get_id_writes_padded_id(void **state)
{
	char want[VIRTIO_BLK_ID_BYTES] = VIRTIO_BLK_ID;

	(void)state;
	setup(false, false, 200);
	start(QSIZE);
	memset(ram_ptr(DATA_GPA, 64), 0xee, 64);
	request3(0, VIRTIO_BLK_T_GET_ID, 0, DATA_GPA, 64, F_WRITE, STATUS_GPA);
	expect_answer(VIRTIO_BLK_S_OK, VIRTIO_BLK_ID_BYTES + 1);
	assert_memory_equal(ram_ptr(DATA_GPA, VIRTIO_BLK_ID_BYTES), want, VIRTIO_BLK_ID_BYTES);
	assert_int_equal(*(uint8_t *)ram_ptr(DATA_GPA + VIRTIO_BLK_ID_BYTES, 1), 0xee);
	assert_int_equal(env.submits, 0);
}

static void test_get_id_fills_a_short_buffer(void **state)
{
	(void)state;
	setup(false, false, 200);
	start(QSIZE);
	memset(ram_ptr(DATA_GPA, 64), 0xee, 64);
	request3(0, VIRTIO_BLK_T_GET_ID, 0, DATA_GPA, 4, F_WRITE, STATUS_GPA);
	expect_answer(VIRTIO_BLK_S_OK, 5);
	assert_memory_equal(ram_ptr(DATA_GPA, 4), "hv-v", 4);
	assert_int_equal(*(uint8_t *)ram_ptr(DATA_GPA + 4, 1), 0xee);
}

static void test_unknown_type_unsupported(void **state)
{
	(void)state;
	setup(true, false, 200);
	start(QSIZE);
	request3(0, 11 /* DISCARD, not offered */, 0, DATA_GPA, 16, 0, STATUS_GPA);
	expect_answer(VIRTIO_BLK_S_UNSUPP, 1);
	request3(0, 0xffffffffu, 0, DATA_GPA, SECTOR, F_WRITE, STATUS_GPA);
	expect_answer(VIRTIO_BLK_S_UNSUPP, 1);
	assert_int_equal(env.submits, 0);
}

static void test_sector_beyond_capacity_ioerr(void **state)
{
	(void)state;
	setup(false, false, 200);
	start(QSIZE);
	request3(0, VIRTIO_BLK_T_IN, 199, DATA_GPA, 2 * SECTOR, F_WRITE, STATUS_GPA);
	expect_answer(VIRTIO_BLK_S_IOERR, 1);
	request3(0, VIRTIO_BLK_T_OUT, 200, DATA_GPA, SECTOR, 0, STATUS_GPA);
	expect_answer(VIRTIO_BLK_S_IOERR, 1);
	/* The last sector itself is fine. */
	request3(0, VIRTIO_BLK_T_IN, 199, DATA_GPA, SECTOR, F_WRITE, STATUS_GPA);
	expect_answer(VIRTIO_BLK_S_OK, SECTOR + 1);
	assert_int_equal(env.submits, 1);
}

static void test_sector_overflow_ioerr(void **state)
{
	(void)state;
	setup(false, false, 200);
	start(QSIZE);
	request3(0, VIRTIO_BLK_T_IN, UINT64_MAX, DATA_GPA, SECTOR, F_WRITE, STATUS_GPA);
	expect_answer(VIRTIO_BLK_S_IOERR, 1);
	request3(0, VIRTIO_BLK_T_OUT, UINT64_MAX / SECTOR, DATA_GPA, SECTOR, 0, STATUS_GPA);
	expect_answer(VIRTIO_BLK_S_IOERR, 1);
	assert_int_equal(env.submits, 0);
}

static void test_partial_or_empty_sector_ioerr(void **state)
{
	(void)state;
	setup(false, false, 200);
	start(QSIZE);
	request3(0, VIRTIO_BLK_T_IN, 0, DATA_GPA, SECTOR + 1, F_WRITE, STATUS_GPA);
	expect_answer(VIRTIO_BLK_S_IOERR, 1);
	request3(0, VIRTIO_BLK_T_OUT, 0, DATA_GPA, 511, 0, STATUS_GPA);
	expect_answer(VIRTIO_BLK_S_IOERR, 1);
	/* No data at all: header, then status. */
	write_hdr(HDR_GPA, VIRTIO_BLK_T_IN, 0);
	set_desc(0, HDR_GPA, 16, F_NEXT, 1);
	set_desc(1, STATUS_GPA, 1, F_WRITE, 0);
	expect_answer(VIRTIO_BLK_S_IOERR, 1);
	assert_int_equal(env.submits, 0);
}

static void test_in_with_readable_data_ioerr(void **state)
{
	(void)state;
	setup(false, false, 200);
	start(QSIZE);
	request3(0, VIRTIO_BLK_T_IN, 0, DATA_GPA, SECTOR, 0, STATUS_GPA);
	expect_answer(VIRTIO_BLK_S_IOERR, 1);
	assert_int_equal(env.submits, 0);
}

static void test_out_with_writable_data_ioerr(void **state)
{
	(void)state;
	setup(false, false, 200);
	start(QSIZE);
	request3(0, VIRTIO_BLK_T_OUT, 0, DATA_GPA, SECTOR, F_WRITE, STATUS_GPA);
	expect_answer(VIRTIO_BLK_S_IOERR, 1);
	assert_int_equal(env.submits, 0);
}

static void test_out_on_read_only_backend_ioerr(void **state)
{
	(void)state;
	setup(false, true, 200);
	start(QSIZE);
	request3(0, VIRTIO_BLK_T_OUT, 0, DATA_GPA, SECTOR, 0, STATUS_GPA);
	expect_answer(VIRTIO_BLK_S_IOERR, 1);
	request3(0, VIRTIO_BLK_T_IN, 0, DATA_GPA, SECTOR, F_WRITE, STATUS_GPA);
	expect_answer(VIRTIO_BLK_S_OK, SECTOR + 1);
	assert_int_equal(env.submits, 1);
}

static void test_short_header_ioerr(void **state)
{
	(void)state;
	setup(false, false, 200);
	start(QSIZE);
	write_hdr(HDR_GPA, VIRTIO_BLK_T_IN, 0);
	set_desc(0, HDR_GPA, 15, F_NEXT, 1);
	set_desc(1, DATA_GPA, SECTOR, F_NEXT | F_WRITE, 2);
	set_desc(2, STATUS_GPA, 1, F_WRITE, 0);
	expect_answer(VIRTIO_BLK_S_IOERR, 1);
	assert_int_equal(env.submits, 0);
}

static void test_more_than_seg_max_segments_ioerr(void **state)
{
	uint16_t i;
	const uint16_t nseg = VIRTIO_BLK_MAX_SEGS + 1;

	(void)state;
	setup(false, false, 200);
	start(VIRTIO_BLK_QUEUE_MAX);
	write_hdr(HDR_GPA, VIRTIO_BLK_T_IN, 0);
	set_desc(0, HDR_GPA, 16, F_NEXT, 1);
	for (i = 1; i <= nseg; i++)
		set_desc(i, DATA_GPA + 512u * (i - 1u), SECTOR, F_NEXT | F_WRITE,
			 (uint16_t)(i + 1));
	set_desc((uint16_t)(nseg + 1), STATUS_GPA, 1, F_WRITE, 0);
	expect_answer(VIRTIO_BLK_S_IOERR, 1);
	/* One fewer is fine. */
	set_desc(nseg, STATUS_GPA, 1, F_WRITE, 0);
	expect_answer(VIRTIO_BLK_S_OK, VIRTIO_BLK_MAX_SEGS * SECTOR + 1);
	assert_int_equal(env.last.nsegs, VIRTIO_BLK_MAX_SEGS);
}

/* ---- wild descriptors ---- */

static void expect_data_buffer_refused(uint64_t addr, uint32_t len, uint16_t extra_flags)
{
	setup(false, false, 200);
	start(QSIZE);
	request3(0, VIRTIO_BLK_T_IN, 0, addr, len, (uint16_t)(F_WRITE | extra_flags), STATUS_GPA);
	expect_answer(VIRTIO_BLK_S_IOERR, 1);
	assert_int_equal(env.submits, 0);
	assert_false(rd(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_DEVICE_NEEDS_RESET);
}

static void test_data_above_ram_ioerr(void **state)
{
	(void)state;
	expect_data_buffer_refused(RAM_BASE + RAM_SIZE, SECTOR, 0);
	expect_data_buffer_refused(RAM_BASE + RAM_SIZE - 256, SECTOR, 0);
	expect_data_buffer_refused(0x1000000000ull, SECTOR, 0);
}

static void test_data_below_ram_ioerr(void **state)
{
	(void)state;
	expect_data_buffer_refused(RAM_BASE - SECTOR, SECTOR, 0);
	expect_data_buffer_refused(RAM_BASE - 256, SECTOR, 0);
	expect_data_buffer_refused(0, SECTOR, 0);
}

static void test_wrapping_data_buffer_ioerr(void **state)
{
	(void)state;
	expect_data_buffer_refused(UINT64_MAX - 100, SECTOR, 0);
	expect_data_buffer_refused(UINT64_MAX - SECTOR + 1, SECTOR, 0);
	/* Wraps around to land inside RAM. */
	expect_data_buffer_refused(UINT64_MAX - 0xff, (uint32_t)(RAM_BASE + 0x100 + SECTOR), 0);
}

static void test_indirect_descriptor_ioerr(void **state)
{
	(void)state;
	expect_data_buffer_refused(DATA_GPA, SECTOR, VIRTQ_DESC_F_INDIRECT);
}

static void test_zero_length_descriptor_ioerr(void **state)
{
	(void)state;
	setup(false, false, 200);
	start(QSIZE);
	write_hdr(HDR_GPA, VIRTIO_BLK_T_IN, 0);
	set_desc(0, HDR_GPA, 16, F_NEXT, 1);
	set_desc(1, DATA_GPA, 0, F_NEXT | F_WRITE, 2);
	set_desc(2, DATA_GPA, SECTOR, F_NEXT | F_WRITE, 3);
	set_desc(3, STATUS_GPA, 1, F_WRITE, 0);
	expect_answer(VIRTIO_BLK_S_IOERR, 1);
	assert_int_equal(env.submits, 0);
}

static void test_readable_after_writable_ioerr(void **state)
{
	(void)state;
	setup(false, false, 200);
	start(QSIZE);
	write_hdr(HDR_GPA, VIRTIO_BLK_T_OUT, 0);
	set_desc(0, HDR_GPA, 16, F_NEXT, 1);
	set_desc(1, DATA2_GPA, SECTOR, F_NEXT | F_WRITE, 2);
	set_desc(2, DATA_GPA, SECTOR, F_NEXT, 3);
	set_desc(3, STATUS_GPA, 1, F_WRITE, 0);
	expect_answer(VIRTIO_BLK_S_IOERR, 1);
	assert_int_equal(env.submits, 0);
}

/* A chain with no status byte: returned empty, device needs a reset and
 * takes nothing more until then. */
static void expect_given_up(void)
{
	post(0);
	kick();
	assert_int_equal(used_idx(), 1);
	assert_int_equal(used_id(0), 0);
	assert_int_equal(used_len(0), 0);
	assert_int_equal(env.submits, 0);
	expect_needs_reset();
	assert_true(rd(VIRTIO_MMIO_INTERRUPT_STATUS) & VIRTIO_MMIO_INT_VRING);
}

static void test_next_out_of_range_needs_reset(void **state)
{
	(void)state;
	setup(false, false, 200);
	start(QSIZE);
	request3(0, VIRTIO_BLK_T_IN, 0, DATA_GPA, SECTOR, F_WRITE, STATUS_GPA);
	set_desc(1, DATA_GPA, SECTOR, F_NEXT | F_WRITE, QSIZE);
	expect_given_up();
	assert_int_equal(status_at(STATUS_GPA), STATUS_UNTOUCHED);
}

static void test_descriptor_loop_needs_reset(void **state)
{
	(void)state;
	setup(false, false, 200);
	start(QSIZE);
	request3(0, VIRTIO_BLK_T_IN, 0, DATA_GPA, SECTOR, F_WRITE, STATUS_GPA);
	set_desc(2, STATUS_GPA, 1, F_NEXT | F_WRITE, 1);
	expect_given_up();
	assert_int_equal(status_at(STATUS_GPA), STATUS_UNTOUCHED);
}

/* Every descriptor of the largest queue chained in a ring: an endless (or
 * 65536-long) chain can only revisit descriptors. */
static void test_chain_through_whole_table_needs_reset(void **state)
{
	uint16_t i;

	(void)state;
	setup(false, false, 200);
	start(VIRTIO_BLK_QUEUE_MAX);
	write_hdr(HDR_GPA, VIRTIO_BLK_T_IN, 0);
	set_desc(0, HDR_GPA, 16, F_NEXT, 1);
	for (i = 1; i < VIRTIO_BLK_QUEUE_MAX; i++)
		set_desc(i, STATUS_GPA, 1, F_NEXT | F_WRITE,
			 (uint16_t)((i + 1u) % VIRTIO_BLK_QUEUE_MAX));
	env.desc_fetches = 0;
	expect_given_up();
	assert_int_equal(env.desc_fetches, VIRTIO_BLK_QUEUE_MAX);
}

static void test_no_writable_descriptor_needs_reset(void **state)
{
	(void)state;
	setup(false, false, 200);
	start(QSIZE);
	request3(0, VIRTIO_BLK_T_OUT, 0, DATA_GPA, SECTOR, 0, STATUS_GPA);
	set_desc(1, DATA_GPA, SECTOR, 0, 0);
	expect_given_up();
}

static void test_status_byte_outside_ram_needs_reset(void **state)
{
	(void)state;
	setup(false, false, 200);
	start(QSIZE);
	request3(0, VIRTIO_BLK_T_IN, 0, DATA_GPA, SECTOR, F_WRITE, STATUS_GPA);
	set_desc(2, RAM_BASE + RAM_SIZE, 1, F_WRITE, 0);
	expect_given_up();
}

/* The status byte is still written when only the data buffer is bad. */
static void test_bad_chain_with_status_byte_gets_ioerr_not_reset(void **state)
{
	(void)state;
	expect_data_buffer_refused(RAM_BASE - 1, 2, 0);
	assert_int_equal(rd(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_DEVICE_NEEDS_RESET, 0);
	assert_int_equal(rd(VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_MMIO_INT_VRING);
}

static void test_head_out_of_range_needs_reset(void **state)
{
	(void)state;
	setup(false, false, 200);
	start(QSIZE);
	request3(0, VIRTIO_BLK_T_IN, 0, DATA_GPA, SECTOR, F_WRITE, STATUS_GPA);
	post(QSIZE);
	kick();
	assert_int_equal(used_idx(), 0);
	expect_needs_reset();
}

static void test_avail_idx_jump_needs_reset(void **state)
{
	(void)state;
	setup(false, false, 200);
	start(QSIZE);
	request3(0, VIRTIO_BLK_T_IN, 0, DATA_GPA, SECTOR, F_WRITE, STATUS_GPA);
	publish_idx(QSIZE + 1);
	kick();
	assert_int_equal(used_idx(), 0);
	assert_int_equal(env.submits, 0);
	expect_needs_reset();
}

static void test_needs_reset_holds_until_reset(void **state)
{
	(void)state;
	setup(false, false, 200);
	start(QSIZE);
	publish_idx(0xffff);
	kick();
	expect_needs_reset();
	/* The driver cannot clear the bit; nothing is taken. */
	wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
				   VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK);
	assert_true(rd(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_DEVICE_NEEDS_RESET);
	request3(0, VIRTIO_BLK_T_IN, 0, DATA_GPA, SECTOR, F_WRITE, STATUS_GPA);
	publish_idx(1);
	kick();
	assert_int_equal(env.submits, 0);
	/* After a reset and a new bring-up, the device works again. */
	start(QSIZE);
	assert_false(virtio_blk_irq(&env.dev));
	request3(0, VIRTIO_BLK_T_IN, 0, DATA_GPA, SECTOR, F_WRITE, STATUS_GPA);
	expect_answer(VIRTIO_BLK_S_OK, SECTOR + 1);
}

/* Each descriptor is read from the table exactly once per chain. */
static void test_each_descriptor_fetched_once(void **state)
{
	(void)state;
	setup(false, false, 200);
	start(QSIZE);
	request3(0, VIRTIO_BLK_T_IN, 0, DATA_GPA, SECTOR, F_WRITE, STATUS_GPA);
	env.desc_fetches = 0;
	expect_answer(VIRTIO_BLK_S_OK, SECTOR + 1);
	assert_int_equal(env.desc_fetches, 3);
}

/* ---- reset and completions ---- */

static void test_reset_clears_registers_and_interrupts(void **state)
{
	(void)state;
	setup(false, false, 200);
	start(QSIZE);
	publish_idx(100);
	kick();
	wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	wr(VIRTIO_MMIO_QUEUE_SEL, 5);
	wr(VIRTIO_MMIO_STATUS, 0);
	assert_int_equal(rd(VIRTIO_MMIO_STATUS), 0);
	assert_int_equal(rd(VIRTIO_MMIO_INTERRUPT_STATUS), 0);
	assert_false(virtio_blk_irq(&env.dev));
	assert_int_equal(rd(VIRTIO_MMIO_DEVICE_FEATURES), 1u << VIRTIO_BLK_F_SEG_MAX);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_NUM_MAX), VIRTIO_BLK_QUEUE_MAX);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_READY), 0);
	/* Driver features and queue layout are gone too: FEATURES_OK needs
	 * VERSION_1 written anew, the queue a size and rings anew. */
	wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_FEATURES_OK);
	assert_int_equal(rd(VIRTIO_MMIO_STATUS), 0);
	write_features(1ull << VIRTIO_F_VERSION_1);
	wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_FEATURES_OK);
	wr(VIRTIO_MMIO_QUEUE_READY, 1);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_READY), 0);
}

static void test_reset_starts_rings_at_index_zero(void **state)
{
	(void)state;
	setup(false, false, 200);
	start(QSIZE);
	request3(0, VIRTIO_BLK_T_IN, 0, DATA_GPA, SECTOR, F_WRITE, STATUS_GPA);
	expect_answer(VIRTIO_BLK_S_OK, SECTOR + 1);
	expect_answer(VIRTIO_BLK_S_OK, SECTOR + 1);
	start(QSIZE);
	request3(0, VIRTIO_BLK_T_IN, 0, DATA_GPA, SECTOR, F_WRITE, STATUS_GPA);
	expect_answer(VIRTIO_BLK_S_OK, SECTOR + 1);
	assert_int_equal(used_idx(), 1);
}

static void test_deferred_completion_answers_later(void **state)
{
	(void)state;
	setup(false, false, 200);
	start(QSIZE);
	env.defer = true;
	request3(0, VIRTIO_BLK_T_IN, 5, DATA_GPA, SECTOR, F_WRITE, STATUS_GPA);
	post(0);
	kick();
	assert_int_equal(env.submits, 1);
	assert_int_equal(used_idx(), 0);
	assert_int_equal(status_at(STATUS_GPA), STATUS_UNTOUCHED);
	assert_false(virtio_blk_irq(&env.dev));
	virtio_blk_complete(&env.dev, 0, disk_io(&env.last));
	assert_int_equal(used_idx(), 1);
	assert_int_equal(used_len(0), SECTOR + 1);
	assert_int_equal(status_at(STATUS_GPA), VIRTIO_BLK_S_OK);
	assert_memory_equal(ram_ptr(DATA_GPA, SECTOR), env.disk + 5 * SECTOR, SECTOR);
	assert_true(virtio_blk_irq(&env.dev));
}

static void test_backend_error_reports_status_only(void **state)
{
	(void)state;
	setup(false, false, 200);
	start(QSIZE);
	env.defer = true;
	request3(0, VIRTIO_BLK_T_IN, 5, DATA_GPA, SECTOR, F_WRITE, STATUS_GPA);
	post(0);
	kick();
	virtio_blk_complete(&env.dev, 0, VIRTIO_BLK_S_IOERR);
	assert_int_equal(used_len(0), 1);
	assert_int_equal(status_at(STATUS_GPA), VIRTIO_BLK_S_IOERR);
}

static void test_busy_backend_keeps_chain_for_next_notify(void **state)
{
	(void)state;
	setup(false, false, 200);
	start(QSIZE);
	env.refuse = 1;
	request3(0, VIRTIO_BLK_T_IN, 0, DATA_GPA, SECTOR, F_WRITE, STATUS_GPA);
	post(0);
	kick();
	assert_int_equal(env.refusals, 1);
	assert_int_equal(used_idx(), 0);
	kick();
	assert_int_equal(env.submits, 1);
	assert_int_equal(used_idx(), 1);
	assert_int_equal(status_at(STATUS_GPA), VIRTIO_BLK_S_OK);
}

static void test_busy_backend_retried_on_completion(void **state)
{
	(void)state;
	setup(false, false, 200);
	start(QSIZE);
	env.defer = true;
	request3(0, VIRTIO_BLK_T_IN, 0, DATA_GPA, SECTOR, F_WRITE, STATUS_GPA);
	request3(3, VIRTIO_BLK_T_IN, 1, DATA2_GPA, SECTOR, F_WRITE, STATUS_GPA + 1);
	post(0);
	kick();
	env.refuse = 1;
	post(3);
	kick();
	assert_int_equal(env.submits, 1);
	assert_int_equal(env.refusals, 1);
	env.defer = false;
	virtio_blk_complete(&env.dev, 0, VIRTIO_BLK_S_OK);
	assert_int_equal(env.submits, 2);
	assert_int_equal(used_idx(), 2);
	assert_int_equal(used_id(0), 0);
	assert_int_equal(used_id(1), 3);
	assert_int_equal(status_at(STATUS_GPA + 1), VIRTIO_BLK_S_OK);
}

/* The backend completes an older request while refusing a new one: the
 * freed room is used at once, not at the next notify. */
static void test_completion_inside_refusal_retries_at_once(void **state)
{
	(void)state;
	setup(false, false, 200);
	start(QSIZE);
	env.defer = true;
	request3(0, VIRTIO_BLK_T_IN, 0, DATA_GPA, SECTOR, F_WRITE, STATUS_GPA);
	post(0);
	kick();
	env.defer = false;
	env.refuse = 1;
	env.complete_when_refusing = 0;
	request3(3, VIRTIO_BLK_T_IN, 1, DATA2_GPA, SECTOR, F_WRITE, STATUS_GPA + 1);
	post(3);
	kick();
	assert_int_equal(env.refusals, 1);
	assert_int_equal(env.submits, 2);
	assert_int_equal(used_idx(), 2);
	assert_int_equal(used_id(1), 3);
}

static void test_completion_of_head_not_in_flight_ignored(void **state)
{
	(void)state;
	setup(false, false, 200);
	start(QSIZE);
	virtio_blk_complete(&env.dev, 0, VIRTIO_BLK_S_OK);
	virtio_blk_complete(&env.dev, 5, VIRTIO_BLK_S_OK);
	virtio_blk_complete(&env.dev, VIRTIO_BLK_QUEUE_MAX, VIRTIO_BLK_S_OK);
	virtio_blk_complete(&env.dev, 0xffff, VIRTIO_BLK_S_OK);
	assert_int_equal(used_idx(), 0);
	assert_false(virtio_blk_irq(&env.dev));
	/* A second completion of the same head is ignored as well. */
	env.defer = true;
	request3(0, VIRTIO_BLK_T_IN, 0, DATA_GPA, SECTOR, F_WRITE, STATUS_GPA);
	post(0);
	kick();
	virtio_blk_complete(&env.dev, 0, VIRTIO_BLK_S_OK);
	virtio_blk_complete(&env.dev, 0, VIRTIO_BLK_S_IOERR);
	assert_int_equal(used_idx(), 1);
	assert_int_equal(status_at(STATUS_GPA), VIRTIO_BLK_S_OK);
}

static void test_reused_head_waits_for_its_completion(void **state)
{
	(void)state;
	setup(false, false, 200);
	start(QSIZE);
	env.defer = true;
	request3(0, VIRTIO_BLK_T_IN, 0, DATA_GPA, SECTOR, F_WRITE, STATUS_GPA);
	post(0);
	kick();
	post(0);
	kick();
	assert_int_equal(env.submits, 1);
	virtio_blk_complete(&env.dev, 0, VIRTIO_BLK_S_OK);
	assert_int_equal(env.submits, 2);
	virtio_blk_complete(&env.dev, 0, VIRTIO_BLK_S_OK);
	assert_int_equal(used_idx(), 2);
}

static void test_completion_after_reset_is_dropped(void **state)
{
	(void)state;
	setup(false, false, 200);
	start(QSIZE);
	env.defer = true;
	request3(0, VIRTIO_BLK_T_IN, 0, DATA_GPA, SECTOR, F_WRITE, STATUS_GPA);
	post(0);
	kick();
	wr(VIRTIO_MMIO_STATUS, 0);
	virtio_blk_complete(&env.dev, 0, VIRTIO_BLK_S_OK);
	assert_int_equal(used_idx(), 0);
	assert_int_equal(status_at(STATUS_GPA), STATUS_UNTOUCHED);
	assert_false(virtio_blk_irq(&env.dev));
}

static void test_queue_stop_drops_inflight_completion(void **state)
{
	(void)state;
	setup(false, false, 200);
	start(QSIZE);
	env.defer = true;
	request3(0, VIRTIO_BLK_T_IN, 0, DATA_GPA, SECTOR, F_WRITE, STATUS_GPA);
	post(0);
	kick();
	wr(VIRTIO_MMIO_QUEUE_READY, 0);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_READY), 0);
	virtio_blk_complete(&env.dev, 0, VIRTIO_BLK_S_OK);
	assert_int_equal(used_idx(), 0);
	assert_false(virtio_blk_irq(&env.dev));
}

/* A head still with the backend from before a reset is not reused until
 * the backend lets go of it. */
static void test_head_from_before_reset_waits(void **state)
{
	(void)state;
	setup(false, false, 200);
	start(QSIZE);
	env.defer = true;
	request3(0, VIRTIO_BLK_T_IN, 0, DATA_GPA, SECTOR, F_WRITE, STATUS_GPA);
	post(0);
	kick();
	start(QSIZE);
	env.defer = false;
	request3(0, VIRTIO_BLK_T_IN, 0, DATA_GPA, SECTOR, F_WRITE, STATUS_GPA);
	post(0);
	kick();
	assert_int_equal(env.submits, 1);
	assert_int_equal(used_idx(), 0);
	virtio_blk_complete(&env.dev, 0, VIRTIO_BLK_S_IOERR); /* the old one */
	assert_int_equal(env.submits, 2);
	assert_int_equal(used_idx(), 1);
	assert_int_equal(used_len(0), SECTOR + 1);
	assert_int_equal(status_at(STATUS_GPA), VIRTIO_BLK_S_OK);
}

/* Guest RAM that no longer translates (the translation is asked again at
 * every access, never trusted from an earlier check) stops the device. */
static void test_rings_gone_at_notify_needs_reset(void **state)
{
	(void)state;
	setup(false, false, 200);
	start(QSIZE);
	request3(0, VIRTIO_BLK_T_IN, 0, DATA_GPA, SECTOR, F_WRITE, STATUS_GPA);
	post(0);
	env.ram_limit = 0x1000; /* the descriptor table stays, the rings go */
	kick();
	assert_int_equal(env.submits, 0);
	expect_needs_reset();
}

static void test_status_byte_gone_at_completion_needs_reset(void **state)
{
	(void)state;
	setup(false, false, 200);
	start(QSIZE);
	env.defer = true;
	request3(0, VIRTIO_BLK_T_IN, 0, DATA_GPA, SECTOR, F_WRITE, STATUS_GPA);
	post(0);
	kick();
	env.ram_limit = 0x3000; /* the used ring stays, the status byte goes */
	virtio_blk_complete(&env.dev, 0, VIRTIO_BLK_S_OK);
	assert_int_equal(used_idx(), 1);
	assert_int_equal(used_len(0), 0);
	assert_int_equal(status_at(STATUS_GPA), STATUS_UNTOUCHED);
	expect_needs_reset();
}

static void test_used_ring_gone_at_completion_needs_reset(void **state)
{
	(void)state;
	setup(false, false, 200);
	start(QSIZE);
	env.defer = true;
	request3(0, VIRTIO_BLK_T_IN, 0, DATA_GPA, SECTOR, F_WRITE, STATUS_GPA);
	post(0);
	kick();
	env.ram_limit = 0x2000;
	virtio_blk_complete(&env.dev, 0, VIRTIO_BLK_S_OK);
	assert_int_equal(used_idx(), 0);
	expect_needs_reset();
	assert_false(rd(VIRTIO_MMIO_INTERRUPT_STATUS) & VIRTIO_MMIO_INT_VRING);
}

/* Fail each translation of one request in turn (the first, the second,
 * ... until none is left): the device answers IOERR or stops, and never
 * hands the backend a bad segment (the backend checks) nor crashes. */
static void fail_each_translation(uint32_t type, uint32_t len, uint16_t data_flags, uint32_t ok_len)
{
	unsigned k, answered = 0, stopped = 0;

	for (k = 1;; k++) {
		setup(false, false, 200);
		start(QSIZE);
		request3(0, type, 0, DATA_GPA, len, data_flags, STATUS_GPA);
		post(0);
		env.fail_at = env.translations + k;
		kick();
		if (env.translations < env.fail_at) {
			assert_int_equal(status_at(STATUS_GPA), VIRTIO_BLK_S_OK);
			assert_int_equal(used_len(0), ok_len);
			break;
		}
		if (rd(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_DEVICE_NEEDS_RESET) {
			stopped++;
			continue;
		}
		assert_int_equal(used_idx(), 1);
		assert_int_equal(used_len(0), 1);
		assert_int_equal(status_at(STATUS_GPA), VIRTIO_BLK_S_IOERR);
		answered++;
	}
	assert_true(answered > 0 && stopped > 0);
}

static void test_failed_translation_during_in(void **state)
{
	(void)state;
	fail_each_translation(VIRTIO_BLK_T_IN, SECTOR, F_WRITE, SECTOR + 1);
}

static void test_failed_translation_during_out(void **state)
{
	(void)state;
	fail_each_translation(VIRTIO_BLK_T_OUT, SECTOR, 0, 1);
}

static void test_failed_translation_during_get_id(void **state)
{
	(void)state;
	fail_each_translation(VIRTIO_BLK_T_GET_ID, VIRTIO_BLK_ID_BYTES, F_WRITE,
			      VIRTIO_BLK_ID_BYTES + 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_identity_registers_and_config),
	    cmocka_unit_test(test_capacity_reads_in_every_width),
	    cmocka_unit_test(test_offers_version_1_and_seg_max_only),
	    cmocka_unit_test(test_offers_flush_and_ro_from_backend),
	    cmocka_unit_test(test_registers_take_aligned_words_only),
	    cmocka_unit_test(test_handshake_brings_queue_up),
	    cmocka_unit_test(test_features_ok_refused_without_version_1),
	    cmocka_unit_test(test_features_ok_refused_for_bits_not_offered),
	    cmocka_unit_test(test_queue_ready_needs_features_ok),
	    cmocka_unit_test(test_queue_ready_needs_power_of_two_size_up_to_max),
	    cmocka_unit_test(test_queue_ready_needs_aligned_rings),
	    cmocka_unit_test(test_queue_ready_needs_rings_inside_ram),
	    cmocka_unit_test(test_other_queues_do_not_exist),
	    cmocka_unit_test(test_queue_layout_is_frozen_while_ready),
	    cmocka_unit_test(test_interrupt_ack_lowers_the_line),
	    cmocka_unit_test(test_notify_ignored_before_driver_ok_and_for_other_queues),
	    cmocka_unit_test(test_out_then_in_round_trip),
	    cmocka_unit_test(test_split_header_and_odd_data_pieces),
	    cmocka_unit_test(test_chain_of_queue_size_descriptors_is_accepted),
	    cmocka_unit_test(test_flush_reaches_backend),
	    cmocka_unit_test(test_flush_unsupported_when_backend_cannot),
	    cmocka_unit_test(test_flush_with_data_ioerr),
	    cmocka_unit_test(test_get_id_needs_a_writable_buffer_only),
	    cmocka_unit_test(test_get_id_writes_padded_id),
	    cmocka_unit_test(test_get_id_fills_a_short_buffer),
	    cmocka_unit_test(test_unknown_type_unsupported),
	    cmocka_unit_test(test_sector_beyond_capacity_ioerr),
	    cmocka_unit_test(test_sector_overflow_ioerr),
	    cmocka_unit_test(test_partial_or_empty_sector_ioerr),
	    cmocka_unit_test(test_in_with_readable_data_ioerr),
	    cmocka_unit_test(test_out_with_writable_data_ioerr),
	    cmocka_unit_test(test_out_on_read_only_backend_ioerr),
	    cmocka_unit_test(test_short_header_ioerr),
	    cmocka_unit_test(test_more_than_seg_max_segments_ioerr),
	    cmocka_unit_test(test_data_above_ram_ioerr),
	    cmocka_unit_test(test_data_below_ram_ioerr),
	    cmocka_unit_test(test_wrapping_data_buffer_ioerr),
	    cmocka_unit_test(test_indirect_descriptor_ioerr),
	    cmocka_unit_test(test_zero_length_descriptor_ioerr),
	    cmocka_unit_test(test_readable_after_writable_ioerr),
	    cmocka_unit_test(test_next_out_of_range_needs_reset),
	    cmocka_unit_test(test_descriptor_loop_needs_reset),
	    cmocka_unit_test(test_chain_through_whole_table_needs_reset),
	    cmocka_unit_test(test_no_writable_descriptor_needs_reset),
	    cmocka_unit_test(test_status_byte_outside_ram_needs_reset),
	    cmocka_unit_test(test_bad_chain_with_status_byte_gets_ioerr_not_reset),
	    cmocka_unit_test(test_head_out_of_range_needs_reset),
	    cmocka_unit_test(test_avail_idx_jump_needs_reset),
	    cmocka_unit_test(test_needs_reset_holds_until_reset),
	    cmocka_unit_test(test_each_descriptor_fetched_once),
	    cmocka_unit_test(test_reset_clears_registers_and_interrupts),
	    cmocka_unit_test(test_reset_starts_rings_at_index_zero),
	    cmocka_unit_test(test_deferred_completion_answers_later),
	    cmocka_unit_test(test_backend_error_reports_status_only),
	    cmocka_unit_test(test_busy_backend_keeps_chain_for_next_notify),
	    cmocka_unit_test(test_busy_backend_retried_on_completion),
	    cmocka_unit_test(test_completion_inside_refusal_retries_at_once),
	    cmocka_unit_test(test_completion_of_head_not_in_flight_ignored),
	    cmocka_unit_test(test_reused_head_waits_for_its_completion),
	    cmocka_unit_test(test_completion_after_reset_is_dropped),
	    cmocka_unit_test(test_queue_stop_drops_inflight_completion),
	    cmocka_unit_test(test_head_from_before_reset_waits),
	    cmocka_unit_test(test_rings_gone_at_notify_needs_reset),
	    cmocka_unit_test(test_status_byte_gone_at_completion_needs_reset),
	    cmocka_unit_test(test_used_ring_gone_at_completion_needs_reset),
	    cmocka_unit_test(test_failed_translation_during_in),
	    cmocka_unit_test(test_failed_translation_during_out),
	    cmocka_unit_test(test_failed_translation_during_get_id),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
