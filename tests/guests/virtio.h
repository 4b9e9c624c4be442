/*
 * virtio-mmio version 2 and virtio-blk as the disk test guests (vblk,
 * vblk_attack) drive them: QEMU virt's transport slots, the registers,
 * status and feature bits, the split virtqueue's descriptor and used
 * element, the request header (VIRTIO 1.2, 2.7, 4.2.2 and 5.2). The rings
 * themselves are sized by each guest.
 */
#ifndef TESTS_GUESTS_VIRTIO_H
#define TESTS_GUESTS_VIRTIO_H

#include <stdint.h>

#include "encoding.h"
#include "rt/rt.h"

/* QEMU virt's virtio-mmio transports. */
#define VIRTIO_MMIO_BASE   UL(0x10001000)
#define VIRTIO_MMIO_STRIDE UL(0x1000)
#define VIRTIO_MMIO_SLOTS  8U

/* virtio-mmio registers, all 32-bit. */
#define MMIO_MAGIC_VALUE        0x000
#define MMIO_VERSION            0x004
#define MMIO_DEVICE_ID          0x008
#define MMIO_VENDOR_ID          0x00c
#define MMIO_DEVICE_FEATURES    0x010
#define MMIO_DEVICE_FEATURES_SEL 0x014
#define MMIO_DRIVER_FEATURES    0x020
#define MMIO_DRIVER_FEATURES_SEL 0x024
#define MMIO_QUEUE_SEL          0x030
#define MMIO_QUEUE_NUM_MAX      0x034
#define MMIO_QUEUE_NUM          0x038
#define MMIO_QUEUE_READY        0x044
#define MMIO_QUEUE_NOTIFY       0x050
#define MMIO_INTERRUPT_STATUS   0x060
#define MMIO_INTERRUPT_ACK      0x064
#define MMIO_STATUS             0x070
#define MMIO_QUEUE_DESC_LOW     0x080
#define MMIO_QUEUE_DESC_HIGH    0x084
#define MMIO_QUEUE_DRIVER_LOW   0x090
#define MMIO_QUEUE_DRIVER_HIGH  0x094
#define MMIO_QUEUE_DEVICE_LOW   0x0a0
#define MMIO_QUEUE_DEVICE_HIGH  0x0a4
#define MMIO_CONFIG_GENERATION  0x0fc
#define MMIO_CONFIG             0x100

#define VIRTIO_MAGIC     0x74726976U /* "virt" */
#define VIRTIO_VERSION_MODERN 2U
#define VIRTIO_ID_BLOCK  2U

#define STATUS_ACKNOWLEDGE 1U
#define STATUS_DRIVER      2U
#define STATUS_DRIVER_OK   4U
#define STATUS_FEATURES_OK 8U
#define STATUS_NEEDS_RESET 64U
#define STATUS_FAILED      128U

/* Feature bits, as (word, bit) of the 32-bit feature windows. */
#define VIRTIO_BLK_F_SEG_MAX_BIT (1U << 2) /* word 0 */
#define VIRTIO_BLK_F_FLUSH_BIT  (1U << 9)  /* word 0 */
#define VIRTIO_F_VERSION_1_BIT  (1U << 0)  /* word 1: feature 32 */

/* InterruptStatus bits. */
#define INTERRUPT_USED_BUFFER   1U
#define INTERRUPT_CONFIG_CHANGE 2U

/* Split virtqueue. */
#define VIRTQ_DESC_F_NEXT     1U
#define VIRTQ_DESC_F_WRITE    2U
#define VIRTQ_DESC_F_INDIRECT 4U

struct virtq_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

struct virtq_used_elem {
	uint32_t id;
	uint32_t len;
};

/* The driver (avail) and device (used) rings of a queue of n entries, as
 * struct virtq_avail and struct virtq_used. */
#define VIRTQ_RINGS(n)                                   \
	struct virtq_avail {                             \
		uint16_t flags;                          \
		uint16_t idx;                            \
		uint16_t ring[n];                        \
		uint16_t used_event;                     \
	};                                               \
	struct virtq_used {                              \
		uint16_t flags;                          \
		uint16_t idx;                            \
		struct virtq_used_elem ring[n];          \
		uint16_t avail_event;                    \
	}

/* virtio-blk. */
#define VIRTIO_BLK_T_IN     0U
#define VIRTIO_BLK_T_OUT    1U
#define VIRTIO_BLK_T_FLUSH  4U
#define VIRTIO_BLK_T_GET_ID 8U
#define VIRTIO_BLK_S_OK     0U
#define VIRTIO_BLK_S_IOERR  1U
#define VIRTIO_BLK_S_UNSUPP 2U
#define VIRTIO_BLK_ID_BYTES 20U
#define SECTOR_SIZE 512U

/* Fields of the configuration space (at MMIO_CONFIG). */
#define BLK_CONFIG_CAPACITY 0x00 /* le64, in sectors */
#define BLK_CONFIG_SEG_MAX  0x0c /* le32 */

struct blk_header {
	uint32_t type;
	uint32_t reserved;
	uint64_t sector;
};

_Static_assert(sizeof(struct virtq_desc) == 16, "virtq descriptor");
_Static_assert(sizeof(struct blk_header) == 16, "virtio-blk request header");

/* Whether the slot at base answers with the magic value: under the
 * hypervisor a slot with no device behind it faults instead. */
static volatile uint64_t virtio_probe_addr;
static volatile uint32_t virtio_probe_value;

static inline void virtio_probe_read(void)
{
	virtio_probe_value = *(volatile uint32_t *)(uintptr_t)(virtio_probe_addr + MMIO_MAGIC_VALUE);
}

static inline bool virtio_slot_answers(uint64_t base)
{
	struct rt_trap t;
	virtio_probe_addr = base;
	return !rt_catch(virtio_probe_read, &t) && virtio_probe_value == VIRTIO_MAGIC;
}

/* A 64-bit queue address into the LOW/HIGH register pair at low. */
static inline void virtio_set_queue_address(uint64_t dev, unsigned low, const volatile void *p)
{
	uint64_t a = (uint64_t)(uintptr_t)p;
	*(volatile uint32_t *)(uintptr_t)(dev + low) = (uint32_t)a;
	*(volatile uint32_t *)(uintptr_t)(dev + low + 4) = (uint32_t)(a >> 32);
}

#endif
