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

#define QSIZE 128U
#define LEGACY_ALIGN 4096U

struct avail {
	uint16_t flags;
	uint16_t idx;
	uint16_t ring[QSIZE];
};

struct used_elem {
	uint32_t id;
	uint32_t len;
};

struct used {
	uint16_t flags;
	uint16_t idx;
	struct used_elem ring[QSIZE];
};

/* The legacy layout (used ring on the next page) serves both transports. */
static struct {
	struct virtq_desc desc[QSIZE];
	struct avail avail;
	uint8_t pad[LEGACY_ALIGN - sizeof(struct virtq_desc) * QSIZE - sizeof(struct avail)];
	struct used used;
} ring __attribute__((aligned(LEGACY_ALIGN)));

/* What the device reads and writes besides the caller's buffers, one per
 * descriptor chain (indexed by its head). */
struct request {
	uint32_t type;
	uint32_t reserved;
	uint64_t sector;
	uint8_t status;
	uint16_t tag;
	uint16_t ndescs;
};
static struct request requests[QSIZE];

static uint16_t free_desc[QSIZE];
static unsigned nfree;
static uint16_t last_used;
static uint64_t base;
static bool started;

static volatile uint32_t *reg(uint64_t off)
{
	return pa_to_va(base + off);
}

static uint32_t rd(uint64_t off)
{
	return *reg(off);
}

static void wr(uint64_t off, uint32_t v)
{
	*reg(off) = v;
}

static void wr64(uint64_t off, uint64_t v)
{
	wr(off, (uint32_t)v);
	wr(off + 4, (uint32_t)(v >> 32));
}

static uint64_t pa_of(const volatile void *p)
{
	return va_to_pa((const void *)p);
}

static uint64_t config_capacity(bool modern)
{
	uint32_t gen, lo, hi;
	do {
		gen = modern ? rd(VIRTIO_MMIO_CONFIG_GENERATION) : 0;
		lo = rd(VIRTIO_MMIO_CONFIG);
		hi = rd(VIRTIO_MMIO_CONFIG + 4);
	} while (modern && gen != rd(VIRTIO_MMIO_CONFIG_GENERATION));
	return (uint64_t)hi << 32 | lo;
}

static const char *start_queue(bool modern)
{
	wr(VIRTIO_MMIO_QUEUE_SEL, 0);
	if (modern && rd(VIRTIO_MMIO_QUEUE_READY))
		return "its queue 0 is already in use";
	if (rd(VIRTIO_MMIO_QUEUE_NUM_MAX) < QSIZE)
		return "its queue 0 is too small";
	wr(VIRTIO_MMIO_QUEUE_NUM, QSIZE);
	if (modern) {
		wr64(VIRTIO_MMIO_QUEUE_DESC_LOW, pa_of(ring.desc));
		wr64(VIRTIO_MMIO_QUEUE_DRIVER_LOW, pa_of(&ring.avail));
		wr64(VIRTIO_MMIO_QUEUE_DEVICE_LOW, pa_of(&ring.used));
		wr(VIRTIO_MMIO_QUEUE_READY, 1);
	} else {
		wr(VMMIO_LEGACY_QUEUE_ALIGN, LEGACY_ALIGN);
		wr(VMMIO_LEGACY_QUEUE_PFN, (uint32_t)(pa_of(ring.desc) / LEGACY_ALIGN));
	}
	for (unsigned i = 0; i < QSIZE; i++)
		free_desc[i] = (uint16_t)i;
	nfree = QSIZE;
	last_used = 0;
	return NULL;
}

/* The handshake of VIRTIO 1.1 section 3.1 (legacy devices skip FEATURES_OK). */
static const char *start_device(uint32_t version, struct host_vblk_info *info)
{
	bool modern = version == VIRTIO_MMIO_VERSION_MODERN;
	wr(VIRTIO_MMIO_STATUS, 0);
	wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE);
	wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	uint64_t offered = rd(VIRTIO_MMIO_DEVICE_FEATURES);
	wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	offered |= (uint64_t)rd(VIRTIO_MMIO_DEVICE_FEATURES) << 32;
	uint64_t wanted = BIT(VIRTIO_BLK_F_RO) | BIT(VIRTIO_BLK_F_FLUSH);
	if (modern) {
		if (!(offered & BIT(VIRTIO_F_VERSION_1)))
			return "it does not offer VIRTIO_F_VERSION_1";
		wanted |= BIT(VIRTIO_F_VERSION_1);
	}
	uint64_t accepted = offered & wanted;
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)accepted);
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)(accepted >> 32));
	uint32_t status = VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER;
	if (modern) {
		status |= VIRTIO_STATUS_FEATURES_OK;
		wr(VIRTIO_MMIO_STATUS, status);
		if (!(rd(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK))
			return "it refused our features";
	} else {
		wr(VMMIO_LEGACY_PAGE_SIZE, LEGACY_ALIGN);
	}
	const char *why = start_queue(modern);
	if (why)
		return why;
	wr(VIRTIO_MMIO_STATUS, status | VIRTIO_STATUS_DRIVER_OK);
	started = true;
	info->version = version;
	info->capacity = config_capacity(modern);
	info->can_flush = accepted & BIT(VIRTIO_BLK_F_FLUSH);
	info->read_only = accepted & BIT(VIRTIO_BLK_F_RO);
	return NULL;
}

const char *host_vblk_init(const struct platform *p, struct host_vblk_info *info)
{
	for (unsigned i = 0; i < p->nvirtio; i++) {
		base = p->virtio[i].base;
		if (rd(VIRTIO_MMIO_MAGIC_VALUE) != VIRTIO_MMIO_MAGIC ||
		    rd(VIRTIO_MMIO_DEVICE_ID) != VIRTIO_ID_BLOCK)
			continue;
		uint32_t version = rd(VIRTIO_MMIO_VERSION);
		if (version != 1 && version != VIRTIO_MMIO_VERSION_MODERN)
			return "its virtio-mmio version is unknown";
		info->base = base;
		info->irq = p->virtio[i].irq;
		return start_device(version, info);
	}
	return "";
}

static void put_desc(uint16_t i, uint64_t pa, uint32_t len, uint16_t flags, uint16_t next)
{
	ring.desc[i] = (struct virtq_desc){ pa, len, flags, next };
}

bool host_vblk_submit(uint32_t type, uint64_t sector, const struct host_vblk_seg *segs,
		      unsigned nsegs, bool to_memory, uint16_t tag)
{
	unsigned ndescs = nsegs + HOST_VBLK_OWN_DESCS;
	if (ndescs > nfree)
		return false;
	uint16_t chain[QSIZE];
	for (unsigned i = 0; i < ndescs; i++)
		chain[i] = free_desc[--nfree];
	uint16_t head = chain[0];
	struct request *r = &requests[head];
	*r = (struct request){ .type = type, .sector = sector, .status = 0xff, .tag = tag,
			       .ndescs = (uint16_t)ndescs };
	put_desc(head, pa_of(r), 16, VIRTQ_DESC_F_NEXT, chain[1]);
	uint16_t data_flags = VIRTQ_DESC_F_NEXT | (to_memory ? VIRTQ_DESC_F_WRITE : 0);
	for (unsigned i = 0; i < nsegs; i++)
		put_desc(chain[i + 1], segs[i].pa, segs[i].len, data_flags, chain[i + 2]);
	put_desc(chain[ndescs - 1], pa_of(&r->status), 1, VIRTQ_DESC_F_WRITE, 0);

	ring.avail.ring[ring.avail.idx % QSIZE] = head;
	/* The device must see the chain before the index that publishes it. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	ring.avail.idx++;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	return true;
}

void host_vblk_interrupt(void (*done)(void *ctx, uint16_t tag, uint8_t status), void *ctx)
{
	wr(VIRTIO_MMIO_INTERRUPT_ACK, rd(VIRTIO_MMIO_INTERRUPT_STATUS));
	uint16_t idx = __atomic_load_n(&ring.used.idx, __ATOMIC_ACQUIRE);
	while (last_used != idx) {
		uint32_t head = ring.used.ring[last_used % QSIZE].id;
		last_used++;
		if (head >= QSIZE || requests[head].ndescs == 0)
			continue;
		struct request *r = &requests[head];
		uint16_t d = (uint16_t)head;
		for (unsigned i = 0; i < r->ndescs; i++) {
			free_desc[nfree++] = d;
			d = ring.desc[d].next;
		}
		r->ndescs = 0;
		done(ctx, r->tag, r->status);
	}
}

bool host_vblk_busy(void)
{
	return started && nfree != QSIZE;
}
