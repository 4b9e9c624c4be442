#include "hv/devices.h"

#include "core/vhart.h"
#include "encoding.h"
#include "hv/console.h"
#include "hv/guest.h"
#include "hv/guest_dt.h"
#include "hv/host_plic.h"
#include "hv/layout.h"

/* The guest's UART is the real console. */
static void uart_putc(void *ctx, char c)
{
	(void)ctx;
	console_write(&c, 1);
}

static int uart_getc(void *ctx)
{
	(void)ctx;
	return console_getc();
}

static const struct uart16550_io uart_io = { uart_putc, uart_getc, NULL };

static void *vblk_gpa_to_hva(void *ctx, uint64_t gpa, uint64_t len)
{
	return guest_gpa_to_hva(ctx, gpa, len);
}

/* The model has confined every segment to guest RAM; they are checked
 * once more here, where guest-physical becomes host-physical for DMA. */
static bool vblk_submit(void *ctx, const struct virtio_blk_req *r)
{
	struct guest *g = ctx;
	struct host_vblk_seg segs[VIRTIO_BLK_MAX_SEGS];
	for (uint32_t i = 0; i < r->nsegs; i++) {
		void *hva = guest_gpa_to_hva(g, r->segs[i].gpa, r->segs[i].len);
		if (!hva) {
			virtio_blk_complete(&g->vblk, r->head, VIRTIO_BLK_S_IOERR);
			return true;
		}
		segs[i] = (struct host_vblk_seg){ va_to_pa(hva), r->segs[i].len };
	}
	return host_vblk_submit(r->type, r->sector, segs, r->nsegs, r->type == VIRTIO_BLK_T_IN,
				r->head);
}

static void vblk_done(void *ctx, uint16_t head, uint8_t status)
{
	struct guest *g = ctx;
	virtio_blk_complete(&g->vblk, head, status);
}

/* The disk's real interrupt stays in service at the real PLIC (claimed,
 * not completed) while the guest has the virtual one to take: the real
 * source fires again only after the guest completes its own. A guest that
 * could never claim it (source disabled or masked) does not hold it. */
static void release_host_irq(struct guest *g)
{
	if (g->held_host_irq) {
		host_plic_complete(g->held_host_irq);
		g->held_host_irq = 0;
	}
}

static void guest_completed(void *ctx, unsigned src)
{
	struct guest *g = ctx;
	if (src == g->held_host_irq)
		release_host_irq(g);
}

void devices_reset(struct guest *g)
{
	devices_quiesce(g);
	release_host_irq(g);
	uart16550_init(&g->uart, &uart_io);
	const struct plic_io plic_io = { guest_completed, g };
	plic_init(&g->plic, &plic_io);
	if (g->config.has_disk) {
		const struct host_vblk_info *d = &g->config.disk;
		const struct virtq_mem mem = { vblk_gpa_to_hva, g };
		const struct virtio_blk_backend be = {
			.capacity = d->capacity,
			.can_flush = d->can_flush,
			.read_only = d->read_only,
			.submit = vblk_submit,
			.ctx = g,
		};
		virtio_blk_init(&g->vblk, &mem, &be);
	}
}

void devices_dt_params(const struct guest *g, struct guest_dt_params *dt)
{
	dt->uart_base = GUEST_UART_BASE;
	dt->uart_size = GUEST_UART_SIZE;
	dt->uart_clock_hz = GUEST_UART_CLOCK_HZ;
	dt->uart_irq = GUEST_UART_IRQ;
	dt->plic_base = GUEST_PLIC_BASE;
	dt->plic_size = PLIC_SIZE;
	dt->plic_ndev = PLIC_NSOURCES - 1;
	dt->virtio_base = g->config.has_disk ? g->config.disk.base : 0;
	dt->virtio_size = g->config.has_disk ? GUEST_VIRTIO_SIZE : 0;
	dt->virtio_irq = g->config.has_disk ? g->config.disk.irq : 0;
}

enum device { DEV_NONE, DEV_UART, DEV_PLIC, DEV_VIRTIO };

static enum device device_at(const struct guest *g, uint64_t gpa, uint64_t *offset)
{
	if (gpa - GUEST_UART_BASE < GUEST_UART_SIZE) {
		*offset = gpa - GUEST_UART_BASE;
		return DEV_UART;
	}
	if (gpa - GUEST_PLIC_BASE < PLIC_SIZE) {
		*offset = gpa - GUEST_PLIC_BASE;
		return DEV_PLIC;
	}
	if (g->config.has_disk && gpa - g->config.disk.base < GUEST_VIRTIO_SIZE) {
		*offset = gpa - g->config.disk.base;
		return DEV_VIRTIO;
	}
	return DEV_NONE;
}

bool devices_mmio_at(const struct guest *g, uint64_t gpa)
{
	uint64_t offset;
	return device_at(g, gpa, &offset) != DEV_NONE;
}

/* The UART's registers are bytes; the 8250 and U-Boot drivers use byte
 * accesses (reg-io-width 1), wider ones reach the register at the address
 * and carry its value in the low byte, as QEMU's serial device does. The
 * PLIC's registers take 32-bit accesses only. */
bool devices_mmio_read(struct guest *g, uint64_t gpa, unsigned width, uint64_t *value)
{
	uint64_t off;
	switch (device_at(g, gpa, &off)) {
	case DEV_UART:
		*value = off < UART16550_NREGS ? uart16550_read(&g->uart, (unsigned)off) : 0;
		break;
	case DEV_PLIC:
		if (width != 4)
			return false;
		*value = plic_read(&g->plic, off);
		break;
	case DEV_VIRTIO:
		*value = virtio_blk_read(&g->vblk, off, width);
		break;
	case DEV_NONE:
		return false;
	}
	devices_update_irqs(g);
	return true;
}

bool devices_mmio_write(struct guest *g, uint64_t gpa, unsigned width, uint64_t value)
{
	uint64_t off;
	switch (device_at(g, gpa, &off)) {
	case DEV_UART:
		if (off < UART16550_NREGS)
			uart16550_write(&g->uart, (unsigned)off, (uint8_t)value);
		break;
	case DEV_PLIC:
		if (width != 4)
			return false;
		plic_write(&g->plic, off, (uint32_t)value);
		break;
	case DEV_VIRTIO:
		virtio_blk_write(&g->vblk, off, width, (uint32_t)value);
		break;
	case DEV_NONE:
		return false;
	}
	devices_update_irqs(g);
	return true;
}

void devices_update_irqs(struct guest *g)
{
	plic_set_level(&g->plic, GUEST_UART_IRQ, uart16550_irq(&g->uart));
	if (g->config.has_disk)
		plic_set_level(&g->plic, g->config.disk.irq, virtio_blk_irq(&g->vblk));
	if (g->held_host_irq &&
	    !plic_source_deliverable(&g->plic, PLIC_CONTEXT_S, g->held_host_irq))
		release_host_irq(g);
	struct vhart *vh = &g->vcpu.vh;
	if (plic_context_pending(&g->plic, PLIC_CONTEXT_S))
		vh->sip |= MIP_SEIP;
	else
		vh->sip &= ~MIP_SEIP;
}

/* Only the disk's source is enabled in the real PLIC; anything else is
 * completed and dropped. The disk's finished requests go back to the
 * guest's model, which raises the guest's line. */
void devices_external_interrupt(struct guest *g)
{
	uint32_t src;
	while ((src = host_plic_claim()) != 0) {
		if (g->config.has_disk && src == g->config.disk.irq) {
			host_vblk_interrupt(vblk_done, g);
			devices_update_irqs(g);
			if (virtio_blk_irq(&g->vblk) &&
			    plic_source_deliverable(&g->plic, PLIC_CONTEXT_S, src)) {
				g->held_host_irq = src;
				continue;
			}
		}
		host_plic_complete(src);
	}
	devices_update_irqs(g);
}

void devices_poll_input(struct guest *g)
{
	uart16550_poll(&g->uart);
	devices_update_irqs(g);
}

bool devices_want_input(const struct guest *g)
{
	return (g->uart.ier & UART16550_IER_ERBFI) && g->uart.rx_count == 0;
}

void devices_quiesce(struct guest *g)
{
	if (!g->config.has_disk)
		return;
	while (host_vblk_busy())
		host_vblk_interrupt(vblk_done, g);
}
