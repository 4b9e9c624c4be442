/*
 * The real disk failing under the guest (tests/guests/disk_faults.sh
 * injects the faults with QEMU's blkdebug and checks the image after):
 *  - a write to sector FAIL_WRITE fails with EIO, one to FAIL_FULL with
 *    ENOSPC (a full disk), a read of FAIL_READ with EIO: each request's
 *    status is IOERR, never OK, and every other sector written before
 *    reads back as written;
 *  - then KEPT sectors are written and flushed (the flush completes OK),
 *    the guest says so, and writes on without flushing until the machine
 *    is powered off under it. The harness checks on the image file that
 *    every flushed sector holds what the guest wrote.
 * The guest's checks are counted before the burst (it never ends itself).
 */
#include <stddef.h>

#include "blk.h"
#include "rt/rt.h"
#include "virtio.h"

#define FAIL_WRITE 64U
#define FAIL_FULL  96U
#define FAIL_READ  128U
#define EARLY      16U   /* sectors 0..15: written, read back */
#define KEPT_FIRST 1000U /* sectors 1000..1999: written, flushed */
#define KEPT       1000U
#define BURST_FIRST 2000U

static uint64_t buf[SECTOR_SIZE / 8];

/* The words the harness looks for: sector and index, tagged. */
static void fill(uint64_t sector)
{
	for (unsigned i = 0; i < SECTOR_SIZE / 8; i++)
		buf[i] = UL(0xd15cf1a700000000) ^ sector << 16 ^ i;
}

static uint8_t write_sector(uint64_t sector)
{
	fill(sector);
	struct seg data = { buf, SECTOR_SIZE, false };
	return request(VIRTIO_BLK_T_OUT, sector, &data, 1);
}

static uint8_t read_sector(uint64_t sector)
{
	for (unsigned i = 0; i < SECTOR_SIZE / 8; i++)
		buf[i] = 0;
	struct seg data = { buf, SECTOR_SIZE, true };
	return request(VIRTIO_BLK_T_IN, sector, &data, 1);
}

static bool holds_pattern(uint64_t sector)
{
	for (unsigned i = 0; i < SECTOR_SIZE / 8; i++)
		if (buf[i] != (UL(0xd15cf1a700000000) ^ sector << 16 ^ i))
			return false;
	return true;
}

int main(void)
{
	if (!find_disk() || !handshake())
		return 1;
	for (uint64_t s = 0; s < EARLY; s++)
		CHECK_EQ(write_sector(s), VIRTIO_BLK_S_OK);
	CHECK_EQ(write_sector(FAIL_WRITE), VIRTIO_BLK_S_IOERR);
	CHECK_EQ(write_sector(FAIL_FULL), VIRTIO_BLK_S_IOERR);
	CHECK_EQ(read_sector(FAIL_READ), VIRTIO_BLK_S_IOERR);
	for (uint64_t s = 0; s < EARLY; s++)
		if (CHECK_EQ(read_sector(s), VIRTIO_BLK_S_OK))
			CHECK(holds_pattern(s));
	for (uint64_t s = KEPT_FIRST; s < KEPT_FIRST + KEPT; s++)
		CHECK_EQ(write_sector(s), VIRTIO_BLK_S_OK);
	CHECK_EQ(request(VIRTIO_BLK_T_FLUSH, 0, NULL, 0), VIRTIO_BLK_S_OK);
	rt_printf("vblk_faults: %u checks failed; sectors %u-%u flushed, writing on\n",
		  rt_failures(), KEPT_FIRST, KEPT_FIRST + KEPT - 1);
	for (uint64_t s = BURST_FIRST;; s = s + 1 < 2048 ? s + 1 : BURST_FIRST)
		write_sector(s);
}
