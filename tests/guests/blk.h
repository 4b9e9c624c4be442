/*
 * A polled virtio-blk driver for the disk test guests (virtio-mmio version
 * 2, one split virtqueue of QNUM entries, no interrupts taken): it finds
 * the one disk, brings it up, and carries out one request at a time,
 * checking the device's answers as it goes (CHECKs count as the guest's).
 */
#ifndef TESTS_GUESTS_BLK_H
#define TESTS_GUESTS_BLK_H

#include <stdbool.h>
#include <stdint.h>

#include "rt/rt.h"
#include "virtio.h"

/* Eight entries: the longest chain fits, and the rings wrap every few
 * requests. */
#define QNUM 8U

VIRTQ_RINGS(QNUM);

/* Values a device must overwrite: a request it left alone shows. */
#define STATUS_POISON 0xeeU
#define DATA_POISON   0x5aU

/* 10 MHz timebase on QEMU virt; a request that takes 2 s is lost. */
#define REQUEST_TIMEOUT_TICKS UL(20000000)

static uint64_t dev;
static uint16_t avail_idx, used_seen, next_desc;

static struct virtq_desc desc[QNUM] __attribute__((aligned(4096)));
static struct virtq_avail avail __attribute__((aligned(4096)));
static struct virtq_used used __attribute__((aligned(4096)));

static struct blk_header header;
static uint8_t status;

static inline void fence_all(void)
{
	__asm__ volatile("fence iorw, iorw" ::: "memory");
}

static inline uint32_t mmio_read(uint64_t base, unsigned off)
{
	return *(volatile uint32_t *)(uintptr_t)(base + off);
}

static inline uint32_t reg_read(unsigned off)
{
	return mmio_read(dev, off);
}

static inline void reg_write(unsigned off, uint32_t v)
{
	*(volatile uint32_t *)(uintptr_t)(dev + off) = v;
}

static inline uint64_t now(void)
{
	return csr_read(CSR_TIME);
}

static inline bool find_disk(void)
{
	unsigned disks = 0, answering = 0;
	for (unsigned i = 0; i < VIRTIO_MMIO_SLOTS; i++) {
		uint64_t base = VIRTIO_MMIO_BASE + VIRTIO_MMIO_STRIDE * i;
		if (!virtio_slot_answers(base))
			continue;
		answering++;
		if (mmio_read(base, MMIO_DEVICE_ID) == VIRTIO_ID_BLOCK) {
			disks++;
			dev = base;
		}
	}
	rt_printf("%s: %u virtio-mmio slots answer, %u disks, at 0x%lx\n", rt_guest_name,
		  answering, disks, dev);
	return CHECK_EQ(disks, 1) && CHECK_EQ(reg_read(MMIO_VERSION), VIRTIO_VERSION_MODERN);
}

static inline bool reset_device(void)
{
	reg_write(MMIO_STATUS, 0);
	uint64_t deadline = now() + REQUEST_TIMEOUT_TICKS;
	while (reg_read(MMIO_STATUS) != 0)
		if (now() > deadline)
			return CHECK(!"device resets");
	return true;
}

/* Reset, feature negotiation, queue 0, DRIVER_OK (VIRTIO 1.2, 3.1.1). */
static inline bool handshake(void)
{
	if (!reset_device())
		return false;
	uint32_t s = STATUS_ACKNOWLEDGE;
	reg_write(MMIO_STATUS, s);
	s |= STATUS_DRIVER;
	reg_write(MMIO_STATUS, s);

	reg_write(MMIO_DEVICE_FEATURES_SEL, 1);
	uint32_t high = reg_read(MMIO_DEVICE_FEATURES);
	reg_write(MMIO_DEVICE_FEATURES_SEL, 0);
	uint32_t low = reg_read(MMIO_DEVICE_FEATURES);
	if (!CHECK(high & VIRTIO_F_VERSION_1_BIT) || !CHECK(low & VIRTIO_BLK_F_FLUSH_BIT))
		return false;
	reg_write(MMIO_DRIVER_FEATURES_SEL, 0);
	reg_write(MMIO_DRIVER_FEATURES, VIRTIO_BLK_F_FLUSH_BIT);
	reg_write(MMIO_DRIVER_FEATURES_SEL, 1);
	reg_write(MMIO_DRIVER_FEATURES, VIRTIO_F_VERSION_1_BIT);
	s |= STATUS_FEATURES_OK;
	reg_write(MMIO_STATUS, s);
	if (!CHECK_EQ(reg_read(MMIO_STATUS), s))
		return false;

	reg_write(MMIO_QUEUE_SEL, 0);
	CHECK_EQ(reg_read(MMIO_QUEUE_READY), 0);
	if (!CHECK(reg_read(MMIO_QUEUE_NUM_MAX) >= QNUM))
		return false;
	reg_write(MMIO_QUEUE_NUM, QNUM);
	virtio_set_queue_address(dev, MMIO_QUEUE_DESC_LOW, desc);
	virtio_set_queue_address(dev, MMIO_QUEUE_DRIVER_LOW, &avail);
	virtio_set_queue_address(dev, MMIO_QUEUE_DEVICE_LOW, &used);
	reg_write(MMIO_QUEUE_READY, 1);
	CHECK_EQ(reg_read(MMIO_QUEUE_READY), 1);

	s |= STATUS_DRIVER_OK;
	reg_write(MMIO_STATUS, s);
	return CHECK_EQ(reg_read(MMIO_STATUS), s);
}

/* The 64-bit capacity as two 32-bit reads, retried if the configuration
 * changed in between (VIRTIO 1.2, 2.5.1); 0 if it never settles. */
static inline uint64_t read_capacity(void)
{
	for (unsigned tries = 0; tries < 100; tries++) {
		uint32_t gen = reg_read(MMIO_CONFIG_GENERATION);
		uint32_t low = reg_read(MMIO_CONFIG);
		uint32_t high = reg_read(MMIO_CONFIG + 4);
		if (gen == reg_read(MMIO_CONFIG_GENERATION))
			return (uint64_t)high << 32 | low;
	}
	return 0;
}

struct seg {
	const volatile void *addr;
	uint32_t len;
	bool device_writes;
};

/* Puts segs in one descriptor chain, notifies, and waits for the device
 * to return it; false if it never does. */
static inline bool submit(const struct seg *segs, unsigned n)
{
	uint16_t head = next_desc;
	uint32_t writable = 0;
	for (unsigned i = 0; i < n; i++) {
		uint16_t d = (uint16_t)((head + i) % QNUM);
		desc[d].addr = (uint64_t)(uintptr_t)segs[i].addr;
		desc[d].len = segs[i].len;
		desc[d].flags = (uint16_t)((segs[i].device_writes ? VIRTQ_DESC_F_WRITE : 0) |
					   (i + 1 < n ? VIRTQ_DESC_F_NEXT : 0));
		desc[d].next = (uint16_t)((d + 1) % QNUM);
		if (segs[i].device_writes)
			writable += segs[i].len;
	}
	next_desc = (uint16_t)((head + n) % QNUM);

	avail.ring[avail_idx % QNUM] = head;
	fence_all(); /* the chain before the index that publishes it */
	avail_idx++;
	*(volatile uint16_t *)&avail.idx = avail_idx;
	fence_all(); /* the index before the notification */
	reg_write(MMIO_QUEUE_NOTIFY, 0);

	uint64_t deadline = now() + REQUEST_TIMEOUT_TICKS;
	while (*(volatile uint16_t *)&used.idx == used_seen)
		if (now() > deadline)
			return CHECK(!"request completes in time");
	fence_all(); /* the used entry only after its index */
	struct virtq_used_elem e = used.ring[used_seen % QNUM];
	used_seen++;
	CHECK_EQ(*(volatile uint16_t *)&used.idx, used_seen);
	CHECK_EQ(e.id, head);
	CHECK(e.len <= writable);

	/* The used-buffer interrupt is raised, and acknowledged here. */
	uint32_t isr;
	while (!((isr = reg_read(MMIO_INTERRUPT_STATUS)) & INTERRUPT_USED_BUFFER))
		if (now() > deadline)
			return CHECK(!"used-buffer interrupt status rises");
	reg_write(MMIO_INTERRUPT_ACK, isr);
	CHECK_EQ(reg_read(MMIO_INTERRUPT_STATUS) & INTERRUPT_USED_BUFFER, 0);
	return true;
}

/* Header, data (as given), status: the usual framing. Returns the status
 * byte, or STATUS_POISON if the request never completed. */
static inline uint8_t request(uint32_t type, uint64_t sector, const struct seg *data,
			      unsigned ndata)
{
	struct seg segs[QNUM];
	header = (struct blk_header){ .type = type, .reserved = 0, .sector = sector };
	status = STATUS_POISON;
	segs[0] = (struct seg){ &header, sizeof(header), false };
	for (unsigned i = 0; i < ndata; i++)
		segs[1 + i] = data[i];
	segs[1 + ndata] = (struct seg){ &status, 1, true };
	if (!submit(segs, ndata + 2))
		return STATUS_POISON;
	return *(volatile uint8_t *)&status;
}

#endif
