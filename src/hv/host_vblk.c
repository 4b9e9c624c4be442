#include "hv/host_vblk.h"

#include <stddef.h>

#include "dev/virtio_blk.h"
#include "encoding.h"
#include "hv/layout.h"

/* The legacy transport's own registers (VIRTIO 1.1, 4.2.4); the rest
 * are the ones the guest-facing model answers (dev/virtio_blk.h). */
#define VMMIO_LEGACY_PAGE_SIZE   0x028
#define VMMIO_LEGACY_QUEUE_ALIGN 0x03c
#define VMMIO_LEGACY_QUEUE_PFN   0x040

#define QSIZE HOST_VBLK_QSIZE
#define LEGACY_ALIGN HOST_VBLK_LEGACY_ALIGN

static volatile uint32_t *reg(const struct host_vblk *d, uint64_t off)
{
	return pa_to_va(d->base + off);
}

static uint32_t rd(const struct host_vblk *d, uint64_t off)
{
	return *reg(d, off);
}

static void wr(struct host_vblk *d, uint64_t off, uint32_t v)
{
	*reg(d, off) = v;
}

static void wr64(struct host_vblk *d, uint64_t off, uint64_t v)
{
	wr(d, off, (uint32_t)v);
	wr(d, off + 4, (uint32_t)(v >> 32));
}

static uint64_t pa_of(const volatile void *p)
{
	return va_to_pa((const void *)p);
}

static uint64_t config_capacity(struct host_vblk *d, bool modern)
{
	uint32_t gen, lo, hi;
	do {
		gen = modern ? rd(d, VIRTIO_MMIO_CONFIG_GENERATION) : 0;
		lo = rd(d, VIRTIO_MMIO_CONFIG);
		hi = rd(d, VIRTIO_MMIO_CONFIG + 4);
	} while (modern && gen != rd(d, VIRTIO_MMIO_CONFIG_GENERATION));
	return (uint64_t)hi << 32 | lo;
}

static const char *start_queue(struct host_vblk *d, bool modern)
{
	wr(d, VIRTIO_MMIO_QUEUE_SEL, 0);
	if (modern && rd(d, VIRTIO_MMIO_QUEUE_READY))
		return "its queue 0 is already in use";
	if (rd(d, VIRTIO_MMIO_QUEUE_NUM_MAX) < QSIZE)
		return "its queue 0 is too small";
	wr(d, VIRTIO_MMIO_QUEUE_NUM, QSIZE);
	if (modern) {
		wr64(d, VIRTIO_MMIO_QUEUE_DESC_LOW, pa_of(d->ring.desc));
		wr64(d, VIRTIO_MMIO_QUEUE_DRIVER_LOW, pa_of(&d->ring.avail));
		wr64(d, VIRTIO_MMIO_QUEUE_DEVICE_LOW, pa_of(&d->ring.used));
		wr(d, VIRTIO_MMIO_QUEUE_READY, 1);
	} else {
		wr(d, VMMIO_LEGACY_QUEUE_ALIGN, LEGACY_ALIGN);
		wr(d, VMMIO_LEGACY_QUEUE_PFN, (uint32_t)(pa_of(d->ring.desc) / LEGACY_ALIGN));
	}
	for (unsigned i = 0; i < QSIZE; i++)
		d->free_desc[i] = (uint16_t)i;
	d->nfree = QSIZE;
	d->last_used = 0;
	return NULL;
}

/* The handshake of VIRTIO 1.1 section 3.1 (legacy devices skip FEATURES_OK). */
static const char *start_device(struct host_vblk *d, uint32_t version)
{
	bool modern = version == VIRTIO_MMIO_VERSION_MODERN;
	wr(d, VIRTIO_MMIO_STATUS, 0);
	wr(d, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE);
	wr(d, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	wr(d, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	uint64_t offered = rd(d, VIRTIO_MMIO_DEVICE_FEATURES);
	wr(d, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	offered |= (uint64_t)rd(d, VIRTIO_MMIO_DEVICE_FEATURES) << 32;
	uint64_t wanted = BIT(VIRTIO_BLK_F_RO) | BIT(VIRTIO_BLK_F_FLUSH);
	if (modern) {
		if (!(offered & BIT(VIRTIO_F_VERSION_1)))
			return "it does not offer VIRTIO_F_VERSION_1";
		wanted |= BIT(VIRTIO_F_VERSION_1);
	}
	uint64_t accepted = offered & wanted;
	wr(d, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(d, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)accepted);
	wr(d, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(d, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)(accepted >> 32));
	uint32_t status = VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER;
	if (modern) {
		status |= VIRTIO_STATUS_FEATURES_OK;
		wr(d, VIRTIO_MMIO_STATUS, status);
		if (!(rd(d, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK))
			return "it refused our features";
	} else {
		wr(d, VMMIO_LEGACY_PAGE_SIZE, LEGACY_ALIGN);
	}
	const char *why = start_queue(d, modern);
	if (why)
		return why;
	wr(d, VIRTIO_MMIO_STATUS, status | VIRTIO_STATUS_DRIVER_OK);
	d->started = true;
	d->info.version = version;
	d->info.capacity = config_capacity(d, modern);
	d->info.can_flush = accepted & BIT(VIRTIO_BLK_F_FLUSH);
	d->info.read_only = accepted & BIT(VIRTIO_BLK_F_RO);
	return NULL;
}

const char *host_vblk_init(struct host_vblk *d, const struct platform_virtio *slot)
{
	d->base = slot->base;
	d->started = false;
	if (rd(d, VIRTIO_MMIO_MAGIC_VALUE) != VIRTIO_MMIO_MAGIC ||
	    rd(d, VIRTIO_MMIO_DEVICE_ID) != VIRTIO_ID_BLOCK)
		return "";
	uint32_t version = rd(d, VIRTIO_MMIO_VERSION);
	if (version != 1 && version != VIRTIO_MMIO_VERSION_MODERN)
		return "its virtio-mmio version is unknown";
	d->info.base = slot->base;
	d->info.irq = slot->irq;
	return start_device(d, version);
}

static void put_desc(struct host_vblk *d, uint16_t i, uint64_t pa, uint32_t len,
		     uint16_t flags, uint16_t next)
{
	d->ring.desc[i] = (struct virtq_desc){ pa, len, flags, next };
}

bool host_vblk_submit(struct host_vblk *d, uint32_t type, uint64_t sector,
		      const struct host_vblk_seg *segs, unsigned nsegs, bool to_memory,
		      uint16_t tag)
{
	unsigned ndescs = nsegs + HOST_VBLK_OWN_DESCS;
	if (ndescs > d->nfree)
		return false;
	uint16_t chain[QSIZE];
	for (unsigned i = 0; i < ndescs; i++)
		chain[i] = d->free_desc[--d->nfree];
	uint16_t head = chain[0];
	struct host_vblk_request *r = &d->requests[head];
	*r = (struct host_vblk_request){ .type = type, .sector = sector, .status = 0xff, .tag = tag,
			       .ndescs = (uint16_t)ndescs };
	put_desc(d, head, pa_of(r), 16, VIRTQ_DESC_F_NEXT, chain[1]);
	uint16_t data_flags = VIRTQ_DESC_F_NEXT | (to_memory ? VIRTQ_DESC_F_WRITE : 0);
	for (unsigned i = 0; i < nsegs; i++)
		put_desc(d, chain[i + 1], segs[i].pa, segs[i].len, data_flags, chain[i + 2]);
	put_desc(d, chain[ndescs - 1], pa_of(&r->status), 1, VIRTQ_DESC_F_WRITE, 0);

	d->ring.avail.ring[d->ring.avail.idx % QSIZE] = head;
	/* The device must see the chain before the index that publishes it. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	d->ring.avail.idx++;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	wr(d, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	return true;
}

void host_vblk_interrupt(struct host_vblk *d,
			 void (*done)(void *ctx, uint16_t tag, uint8_t status), void *ctx)
{
	wr(d, VIRTIO_MMIO_INTERRUPT_ACK, rd(d, VIRTIO_MMIO_INTERRUPT_STATUS));
	uint16_t idx = __atomic_load_n(&d->ring.used.idx, __ATOMIC_ACQUIRE);
	while (d->last_used != idx) {
		uint32_t head = d->ring.used.ring[d->last_used % QSIZE].id;
		d->last_used++;
		if (head >= QSIZE || d->requests[head].ndescs == 0)
			continue;
		struct host_vblk_request *r = &d->requests[head];
		uint16_t desc = (uint16_t)head;
		for (unsigned i = 0; i < r->ndescs; i++) {
			d->free_desc[d->nfree++] = desc;
			desc = d->ring.desc[desc].next;
		}
		r->ndescs = 0;
		done(ctx, r->tag, r->status);
	}
}

bool host_vblk_busy(const struct host_vblk *d)
{
	return d->started && d->nfree != QSIZE;
}
