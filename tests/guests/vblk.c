/*
 * A polled virtio-blk driver (virtio-mmio version 2, one split virtqueue,
 * no interrupts taken) that keeps a checksummed record on the disk across
 * boots. The runner gives a fresh zeroed disk and boots twice (vblk.disk):
 *   boot 1 finds no record and writes record 1;
 *   boot 2 verifies record 1 and writes record 2.
 * A record is sector RECORD_SECTOR (magic, sequence number, checksum) and
 * a 64 KiB data area filled with a pattern derived from the sequence
 * number. Each boot writes the data, flushes, writes the record sector,
 * flushes, and reads both back into other buffers to compare. Requests
 * are framed several ways (a device must not assume the framing), the
 * chains wrap around the descriptor table and the rings, and GET_ID, an
 * unsupported type and requests past the capacity get their statuses.
 */
#include <stddef.h>
#include <string.h>

#include "blk.h"
#include "rt/rt.h"
#include "virtio.h"

#define VIRTIO_BLK_T_UNKNOWN 0xffU

/* The record on the disk: sector 1 (sector 0 stays free, as a partition
 * table would) and a 64 KiB data area further on. */
#define RECORD_SECTOR  1U
#define DATA_SECTOR    8U
#define DATA_BYTES     (64U * 1024U)
#define DATA_SECTORS   (DATA_BYTES / SECTOR_SIZE)
#define RECORD_MAGIC   UL(0x64726f6365726b62) /* "bkrecord" */

struct record {
	uint64_t magic;
	uint64_t seq;
	uint64_t checksum;
	uint64_t data_sector;
	uint64_t data_bytes;
};

static uint8_t write_buf[DATA_BYTES];
static uint8_t read_buf[DATA_BYTES];
/* Header and record sector in one readable descriptor. */
static struct {
	struct blk_header header;
	uint8_t sector[SECTOR_SIZE];
} record_out;
/* Record sector and status in one writable descriptor. */
static struct {
	uint8_t sector[SECTOR_SIZE];
	uint8_t status;
} record_in;

_Static_assert(offsetof(__typeof__(record_out), sector) == sizeof(struct blk_header),
	       "record sector right after the header");
_Static_assert(offsetof(__typeof__(record_in), status) == SECTOR_SIZE,
	       "status right after the sector");

/* Odd pieces of the data area, summing to DATA_BYTES. */
static const uint32_t data_pieces[] = { 1, 511, 4097, 3, 30000, 30924 };
_Static_assert(1 + 511 + 4097 + 3 + 30000 + 30924 == DATA_BYTES, "pieces cover the area");
_Static_assert(sizeof(data_pieces) / sizeof(data_pieces[0]) + 2 <= QNUM,
	       "header, pieces and status fit in the queue");

/* The data area in the odd pieces of data_pieces. */
static unsigned split(struct seg *segs, const volatile uint8_t *buf, bool device_writes)
{
	unsigned n = 0;
	for (uint32_t off = 0; n < sizeof(data_pieces) / sizeof(data_pieces[0]); n++) {
		segs[n] = (struct seg){ buf + off, data_pieces[n], device_writes };
		off += data_pieces[n];
	}
	return n;
}

static uint8_t read_data_whole(void)
{
	memset(read_buf, DATA_POISON, sizeof(read_buf));
	struct seg data = { read_buf, DATA_BYTES, true };
	return request(VIRTIO_BLK_T_IN, DATA_SECTOR, &data, 1);
}

static uint8_t read_data_split(void)
{
	struct seg segs[QNUM];
	memset(read_buf, DATA_POISON, sizeof(read_buf));
	return request(VIRTIO_BLK_T_IN, DATA_SECTOR, segs, split(segs, read_buf, true));
}

static uint8_t write_data_split(void)
{
	struct seg segs[QNUM];
	return request(VIRTIO_BLK_T_OUT, DATA_SECTOR, segs, split(segs, write_buf, false));
}

/* Header and sector in one descriptor. */
static uint8_t write_record_sector(const struct record *r)
{
	memset(&record_out, 0, sizeof(record_out));
	record_out.header = (struct blk_header){ VIRTIO_BLK_T_OUT, 0, RECORD_SECTOR };
	memcpy(record_out.sector, r, sizeof(*r));
	status = STATUS_POISON;
	struct seg segs[] = { { &record_out, sizeof(record_out), false },
			      { &status, 1, true } };
	if (!submit(segs, 2))
		return STATUS_POISON;
	return *(volatile uint8_t *)&status;
}

/* Sector and status in one descriptor. */
static uint8_t read_record_sector(void)
{
	memset(&record_in, DATA_POISON, sizeof(record_in));
	record_in.status = STATUS_POISON;
	header = (struct blk_header){ VIRTIO_BLK_T_IN, 0, RECORD_SECTOR };
	struct seg segs[] = { { &header, sizeof(header), false },
			      { &record_in, sizeof(record_in), true } };
	if (!submit(segs, 2))
		return STATUS_POISON;
	return *(volatile uint8_t *)&record_in.status;
}

static uint8_t flush(void)
{
	return request(VIRTIO_BLK_T_FLUSH, 0, NULL, 0);
}

/* The data of record seq: xorshift64 seeded from seq, one byte a step. */
static void fill_pattern(uint8_t *buf, uint64_t seq)
{
	uint64_t x = (seq + 1) * UL(0x9e3779b97f4a7c15);
	for (size_t i = 0; i < DATA_BYTES; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		buf[i] = (uint8_t)(x >> 56);
	}
}

/* FNV-1a 64. */
static uint64_t checksum(const uint8_t *buf, size_t n)
{
	uint64_t h = UL(0xcbf29ce484222325);
	for (size_t i = 0; i < n; i++)
		h = (h ^ buf[i]) * UL(0x100000001b3);
	return h;
}

static bool all_bytes(const uint8_t *buf, size_t n, uint8_t v)
{
	for (size_t i = 0; i < n; i++)
		if (buf[i] != v)
			return false;
	return true;
}

/* The record sector just read holds record seq, and read_buf its data. */
static bool record_matches(uint64_t seq)
{
	struct record r;
	memcpy(&r, record_in.sector, sizeof(r));
	fill_pattern(write_buf, seq);
	uint64_t sum = checksum(read_buf, DATA_BYTES);
	bool ok = CHECK_EQ(r.magic, RECORD_MAGIC);
	ok &= CHECK_EQ(r.seq, seq);
	ok &= CHECK_EQ(r.data_sector, DATA_SECTOR);
	ok &= CHECK_EQ(r.data_bytes, DATA_BYTES);
	ok &= CHECK(all_bytes(record_in.sector + sizeof(r), SECTOR_SIZE - sizeof(r), 0));
	ok &= CHECK_EQ(sum, r.checksum);
	ok &= CHECK(memcmp(read_buf, write_buf, DATA_BYTES) == 0);
	return ok;
}

/* Writes record seq (data, flush, record sector, flush), then reads both
 * back into other buffers and checks them. */
static void write_record(uint64_t seq)
{
	fill_pattern(write_buf, seq);
	struct record r = { .magic = RECORD_MAGIC,
			    .seq = seq,
			    .checksum = checksum(write_buf, DATA_BYTES),
			    .data_sector = DATA_SECTOR,
			    .data_bytes = DATA_BYTES };
	CHECK_EQ(write_data_split(), VIRTIO_BLK_S_OK);
	CHECK_EQ(flush(), VIRTIO_BLK_S_OK);
	CHECK_EQ(write_record_sector(&r), VIRTIO_BLK_S_OK);
	CHECK_EQ(flush(), VIRTIO_BLK_S_OK);

	CHECK_EQ(read_record_sector(), VIRTIO_BLK_S_OK);
	CHECK_EQ(read_data_whole(), VIRTIO_BLK_S_OK);
	if (record_matches(seq))
		rt_printf("vblk: record %lu written and read back\n", seq);
}

/* Boot 1 (zeroed disk) writes record 1; a later boot verifies record N
 * and writes N + 1. */
static void record_protocol(void)
{
	if (!CHECK_EQ(read_record_sector(), VIRTIO_BLK_S_OK))
		return;
	if (all_bytes(record_in.sector, SECTOR_SIZE, 0)) {
		CHECK_EQ(read_data_whole(), VIRTIO_BLK_S_OK);
		CHECK(all_bytes(read_buf, DATA_BYTES, 0));
		rt_printf("vblk: no record, writing record 1\n");
		write_record(1);
		return;
	}
	struct record r;
	memcpy(&r, record_in.sector, sizeof(r));
	if (!CHECK_EQ(r.magic, RECORD_MAGIC) || !CHECK(r.seq >= 1))
		return;
	CHECK_EQ(read_data_split(), VIRTIO_BLK_S_OK);
	if (!record_matches(r.seq)) {
		rt_printf("vblk: record %lu does not verify\n", r.seq);
		return;
	}
	rt_printf("vblk: verified record %lu, writing record %lu\n", r.seq, r.seq + 1);
	write_record(r.seq + 1);
}

static void test_get_id(void)
{
	uint8_t id[VIRTIO_BLK_ID_BYTES];
	struct seg data = { id, sizeof(id), true };
	CHECK_EQ(request(VIRTIO_BLK_T_GET_ID, 0, &data, 1), VIRTIO_BLK_S_OK);
}

static void test_unsupported_type(void)
{
	CHECK_EQ(request(VIRTIO_BLK_T_UNKNOWN, 0, NULL, 0), VIRTIO_BLK_S_UNSUPP);
}

/* Wholly past the end, and straddling it. */
static void test_past_capacity(uint64_t capacity)
{
	struct seg one = { read_buf, SECTOR_SIZE, true };
	struct seg two = { read_buf, 2 * SECTOR_SIZE, true };
	struct seg out = { write_buf, SECTOR_SIZE, false };
	CHECK_EQ(request(VIRTIO_BLK_T_IN, capacity, &one, 1), VIRTIO_BLK_S_IOERR);
	CHECK_EQ(request(VIRTIO_BLK_T_IN, capacity - 1, &two, 1), VIRTIO_BLK_S_IOERR);
	CHECK_EQ(request(VIRTIO_BLK_T_OUT, capacity, &out, 1), VIRTIO_BLK_S_IOERR);
}

int main(void)
{
	if (!find_disk() || !handshake())
		return 0;
	uint64_t capacity = read_capacity();
	rt_printf("vblk: capacity %lu sectors\n", capacity);
	if (!CHECK(capacity >= DATA_SECTOR + DATA_SECTORS))
		return 0;
	record_protocol();
	test_get_id();
	test_unsupported_type();
	test_past_capacity(capacity);
	CHECK_EQ(reg_read(MMIO_STATUS) & (STATUS_NEEDS_RESET | STATUS_FAILED), 0);
	if (reset_device())
		CHECK_EQ(reg_read(MMIO_QUEUE_READY), 0);
	return 0;
}
