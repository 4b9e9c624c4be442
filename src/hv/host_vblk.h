/*
 * The hypervisor's driver for the machine's real virtio-blk devices
 * (virtio-mmio, modern or legacy transport), one struct host_vblk each.
 * It only ever sees host physical buffers that the caller has already
 * confined to a guest's RAM; request headers and status bytes live in the
 * hypervisor's own memory. Requests complete asynchronously, on the
 * device's interrupt. One guest owns each disk and calls these under its
 * devices' lock.
 */
#ifndef HV_HOST_VBLK_H
#define HV_HOST_VBLK_H

#include <stdbool.h>
#include <stdint.h>

#include "dev/virtq.h"
#include "hv/platform.h"

struct host_vblk_info {
	uint64_t base;     /* transport registers, host physical */
	uint32_t irq;      /* PLIC source */
	uint32_t version;  /* virtio-mmio transport version: 1 legacy, 2 modern */
	uint64_t capacity; /* 512-byte sectors */
	bool can_flush;
	bool read_only;
};

struct host_vblk_seg {
	uint64_t pa;
	uint32_t len;
};

/* Driver-internal segments per request: header and status. */
#define HOST_VBLK_OWN_DESCS 2

#define HOST_VBLK_QSIZE 128U
#define HOST_VBLK_LEGACY_ALIGN 4096U

struct host_vblk_avail {
	uint16_t flags;
	uint16_t idx;
	uint16_t ring[HOST_VBLK_QSIZE];
};

struct host_vblk_used_elem {
	uint32_t id;
	uint32_t len;
};

struct host_vblk_used {
	uint16_t flags;
	uint16_t idx;
	struct host_vblk_used_elem ring[HOST_VBLK_QSIZE];
};

/* What the device reads and writes besides the caller's buffers, one per
 * descriptor chain (indexed by its head). */
struct host_vblk_request {
	uint32_t type;
	uint32_t reserved;
	uint64_t sector;
	uint8_t status;
	uint16_t tag;
	uint16_t ndescs;
};

struct host_vblk {
	/* The legacy layout (used ring on the next page) serves both
	 * transports. */
	struct {
		struct virtq_desc desc[HOST_VBLK_QSIZE];
		struct host_vblk_avail avail;
		uint8_t pad[HOST_VBLK_LEGACY_ALIGN - sizeof(struct virtq_desc) * HOST_VBLK_QSIZE -
			    sizeof(struct host_vblk_avail)];
		struct host_vblk_used used;
	} ring __attribute__((aligned(HOST_VBLK_LEGACY_ALIGN)));
	struct host_vblk_request requests[HOST_VBLK_QSIZE];
	uint16_t free_desc[HOST_VBLK_QSIZE];
	unsigned nfree;
	uint16_t last_used;
	uint64_t base;
	bool started;
	struct host_vblk_info info;
};

/* Bring up the virtio-blk device in virtio-mmio slot `slot`. NULL on
 * success (d->info filled), else why there is no disk there; "" when the
 * slot holds no block device. */
const char *host_vblk_init(struct host_vblk *d, const struct platform_virtio *slot);

/* Queue one request (type as in the virtio-blk header). The device writes
 * memory through the segments iff to_memory. false when the queue has no
 * room for it now (retry after a completion). */
bool host_vblk_submit(struct host_vblk *d, uint32_t type, uint64_t sector,
		      const struct host_vblk_seg *segs, unsigned nsegs, bool to_memory,
		      uint16_t tag);

/* The device's interrupt: acknowledge it and report each finished request
 * as done(ctx, its tag, the device's status byte). */
void host_vblk_interrupt(struct host_vblk *d,
			 void (*done)(void *ctx, uint16_t tag, uint8_t status), void *ctx);

/* Whether any request is still with the device. */
bool host_vblk_busy(const struct host_vblk *d);

#endif
