/*
 * Guest 0 of the isolation test: puts its secret in its RAM and on its
 * disk, waits (another guest attacks meanwhile) until a key arrives on the
 * console, and checks that every word of the secret is still there and
 * that no IPI ever reached it.
 */
#include <stddef.h>

#include "blk.h"
#include "lib/sbi.h"
#include "rt/rt.h"
#include "secret.h"

/* Its RAM above its image, stack and rings, below the device tree. */
#define FILL_START (SECRET_RAM_BASE + (UL(10) << 20))
#define FILL_END (SECRET_RAM_BASE + SECRET_RAM_SIZE - (UL(1) << 20))
#define CHUNK 4096U
#define WAIT_TICKS UL(1800000000) /* 180 s at 10 MHz */

static uint64_t chunk[CHUNK / 8];

static void fill_chunk(uint64_t offset)
{
	for (unsigned i = 0; i < CHUNK / 8; i++)
		chunk[i] = secret_word(offset + 8 * i);
}

static void fill_disk(void)
{
	for (uint64_t s = 0; s < SECRET_DISK_SECTORS; s += CHUNK / SECTOR_SIZE) {
		fill_chunk(s * SECTOR_SIZE);
		struct seg data = { chunk, CHUNK, false };
		if (!CHECK_EQ(request(VIRTIO_BLK_T_OUT, s, &data, 1), VIRTIO_BLK_S_OK))
			return;
	}
	CHECK_EQ(request(VIRTIO_BLK_T_FLUSH, 0, NULL, 0), VIRTIO_BLK_S_OK);
}

static unsigned disk_words_changed(void)
{
	unsigned bad = 0;
	for (uint64_t s = 0; s < SECRET_DISK_SECTORS; s += CHUNK / SECTOR_SIZE) {
		for (unsigned i = 0; i < CHUNK / 8; i++)
			chunk[i] = 0;
		struct seg data = { chunk, CHUNK, true };
		if (!CHECK_EQ(request(VIRTIO_BLK_T_IN, s, &data, 1), VIRTIO_BLK_S_OK))
			return ~0U;
		for (unsigned i = 0; i < CHUNK / 8; i++)
			bad += chunk[i] != secret_word(s * SECTOR_SIZE + 8 * i);
	}
	return bad;
}

static unsigned ram_words_changed(void)
{
	unsigned bad = 0;
	for (uint64_t a = FILL_START; a < FILL_END; a += 8)
		bad += *(volatile uint64_t *)a != secret_word(a);
	return bad;
}

int main(void)
{
	for (uint64_t a = FILL_START; a < FILL_END; a += 8)
		*(volatile uint64_t *)a = secret_word(a);
	if (!find_disk() || !handshake())
		return 1;
	fill_disk();
	rt_printf("secret_keeper: the secret is in place; waiting for a key on the console\n");

	bool ipi = false;
	uint64_t start = csr_read(CSR_TIME);
	int key;
	while ((key = sbi_console_getc()) < 0 && csr_read(CSR_TIME) - start < WAIT_TICKS)
		ipi |= (csr_read(CSR_SIP) & MIP_SSIP) != 0;
	CHECK(key >= 0);
	CHECK(!ipi);
	CHECK_EQ(ram_words_changed(), 0);
	CHECK_EQ(disk_words_changed(), 0);
	rt_printf("secret_keeper: checked %lu KiB of RAM and %u KiB of disk\n",
		  (FILL_END - FILL_START) >> 10, SECRET_DISK_SECTORS * SECTOR_SIZE / 1024);
	return 0;
}
