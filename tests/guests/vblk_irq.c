/*
 * The disk's interrupt under the hypervisor: virtio-blk completions reach
 * the guest through its virtual PLIC as SEIP, and the real disk's interrupt
 * stays in service until the guest completes its own: while the guest has
 * claimed the disk's source and not completed it, a further request does
 * not complete (the hypervisor hears nothing from the real disk); the
 * completion lets it through. A guest that cannot take the interrupt
 * (source disabled) is never held up. Checks what only the hypervisor
 * does, so it runs only there.
 */
#include "rt/rt.h"
#include "virtio.h"

#define PLIC_BASE        UL(0x0c000000)
#define PLIC_PRIORITY(s) (PLIC_BASE + 4 * (uint64_t)(s))
#define PLIC_ENABLE_S    (PLIC_BASE + 0x2080)
#define PLIC_THRESHOLD_S (PLIC_BASE + 0x201000)
#define PLIC_CLAIM_S     (PLIC_BASE + 0x201004)

#define QNUM 8U
#define TIMEBASE_HZ 10000000U /* QEMU virt */
#define WAIT_TICKS (TIMEBASE_HZ / 2)
#define HOLD_TICKS (TIMEBASE_HZ / 50) /* long enough for the real disk */

struct virtq_avail {
	uint16_t flags;
	uint16_t idx;
	uint16_t ring[QNUM];
};

struct virtq_used {
	uint16_t flags;
	uint16_t idx;
	struct virtq_used_elem ring[QNUM];
};

static struct virtq_desc desc[QNUM] __attribute__((aligned(16)));
static struct virtq_avail avail __attribute__((aligned(2)));
static volatile struct virtq_used used __attribute__((aligned(4)));
static struct blk_header header;
static volatile uint8_t status[QNUM];
static uint8_t data[SECTOR_SIZE];

static uint64_t dev;
static uint32_t irq;

static uint32_t reg_read(unsigned off)
{
	return *(volatile uint32_t *)(dev + off);
}

static void reg_write(unsigned off, uint32_t v)
{
	*(volatile uint32_t *)(dev + off) = v;
}

static void plic_write(uint64_t addr, uint32_t v)
{
	*(volatile uint32_t *)addr = v;
}

static uint32_t plic_read(uint64_t addr)
{
	return *(volatile uint32_t *)addr;
}

static uint64_t now(void)
{
	return csr_read(CSR_TIME);
}

static bool seip(void)
{
	return csr_read(CSR_SIP) & MIP_SEIP;
}

static bool find_disk(void)
{
	for (unsigned i = 0; i < VIRTIO_MMIO_SLOTS; i++) {
		uint64_t base = VIRTIO_MMIO_BASE + i * VIRTIO_MMIO_STRIDE;
		if (!virtio_slot_answers(base))
			continue;
		dev = base;
		irq = i + 1; /* QEMU virt: slot i interrupts on source i + 1 */
		return reg_read(MMIO_DEVICE_ID) == VIRTIO_ID_BLOCK;
	}
	return false;
}

static bool start_device(void)
{
	reg_write(MMIO_STATUS, 0);
	reg_write(MMIO_STATUS, STATUS_ACKNOWLEDGE | STATUS_DRIVER);
	reg_write(MMIO_DRIVER_FEATURES_SEL, 1);
	reg_write(MMIO_DRIVER_FEATURES, VIRTIO_F_VERSION_1_BIT);
	reg_write(MMIO_DRIVER_FEATURES_SEL, 0);
	reg_write(MMIO_DRIVER_FEATURES, 0);
	reg_write(MMIO_STATUS, STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK);
	if (!(reg_read(MMIO_STATUS) & STATUS_FEATURES_OK))
		return false;
	reg_write(MMIO_QUEUE_SEL, 0);
	reg_write(MMIO_QUEUE_NUM, QNUM);
	virtio_set_queue_address(dev, MMIO_QUEUE_DESC_LOW, desc);
	virtio_set_queue_address(dev, MMIO_QUEUE_DRIVER_LOW, &avail);
	virtio_set_queue_address(dev, MMIO_QUEUE_DEVICE_LOW, &used);
	reg_write(MMIO_QUEUE_READY, 1);
	reg_write(MMIO_STATUS, STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK |
				       STATUS_DRIVER_OK);
	return reg_read(MMIO_QUEUE_READY) == 1;
}

/* A one-sector read; request k uses descriptors 3(k%2).. and status[k]. */
static void submit_read(unsigned k)
{
	uint16_t d = (uint16_t)(3 * (k % 2));
	header = (struct blk_header){ VIRTIO_BLK_T_IN, 0, 0 };
	status[k % QNUM] = 0xff;
	desc[d] = (struct virtq_desc){ (uintptr_t)&header, sizeof(header), VIRTQ_DESC_F_NEXT,
				       (uint16_t)(d + 1) };
	desc[d + 1] = (struct virtq_desc){ (uintptr_t)data, sizeof(data),
					   VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, (uint16_t)(d + 2) };
	desc[d + 2] = (struct virtq_desc){ (uintptr_t)&status[k % QNUM], 1, VIRTQ_DESC_F_WRITE, 0 };
	avail.ring[avail.idx % QNUM] = d;
	__asm__ volatile("fence rw, rw" ::: "memory");
	avail.idx++;
	__asm__ volatile("fence rw, rw" ::: "memory");
	reg_write(MMIO_QUEUE_NOTIFY, 0);
}

static uint16_t used_idx(void)
{
	__asm__ volatile("fence rw, rw" ::: "memory");
	return used.idx;
}

/* Whether cond holds within ticks. */
#define WAIT_FOR(cond, ticks)                                           \
	({                                                              \
		uint64_t end_ = now() + (ticks);                        \
		while (!(cond) && now() < end_)                         \
			;                                               \
		(bool)(cond);                                           \
	})

int main(void)
{
	if (!CHECK(find_disk()) || !CHECK(start_device()))
		return 1;
	rt_printf("vblk_irq: disk at %lx, interrupt %u\n", dev, irq);
	plic_write(PLIC_PRIORITY(irq), 1);
	plic_write(PLIC_THRESHOLD_S, 0);
	plic_write(PLIC_ENABLE_S, 1U << irq);
	csr_set(CSR_SIE, MIP_SEIP);

	/* A completion arrives as SEIP and claims as the disk's source. */
	submit_read(0);
	CHECK(WAIT_FOR(seip(), WAIT_TICKS));
	CHECK_EQ(used_idx(), 1);
	CHECK_EQ(status[0], VIRTIO_BLK_S_OK);
	CHECK_EQ(plic_read(PLIC_CLAIM_S), irq);
	reg_write(MMIO_INTERRUPT_ACK, reg_read(MMIO_INTERRUPT_STATUS));
	CHECK(!seip());

	/* Claimed, not completed: the next request is held back. */
	submit_read(1);
	CHECK(!WAIT_FOR(used_idx() != 1, HOLD_TICKS));
	CHECK(!seip());
	plic_write(PLIC_CLAIM_S, irq);
	CHECK(WAIT_FOR(used_idx() == 2, WAIT_TICKS));
	CHECK_EQ(status[1], VIRTIO_BLK_S_OK);
	CHECK(WAIT_FOR(seip(), WAIT_TICKS));
	CHECK_EQ(plic_read(PLIC_CLAIM_S), irq);
	reg_write(MMIO_INTERRUPT_ACK, reg_read(MMIO_INTERRUPT_STATUS));
	plic_write(PLIC_CLAIM_S, irq);

	/* Pending, not even claimed: held too; masking the source in the
	 * PLIC releases it, since the guest could then never claim it. */
	submit_read(2);
	CHECK(WAIT_FOR(seip(), WAIT_TICKS));
	CHECK_EQ(used_idx(), 3);
	submit_read(3);
	CHECK(!WAIT_FOR(used_idx() != 3, HOLD_TICKS));
	plic_write(PLIC_ENABLE_S, 0);
	CHECK(!seip());
	CHECK(WAIT_FOR(used_idx() == 4, WAIT_TICKS));
	CHECK_EQ(status[3], VIRTIO_BLK_S_OK);

	/* A guest that cannot take the interrupt is never held up. */
	reg_write(MMIO_INTERRUPT_ACK, reg_read(MMIO_INTERRUPT_STATUS));
	for (unsigned k = 4; k < 8; k++) {
		submit_read(k);
		CHECK(WAIT_FOR(used_idx() == k + 1, WAIT_TICKS));
		CHECK_EQ(status[k], VIRTIO_BLK_S_OK);
	}
	CHECK(!seip());

	csr_clear(CSR_SIE, MIP_SEIP);
	plic_write(PLIC_PRIORITY(irq), 0);
	reg_write(MMIO_STATUS, 0);
	return 0;
}
