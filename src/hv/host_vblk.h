/*
 * The hypervisor's driver for the machine's real virtio-blk device
 * (virtio-mmio, modern or legacy transport). It only ever sees host
 * physical buffers that the caller has already confined to a guest's RAM;
 * request headers and status bytes live in the hypervisor's own memory.
 * Requests complete asynchronously, on the device's interrupt.
 */
#ifndef HV_HOST_VBLK_H
#define HV_HOST_VBLK_H

#include <stdbool.h>
#include <stdint.h>

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

/* Find the first virtio-blk device among the virtio-mmio slots and bring
 * it up. NULL on success (*info filled), else why there is no disk; "" when
 * the machine simply has none. */
const char *host_vblk_init(const struct platform *p, struct host_vblk_info *info);

/* Queue one request (type as in the virtio-blk header). The device writes
 * memory through the segments iff to_memory. false when the queue has no
 * room for it now (retry after a completion). */
bool host_vblk_submit(uint32_t type, uint64_t sector, const struct host_vblk_seg *segs,
		      unsigned nsegs, bool to_memory, uint16_t tag);

/* The device's interrupt: acknowledge it and report each finished request
 * as done(ctx, its tag, the device's status byte). */
void host_vblk_interrupt(void (*done)(void *ctx, uint16_t tag, uint8_t status), void *ctx);

/* Whether any request is still with the device. */
bool host_vblk_busy(void);

#endif
