#include "hv/host_vblk.h"

#include <stddef.h>

#include "encoding.h"
#include "hv/layout.h"

/* virtio-mmio registers (VIRTIO 1.1, 4.2.2 and 4.2.4 for the legacy ones). */
#define VMMIO_MAGIC           0x000
#define VMMIO_VERSION         0x004
#define VMMIO_DEVICE_ID       0x008
#define VMMIO_DEVICE_FEATURES 0x010
#define VMMIO_DEVICE_FEATURES_SEL 0x014
#define VMMIO_DRIVER_FEATURES 0x020
#define VMMIO_DRIVER_FEATURES_SEL 0x024
#define VMMIO_LEGACY_PAGE_SIZE 0x028
#define VMMIO_QUEUE_SEL       0x030
#define VMMIO_QUEUE_NUM_MAX   0x034
#define VMMIO_QUEUE_NUM       0x038
#define VMMIO_LEGACY_QUEUE_ALIGN 0x03c
#define VMMIO_LEGACY_QUEUE_PFN 0x040
#define VMMIO_QUEUE_READY     0x044
#define VMMIO_QUEUE_NOTIFY    0x050
#define VMMIO_INTERRUPT_STATUS 0x060
#define VMMIO_INTERRUPT_ACK   0x064
#define VMMIO_STATUS          0x070
#define VMMIO_QUEUE_DESC      0x080
#define VMMIO_QUEUE_DRIVER    0x090
#define VMMIO_QUEUE_DEVICE    0x0a0
#define VMMIO_CONFIG_GENERATION 0x0fc
#define VMMIO_CONFIG          0x100

#define VMMIO_MAGIC_VALUE 0x74726976U
#define VIRTIO_ID_BLOCK 2U

#define STATUS_ACKNOWLEDGE 1U
#define STATUS_DRIVER      2U
#define STATUS_DRIVER_OK   4U
#define STATUS_FEATURES_OK 8U

#define FEATURE_BLK_RO    5U
#define FEATURE_BLK_FLUSH 9U
#define FEATURE_VERSION_1 32U

#define DESC_F_NEXT  1U
#define DESC_F_WRITE 2U

#define QSIZE 128U
#define LEGACY_ALIGN 4096U

struct desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

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
	struct desc desc[QSIZE];
	struct avail avail;
	uint8_t pad[LEGACY_ALIGN - sizeof(struct desc) * QSIZE - sizeof(struct avail)];
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

static uint64_t config_capacity(uint32_t version)
{
	uint32_t gen, lo, hi;
	do {
		gen = version >= 2 ? rd(VMMIO_CONFIG_GENERATION) : 0;
		lo = rd(VMMIO_CONFIG);
		hi = rd(VMMIO_CONFIG + 4);
	} while (version >= 2 && gen != rd(VMMIO_CONFIG_GENERATION));
	return (uint64_t)hi << 32 | lo;
}

static const char *start_queue(uint32_t version)
{
	wr(VMMIO_QUEUE_SEL, 0);
	if (version >= 2 && rd(VMMIO_QUEUE_READY))
		return "its queue 0 is already in use";
	if (rd(VMMIO_QUEUE_NUM_MAX) < QSIZE)
		return "its queue 0 is too small";
	wr(VMMIO_QUEUE_NUM, QSIZE);
	if (version >= 2) {
		wr64(VMMIO_QUEUE_DESC, pa_of(ring.desc));
		wr64(VMMIO_QUEUE_DRIVER, pa_of(&ring.avail));
		wr64(VMMIO_QUEUE_DEVICE, pa_of(&ring.used));
		wr(VMMIO_QUEUE_READY, 1);
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
	wr(VMMIO_STATUS, 0);
	wr(VMMIO_STATUS, STATUS_ACKNOWLEDGE);
	wr(VMMIO_STATUS, STATUS_ACKNOWLEDGE | STATUS_DRIVER);
	wr(VMMIO_DEVICE_FEATURES_SEL, 0);
	uint64_t offered = rd(VMMIO_DEVICE_FEATURES);
	wr(VMMIO_DEVICE_FEATURES_SEL, 1);
	offered |= (uint64_t)rd(VMMIO_DEVICE_FEATURES) << 32;
	uint64_t wanted = BIT(FEATURE_BLK_RO) | BIT(FEATURE_BLK_FLUSH);
	if (version >= 2) {
		if (!(offered & BIT(FEATURE_VERSION_1)))
			return "it does not offer VIRTIO_F_VERSION_1";
		wanted |= BIT(FEATURE_VERSION_1);
	}
	uint64_t accepted = offered & wanted;
	wr(VMMIO_DRIVER_FEATURES_SEL, 0);
	wr(VMMIO_DRIVER_FEATURES, (uint32_t)accepted);
	wr(VMMIO_DRIVER_FEATURES_SEL, 1);
	wr(VMMIO_DRIVER_FEATURES, (uint32_t)(accepted >> 32));
	uint32_t status = STATUS_ACKNOWLEDGE | STATUS_DRIVER;
	if (version >= 2) {
		status |= STATUS_FEATURES_OK;
		wr(VMMIO_STATUS, status);
		if (!(rd(VMMIO_STATUS) & STATUS_FEATURES_OK))
			return "it refused our features";
	} else {
		wr(VMMIO_LEGACY_PAGE_SIZE, LEGACY_ALIGN);
	}
	const char *why = start_queue(version);
	if (why)
		return why;
	wr(VMMIO_STATUS, status | STATUS_DRIVER_OK);
	started = true;
	info->version = version;
	info->capacity = config_capacity(version);
	info->can_flush = accepted & BIT(FEATURE_BLK_FLUSH);
	info->read_only = accepted & BIT(FEATURE_BLK_RO);
	return NULL;
}

const char *host_vblk_init(const struct platform *p, struct host_vblk_info *info)
{
	for (unsigned i = 0; i < p->nvirtio; i++) {
		base = p->virtio[i].base;
		if (rd(VMMIO_MAGIC) != VMMIO_MAGIC_VALUE || rd(VMMIO_DEVICE_ID) != VIRTIO_ID_BLOCK)
			continue;
		uint32_t version = rd(VMMIO_VERSION);
		if (version != 1 && version != 2)
			return "its virtio-mmio version is unknown";
		info->base = base;
		info->irq = p->virtio[i].irq;
		return start_device(version, info);
	}
	return "";
}

static void put_desc(uint16_t i, uint64_t pa, uint32_t len, uint16_t flags, uint16_t next)
{
	ring.desc[i] = (struct desc){ pa, len, flags, next };
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
	put_desc(head, pa_of(r), 16, DESC_F_NEXT, chain[1]);
	uint16_t data_flags = DESC_F_NEXT | (to_memory ? DESC_F_WRITE : 0);
	for (unsigned i = 0; i < nsegs; i++)
		put_desc(chain[i + 1], segs[i].pa, segs[i].len, data_flags, chain[i + 2]);
	put_desc(chain[ndescs - 1], pa_of(&r->status), 1, DESC_F_WRITE, 0);

	ring.avail.ring[ring.avail.idx % QSIZE] = head;
	/* The device must see the chain before the index that publishes it. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	ring.avail.idx++;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	wr(VMMIO_QUEUE_NOTIFY, 0);
	return true;
}

void host_vblk_interrupt(void (*done)(void *ctx, uint16_t tag, uint8_t status), void *ctx)
{
	wr(VMMIO_INTERRUPT_ACK, rd(VMMIO_INTERRUPT_STATUS));
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
