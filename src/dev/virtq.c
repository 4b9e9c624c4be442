/* Split virtqueue, device side. Every guest address goes through
 * gpa_to_hva right before the access it guards, every time: a check made
 * earlier (when the queue was enabled, when the chain was walked) is never
 * taken as a licence for a later access. */
#include <stddef.h>

#include "dev/virtq.h"

/* Offsets inside the rings (2.7.6, 2.7.8). */
#define AVAIL_IDX 2u
#define AVAIL_RING 4u
#define USED_IDX 2u
#define USED_RING 4u
#define USED_ELEM_SIZE 8u

static void *hva(const struct virtq_mem *m, uint64_t gpa, uint64_t len)
{
	return m->gpa_to_hva(m->ctx, gpa, len);
}

static bool in_ram(const struct virtq_mem *m, uint64_t gpa, uint64_t len)
{
	return hva(m, gpa, len) != NULL;
}

static bool load16(const struct virtq_mem *m, uint64_t gpa, uint16_t *v)
{
	const volatile uint16_t *p = hva(m, gpa, sizeof(*v));

	if (p == NULL)
		return false;
	*v = *p;
	return true;
}

bool virtq_rings_valid(const struct virtq *q, const struct virtq_mem *m, uint16_t max)
{
	const uint16_t n = q->num;

	if (n == 0 || n > max || (n & (n - 1u)) != 0)
		return false;
	if (q->desc % VIRTQ_DESC_ALIGN != 0 || q->avail % VIRTQ_AVAIL_ALIGN != 0 ||
	    q->used % VIRTQ_USED_ALIGN != 0)
		return false;
	return in_ram(m, q->desc, VIRTQ_DESC_TABLE_SIZE(n)) &&
	       in_ram(m, q->avail, VIRTQ_AVAIL_SIZE(n)) && in_ram(m, q->used, VIRTQ_USED_SIZE(n));
}

void virtq_reset_indices(struct virtq *q)
{
	q->last_avail = 0;
	q->used_idx = 0;
}

/* Ring slot of a free-running index; num is a power of 2. */
static uint16_t slot(const struct virtq *q, uint16_t idx)
{
	return (uint16_t)(idx & (q->num - 1u));
}

enum virtq_avail virtq_peek_avail(const struct virtq *q, const struct virtq_mem *m, uint16_t *head)
{
	uint16_t idx, h;
	uint16_t pending;

	if (!load16(m, q->avail + AVAIL_IDX, &idx))
		return VIRTQ_AVAIL_BROKEN;
	pending = (uint16_t)(idx - q->last_avail);
	if (pending == 0)
		return VIRTQ_AVAIL_EMPTY;
	/* The driver can never have more than num chains outstanding. */
	if (pending > q->num)
		return VIRTQ_AVAIL_BROKEN;
	/* Read the entry only after the index that published it. */
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	if (!load16(m, q->avail + AVAIL_RING + 2u * (uint64_t)slot(q, q->last_avail), &h))
		return VIRTQ_AVAIL_BROKEN;
	if (h >= q->num)
		return VIRTQ_AVAIL_BROKEN;
	*head = h;
	return VIRTQ_AVAIL_HEAD;
}

void virtq_take_avail(struct virtq *q)
{
	q->last_avail++;
}

/* One descriptor, each field loaded once (the table is 16-aligned, so the
 * fields are naturally aligned). */
static bool load_desc(const struct virtq *q, const struct virtq_mem *m, uint16_t i,
		      struct virtq_desc *d)
{
	const volatile uint8_t *p =
	    hva(m, q->desc + (uint64_t)i * VIRTQ_DESC_SIZE, VIRTQ_DESC_SIZE);

	if (p == NULL)
		return false;
	d->addr = *(const volatile uint64_t *)p;
	d->len = *(const volatile uint32_t *)(p + 8);
	d->flags = *(const volatile uint16_t *)(p + 12);
	d->next = *(const volatile uint16_t *)(p + 14);
	return true;
}

/* A direct, non-empty buffer wholly inside guest RAM. Indirect tables are
 * never offered; empty buffers carry nothing and are refused as QEMU does. */
static bool buffer_ok(const struct virtq_mem *m, const struct virtq_desc *d)
{
	if ((d->flags & VIRTQ_DESC_F_INDIRECT) != 0 || d->len == 0)
		return false;
	if (d->addr > UINT64_MAX - d->len)
		return false;
	return in_ram(m, d->addr, d->len);
}

struct virtq_chain virtq_walk(const struct virtq *q, const struct virtq_mem *m, uint16_t head,
			      struct virtq_desc *descs)
{
	struct virtq_chain c = {VIRTQ_CHAIN_OK, 0, 0};
	bool bad = false, writable_seen = false;
	uint16_t i = head;

	for (;;) {
		struct virtq_desc *d;

		/* More than num descriptors can only be a loop. */
		if (c.n == q->num || !load_desc(q, m, i, &descs[c.n])) {
			c.status = VIRTQ_CHAIN_BROKEN;
			return c;
		}
		d = &descs[c.n++];
		if (!buffer_ok(m, d))
			bad = true;
		if ((d->flags & VIRTQ_DESC_F_WRITE) != 0)
			writable_seen = true;
		else if (writable_seen)
			bad = true;
		else
			c.readable++;
		if ((d->flags & VIRTQ_DESC_F_NEXT) == 0)
			break;
		if (d->next >= q->num) {
			c.status = VIRTQ_CHAIN_BROKEN;
			return c;
		}
		i = d->next;
	}
	c.status = bad ? VIRTQ_CHAIN_BAD_BUFFER : VIRTQ_CHAIN_OK;
	return c;
}

bool virtq_push_used(struct virtq *q, const struct virtq_mem *m, uint16_t head, uint32_t len)
{
	const uint64_t elem = q->used + USED_RING + USED_ELEM_SIZE * (uint64_t)slot(q, q->used_idx);
	volatile uint32_t *e = hva(m, elem, USED_ELEM_SIZE);
	volatile uint16_t *idx = hva(m, q->used + USED_IDX, sizeof(uint16_t));

	if (e == NULL || idx == NULL)
		return false;
	e[0] = head;
	e[1] = len;
	/* The driver must see the element before the index that publishes it. */
	__atomic_thread_fence(__ATOMIC_RELEASE);
	q->used_idx++;
	*idx = q->used_idx;
	return true;
}

bool virtq_read_guest(const struct virtq_mem *m, uint64_t gpa, void *dst, uint32_t len)
{
	const volatile uint8_t *p = hva(m, gpa, len);
	uint8_t *out = dst;
	uint32_t i;

	if (p == NULL)
		return false;
	for (i = 0; i < len; i++)
		out[i] = p[i];
	return true;
}

bool virtq_write_guest(const struct virtq_mem *m, uint64_t gpa, const void *src, uint32_t len)
{
	volatile uint8_t *p = hva(m, gpa, len);
	const uint8_t *in = src;
	uint32_t i;

	if (p == NULL)
		return false;
	for (i = 0; i < len; i++)
		p[i] = in[i];
	return true;
}
