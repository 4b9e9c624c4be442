/* Split virtqueue (VIRTIO 1.2, 2.7), device side, over guest memory that is
 * reached only through a translation callback. The guest owns the rings and
 * may rewrite them at any moment: every ring entry and descriptor is read
 * once into a local copy, and only the copy is checked and used. Pure C, no
 * globals. Not thread-safe: the caller serialises all calls on one queue. */
#ifndef DEV_VIRTQ_H
#define DEV_VIRTQ_H

#include <stdbool.h>
#include <stdint.h>

#define VIRTQ_DESC_F_NEXT 1u
#define VIRTQ_DESC_F_WRITE 2u
#define VIRTQ_DESC_F_INDIRECT 4u

/* Ring alignments and sizes for queue size n (2.7.1, 2.7.6, 2.7.8): the
 * avail and used sizes include the event fields, used or not. */
#define VIRTQ_DESC_ALIGN 16u
#define VIRTQ_AVAIL_ALIGN 2u
#define VIRTQ_USED_ALIGN 4u
#define VIRTQ_DESC_SIZE 16u
#define VIRTQ_DESC_TABLE_SIZE(n) (VIRTQ_DESC_SIZE * (uint64_t)(n))
#define VIRTQ_AVAIL_SIZE(n) (6u + 2u * (uint64_t)(n))
#define VIRTQ_USED_SIZE(n) (6u + 8u * (uint64_t)(n))

/* Guest memory: host pointer to guest-physical [gpa, gpa+len) if it lies
 * wholly inside guest RAM (no wrap), else NULL. The host pointer must keep
 * the guest address's alignment modulo 16 (rings are read with aligned
 * loads). */
struct virtq_mem {
	void *(*gpa_to_hva)(void *ctx, uint64_t gpa, uint64_t len);
	void *ctx;
};

/* A descriptor as the device copied it out of the guest's table. */
struct virtq_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

/* One queue's device-side state. The ring addresses and size are fixed
 * while the queue is in use; the indices are the device's own counts, never
 * read back from guest memory. */
struct virtq {
	uint64_t desc;	     /* guest-physical descriptor table */
	uint64_t avail;	     /* guest-physical driver area */
	uint64_t used;	     /* guest-physical device area */
	uint16_t num;	     /* queue size, a power of 2 */
	uint16_t last_avail; /* free-running index of the next avail entry to take */
	uint16_t used_idx;   /* free-running used->idx the device last published */
};

/* Does q describe usable rings: num a power of 2 in 1..max, each ring
 * aligned and wholly inside guest RAM? */
bool virtq_rings_valid(const struct virtq *q, const struct virtq_mem *m, uint16_t max);

/* Start over at index 0 on both rings (the queue was just enabled). */
void virtq_reset_indices(struct virtq *q);

enum virtq_avail {
	VIRTQ_AVAIL_EMPTY,  /* the driver has nothing new */
	VIRTQ_AVAIL_HEAD,   /* *head: the next chain's head, < num */
	VIRTQ_AVAIL_BROKEN, /* avail->idx more than num ahead, a head >= num, or
			       the ring is unreachable: the device needs a reset */
};

/* Look at the next available chain without taking it. */
enum virtq_avail virtq_peek_avail(const struct virtq *q, const struct virtq_mem *m, uint16_t *head);

/* Take the chain virtq_peek_avail() returned. */
void virtq_take_avail(struct virtq *q);

enum virtq_chain_status {
	VIRTQ_CHAIN_OK,
	/* The chain ends properly but a descriptor is unusable: indirect, of
	 * length 0, outside guest RAM, or device-readable after a writable one. */
	VIRTQ_CHAIN_BAD_BUFFER,
	/* No proper end: a next index >= num, more than num descriptors (a
	 * loop), or the table is unreachable. */
	VIRTQ_CHAIN_BROKEN,
};

struct virtq_chain {
	enum virtq_chain_status status;
	unsigned n;	   /* descriptors copied (for BAD_BUFFER and OK: the chain) */
	unsigned readable; /* for OK: descs[0..readable) are device-readable */
};

/* Copy the chain starting at head (< num) into descs (room for num) and
 * check it. Each descriptor is read from the guest exactly once. */
struct virtq_chain virtq_walk(const struct virtq *q, const struct virtq_mem *m, uint16_t head,
			      struct virtq_desc *descs);

/* Publish a used element {head, len} and then the new used->idx, with a
 * release fence between them. false: the used ring is unreachable. */
bool virtq_push_used(struct virtq *q, const struct virtq_mem *m, uint16_t head, uint32_t len);

/* Guest memory as bytes, translated at each call; false (nothing copied) if
 * [gpa, gpa+len) is not wholly inside guest RAM. The copy goes through
 * volatile accesses so the compiler never reads the guest's bytes twice. */
bool virtq_read_guest(const struct virtq_mem *m, uint64_t gpa, void *dst, uint32_t len);
bool virtq_write_guest(const struct virtq_mem *m, uint64_t gpa, const void *src, uint32_t len);

#endif
