/* virtio-blk over virtio-mmio version 2 (VIRTIO 1.2, 4.2 and 5.2), the side
 * the guest sees: transport registers, device configuration, one request
 * queue whose chains are checked here and handed, as validated guest-RAM
 * segments, to a backend the hypervisor provides. Pure C, no globals: all
 * state lives in struct virtio_blk. Not thread-safe: the caller serialises
 * every call on one device (register access, completion). */
#ifndef DEV_VIRTIO_BLK_H
#define DEV_VIRTIO_BLK_H

#include <stdbool.h>
#include <stdint.h>

#include "dev/virtq.h"

/* Registers (4.2.2), byte offsets in the device's MMIO region. */
#define VIRTIO_MMIO_MAGIC_VALUE 0x000u
#define VIRTIO_MMIO_VERSION 0x004u
#define VIRTIO_MMIO_DEVICE_ID 0x008u
#define VIRTIO_MMIO_VENDOR_ID 0x00cu
#define VIRTIO_MMIO_DEVICE_FEATURES 0x010u
#define VIRTIO_MMIO_DEVICE_FEATURES_SEL 0x014u
#define VIRTIO_MMIO_DRIVER_FEATURES 0x020u
#define VIRTIO_MMIO_DRIVER_FEATURES_SEL 0x024u
#define VIRTIO_MMIO_QUEUE_SEL 0x030u
#define VIRTIO_MMIO_QUEUE_NUM_MAX 0x034u
#define VIRTIO_MMIO_QUEUE_NUM 0x038u
#define VIRTIO_MMIO_QUEUE_READY 0x044u
#define VIRTIO_MMIO_QUEUE_NOTIFY 0x050u
#define VIRTIO_MMIO_INTERRUPT_STATUS 0x060u
#define VIRTIO_MMIO_INTERRUPT_ACK 0x064u
#define VIRTIO_MMIO_STATUS 0x070u
#define VIRTIO_MMIO_QUEUE_DESC_LOW 0x080u
#define VIRTIO_MMIO_QUEUE_DESC_HIGH 0x084u
#define VIRTIO_MMIO_QUEUE_DRIVER_LOW 0x090u
#define VIRTIO_MMIO_QUEUE_DRIVER_HIGH 0x094u
#define VIRTIO_MMIO_QUEUE_DEVICE_LOW 0x0a0u
#define VIRTIO_MMIO_QUEUE_DEVICE_HIGH 0x0a4u
#define VIRTIO_MMIO_CONFIG_GENERATION 0x0fcu
#define VIRTIO_MMIO_CONFIG 0x100u

#define VIRTIO_MMIO_MAGIC 0x74726976u /* "virt" */
#define VIRTIO_MMIO_VERSION_MODERN 2u
#define VIRTIO_ID_BLOCK 2u
/* "QEMU": drivers do not look at it; QEMU's value keeps guests' quirk
 * tables (if any) on the path they know. */
#define VIRTIO_BLK_VENDOR_ID 0x554d4551u

/* InterruptStatus / InterruptACK bits. */
#define VIRTIO_MMIO_INT_VRING 1u  /* used buffer notification */
#define VIRTIO_MMIO_INT_CONFIG 2u /* configuration change (here: needs reset) */

/* Device status (2.1). */
#define VIRTIO_STATUS_ACKNOWLEDGE 0x01u
#define VIRTIO_STATUS_DRIVER 0x02u
#define VIRTIO_STATUS_DRIVER_OK 0x04u
#define VIRTIO_STATUS_FEATURES_OK 0x08u
#define VIRTIO_STATUS_DEVICE_NEEDS_RESET 0x40u
#define VIRTIO_STATUS_FAILED 0x80u

/* Feature bit numbers (5.2.3, 6). */
#define VIRTIO_BLK_F_SEG_MAX 2u
#define VIRTIO_BLK_F_RO 5u
#define VIRTIO_BLK_F_FLUSH 9u
#define VIRTIO_F_INDIRECT_DESC 28u
#define VIRTIO_F_EVENT_IDX 29u
#define VIRTIO_F_VERSION_1 32u
#define VIRTIO_F_RING_PACKED 34u

/* Device configuration (struct virtio_blk_config), offsets from
 * VIRTIO_MMIO_CONFIG. Only these fields are non-zero here. */
#define VIRTIO_BLK_CFG_CAPACITY 0x00u /* le64, 512-byte sectors */
#define VIRTIO_BLK_CFG_SEG_MAX 0x0cu  /* le32 */

/* Request header (struct virtio_blk_outhdr) and types, status (5.2.6). */
#define VIRTIO_BLK_HDR_SIZE 16u /* le32 type, le32 reserved, le64 sector */
#define VIRTIO_BLK_T_IN 0u
#define VIRTIO_BLK_T_OUT 1u
#define VIRTIO_BLK_T_FLUSH 4u
#define VIRTIO_BLK_T_GET_ID 8u
#define VIRTIO_BLK_S_OK 0u
#define VIRTIO_BLK_S_IOERR 1u
#define VIRTIO_BLK_S_UNSUPP 2u

#define VIRTIO_BLK_MMIO_SIZE 0x200u /* registers and config; above reads 0 */
#define VIRTIO_BLK_QUEUE_MAX 128u   /* QueueNumMax */
#define VIRTIO_BLK_MAX_SEGS 64u	    /* seg_max: data segments per request */
#define VIRTIO_BLK_SECTOR_SIZE 512u
#define VIRTIO_BLK_ID_BYTES 20u /* GET_ID answer, NUL-padded */
#define VIRTIO_BLK_ID "hv-virtio-blk"

/* A piece of a request's data: guest-physical, inside guest RAM, len > 0. */
struct virtio_blk_seg {
	uint64_t gpa;
	uint32_t len;
};

/* A checked read, write or flush for the backend. IN and OUT: data_len is
 * a non-zero multiple of 512 and [sector, sector + data_len/512) lies
 * within the capacity. FLUSH: no segments. */
struct virtio_blk_req {
	uint16_t head; /* chain head: the completion's handle */
	uint32_t type; /* VIRTIO_BLK_T_IN, _OUT or _FLUSH */
	uint64_t sector;
	uint32_t nsegs;
	uint32_t data_len; /* sum of segs[].len */
	struct virtio_blk_seg segs[VIRTIO_BLK_MAX_SEGS];
};

struct virtio_blk_backend {
	uint64_t capacity; /* 512-byte sectors */
	bool can_flush;	   /* offer VIRTIO_BLK_F_FLUSH */
	bool read_only;	   /* offer VIRTIO_BLK_F_RO; OUT gets IOERR */
	/* Start *r (valid only during the call: copy what outlives it) or
	 * carry it out at once. true: accepted; virtio_blk_complete() must be
	 * called for r->head exactly once, possibly before submit returns,
	 * even after the guest resets the device. false: busy; r->head must
	 * not be completed, the chain stays available and is retried on the
	 * next notify or completion (so refuse only while something is in
	 * flight, or the guest may wait for a notify that never comes). */
	bool (*submit)(void *ctx, const struct virtio_blk_req *r);
	void *ctx;
};

/* Per chain head: what the completion needs, copied when it was submitted. */
enum virtio_blk_slot {
	VIRTIO_BLK_SLOT_FREE,
	VIRTIO_BLK_SLOT_LIVE,  /* with the backend */
	VIRTIO_BLK_SLOT_STALE, /* with the backend across a reset or queue stop:
				  its completion is dropped, the head waits */
};

struct virtio_blk_inflight {
	enum virtio_blk_slot state;
	uint64_t status_gpa; /* the chain's last writable byte */
	uint32_t ok_len;     /* used len when the backend reports success */
};

struct virtio_blk {
	struct virtq_mem mem;
	struct virtio_blk_backend be;
	uint32_t status; /* Status register */
	uint32_t isr;	 /* InterruptStatus */
	uint32_t device_features_sel;
	uint32_t driver_features_sel;
	uint64_t driver_features;
	uint32_t queue_sel;
	bool queue_ready;
	struct virtq q;	 /* num == 0 while QueueNum holds an invalid size */
	bool processing; /* inside the queue loop: completions do not re-enter it */
	bool completed;	 /* a completion arrived while processing */
	struct virtio_blk_inflight inflight[VIRTIO_BLK_QUEUE_MAX];
	/* Scratch for the chain being parsed (kept off the hypervisor stack). */
	struct virtq_desc chain[VIRTIO_BLK_QUEUE_MAX];
	struct virtio_blk_req req;
};

/* Reset state; copies *mem and *be. */
void virtio_blk_init(struct virtio_blk *d, const struct virtq_mem *mem,
		     const struct virtio_blk_backend *be);

/* Guest access at offset (< 0x1000) with width 1, 2, 4 or 8. Registers
 * below VIRTIO_MMIO_CONFIG take aligned 4-byte accesses only, the config
 * space aligned 1/2/4-byte reads; anything else reads 0, writes are
 * ignored. A QueueNotify write may submit requests to the backend. */
uint32_t virtio_blk_read(const struct virtio_blk *d, uint64_t offset, unsigned width);
void virtio_blk_write(struct virtio_blk *d, uint64_t offset, unsigned width, uint32_t value);

/* The backend finished the request of chain head (status VIRTIO_BLK_S_*).
 * Heads not in flight are ignored. Writes the status byte, returns the
 * chain in the used ring, raises the used-buffer interrupt, then takes any
 * chains the backend had refused. */
void virtio_blk_complete(struct virtio_blk *d, uint16_t head, uint8_t status);

/* Level of the interrupt line: InterruptStatus != 0. */
bool virtio_blk_irq(const struct virtio_blk *d);

#endif
