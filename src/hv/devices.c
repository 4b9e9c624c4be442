#include "hv/devices.h"

#include "encoding.h"
#include "hv/guest_dt.h"
#include "hv/host_plic.h"
#include "hv/layout.h"

/* The guest's UART is its console port. */
static void uart_putc(void *ctx, char c)
{
	console_write(ctx, &c, 1);
}

static int uart_getc(void *ctx)
{
	return console_getc(ctx);
}

static void *vblk_gpa_to_hva(void *ctx, uint64_t gpa, uint64_t len)
{
	const struct devices *d = ctx;
	return ram_gpa_to_hva(d->ram, gpa, len);
}

/* The model has confined every segment to guest RAM; they are checked
 * once more here, where guest-physical becomes host-physical for DMA. */
static bool vblk_submit(void *ctx, const struct virtio_blk_req *r)
{
	struct devices *d = ctx;
	struct host_vblk_seg segs[VIRTIO_BLK_MAX_SEGS];
	for (uint32_t i = 0; i < r->nsegs; i++) {
		void *hva = ram_gpa_to_hva(d->ram, r->segs[i].gpa, r->segs[i].len);
		if (!hva) {
			virtio_blk_complete(&d->vblk, r->head, VIRTIO_BLK_S_IOERR);
			return true;
		}
		segs[i] = (struct host_vblk_seg){ va_to_pa(hva), r->segs[i].len };
	}
	return host_vblk_submit(d->disk, r->type, r->sector, segs, r->nsegs,
				r->type == VIRTIO_BLK_T_IN, r->head);
}

static void vblk_done(void *ctx, uint16_t head, uint8_t status)
{
	struct devices *d = ctx;
	virtio_blk_complete(&d->vblk, head, status);
}

/* The disk's real interrupt stays in service at the real PLIC (claimed,
 * not completed) while the guest has the virtual one to take: the real
 * source fires again only after the guest completes its own. A guest that
 * could never claim it (source disabled or masked everywhere) does not
 * hold it. */
static void release_host_irq(struct devices *d)
{
	if (d->held_irq) {
		host_plic_complete(d->host_plic, d->held_ctx, d->held_irq);
		d->held_irq = 0;
	}
}

static void guest_completed(void *ctx, unsigned src)
{
	struct devices *d = ctx;
	if (src == d->held_irq)
		release_host_irq(d);
}

/* Whether some hart of the guest could claim src as its PLIC stands. */
static bool deliverable(const struct devices *d, uint32_t src)
{
	for (unsigned h = 0; h < d->nharts; h++)
		if (plic_source_deliverable(&d->plic, PLIC_CONTEXT_S(h), src))
			return true;
	return false;
}

/* With the lock held: the models' lines into the PLIC, the PLIC's
 * contexts into the SEIP lines. */
static void update_irqs(struct devices *d)
{
	plic_set_level(&d->plic, GUEST_UART_IRQ, uart16550_irq(&d->uart));
	if (d->disk)
		plic_set_level(&d->plic, d->disk->info.irq, virtio_blk_irq(&d->vblk));
	if (d->held_irq && !deliverable(d, d->held_irq))
		release_host_irq(d);
	uint32_t lines = 0;
	for (unsigned h = 0; h < d->nharts; h++)
		if (plic_context_pending(&d->plic, PLIC_CONTEXT_S(h)))
			lines |= UINT32_C(1) << h;
	d->seip_changed |= lines ^ d->seip;
	__atomic_store_n(&d->seip, lines, __ATOMIC_RELEASE);
}

void devices_init(struct devices *d, const struct guest_ram *ram, struct console_port *console,
		  unsigned nharts, const struct platform_plic *host_plic, struct host_vblk *disk)
{
	d->ram = ram;
	d->console = console;
	d->nharts = nharts;
	d->host_plic = host_plic;
	d->disk = disk;
	d->held_irq = 0;
	d->seip = 0;
	d->seip_changed = 0;
}

/* With the lock held. */
static void quiesce(struct devices *d)
{
	if (!d->disk)
		return;
	while (host_vblk_busy(d->disk))
		host_vblk_interrupt(d->disk, vblk_done, d);
}

void devices_reset(struct devices *d)
{
	spin_lock(&d->lock);
	quiesce(d);
	release_host_irq(d);
	const struct uart16550_io uart_io = { uart_putc, uart_getc, d->console };
	uart16550_init(&d->uart, &uart_io);
	const struct plic_io plic_io = { guest_completed, d };
	plic_init(&d->plic, &plic_io, d->nharts);
	if (d->disk) {
		const struct host_vblk_info *info = &d->disk->info;
		const struct virtq_mem mem = { vblk_gpa_to_hva, d };
		const struct virtio_blk_backend be = {
			.capacity = info->capacity,
			.can_flush = info->can_flush,
			.read_only = info->read_only,
			.submit = vblk_submit,
			.ctx = d,
		};
		virtio_blk_init(&d->vblk, &mem, &be);
	}
	update_irqs(d);
	spin_unlock(&d->lock);
}

void devices_dt_params(const struct devices *d, struct guest_dt_params *dt)
{
	dt->uart_base = GUEST_UART_BASE;
	dt->uart_size = GUEST_UART_SIZE;
	dt->uart_clock_hz = GUEST_UART_CLOCK_HZ;
	dt->uart_irq = GUEST_UART_IRQ;
	dt->plic_base = GUEST_PLIC_BASE;
	dt->plic_size = PLIC_SIZE;
	dt->plic_ndev = PLIC_NSOURCES - 1;
	dt->virtio_base = d->disk ? d->disk->info.base : 0;
	dt->virtio_size = d->disk ? GUEST_VIRTIO_SIZE : 0;
	dt->virtio_irq = d->disk ? d->disk->info.irq : 0;
}

enum device { DEV_NONE, DEV_UART, DEV_PLIC, DEV_VIRTIO };

static enum device device_at(const struct devices *d, uint64_t gpa, uint64_t *offset)
{
	if (gpa - GUEST_UART_BASE < GUEST_UART_SIZE) {
		*offset = gpa - GUEST_UART_BASE;
		return DEV_UART;
	}
	if (gpa - GUEST_PLIC_BASE < PLIC_SIZE) {
		*offset = gpa - GUEST_PLIC_BASE;
		return DEV_PLIC;
	}
	if (d->disk && gpa - d->disk->info.base < GUEST_VIRTIO_SIZE) {
		*offset = gpa - d->disk->info.base;
		return DEV_VIRTIO;
	}
	return DEV_NONE;
}

bool devices_mmio_at(const struct devices *d, uint64_t gpa)
{
	uint64_t offset;
	return device_at(d, gpa, &offset) != DEV_NONE;
}

/* The UART's registers are bytes; the 8250 and U-Boot drivers use byte
 * accesses (reg-io-width 1), wider ones reach the register at the address
 * and carry its value in the low byte, as QEMU's serial device does. The
 * PLIC's registers take 32-bit accesses only. */
static bool takes(enum device dev, unsigned width)
{
	return dev != DEV_NONE && (dev != DEV_PLIC || width == 4);
}

bool devices_mmio_takes(const struct devices *d, uint64_t gpa, unsigned width)
{
	uint64_t off;
	return takes(device_at(d, gpa, &off), width);
}

bool devices_mmio_read(struct devices *d, uint64_t gpa, unsigned width, uint64_t *value)
{
	uint64_t off;
	enum device dev = device_at(d, gpa, &off);
	if (!takes(dev, width))
		return false;
	spin_lock(&d->lock);
	switch (dev) {
	case DEV_UART:
		*value = off < UART16550_NREGS ? uart16550_read(&d->uart, (unsigned)off) : 0;
		break;
	case DEV_PLIC:
		*value = plic_read(&d->plic, off);
		break;
	default:
		*value = virtio_blk_read(&d->vblk, off, width);
		break;
	}
	update_irqs(d);
	spin_unlock(&d->lock);
	return true;
}

bool devices_mmio_write(struct devices *d, uint64_t gpa, unsigned width, uint64_t value)
{
	uint64_t off;
	enum device dev = device_at(d, gpa, &off);
	if (!takes(dev, width))
		return false;
	spin_lock(&d->lock);
	switch (dev) {
	case DEV_UART:
		if (off < UART16550_NREGS)
			uart16550_write(&d->uart, (unsigned)off, (uint8_t)value);
		break;
	case DEV_PLIC:
		plic_write(&d->plic, off, (uint32_t)value);
		break;
	default:
		virtio_blk_write(&d->vblk, off, width, (uint32_t)value);
		break;
	}
	update_irqs(d);
	spin_unlock(&d->lock);
	return true;
}

bool devices_owns_irq(const struct devices *d, uint32_t src)
{
	return d->disk && src == d->disk->info.irq;
}

/* The disk's finished requests go back to the guest's model, which raises
 * the guest's line; the real source stays in service while the guest can
 * take the virtual one. */
void devices_host_irq(struct devices *d, uint32_t src, uint32_t ctx)
{
	spin_lock(&d->lock);
	host_vblk_interrupt(d->disk, vblk_done, d);
	update_irqs(d);
	if (!d->held_irq && virtio_blk_irq(&d->vblk) && deliverable(d, src)) {
		d->held_irq = src;
		d->held_ctx = ctx;
	} else {
		host_plic_complete(d->host_plic, ctx, src);
	}
	spin_unlock(&d->lock);
}

void devices_poll_input(struct devices *d)
{
	spin_lock(&d->lock);
	uart16550_poll(&d->uart);
	update_irqs(d);
	spin_unlock(&d->lock);
}

bool devices_want_input(struct devices *d)
{
	spin_lock(&d->lock);
	bool want = uart16550_wants_input(&d->uart);
	spin_unlock(&d->lock);
	return want;
}

bool devices_disk_busy(struct devices *d)
{
	if (!d->disk)
		return false;
	spin_lock(&d->lock);
	bool busy = host_vblk_busy(d->disk);
	spin_unlock(&d->lock);
	return busy;
}

void devices_quiesce(struct devices *d)
{
	spin_lock(&d->lock);
	quiesce(d);
	update_irqs(d);
	spin_unlock(&d->lock);
}

const uint32_t *devices_seip_lines(const struct devices *d)
{
	return &d->seip;
}

uint32_t devices_take_seip_changes(struct devices *d)
{
	spin_lock(&d->lock);
	uint32_t changed = d->seip_changed;
	d->seip_changed = 0;
	spin_unlock(&d->lock);
	return changed;
}
