/*
 * Boot of the hypervisor proper, on the hart the firmware started: learn
 * the machine from the device tree, print where everything lives, fill the
 * boot tables (harts, disks, guests), start the other harts with SBI HSM,
 * and run. From then on the hypervisor runs only in traps and in each
 * hart's scheduler.
 */
#include <stdint.h>

#include "encoding.h"
#include "hv/cmdline.h"
#include "hv/console.h"
#include "hv/guest.h"
#include "hv/hart.h"
#include "hv/host_plic.h"
#include "hv/host_vblk.h"
#include "hv/layout.h"
#include "hv/machine.h"
#include "hv/mm.h"
#include "hv/platform.h"
#include "hv/sched.h"
#include "lib/csr.h"
#include "lib/printf.h"

#define MIB (UL(1) << 20)
/* Shadow tables of one vCPU fit here comfortably (Linux's working set). */
#define HV_POOL_PER_VCPU (16 * MIB)
#define GUEST_RAM_DEFAULT (128 * MIB)
/* A guest given no bootargs gets no console=: Linux then takes its console
 * and, with a bare earlycon, its early console from /chosen/stdout-path,
 * the UART, as on the machine; a kernel without the SBI console (Debian's)
 * shows its boot too. console=hvc0 earlycon=sbi asks for the SBI one. */
#define GUEST_BOOTARGS_DEFAULT "earlycon"
#define BUSY_MAX (6 + 2 * HV_MAX_GUESTS)

extern char __image_start[], __image_end[];

void hv_main(uint64_t hartid, uint64_t dtb_pa);
void hv_hart_main(struct hart *h);

/* What host RAM holds, so that nothing new lands on it. */
struct busy {
	struct mem_range r[BUSY_MAX];
	size_t n;
};

static void busy_add(struct busy *b, struct mem_range r)
{
	if (b->n == BUSY_MAX)
		hv_panic("too many reserved ranges");
	b->r[b->n++] = r;
}

static void print_range(const char *what, struct mem_range r)
{
	hv_printf("hv:   %-18s %010lx..%010lx (%lu KiB)\n", what, r.start, r.end,
		  (r.end - r.start) >> 10);
}

/* How many ASID bits the hart has: the ones a satp write keeps. */
static unsigned asid_bits(void)
{
	uint64_t satp = csr_read(CSR_SATP);
	csr_write(CSR_SATP, satp | SATP_ASID);
	uint64_t kept = (csr_read(CSR_SATP) & SATP_ASID) >> SATP_ASID_SHIFT;
	csr_write(CSR_SATP, satp);
	sfence_vma_all();
	unsigned bits = 0;
	while (kept & (UL(1) << bits))
		bits++;
	return bits;
}

static void setup_harts(struct machine *m, uint64_t boot_hartid)
{
	const struct platform *p = &m->plat;
	m->nharts = 0;
	/* The boot hart first: guest 0's first vCPU runs where boot ends. */
	for (unsigned pass = 0; pass < 2; pass++) {
		for (unsigned i = 0; i < p->nharts; i++) {
			const struct platform_hart *ph = &p->harts[i];
			if ((ph->hartid == boot_hartid) != (pass == 0))
				continue;
			struct hart *h = &m->harts[m->nharts++];
			h->hartid = ph->hartid;
			h->stack_top = (uint64_t)(uintptr_t)(h->stack + HART_STACK_SIZE);
			h->sstc = platform_isa_has(ph->isa, "sstc");
			h->timebase_hz = p->timebase_hz;
			h->plic = &p->plic;
			h->plic_context = ph->plic_s_context;
			h->wake_at = TIMER_NEVER;
			h->real_scounteren = UL(-1);
			if (!ph->has_plic_context)
				hv_panic("the host device tree has no PLIC context for hart %lu's S-mode",
					 ph->hartid);
		}
	}
	if (m->nharts == 0 || m->harts[0].hartid != boot_hartid)
		hv_panic("the host device tree does not list the boot hart %lu", boot_hartid);
}

static void setup_disks(struct machine *m)
{
	const struct platform *p = &m->plat;
	m->ndisks = 0;
	for (unsigned i = 0; i < p->nvirtio; i++) {
		struct host_vblk *d = &m->disks[m->ndisks];
		const char *why = host_vblk_init(d, &p->virtio[i]);
		if (why && why[0])
			hv_printf("hv: the disk at %lx is not usable: %s\n", p->virtio[i].base, why);
		else if (!why && d->info.irq >= PLIC_NSOURCES)
			hv_printf("hv: the disk at %lx is not usable: its interrupt is beyond the "
				  "guest's PLIC\n", p->virtio[i].base);
		else if (!why)
			m->ndisks++;
	}
}

/* Guest i's disk: the one it names, else the ith, if there is one. */
static struct host_vblk *guest_disk(struct machine *m, unsigned i, int wanted)
{
	if (wanted == CMDLINE_DISK_NONE)
		return NULL;
	unsigned d = wanted == CMDLINE_DISK_DEFAULT ? i : (unsigned)wanted;
	if (d >= m->ndisks) {
		if (wanted != CMDLINE_DISK_DEFAULT)
			hv_panic("command line: guest %u: there is no disk %u", i, d);
		return NULL;
	}
	for (unsigned k = 0; k < m->nguests; k++)
		if (m->guests[k].dev.disk == &m->disks[d])
			hv_panic("command line: guests %u and %u both want disk %u", k, i, d);
	return &m->disks[d];
}

static struct mem_range preloaded(const struct platform *p, uint64_t addr, uint64_t size,
				  const char *what, unsigned guest)
{
	struct mem_range r = { addr, addr + size };
	if (size && (r.end < r.start || r.start < p->ram.start || r.end > p->ram.end))
		hv_panic("command line: guest %u: hv.%s is not inside RAM", guest, what);
	return r;
}

/* Guest i's harts: as its options say, else all host harts for a lone
 * guest, one each for several. */
static unsigned guest_cpus(const struct machine *m, unsigned i)
{
	unsigned n = m->opt.guest[i].cpus ? m->opt.guest[i].cpus
		   : m->opt.nguests == 1 ? m->nharts : 1;
	return n < GUEST_MAX_VCPUS ? n : GUEST_MAX_VCPUS;
}

static void setup_guests(struct machine *m, struct busy *busy, uint64_t asid_first)
{
	const struct platform *p = &m->plat;
	struct hv_options *o = &m->opt;
	console_set_guests(o->nguests, p->timebase_hz);
	unsigned vcpus_before = 0;
	for (unsigned i = 0; i < o->nguests; i++) {
		struct hv_guest_options *go = &o->guest[i];
		struct mem_range image = go->image_size
			? preloaded(p, go->image_addr, go->image_size, "image", i) : p->initrd;
		struct mem_range initrd = preloaded(p, go->initrd_addr, go->initrd_size, "initrd", i);
		if (go->image_size)
			busy_add(busy, image);
		busy_add(busy, initrd);
		if (!go->bootargs[0])
			fmt_snprintf(go->bootargs, sizeof(go->bootargs), "%s", GUEST_BOOTARGS_DEFAULT);
		struct guest_config cfg = {
			.ram_size = go->mem ? go->mem : GUEST_RAM_DEFAULT,
			.nvcpus = guest_cpus(m, i),
			.image = image,
			.initrd = initrd,
			.bootargs = go->bootargs,
			.host_isa = p->isa,
			.timebase_hz = p->timebase_hz,
			/* QEMU starts with RAM zero; every image and tree
			 * it or a firmware placed is busy, but for QEMU's
			 * own tree when a firmware passes on a copy. */
			.ram_zero = p->qemu_virt,
			.first_clear = platform_loader_dt(p),
		};
		struct host_vblk *disk = guest_disk(m, i, go->disk);
		uint64_t ram = platform_place(cfg.ram_size, GUEST_RAM_ALIGN, p->ram, busy->r, busy->n);
		if (!ram)
			hv_panic("cannot start guest %u: not enough free host RAM for %lu MiB",
				 i, cfg.ram_size / MIB);
		busy_add(busy, (struct mem_range){ ram, ram + cfg.ram_size });
		struct guest *g = &m->guests[i];
		uint64_t asids = asid_first ? asid_first + vcpus_before * SHADOW_ASIDS : 0;
		const char *why = guest_create(g, i, &cfg, ram, &p->plic, disk, asids);
		if (why)
			hv_panic("cannot start guest %u: %s", i, why);
		m->nguests = i + 1;
		vcpus_before += g->nvcpus;
	}
}

/* vCPUs are pinned to harts in order, guest by guest; with more vCPUs
 * than harts, a hart runs several in turn. */
static void pin_vcpus(struct machine *m)
{
	unsigned k = 0;
	for (unsigned i = 0; i < m->nguests; i++) {
		struct guest *g = &m->guests[i];
		for (unsigned j = 0; j < g->nvcpus; j++, k++) {
			struct hart *h = &m->harts[k % m->nharts];
			if (h->nvcpus == HART_MAX_VCPUS)
				hv_panic("more than %u vCPUs for hart %lu", HART_MAX_VCPUS, h->hartid);
			struct vcpu *v = &g->vcpus[j];
			v->hart = h;
			v->hv_sp = h->stack_top;
			h->vcpus[h->nvcpus++] = v;
		}
	}
	if (k > m->nharts)
		hv_printf("hv: %u vCPUs on %u host hart%s: a hart runs several vCPUs in turn, in "
			  "time slices of 10 ms\n", k, m->nharts, m->nharts == 1 ? "" : "s");
}

/* h's S context at the real PLIC, with the source of each disk whose
 * guest's first vCPU h runs. Each hart does its own once the firmware has
 * started it: OpenSBI clears a hart's S context when it starts the hart. */
static void setup_host_plic(struct machine *m, struct hart *h)
{
	host_plic_init(&m->plat.plic, h->plic_context);
	for (unsigned i = 0; i < m->nguests; i++) {
		struct guest *g = &m->guests[i];
		if (g->dev.disk && g->vcpus[0].hart == h)
			host_plic_enable(&m->plat.plic, h->plic_context, g->dev.disk->info.irq);
	}
}

static void print_layout(const struct machine *m, struct mem_range firmware,
			 struct mem_range image, struct mem_range pool)
{
	const struct platform *p = &m->plat;
	hv_printf("hv: memory layout (host physical):\n");
	print_range("RAM", p->ram);
	print_range("firmware", firmware);
	print_range("hypervisor image", image);
	print_range("page pool", pool);
	print_range("device tree", p->dtb);
	print_range("guest image", p->initrd);
	for (unsigned i = 0; i < m->nguests; i++) {
		const struct guest *g = &m->guests[i];
		char what[24];
		const char *n = m->nguests > 1 ? what : "";
		fmt_snprintf(what, sizeof(what), " %u", i);
		char label[32];
		if (g->config.initrd.end > g->config.initrd.start) {
			fmt_snprintf(label, sizeof(label), "guest%s initrd", n);
			print_range(label, g->config.initrd);
		}
		fmt_snprintf(label, sizeof(label), "guest%s RAM", n);
		print_range(label, (struct mem_range){ g->ram.map.hpa_base,
						       g->ram.map.hpa_base + g->ram.map.size });
		const struct host_vblk *d = g->dev.disk;
		if (d) {
			fmt_snprintf(label, sizeof(label), "guest%s disk", n);
			hv_printf("hv:   %-18s virtio-mmio v%u at %lx, irq %u, %lu sectors%s%s\n", label,
				  d->info.version, d->info.base, d->info.irq, d->info.capacity,
				  d->info.can_flush ? ", flush" : "",
				  d->info.read_only ? ", read-only" : "");
		}
	}
}

static void print_guests(const struct machine *m)
{
	hv_printf("hv: guest RAM appears at guest-physical %lx; hypervisor window at %lx\n",
		  GUEST_RAM_BASE, HV_WINDOW_BASE);
	for (unsigned i = 0; i < m->nguests; i++) {
		const struct guest *g = &m->guests[i];
		char name[8];
		hv_printf("hv: starting %s guest%s at %lx with %u hart%s (host harts", 
			  g->layout.linux_image ? "Linux" : "raw", guest_name(g, name, sizeof(name)),
			  g->layout.entry, g->nvcpus, g->nvcpus == 1 ? "" : "s");
		for (unsigned j = 0; j < g->nvcpus; j++)
			hv_printf(" %lu", g->vcpus[j].hart->hartid);
		hv_printf("), device tree at %lx, bootargs \"%s\"\n", g->layout.dt,
			  g->config.bootargs);
	}
}

/* Taken only while a guest runs (the hypervisor keeps SIE clear) or to
 * wake WFI: IPIs, the timer, and the real PLIC. */
static void enable_interrupts(void)
{
	csr_write(CSR_SIE, MIP_SSIP | MIP_STIP | MIP_SEIP);
}

void hv_main(uint64_t hartid, uint64_t dtb_pa)
{
	console_init();
	hv_printf("\nhv: RISC-V hypervisor, hart %lu, running in S-mode\n", hartid);
	struct machine *m = machine_tables();
	int err = platform_probe(&m->plat, dtb_pa);
	if (err)
		hv_panic("host device tree at %lx unusable (libfdt error %d)", dtb_pa, err);
	const struct platform *p = &m->plat;
	if (!p->plic.size)
		hv_panic("the host device tree has no PLIC");
	const char *bad = cmdline_parse(p->bootargs, &m->opt);
	if (bad)
		hv_panic("command line: %s", bad);
	setup_harts(m, hartid);
	struct hart *boot = &m->harts[0];
	hart_set_this(boot);

	struct busy busy = { .n = 0 };
	struct mem_range firmware = { p->ram.start, HV_LOAD_ADDR };
	struct mem_range image = { va_to_pa(__image_start), va_to_pa(__image_end) };
	busy_add(&busy, firmware);
	busy_add(&busy, image);
	busy_add(&busy, p->dtb);
	busy_add(&busy, p->initrd);
	unsigned nvcpus = 0;
	for (unsigned i = 0; i < m->opt.nguests; i++)
		nvcpus += guest_cpus(m, i);
	uint64_t pool_size = HV_POOL_PER_VCPU * nvcpus;
	uint64_t pool_start = platform_place(pool_size, PAGE_SIZE, p->ram, busy.r, busy.n);
	if (!pool_start)
		hv_panic("no room in RAM for the hypervisor's page pool");
	struct mem_range pool = { pool_start, pool_start + pool_size };
	busy_add(&busy, pool);
	mm_init(pool.start, pool.end);

	/* A real ASID per shadow root, if the harts have enough; ASID 0 is
	 * the hypervisor's own. Otherwise every root switch fences. */
	unsigned bits = asid_bits();
	uint64_t asid_first = shadow_asid_first(bits, nvcpus);
	bool unique_asids = asid_first != 0;
	for (unsigned i = 0; i < m->nharts; i++)
		m->harts[i].asid_fence = !unique_asids;
	hv_printf("hv: %u host hart%s, real timer through %s, %u ASID bits (%s)\n", m->nharts,
		  m->nharts == 1 ? "" : "s", boot->sstc ? "Sstc stimecmp" : "SBI set_timer", bits,
		  unique_asids ? "one per shadow root" : "a fence on every root switch");

	setup_disks(m);
	setup_guests(m, &busy, asid_first);
	pin_vcpus(m);
	setup_host_plic(m, boot);
	print_layout(m, firmware, image, pool);
	for (unsigned i = 0; i < m->nguests; i++) {
		const char *why = guest_reset(&m->guests[i]);
		if (why)
			hv_panic("cannot start guest %u: %s", i, why);
	}
	print_guests(m);

	for (unsigned i = 1; i < m->nharts; i++) {
		struct hart *h = &m->harts[i];
		if (!h->nvcpus)
			continue;
		const char *why = hart_boot(h);
		if (why)
			hv_panic("cannot start hart %lu: %s", h->hartid, why);
	}
	enable_interrupts();
	sched_restart(boot);
}

/* A hart SBI HSM started, now on its own stack with tp = h (entry.S). */
void hv_hart_main(struct hart *h)
{
	setup_host_plic(machine_tables(), h);
	enable_interrupts();
	sched_restart(h);
}
