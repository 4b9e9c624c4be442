/*
 * Hostile use of the emulated virtio-blk device (run under the hypervisor,
 * one boot with a fresh 1 MiB disk: vblk_attack.disk). The disk is where
 * QEMU virt puts a lone virtio-mmio device; guest RAM is the hypervisor's
 * default 128 MiB at 0x80000000 (the guest gets no device-tree pointer
 * from its runtime, so this is assumed, and checked by probing the last
 * word of RAM and the first byte past it). After a proper setup a known
 * pattern is written to a few sectors; then each attack builds a chain,
 * notifies, and checks the answer:
 *  - IOERR in the status byte, the chain returned with length 1 and the
 *    used-buffer interrupt: data outside RAM (below it, past it,
 *    straddling its end, the hypervisor's window, aliases of RAM modulo
 *    2^32 and 2^63, huge and wrapping addresses, lengths summing past
 *    2^32), zero-length and indirect descriptors, readable after
 *    writable, short headers, lengths no multiple of 512, more segments
 *    than seg_max, sectors at or past the capacity or wrapping, data in
 *    the wrong direction;
 *  - DEVICE_NEEDS_RESET and the configuration-change interrupt (a chain
 *    given back comes back empty) when no status byte can be written or
 *    the chain or ring cannot be followed: loops of every shape (one
 *    64K descriptors long included), next indices past the table, a
 *    status descriptor outside RAM, read-only, empty or indirect, the
 *    avail index jumping ahead or back, a head past the table; until the
 *    reset, notifies are ignored and the bit cannot be cleared;
 *  - queue setups with rings outside RAM or misaligned, a bad size, the
 *    wrong queue, before FEATURES_OK: QueueReady stays 0 and a notify does
 *    nothing; ring registers rewritten while the queue runs are ignored;
 *  - a reset with a request in flight: its late completion lands nowhere;
 *  - MMIO on the device's page at every offset and width, garbage in
 *    every register, and the unemulated virtio-mmio slots.
 * After each attack nothing a rejected request could have written has
 * changed (buffers poisoned beforehand, the last page of RAM, the known
 * sectors), and the device serves a valid read correctly (after a reset
 * and a new setup if it asked for one).
 */
#include <stddef.h>
#include <string.h>

#include "access.h"
#include "rt/rt.h"
#include "virtio.h"

/* QEMU virt's last virtio-mmio slot: where its only disk goes. */
#define DISK (VIRTIO_MMIO_BASE + (VIRTIO_MMIO_SLOTS - 1) * VIRTIO_MMIO_STRIDE)

#define RAM_BASE UL(0x80000000)
#define RAM_END (RAM_BASE + UL(0x8000000)) /* 128 MiB, probed */
#define PLIC UL(0x0c000000)
#define UART UL(0x10000000)
/* The hypervisor's own image, as it maps it (src/hv/layout.h). */
#define HV_WINDOW UL(0xfffffff780200000)

#define MIB UL(0x100000)

/* As large as the device allows: chains longer than seg_max fit. */
#define QNUM 128U

VIRTQ_RINGS(QNUM);

#define RUNNING (STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK | STATUS_DRIVER_OK)

/* Sectors holding the known pattern. */
#define KNOWN_SECTOR 16U
#define KNOWN_BYTES 4096U

/* Values a rejected request must leave alone. */
#define STATUS_POISON 0xeeU
#define DATA_POISON 0x5aU
#define END_POISON 0xa5U
#define END_BYTES 4096U /* the last page of RAM */

/* 10 MHz timebase on QEMU virt: an answer takes far less than 1 s, and a
 * request that must be ignored gets 50 ms to show it is not. */
#define ANSWER_TICKS UL(10000000)
#define IGNORED_TICKS UL(500000)

static struct virtq_desc desc[QNUM] __attribute__((aligned(4096)));
static struct virtq_avail avail __attribute__((aligned(4096)));
static struct virtq_used used __attribute__((aligned(4096)));
/* An indirect table of one sector: taken for a plain buffer, it would
 * make a valid sector read. */
static struct virtq_desc indirect[SECTOR_SIZE / sizeof(struct virtq_desc)]
	__attribute__((aligned(16)));

static struct blk_header hdr;
static uint8_t status;
static uint8_t buf[64 * 1024] __attribute__((aligned(4096)));
static uint8_t known[KNOWN_BYTES];
static uint8_t check_buf[KNOWN_BYTES];
static uint8_t *const ram_end_page = (uint8_t *)(uintptr_t)(RAM_END - END_BYTES);

static uint16_t avail_idx, used_seen;
static uint64_t capacity;
static uint32_t seg_max;

/* The attack being checked, for failure reports; and the tallies. */
static const char *attack;
static uint64_t attack_arg;
static uint32_t attack_type;
static unsigned n_ioerr, n_reset, n_refused, n_mmio;

static bool in_attack(bool ok)
{
	if (!ok)
		rt_printf("vblk_attack:   in attack: %s (0x%lx, request type %u)\n", attack,
			  attack_arg, attack_type);
	return ok;
}
#define ACHECK(c) in_attack(CHECK(c))
#define ACHECK_EQ(a, b) in_attack(CHECK_EQ(a, b))

static inline void fence_all(void)
{
	__asm__ volatile("fence iorw, iorw" ::: "memory");
}

static uint64_t pa(const volatile void *p)
{
	return (uint64_t)(uintptr_t)p;
}

static uint32_t reg_read(unsigned off)
{
	return *(volatile uint32_t *)(uintptr_t)(DISK + off);
}

static void reg_write(unsigned off, uint32_t v)
{
	*(volatile uint32_t *)(uintptr_t)(DISK + off) = v;
}

static void reg_write64(unsigned low, uint64_t v)
{
	reg_write(low, (uint32_t)v);
	reg_write(low + 4, (uint32_t)(v >> 32));
}

static uint64_t now(void)
{
	return csr_read(CSR_TIME);
}

static void spin(uint64_t ticks)
{
	uint64_t until = now() + ticks;
	while (now() < until)
		;
}

static uint16_t used_idx(void)
{
	return *(volatile uint16_t *)&used.idx;
}

static bool all_bytes(const uint8_t *p, size_t n, uint8_t v)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != v)
			return false;
	return true;
}

/* ---- Setup ---- */

static bool reset_device(void)
{
	reg_write(MMIO_STATUS, 0);
	uint64_t deadline = now() + ANSWER_TICKS;
	while (reg_read(MMIO_STATUS) != 0)
		if (now() > deadline)
			return ACHECK(!"device resets");
	return true;
}

/* Reset, then ACKNOWLEDGE, DRIVER and the features up to FEATURES_OK:
 * where the queue is configured. */
static bool negotiate(void)
{
	if (!reset_device())
		return false;
	reg_write(MMIO_STATUS, STATUS_ACKNOWLEDGE);
	reg_write(MMIO_STATUS, STATUS_ACKNOWLEDGE | STATUS_DRIVER);
	reg_write(MMIO_DRIVER_FEATURES_SEL, 0);
	reg_write(MMIO_DRIVER_FEATURES, VIRTIO_BLK_F_FLUSH_BIT | VIRTIO_BLK_F_SEG_MAX_BIT);
	reg_write(MMIO_DRIVER_FEATURES_SEL, 1);
	reg_write(MMIO_DRIVER_FEATURES, VIRTIO_F_VERSION_1_BIT);
	reg_write(MMIO_STATUS, STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK);
	return ACHECK_EQ(reg_read(MMIO_STATUS),
			 STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK);
}

static void clear_rings(void)
{
	memset(desc, 0, sizeof(desc));
	memset(&avail, 0, sizeof(avail));
	memset(&used, 0, sizeof(used));
	avail_idx = used_seen = 0;
	fence_all();
}

/* Queue 0's size and rings (QueueSel is the caller's). */
static void set_queue(uint64_t d, uint64_t a, uint64_t u, uint32_t num)
{
	reg_write(MMIO_QUEUE_NUM, num);
	reg_write64(MMIO_QUEUE_DESC_LOW, d);
	reg_write64(MMIO_QUEUE_DRIVER_LOW, a);
	reg_write64(MMIO_QUEUE_DEVICE_LOW, u);
}

static void set_own_queue(void)
{
	set_queue(pa(desc), pa(&avail), pa(&used), QNUM);
}

/* The whole handshake with fresh rings; true if the queue runs. */
static bool setup(void)
{
	clear_rings();
	if (!negotiate())
		return false;
	reg_write(MMIO_QUEUE_SEL, 0);
	set_own_queue();
	reg_write(MMIO_QUEUE_READY, 1);
	if (!ACHECK_EQ(reg_read(MMIO_QUEUE_READY), 1))
		return false;
	reg_write(MMIO_STATUS, RUNNING);
	return ACHECK_EQ(reg_read(MMIO_STATUS), RUNNING);
}

/* ---- Chains and answers ---- */

struct seg {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
};
#define RD(a, l) { (a), (l), 0 }
#define WR(a, l) { (a), (l), VIRTQ_DESC_F_WRITE }
#define HDR RD(pa(&hdr), sizeof(hdr))
#define ST WR(pa(&status), 1)
#define NSEGS(s) (sizeof(s) / sizeof((s)[0]))

static void put(unsigned i, uint64_t a, uint32_t len, uint16_t flags, unsigned next)
{
	desc[i] = (struct virtq_desc){ a, len, flags, (uint16_t)next };
}

/* segs as one chain in descriptors 0..n-1. */
static void put_chain(const struct seg *s, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		put(i, s[i].addr, s[i].len,
		    (uint16_t)(s[i].flags | (i + 1 < n ? VIRTQ_DESC_F_NEXT : 0)), i + 1);
}

/* The next avail entry is head; the index moves by delta (1 unless an
 * attack says otherwise); then the notification. */
static void publish_delta(unsigned head, uint16_t delta)
{
	avail.ring[avail_idx % QNUM] = (uint16_t)head;
	fence_all(); /* the chain and entry before the index */
	avail_idx = (uint16_t)(avail_idx + delta);
	*(volatile uint16_t *)&avail.idx = avail_idx;
	fence_all(); /* the index before the notification */
	reg_write(MMIO_QUEUE_NOTIFY, 0);
}

static void publish(unsigned head)
{
	publish_delta(head, 1);
}

struct outcome {
	bool returned; /* a used element came */
	struct virtq_used_elem e;
	uint32_t status; /* the Status register */
	uint32_t isr;    /* InterruptStatus, acknowledged */
};

/* Waits for a used element or DEVICE_NEEDS_RESET (or gives up). */
static struct outcome answer(void)
{
	struct outcome o = { false, { 0, 0 }, 0, 0 };
	uint64_t deadline = now() + ANSWER_TICKS;
	for (;;) {
		o.status = reg_read(MMIO_STATUS);
		if (used_idx() != used_seen || (o.status & STATUS_NEEDS_RESET) || now() > deadline)
			break;
	}
	fence_all(); /* the element only after its index */
	uint16_t idx = used_idx();
	if (idx != used_seen) {
		o.returned = true;
		ACHECK_EQ(idx, (uint16_t)(used_seen + 1));
		o.e = used.ring[used_seen % QNUM];
		used_seen = idx;
	}
	o.isr = reg_read(MMIO_INTERRUPT_STATUS);
	reg_write(MMIO_INTERRUPT_ACK, o.isr);
	return o;
}

/* A valid request (header, one data buffer unless len is 0, status) at
 * descriptor 0: answered OK with the length the device wrote. */
static bool valid_request(uint32_t type, uint64_t sector, uint8_t *data, uint32_t len)
{
	hdr = (struct blk_header){ type, 0, sector };
	status = STATUS_POISON;
	struct seg s[] = { HDR,
			   { pa(data), len, type == VIRTIO_BLK_T_IN ? VIRTQ_DESC_F_WRITE : 0 },
			   ST };
	unsigned n = NSEGS(s);
	if (len == 0) { /* no data: the status right after the header */
		s[1] = s[2];
		n = 2;
	}
	put_chain(s, n);
	publish(0);
	struct outcome o = answer();
	bool ok = ACHECK(o.returned) && ACHECK_EQ(o.e.id, 0);
	ok &= ACHECK_EQ(o.e.len, (type == VIRTIO_BLK_T_IN ? len + 1 : 1));
	ok &= ACHECK_EQ(o.isr, INTERRUPT_USED_BUFFER);
	return ok && ACHECK_EQ(status, VIRTIO_BLK_S_OK);
}

/* The known sectors read back as the pattern. */
static bool known_intact(void)
{
	memset(check_buf, DATA_POISON, sizeof(check_buf));
	return valid_request(VIRTIO_BLK_T_IN, KNOWN_SECTOR, check_buf, KNOWN_BYTES) &&
	       ACHECK(memcmp(check_buf, known, KNOWN_BYTES) == 0);
}

/* After an attack: a new setup if the device asked for one (or its queue
 * is off), then a valid read of the known sectors. */
static void recover_and_verify(void)
{
	if (reg_read(MMIO_STATUS) != RUNNING || reg_read(MMIO_QUEUE_READY) != 1)
		if (!setup())
			return;
	known_intact();
}

/* Fresh poison everywhere a rejected request could write, an empty
 * descriptor table, and the header. */
static void begin(const char *what, uint64_t arg, uint32_t type, uint64_t sector)
{
	attack = what;
	attack_arg = arg;
	attack_type = type;
	memset(desc, 0, sizeof(desc));
	memset(buf, DATA_POISON, sizeof(buf));
	memset(ram_end_page, END_POISON, END_BYTES);
	status = STATUS_POISON;
	hdr = (struct blk_header){ type, 0, sector };
	fence_all();
}

/* Nothing was written but (when the answer is IOERR) the status byte. */
static void end(bool status_written)
{
	fence_all();
	ACHECK(all_bytes(buf, sizeof(buf), DATA_POISON));
	ACHECK(all_bytes(ram_end_page, END_BYTES, END_POISON));
	if (!status_written)
		ACHECK_EQ(status, STATUS_POISON);
	recover_and_verify();
}

/* Answered through the status byte: IOERR, the chain returned with only
 * that byte written, the used-buffer interrupt, the device still running. */
static void expect_ioerr(unsigned head)
{
	struct outcome o = answer();
	n_ioerr++;
	if (!ACHECK(o.returned))
		return;
	ACHECK_EQ(o.e.id, head);
	ACHECK_EQ(o.e.len, 1);
	ACHECK_EQ(status, VIRTIO_BLK_S_IOERR);
	ACHECK_EQ(o.status, RUNNING);
	ACHECK_EQ(o.isr, INTERRUPT_USED_BUFFER);
}

/* The device gave up: DEVICE_NEEDS_RESET and the configuration-change
 * interrupt; a chain it gives back (only if may_return) comes back empty. */
static void expect_needs_reset(bool may_return, unsigned head)
{
	struct outcome o = answer();
	n_reset++;
	ACHECK_EQ(o.status, (RUNNING | STATUS_NEEDS_RESET));
	ACHECK(o.isr & INTERRUPT_CONFIG_CHANGE);
	if (o.returned) {
		ACHECK(may_return);
		ACHECK_EQ(o.e.id, head);
		ACHECK_EQ(o.e.len, 0);
		ACHECK(o.isr & INTERRUPT_USED_BUFFER);
	}
}

static void ioerr_chain(const char *what, uint64_t arg, uint32_t type, uint64_t sector,
			const struct seg *s, unsigned n)
{
	begin(what, arg, type, sector);
	put_chain(s, n);
	publish(0);
	expect_ioerr(0);
	end(true);
}

static void reset_chain(const char *what, uint64_t arg, uint32_t type, uint64_t sector,
			const struct seg *s, unsigned n)
{
	begin(what, arg, type, sector);
	put_chain(s, n);
	publish(0);
	expect_needs_reset(true, 0);
	end(false);
}

#define IOERR(what, arg, type, sector, ...)                                        \
	do {                                                                       \
		const struct seg s_[] = { __VA_ARGS__ };                           \
		ioerr_chain(what, arg, type, sector, s_, NSEGS(s_));               \
	} while (0)
#define NEEDS_RESET(what, arg, type, sector, ...)                                  \
	do {                                                                       \
		const struct seg s_[] = { __VA_ARGS__ };                           \
		reset_chain(what, arg, type, sector, s_, NSEGS(s_));               \
	} while (0)

/* ---- Before the attacks ---- */

/* The hypervisor's RAM size, as assumed: its last word loads, the first
 * byte past it faults. */
static volatile uint64_t probe_addr;

static void probe(void)
{
	(void)*(volatile uint8_t *)(uintptr_t)probe_addr;
}

static bool ram_is_as_assumed(void)
{
	struct rt_trap t = { 0, 0, 0 };
	attack = "RAM size probe";
	probe_addr = RAM_END - 1;
	bool ok = ACHECK(!rt_catch(probe, &t));
	probe_addr = RAM_END;
	ok &= ACHECK(rt_catch(probe, &t)) && ACHECK_EQ(t.scause, CAUSE_LOAD_ACCESS);
	return ok;
}

static uint32_t config_read(unsigned off)
{
	return reg_read(MMIO_CONFIG + off);
}

/* The device where it should be, set up, and the known sectors written. */
static bool prepare(void)
{
	attack = "setup";
	if (!ACHECK_EQ(reg_read(MMIO_MAGIC_VALUE), VIRTIO_MAGIC) ||
	    !ACHECK_EQ(reg_read(MMIO_VERSION), VIRTIO_VERSION_MODERN) ||
	    !ACHECK_EQ(reg_read(MMIO_DEVICE_ID), VIRTIO_ID_BLOCK))
		return false;
	if (!ACHECK(reg_read(MMIO_QUEUE_NUM_MAX) >= QNUM) || !setup())
		return false;
	uint32_t gen;
	do {
		gen = reg_read(MMIO_CONFIG_GENERATION);
		capacity = (uint64_t)config_read(BLK_CONFIG_CAPACITY + 4) << 32 |
			   config_read(BLK_CONFIG_CAPACITY);
		seg_max = config_read(BLK_CONFIG_SEG_MAX);
	} while (gen != reg_read(MMIO_CONFIG_GENERATION));
	rt_printf("vblk_attack: disk at 0x%lx, %lu sectors, seg_max %u\n", DISK, capacity, seg_max);
	if (!ACHECK(capacity > KNOWN_SECTOR + KNOWN_BYTES / SECTOR_SIZE) ||
	    !ACHECK(seg_max >= 1 && seg_max + 3 <= QNUM))
		return false;

	uint64_t x = UL(0x9e3779b97f4a7c15);
	for (unsigned i = 0; i < KNOWN_BYTES; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		known[i] = (uint8_t)(x >> 56);
	}
	return valid_request(VIRTIO_BLK_T_OUT, KNOWN_SECTOR, known, KNOWN_BYTES) &&
	       valid_request(VIRTIO_BLK_T_FLUSH, 0, NULL, 0) && known_intact();
}

/* ---- Chains answered IOERR ---- */

static const struct {
	uint64_t addr;
	const char *what;
} outside_ram[] = {
	{ 0, "data at 0" },
	{ PLIC, "data at the PLIC" },
	{ UART, "data at the UART" },
	{ DISK, "data at the disk's own registers" },
	{ RAM_BASE - 0x1000, "data in the page below RAM" },
	{ RAM_END, "data right past RAM" },
	{ RAM_END + MIB, "data 1 MiB past RAM" },
	{ RAM_BASE + (UL(1) << 32), "data at RAM + 4 GiB (RAM modulo 2^32)" },
	{ RAM_BASE | (UL(1) << 63), "data at RAM with bit 63 set" },
	{ HV_WINDOW, "data in the hypervisor's window" },
	{ UL(1) << 40, "data at 2^40" },
	{ UL(0xfffffffffffffe00), "data ending at 2^64" },
};

static void attack_data_outside_ram(void)
{
	for (unsigned i = 0; i < sizeof(outside_ram) / sizeof(outside_ram[0]); i++) {
		uint64_t a = outside_ram[i].addr;
		IOERR(outside_ram[i].what, a, VIRTIO_BLK_T_IN, KNOWN_SECTOR, HDR, WR(a, 512), ST);
		IOERR(outside_ram[i].what, a, VIRTIO_BLK_T_OUT, KNOWN_SECTOR, HDR, RD(a, 512), ST);
	}
}

/* Partly inside RAM: the inside part (poisoned) is not written either. */
static void attack_ram_end(void)
{
	const uint64_t last = RAM_END - 512;
	IOERR("IN straddling the end of RAM", last, VIRTIO_BLK_T_IN, KNOWN_SECTOR, HDR,
	      WR(last, 1024), ST);
	IOERR("IN: last sector of RAM, then past it", last, VIRTIO_BLK_T_IN, KNOWN_SECTOR, HDR,
	      WR(last, 512), WR(RAM_END, 512), ST);
	IOERR("IN: a valid buffer, then one straddling the end", last, VIRTIO_BLK_T_IN,
	      KNOWN_SECTOR, HDR, WR(pa(buf), 512), WR(last, 1024), ST);
	IOERR("OUT straddling the end of RAM", last, VIRTIO_BLK_T_OUT, KNOWN_SECTOR, HDR,
	      RD(last, 1024), ST);
	IOERR("GET_ID straddling the end of RAM", RAM_END - 10, VIRTIO_BLK_T_GET_ID, 0, HDR,
	      WR(RAM_END - 10, VIRTIO_BLK_ID_BYTES), ST);
	IOERR("header straddling the end of RAM", RAM_END - 8, VIRTIO_BLK_T_IN, KNOWN_SECTOR,
	      RD(RAM_END - 8, 16), WR(pa(buf), 512), ST);
}

/* Address plus length past 2^64, and lengths no RAM can hold. */
static void attack_lengths(void)
{
	const uint64_t top = UL(0xffffffffffff0000);
	IOERR("IN wrapping past 2^64", top, VIRTIO_BLK_T_IN, KNOWN_SECTOR, HDR, WR(top, 0x20000),
	      ST);
	IOERR("OUT wrapping past 2^64", top, VIRTIO_BLK_T_OUT, KNOWN_SECTOR, HDR,
	      RD(top, 0x20000), ST);
	IOERR("IN of length 0xffffffff", 0xffffffff, VIRTIO_BLK_T_IN, 0, HDR,
	      WR(pa(buf), 0xffffffffU), ST);
	IOERR("OUT of 4 GiB - 512 from RAM's base", 0xfffffe00, VIRTIO_BLK_T_OUT, KNOWN_SECTOR,
	      HDR, RD(RAM_BASE, 0xfffffe00U), ST);

	/* All of RAM, 32 times: 2^32 bytes, then 2^32 + 512 (each piece is
	 * inside RAM; only the sum is wrong). */
	static struct seg s[35];
	const uint32_t ram = (uint32_t)(RAM_END - RAM_BASE);
	s[0] = (struct seg)HDR;
	for (unsigned i = 1; i <= 32; i++)
		s[i] = (struct seg)RD(RAM_BASE, ram);
	s[33] = (struct seg)ST;
	ioerr_chain("OUT of 32 times all of RAM (2^32 bytes)", 32, VIRTIO_BLK_T_OUT, KNOWN_SECTOR,
		    s, 34);
	s[33] = (struct seg)RD(pa(buf), 512);
	s[34] = (struct seg)ST;
	ioerr_chain("OUT of 2^32 + 512 bytes", 33, VIRTIO_BLK_T_OUT, KNOWN_SECTOR, s, 35);

	/* One segment more than the device takes. */
	static struct seg many[QNUM];
	many[0] = (struct seg)HDR;
	for (unsigned i = 1; i <= seg_max + 1; i++)
		many[i] = (struct seg)WR(pa(buf) + 512 * ((i - 1) % 64), 512);
	many[seg_max + 2] = (struct seg)ST;
	ioerr_chain("IN in seg_max + 1 segments", seg_max + 1, VIRTIO_BLK_T_IN, 0, many,
		    seg_max + 3);
}

static void attack_zero_length(void)
{
	IOERR("zero-length data descriptor", 0, VIRTIO_BLK_T_IN, KNOWN_SECTOR, HDR,
	      WR(pa(buf), 0), WR(pa(buf), 512), ST);
	IOERR("zero-length descriptor before the status", 0, VIRTIO_BLK_T_IN, KNOWN_SECTOR, HDR,
	      WR(pa(buf), 512), WR(pa(buf), 0), ST);
	IOERR("zero-length descriptor before the header", 0, VIRTIO_BLK_T_OUT, KNOWN_SECTOR,
	      RD(pa(buf), 0), HDR, RD(pa(buf), 512), ST);
	IOERR("FLUSH with a zero-length descriptor", 0, VIRTIO_BLK_T_FLUSH, 0, HDR,
	      RD(pa(buf), 0), ST);
}

/* VIRTIO_F_INDIRECT_DESC is never negotiated: an indirect descriptor is
 * an unusable buffer, however good the table it points to. */
static void attack_indirect(void)
{
	memset(indirect, 0, sizeof(indirect));
	indirect[0] = (struct virtq_desc){ pa(buf), 512, VIRTQ_DESC_F_WRITE, 0 };
	IOERR("INDIRECT data descriptor", 0, VIRTIO_BLK_T_IN, KNOWN_SECTOR, HDR,
	      { pa(indirect), sizeof(indirect), VIRTQ_DESC_F_INDIRECT }, ST);
	IOERR("INDIRECT | WRITE data descriptor", 0, VIRTIO_BLK_T_IN, KNOWN_SECTOR, HDR,
	      { pa(indirect), sizeof(indirect), VIRTQ_DESC_F_INDIRECT | VIRTQ_DESC_F_WRITE }, ST);
	IOERR("INDIRECT data descriptor of an OUT", 0, VIRTIO_BLK_T_OUT, KNOWN_SECTOR, HDR,
	      { pa(indirect), sizeof(indirect), VIRTQ_DESC_F_INDIRECT }, ST);
	indirect[0] = (struct virtq_desc){ pa(&hdr), sizeof(hdr), 0, 0 };
	IOERR("INDIRECT header", 0, VIRTIO_BLK_T_IN, KNOWN_SECTOR,
	      { pa(indirect), sizeof(indirect[0]), VIRTQ_DESC_F_INDIRECT }, WR(pa(buf), 512), ST);
}

static void attack_order(void)
{
	IOERR("readable after writable", 0, VIRTIO_BLK_T_IN, KNOWN_SECTOR, HDR, WR(pa(buf), 512),
	      RD(pa(buf) + 4096, 512), ST);
	IOERR("writable before the header", 0, VIRTIO_BLK_T_IN, KNOWN_SECTOR, WR(pa(buf), 1), HDR,
	      WR(pa(buf) + 512, 512), ST);
	IOERR("header marked writable", 0, VIRTIO_BLK_T_IN, KNOWN_SECTOR, WR(pa(&hdr), 16),
	      WR(pa(buf), 512), ST);
}

static void attack_header(void)
{
	IOERR("8-byte header", 8, VIRTIO_BLK_T_IN, KNOWN_SECTOR, RD(pa(&hdr), 8),
	      WR(pa(buf), 512), ST);
	IOERR("15-byte header", 15, VIRTIO_BLK_T_IN, KNOWN_SECTOR, RD(pa(&hdr), 15),
	      WR(pa(buf), 512), ST);
	IOERR("header of 8 + 7 bytes", 15, VIRTIO_BLK_T_IN, KNOWN_SECTOR, RD(pa(&hdr), 8),
	      RD(pa(&hdr) + 8, 7), WR(pa(buf), 512), ST);
	IOERR("no header", 0, VIRTIO_BLK_T_IN, KNOWN_SECTOR, WR(pa(buf), 512), ST);
	IOERR("only a status descriptor", 0, VIRTIO_BLK_T_IN, KNOWN_SECTOR, ST);

	/* The control: a header in two pieces is a header. */
	begin("header of 8 + 8 bytes (valid)", 16, VIRTIO_BLK_T_IN, KNOWN_SECTOR);
	const struct seg s[] = { RD(pa(&hdr), 8), RD(pa(&hdr) + 8, 8), WR(pa(buf), KNOWN_BYTES),
				 ST };
	put_chain(s, NSEGS(s));
	publish(0);
	struct outcome o = answer();
	ACHECK(o.returned);
	ACHECK_EQ(o.e.len, KNOWN_BYTES + 1);
	ACHECK_EQ(status, VIRTIO_BLK_S_OK);
	ACHECK(memcmp(buf, known, KNOWN_BYTES) == 0);
	recover_and_verify();
}

static void attack_data_lengths(void)
{
	static const uint32_t odd[] = { 1, 511, 513, 4097, 0xffff };
	for (unsigned i = 0; i < sizeof(odd) / sizeof(odd[0]); i++) {
		IOERR("IN of a length no multiple of 512", odd[i], VIRTIO_BLK_T_IN, KNOWN_SECTOR,
		      HDR, WR(pa(buf), odd[i]), ST);
		IOERR("OUT of a length no multiple of 512", odd[i], VIRTIO_BLK_T_OUT,
		      KNOWN_SECTOR, HDR, RD(pa(buf), odd[i]), ST);
	}
	IOERR("IN of 256 + 255 bytes", 511, VIRTIO_BLK_T_IN, KNOWN_SECTOR, HDR, WR(pa(buf), 256),
	      WR(pa(buf) + 256, 255), ST);
}

/* Sectors at or past the capacity, and ones whose end wraps to a small
 * sector or whose byte offset wraps (2^55 sectors are 2^64 bytes: such a
 * wrap lands on the known ones). */
static void attack_sectors(void)
{
	const struct {
		uint64_t sector;
		uint32_t len;
	} bad[] = {
		{ capacity, 512 },
		{ capacity - 1, 1024 },
		{ capacity + 1, 512 },
		{ ~UL(0), 512 },
		{ ~UL(0), 1024 },
		{ (UL(1) << 55) + KNOWN_SECTOR, 512 },
		{ (UL(1) << 54) + KNOWN_SECTOR, 512 },
		{ (UL(1) << 63) + KNOWN_SECTOR, 512 },
		{ ~UL(0) - 1, 1024 },
	};
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		IOERR("IN at a bad sector", bad[i].sector, VIRTIO_BLK_T_IN, bad[i].sector, HDR,
		      WR(pa(buf), bad[i].len), ST);
		IOERR("OUT at a bad sector", bad[i].sector, VIRTIO_BLK_T_OUT, bad[i].sector, HDR,
		      RD(pa(buf), bad[i].len), ST);
	}
}

static void attack_direction(void)
{
	IOERR("IN with readable data", 0, VIRTIO_BLK_T_IN, KNOWN_SECTOR, HDR, RD(pa(buf), 512),
	      ST);
	IOERR("IN with readable and writable data", 0, VIRTIO_BLK_T_IN, KNOWN_SECTOR, HDR,
	      RD(pa(buf), 512), WR(pa(buf) + 512, 512), ST);
	IOERR("OUT with writable data", 0, VIRTIO_BLK_T_OUT, KNOWN_SECTOR, HDR, WR(pa(buf), 512),
	      ST);
	IOERR("OUT with readable and writable data", 0, VIRTIO_BLK_T_OUT, KNOWN_SECTOR, HDR,
	      RD(pa(buf), 512), WR(pa(buf) + 512, 512), ST);
	IOERR("GET_ID with readable data", 0, VIRTIO_BLK_T_GET_ID, 0, HDR,
	      RD(pa(buf), VIRTIO_BLK_ID_BYTES), ST);
	IOERR("FLUSH with writable data", 0, VIRTIO_BLK_T_FLUSH, 0, HDR, WR(pa(buf), 512), ST);
	IOERR("FLUSH with readable data", 0, VIRTIO_BLK_T_FLUSH, 0, HDR, RD(pa(buf), 512), ST);
}

/* ---- Chains and rings that need a reset ---- */

/* No status byte can be written: it is outside RAM, read-only, empty or
 * indirect. */
static void attack_status(void)
{
	static const uint64_t outside[] = {
		0, UART, PLIC, DISK + MMIO_STATUS, RAM_END, HV_WINDOW, ~UL(0),
	};
	for (unsigned i = 0; i < sizeof(outside) / sizeof(outside[0]); i++)
		NEEDS_RESET("status byte outside RAM", outside[i], VIRTIO_BLK_T_IN, KNOWN_SECTOR,
			    HDR, WR(pa(buf), 512), WR(outside[i], 1));
	NEEDS_RESET("status descriptor straddling the end of RAM", RAM_END - 1, VIRTIO_BLK_T_IN,
		    KNOWN_SECTOR, HDR, WR(pa(buf), 512), WR(RAM_END - 1, 2));
	NEEDS_RESET("status descriptor wrapping past 2^64", ~UL(0), VIRTIO_BLK_T_IN,
		    KNOWN_SECTOR, HDR, WR(pa(buf), 512), WR(~UL(0), 2));
	NEEDS_RESET("status descriptor read-only", 0, VIRTIO_BLK_T_IN, KNOWN_SECTOR, HDR,
		    WR(pa(buf), 512), RD(pa(&status), 1));
	NEEDS_RESET("everything read-only", 0, VIRTIO_BLK_T_OUT, KNOWN_SECTOR, HDR,
		    RD(pa(buf), 512), RD(pa(&status), 1));
	NEEDS_RESET("zero-length status descriptor", 0, VIRTIO_BLK_T_IN, KNOWN_SECTOR, HDR,
		    WR(pa(buf), 512), WR(pa(&status), 0));
	NEEDS_RESET("INDIRECT status descriptor", 0, VIRTIO_BLK_T_IN, KNOWN_SECTOR, HDR,
		    WR(pa(buf), 512),
		    { pa(&status), 1, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_INDIRECT });
}

/* Descriptors already in the table, head as given: a chain with no end. */
static void loop_attack(const char *what, unsigned head)
{
	attack = what;
	attack_arg = head;
	publish(head);
	expect_needs_reset(true, head);
	end(false);
}

static void attack_loops(void)
{
	const uint16_t nw = VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE;

	begin("next pointing to itself (the header)", 0, VIRTIO_BLK_T_IN, KNOWN_SECTOR);
	put(0, pa(&hdr), 16, VIRTQ_DESC_F_NEXT, 0);
	loop_attack(attack, 0);

	begin("next pointing to itself (data)", 0, VIRTIO_BLK_T_IN, KNOWN_SECTOR);
	put(0, pa(&hdr), 16, VIRTQ_DESC_F_NEXT, 1);
	put(1, pa(buf), 512, nw, 1);
	loop_attack(attack, 0);

	begin("2-cycle", 0, VIRTIO_BLK_T_IN, KNOWN_SECTOR);
	put(5, pa(&hdr), 16, VIRTQ_DESC_F_NEXT, 9);
	put(9, pa(buf), 512, nw, 5);
	loop_attack(attack, 5);

	begin("cycle back to the head through the status", 0, VIRTIO_BLK_T_IN, KNOWN_SECTOR);
	put(0, pa(&hdr), 16, VIRTQ_DESC_F_NEXT, 1);
	put(1, pa(buf), 512, nw, 2);
	put(2, pa(&status), 1, nw, 0);
	loop_attack(attack, 0);

	/* Every descriptor once, the last one leading back to the head. */
	begin("every descriptor, then the head again", 0, VIRTIO_BLK_T_IN, KNOWN_SECTOR);
	put(0, pa(&hdr), 16, VIRTQ_DESC_F_NEXT, 1);
	for (unsigned i = 1; i < QNUM - 1; i++)
		put(i, pa(buf) + 512 * (i % 64), 512, nw, i + 1);
	put(QNUM - 1, pa(&status), 1, nw, 0);
	loop_attack(attack, 0);

	/* 64K descriptors and more, as a walk that never returns to the head:
	 * from 3 in steps of 5 through the whole table (5 is prime to 128),
	 * every descriptor but the head a valid-looking sector buffer. */
	begin("a chain 64K long (the table in steps of 5, without the head)", 0, VIRTIO_BLK_T_IN,
	      KNOWN_SECTOR);
	for (unsigned i = 0; i < QNUM; i++)
		put(i, pa(buf) + 512 * (i % 64), 512, nw, (i + 5) % QNUM == 3 ? 8 : (i + 5) % QNUM);
	put(3, pa(&hdr), 16, VIRTQ_DESC_F_NEXT, 8);
	loop_attack(attack, 3);

	static const unsigned past[] = { QNUM, 0xffff, 0x8000 };
	for (unsigned i = 0; i < sizeof(past) / sizeof(past[0]); i++) {
		begin("next past the table", past[i], VIRTIO_BLK_T_IN, KNOWN_SECTOR);
		put(0, pa(&hdr), 16, VIRTQ_DESC_F_NEXT, past[i]);
		loop_attack(attack, 0);
		begin("next past the table from the status", past[i], VIRTIO_BLK_T_IN,
		      KNOWN_SECTOR);
		put(0, pa(&hdr), 16, VIRTQ_DESC_F_NEXT, 1);
		put(1, pa(buf), 512, nw, 2);
		put(2, pa(&status), 1, nw, past[i]);
		loop_attack(attack, 0);
	}
}

/* A valid chain at 0, but the avail ring cannot be followed: the index
 * moves by delta, the entry is head. Nothing is given back. */
static void avail_attack(const char *what, uint16_t delta, unsigned head)
{
	begin(what, head == 0 ? delta : head, VIRTIO_BLK_T_IN, KNOWN_SECTOR);
	const struct seg s[] = { HDR, WR(pa(buf), 512), ST };
	put_chain(s, NSEGS(s));
	publish_delta(head, delta);
	expect_needs_reset(false, head);
	end(false);
}

static void attack_avail(void)
{
	avail_attack("avail idx QueueNum + 1 ahead", QNUM + 1, 0);
	avail_attack("avail idx 0x8000 ahead", 0x8000, 0);
	avail_attack("avail idx one behind", 0xffff, 0);
	avail_attack("head = QueueNum", 1, QNUM);
	avail_attack("head = 0xffff", 1, 0xffff);
}

/* ---- Queue setups the device must refuse ---- */

/* A valid request sits in the guest's rings; the device is told other
 * rings or a bad size: QueueReady stays 0, and DRIVER_OK and a notify
 * answer nothing. */
static void refused_setup(const char *what, uint64_t arg, uint64_t d, uint64_t a, uint64_t u,
			  uint32_t num)
{
	begin(what, arg, VIRTIO_BLK_T_IN, KNOWN_SECTOR);
	clear_rings();
	if (!negotiate())
		return;
	const struct seg s[] = { HDR, WR(pa(buf), 512), ST };
	put_chain(s, NSEGS(s));
	reg_write(MMIO_QUEUE_SEL, 0);
	set_queue(d, a, u, num);
	reg_write(MMIO_QUEUE_READY, 1);
	ACHECK_EQ(reg_read(MMIO_QUEUE_READY), 0);
	reg_write(MMIO_STATUS, RUNNING);
	publish(0);
	spin(IGNORED_TICKS);
	ACHECK_EQ(used_idx(), 0);
	ACHECK_EQ(reg_read(MMIO_INTERRUPT_STATUS), 0);
	ACHECK_EQ(reg_read(MMIO_STATUS), RUNNING);
	n_refused++;
	end(false);
}

static void attack_queue_setup(void)
{
	const uint64_t d = pa(desc), a = pa(&avail), u = pa(&used);
	const uint64_t bad_place[] = { 0, UART, RAM_END, HV_WINDOW, d + (UL(1) << 32) };
	for (unsigned i = 0; i < sizeof(bad_place) / sizeof(bad_place[0]); i++) {
		uint64_t x = bad_place[i];
		refused_setup("descriptor table outside RAM", x, x, a, u, QNUM);
		refused_setup("avail ring outside RAM", x, d, x, u, QNUM);
		refused_setup("used ring outside RAM", x, d, a, x, QNUM);
	}
	refused_setup("descriptor table straddling the end of RAM", RAM_END - 1024,
		      RAM_END - 1024, a, u, QNUM);
	refused_setup("avail ring straddling the end of RAM", RAM_END - 128, d, RAM_END - 128, u,
		      QNUM);
	refused_setup("used ring straddling the end of RAM", RAM_END - 512, d, a, RAM_END - 512,
		      QNUM);
	refused_setup("descriptor table misaligned", d + 8, d + 8, a, u, QNUM);
	refused_setup("avail ring misaligned", a + 1, d, a + 1, u, QNUM);
	refused_setup("used ring misaligned", u + 2, d, a, u + 2, QNUM);

	const uint32_t max = reg_read(MMIO_QUEUE_NUM_MAX);
	const uint32_t bad_num[] = { 0, 3, 96, max + 1, 2 * max, 0x10000 + QNUM,
				     0x80000000U + QNUM, 0xffffffffU };
	for (unsigned i = 0; i < sizeof(bad_num) / sizeof(bad_num[0]); i++)
		refused_setup("bad QueueNum", bad_num[i], d, a, u, bad_num[i]);
}

/* Queue 1 does not exist; QueueReady takes 1 only, after FEATURES_OK. */
static void attack_queue_ready(void)
{
	const uint64_t d = pa(desc), a = pa(&avail), u = pa(&used);

	begin("queue 1", 1, VIRTIO_BLK_T_IN, KNOWN_SECTOR);
	clear_rings();
	if (!negotiate())
		return;
	reg_write(MMIO_QUEUE_SEL, 1);
	ACHECK_EQ(reg_read(MMIO_QUEUE_NUM_MAX), 0);
	set_queue(d, a, u, QNUM);
	reg_write(MMIO_QUEUE_READY, 1);
	ACHECK_EQ(reg_read(MMIO_QUEUE_READY), 0);
	reg_write(MMIO_QUEUE_SEL, 0);
	ACHECK_EQ(reg_read(MMIO_QUEUE_READY), 0);
	n_refused++;
	end(false);

	begin("QueueReady = 2", 2, VIRTIO_BLK_T_IN, KNOWN_SECTOR);
	clear_rings();
	if (!negotiate())
		return;
	reg_write(MMIO_QUEUE_SEL, 0);
	set_queue(d, a, u, QNUM);
	reg_write(MMIO_QUEUE_READY, 2);
	ACHECK_EQ(reg_read(MMIO_QUEUE_READY), 0);
	n_refused++;
	end(false);

	begin("QueueReady before FEATURES_OK", 0, VIRTIO_BLK_T_IN, KNOWN_SECTOR);
	clear_rings();
	if (!reset_device())
		return;
	reg_write(MMIO_STATUS, STATUS_ACKNOWLEDGE | STATUS_DRIVER);
	reg_write(MMIO_QUEUE_SEL, 0);
	set_queue(d, a, u, QNUM);
	reg_write(MMIO_QUEUE_READY, 1);
	ACHECK_EQ(reg_read(MMIO_QUEUE_READY), 0);
	n_refused++;
	end(false);

	/* Features the device does not offer, or without VERSION_1:
	 * FEATURES_OK does not stick. */
	static const struct {
		uint32_t low, high;
	} bad_features[] = {
		{ 1U << 28, VIRTIO_F_VERSION_1_BIT }, /* INDIRECT_DESC */
		{ 1U << 29, VIRTIO_F_VERSION_1_BIT }, /* EVENT_IDX */
		{ 0, VIRTIO_F_VERSION_1_BIT | 1U << 2 }, /* RING_PACKED */
		{ VIRTIO_BLK_F_FLUSH_BIT, 0 },
		{ 0xffffffffU, 0xffffffffU },
	};
	for (unsigned i = 0; i < sizeof(bad_features) / sizeof(bad_features[0]); i++) {
		begin("features not offered", (uint64_t)bad_features[i].high << 32 |
						      bad_features[i].low,
		      VIRTIO_BLK_T_IN, KNOWN_SECTOR);
		if (!reset_device())
			return;
		reg_write(MMIO_STATUS, STATUS_ACKNOWLEDGE | STATUS_DRIVER);
		reg_write(MMIO_DRIVER_FEATURES_SEL, 0);
		reg_write(MMIO_DRIVER_FEATURES, bad_features[i].low);
		reg_write(MMIO_DRIVER_FEATURES_SEL, 1);
		reg_write(MMIO_DRIVER_FEATURES, bad_features[i].high);
		reg_write(MMIO_STATUS, STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK);
		ACHECK_EQ(reg_read(MMIO_STATUS), STATUS_ACKNOWLEDGE | STATUS_DRIVER);
		n_refused++;
		end(false);
	}
}

/* ---- The device's state machine ---- */

/* A valid read published (notify value as given) must stay unanswered. */
static void expect_ignored(void)
{
	spin(IGNORED_TICKS);
	fence_all();
	ACHECK_EQ(used_idx(), used_seen);
	ACHECK_EQ(status, STATUS_POISON);
}

static void put_valid_read(void)
{
	hdr = (struct blk_header){ VIRTIO_BLK_T_IN, 0, KNOWN_SECTOR };
	const struct seg s[] = { HDR, WR(pa(buf), KNOWN_BYTES), ST };
	put_chain(s, NSEGS(s));
}

static void expect_valid_read(void)
{
	struct outcome o = answer();
	ACHECK(o.returned);
	ACHECK_EQ(o.e.len, KNOWN_BYTES + 1);
	ACHECK_EQ(status, VIRTIO_BLK_S_OK);
	ACHECK(memcmp(buf, known, KNOWN_BYTES) == 0);
}

static void attack_state(void)
{
	/* NEEDS_RESET holds until a reset: notifies do nothing, and writing
	 * the driver's bits back does not clear it. */
	begin("notify while NEEDS_RESET", 0, VIRTIO_BLK_T_IN, KNOWN_SECTOR);
	put(0, pa(&hdr), 16, VIRTQ_DESC_F_NEXT, 0);
	publish(0);
	expect_needs_reset(true, 0);
	put_valid_read();
	publish(0);
	expect_ignored();
	reg_write(MMIO_STATUS, RUNNING);
	ACHECK_EQ(reg_read(MMIO_STATUS), RUNNING | STATUS_NEEDS_RESET);
	reg_write(MMIO_QUEUE_NOTIFY, 0);
	expect_ignored();
	end(false);

	/* Only queue 0 exists: other notify values are ignored. */
	begin("notify of another queue", 1, VIRTIO_BLK_T_IN, KNOWN_SECTOR);
	put_valid_read();
	avail.ring[avail_idx % QNUM] = 0;
	fence_all();
	*(volatile uint16_t *)&avail.idx = ++avail_idx;
	fence_all();
	reg_write(MMIO_QUEUE_NOTIFY, 1);
	reg_write(MMIO_QUEUE_NOTIFY, 0xffffffffU);
	expect_ignored();
	reg_write(MMIO_QUEUE_NOTIFY, 0);
	expect_valid_read();
	memset(buf, DATA_POISON, sizeof(buf));
	end(true);

	/* Before DRIVER_OK the queue does not run. */
	begin("requests before DRIVER_OK", 0, VIRTIO_BLK_T_IN, KNOWN_SECTOR);
	clear_rings();
	if (!negotiate())
		return;
	reg_write(MMIO_QUEUE_SEL, 0);
	set_own_queue();
	reg_write(MMIO_QUEUE_READY, 1);
	ACHECK_EQ(reg_read(MMIO_QUEUE_READY), 1);
	put_valid_read();
	publish(0);
	expect_ignored();
	reg_write(MMIO_STATUS, RUNNING);
	reg_write(MMIO_QUEUE_NOTIFY, 0);
	expect_valid_read();
	memset(buf, DATA_POISON, sizeof(buf));
	end(true);

	/* Ring registers rewritten while the queue runs: ignored, the rings
	 * checked when it was enabled stay the rings in use. */
	begin("rings moved while the queue runs", 0, VIRTIO_BLK_T_IN, KNOWN_SECTOR);
	set_queue(RAM_END - 16, HV_WINDOW, UART, QNUM / 2);
	ACHECK_EQ(reg_read(MMIO_QUEUE_READY), 1);
	put_valid_read();
	publish(0);
	expect_valid_read();
	memset(buf, DATA_POISON, sizeof(buf));
	end(true);
}

/* A reset while the real disk still works on a request (a flush of
 * freshly written sectors: slow enough to outlast a new setup), then at
 * once a new setup and a read of the whole disk through the same head:
 * the old completion must neither write its own status byte nor land in
 * the new rings, and the new read gets its own answer. The flush may
 * finish before the reset gets there; then it is tried again. The whole
 * disk must read as zeros but for the known sectors: no rejected write
 * reached it. */
#define IN_FLIGHT_TRIES 100U
#define DISK_BYTES MIB
#define PIECES 16U /* of 64 KiB: the whole disk */

static uint8_t stale_status;
static uint8_t whole_disk[DISK_BYTES] __attribute__((aligned(4096)));

/* The known sectors written again (work for the flush), the flush
 * published and the device reset right after; true if the flush was
 * still in flight then (its status byte not yet written). */
static bool reset_behind_a_flush(void)
{
	if (!valid_request(VIRTIO_BLK_T_OUT, KNOWN_SECTOR, known, KNOWN_BYTES))
		return false;
	const struct seg s[] = { HDR, WR(pa(&stale_status), 1) };
	hdr = (struct blk_header){ VIRTIO_BLK_T_FLUSH, 0, 0 };
	stale_status = STATUS_POISON;
	put_chain(s, NSEGS(s));
	publish(0);
	reg_write(MMIO_STATUS, 0);
	fence_all();
	return stale_status == STATUS_POISON;
}

static void attack_reset_in_flight(void)
{
	begin("reset with a request in flight", 0, VIRTIO_BLK_T_IN, 0);
	if (!ACHECK_EQ(capacity * SECTOR_SIZE, DISK_BYTES))
		return;
	static struct seg s[PIECES + 2];
	s[0] = (struct seg)HDR;
	for (unsigned i = 0; i < PIECES; i++)
		s[1 + i] = (struct seg)WR(pa(whole_disk) + i * (DISK_BYTES / PIECES),
					  DISK_BYTES / PIECES);
	s[PIECES + 1] = (struct seg)ST;
	/* Done before: the read must go out right after the setup. */
	memset(whole_disk, DATA_POISON, sizeof(whole_disk));

	bool in_flight = false;
	for (unsigned i = 0; i < IN_FLIGHT_TRIES && !in_flight; i++) {
		in_flight = reset_behind_a_flush();
		if (!ACHECK(setup()))
			return;
	}
	if (!ACHECK(in_flight))
		return;
	hdr = (struct blk_header){ VIRTIO_BLK_T_IN, 0, 0 };
	put_chain(s, PIECES + 2);
	publish(0);
	struct outcome o = answer();
	fence_all();
	ACHECK(o.returned);
	ACHECK_EQ(o.e.id, 0);
	ACHECK_EQ(o.e.len, DISK_BYTES + 1);
	ACHECK_EQ(status, VIRTIO_BLK_S_OK);
	const size_t known_at = KNOWN_SECTOR * SECTOR_SIZE;
	ACHECK(all_bytes(whole_disk, known_at, 0));
	ACHECK(memcmp(whole_disk + known_at, known, KNOWN_BYTES) == 0);
	ACHECK(all_bytes(whole_disk + known_at + KNOWN_BYTES, DISK_BYTES - known_at - KNOWN_BYTES,
			 0));
	spin(IGNORED_TICKS);
	fence_all();
	ACHECK_EQ(used_idx(), used_seen);
	ACHECK_EQ(reg_read(MMIO_INTERRUPT_STATUS), 0);
	ACHECK_EQ(stale_status, STATUS_POISON);
	end(true);
}

/* ---- MMIO ---- */

struct access {
	void (*fn)(void);
	unsigned width;
	uint64_t cause; /* when it must fault */
	const char *name;
};

static const struct access loads[] = {
	{ lbu, 1, CAUSE_LOAD_ACCESS, "lbu" },
	{ lhu, 2, CAUSE_LOAD_ACCESS, "lhu" },
	{ lw, 4, CAUSE_LOAD_ACCESS, "lw" },
	{ ld, 8, CAUSE_LOAD_ACCESS, "ld" },
};
static const struct access stores[] = {
	{ sb, 1, CAUSE_STORE_ACCESS, "sb" },
	{ sh, 2, CAUSE_STORE_ACCESS, "sh" },
	{ sw, 4, CAUSE_STORE_ACCESS, "sw" },
	{ sd, 8, CAUSE_STORE_ACCESS, "sd" },
};
static const struct access odd[] = {
	{ amoswap, 4, CAUSE_STORE_ACCESS, "amoswap.w" },
	{ amoor, 4, CAUSE_STORE_ACCESS, "amoor.w" },
	{ lr, 4, CAUSE_LOAD_ACCESS, "lr.w" },
	{ flw, 4, CAUSE_LOAD_ACCESS, "flw" },
	{ fsw, 4, CAUSE_STORE_ACCESS, "fsw" },
	{ fetch, 4, CAUSE_FETCH_ACCESS, "fetch" },
};
#define N(a) (sizeof(a) / sizeof((a)[0]))

static unsigned wrong, reports;

static void report(const char *what, uint64_t at, const char *how, uint64_t a, uint64_t b)
{
	wrong++;
	if (reports++ < 8)
		rt_printf("vblk_attack: %s at 0x%lx: %s (0x%lx, 0x%lx)\n", what, at, how, a, b);
}

/* One access at `at` that must fault with its cause and stval. */
static void must_fault_with(const struct access *x, uint64_t at, uint64_t stval)
{
	struct rt_trap t = { 0, 0, 0 };
	addr = at;
	n_mmio++;
	if (!rt_catch(x->fn, &t))
		report(x->name, at, "no fault", 0, 0);
	else if (t.scause != x->cause || t.stval != stval)
		report(x->name, at, "wrong scause, stval", t.scause, t.stval);
}

static void must_fault(const struct access *x, uint64_t at)
{
	must_fault_with(x, at, at);
}

/* One access that must not fault; a load's value, or ~0 after reporting. */
static uint64_t must_work(const struct access *x, uint64_t at)
{
	struct rt_trap t = { 0, 0, 0 };
	addr = at;
	n_mmio++;
	if (rt_catch(x->fn, &t)) {
		report(x->name, at, "faulted: scause, stval", t.scause, t.stval);
		return ~UL(0);
	}
	return loaded;
}

/* Every aligned byte, halfword and word of the page reads without a
 * fault, the registers only as words (narrower reads give 0), the
 * configuration space the same bytes at every width, 0 past it; the
 * identity registers are right. */
static void mmio_reads(void)
{
	for (uint64_t off = 0; off < VIRTIO_MMIO_STRIDE; off += 4) {
		uint64_t word = must_work(&loads[2], DISK + off), bytes = 0, halves = 0;
		for (unsigned b = 0; b < 4; b++)
			bytes |= must_work(&loads[0], DISK + off + b) << (8 * b);
		for (unsigned h = 0; h < 4; h += 2)
			halves |= must_work(&loads[1], DISK + off + h) << (8 * h);
		if (off < MMIO_CONFIG) {
			if (bytes != 0 || halves != 0)
				report("narrow read of a register", DISK + off, "bytes, halves",
				       bytes, halves);
		} else if (bytes != word || halves != word) {
			report("config read", DISK + off, "bytes, halves", bytes, halves);
		} else if (off >= MMIO_CONFIG + 0x100 && word != 0) {
			report("read past the config space", DISK + off, "value", word, 0);
		}
	}
	ACHECK_EQ(reg_read(MMIO_MAGIC_VALUE), VIRTIO_MAGIC);
	ACHECK_EQ(reg_read(MMIO_VERSION), VIRTIO_VERSION_MODERN);
	ACHECK_EQ(reg_read(MMIO_DEVICE_ID), VIRTIO_ID_BLOCK);
	ACHECK_EQ(config_read(0), (uint32_t)capacity);
	ACHECK_EQ(config_read(4), (uint32_t)(capacity >> 32));
}

/* Every doubleword (too wide or misaligned), misaligned word and
 * halfword faults, loads and stores; so do AMOs, LR, FP and fetches. One
 * that runs past the page (where no device answers) faults at the first
 * byte past it: stval is the portion of a misaligned access that faulted
 * (privileged spec), and nothing of it is done. */
static void mmio_faults(void)
{
	for (uint64_t off = 0; off < VIRTIO_MMIO_STRIDE; off++) {
		for (unsigned k = 1; k < 4; k++) {
			if (off % loads[k].width == 0 && loads[k].width < 8)
				continue;
			uint64_t at = DISK + off;
			uint64_t stval = off + loads[k].width > VIRTIO_MMIO_STRIDE
				? DISK + VIRTIO_MMIO_STRIDE : at;
			must_fault_with(&loads[k], at, stval);
			must_fault_with(&stores[k], at, stval);
		}
	}
	static const unsigned regs[] = { MMIO_MAGIC_VALUE, MMIO_QUEUE_NOTIFY,
					 MMIO_INTERRUPT_ACK, MMIO_STATUS, MMIO_CONFIG };
	csr_set(CSR_SSTATUS, SSTATUS_FS);
	for (unsigned i = 0; i < N(regs); i++)
		for (unsigned k = 0; k < N(odd); k++)
			must_fault(&odd[k], DISK + regs[i]);
	csr_clear(CSR_SSTATUS, SSTATUS_FS);
}

/* Stores of 0 that a register does not take (bytes, halfwords) and the
 * configuration space (read-only) are ignored: no reset, no change. */
static void mmio_ignored_stores(void)
{
	for (uint64_t off = 0; off < VIRTIO_MMIO_STRIDE; off++) {
		must_work(&stores[0], DISK + off);
		if (off % 2 == 0)
			must_work(&stores[1], DISK + off);
		if (off % 4 == 0 && off >= MMIO_CONFIG)
			must_work(&stores[2], DISK + off);
	}
	ACHECK_EQ(reg_read(MMIO_STATUS), RUNNING);
	ACHECK_EQ(reg_read(MMIO_QUEUE_READY), 1);
	ACHECK_EQ(config_read(0), (uint32_t)capacity);
}

/* The slots QEMU virt has but the hypervisor does not emulate, and the
 * page past the last one: every width faults. */
static void mmio_empty_slots(void)
{
	static const unsigned offs[] = { 0, 8, MMIO_QUEUE_NOTIFY, MMIO_STATUS, MMIO_CONFIG,
					 0xff8 };
	for (uint64_t slot = VIRTIO_MMIO_BASE; slot <= DISK + VIRTIO_MMIO_STRIDE;
	     slot += VIRTIO_MMIO_STRIDE) {
		if (slot == DISK)
			continue;
		for (unsigned i = 0; i < N(offs); i++)
			for (unsigned k = 0; k < N(loads); k++) {
				must_fault(&loads[k], slot + offs[i]);
				must_fault(&stores[k], slot + offs[i]);
			}
	}
}

static void attack_mmio(void)
{
	begin("MMIO on the device's page", 0, VIRTIO_BLK_T_IN, KNOWN_SECTOR);
	wrong = reports = 0;
	mmio_reads();
	mmio_faults();
	mmio_ignored_stores();
	mmio_empty_slots();
	ACHECK_EQ(wrong, 0);
	ACHECK_EQ(reg_read(MMIO_STATUS), RUNNING);
	end(false);

	/* Garbage in every register, reads of every register in between;
	 * then a reset brings it all back. */
	begin("garbage in every register", 0, VIRTIO_BLK_T_IN, KNOWN_SECTOR);
	static const uint32_t garbage[] = { 0xffffffffU, 0, 0x5a5a5a5aU, 1, 0x80000000U, 2 };
	for (unsigned g = 0; g < N(garbage); g++) {
		attack_arg = garbage[g];
		for (unsigned off = 0; off < MMIO_CONFIG + 0x100; off += 4) {
			reg_write(off, garbage[g]);
			for (unsigned r = 0; r < MMIO_CONFIG; r += 4)
				(void)reg_read(r);
			n_mmio += 1 + MMIO_CONFIG / 4;
		}
	}
	ACHECK(reset_device());
	ACHECK_EQ(reg_read(MMIO_QUEUE_READY), 0);
	ACHECK_EQ(reg_read(MMIO_INTERRUPT_STATUS), 0);
	end(false);
}

int main(void)
{
	if (!ram_is_as_assumed() || !prepare())
		return 0;
	attack_data_outside_ram();
	attack_ram_end();
	attack_lengths();
	attack_zero_length();
	attack_indirect();
	attack_order();
	attack_header();
	attack_data_lengths();
	attack_sectors();
	attack_direction();
	attack_status();
	attack_loops();
	attack_avail();
	attack_queue_setup();
	attack_queue_ready();
	attack_state();
	attack_reset_in_flight();
	attack_mmio();

	attack = "final reset";
	if (reset_device())
		ACHECK_EQ(reg_read(MMIO_QUEUE_READY), 0);
	rt_printf("vblk_attack: %u chains for IOERR, %u for NEEDS_RESET, %u queue setups to "
		  "refuse, %u MMIO accesses\n",
		  n_ioerr, n_reset, n_refused, n_mmio);
	return 0;
}
