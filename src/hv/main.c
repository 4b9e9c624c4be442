/*
 * Boot of the hypervisor proper: learn the machine from the device tree,
 * print where everything lives, set up the page pool, place and load the
 * guest, and enter it. From then on the hypervisor runs only in traps.
 */
#include <stdint.h>

#include "encoding.h"
#include "hv/cmdline.h"
#include "hv/console.h"
#include "hv/guest.h"
#include "hv/host_plic.h"
#include "hv/host_vblk.h"
#include "dev/plic.h"
#include "hv/layout.h"
#include "hv/mm.h"
#include "hv/platform.h"
#include "hv/timer.h"
#include "hv/trap.h"
#include "lib/csr.h"
#include "lib/printf.h"

#define MIB (UL(1) << 20)
#define HV_POOL_SIZE (16 * MIB)
#define GUEST_RAM_DEFAULT (128 * MIB)
/* A guest given no bootargs talks to the SBI console, which needs no
 * device (Linux: hvc0). */
#define GUEST_BOOTARGS_DEFAULT "console=hvc0 earlycon=sbi"

extern char __image_start[], __image_end[], __stack_top[];

void hv_main(uint64_t hartid, uint64_t dtb_pa);

static struct guest guest;
static char guest_bootargs[512];

static void print_range(const char *what, struct mem_range r)
{
	hv_printf("hv:   %-18s %010lx..%010lx (%lu KiB)\n", what, r.start, r.end,
		  (r.end - r.start) >> 10);
}

void hv_main(uint64_t hartid, uint64_t dtb_pa)
{
	console_init();
	hv_printf("\nhv: RISC-V hypervisor, hart %lu, running in S-mode\n", hartid);

	struct platform plat;
	int err = platform_probe(&plat, dtb_pa, hartid);
	if (err)
		hv_panic("host device tree at %lx unusable (libfdt error %d)", dtb_pa, err);

	struct hv_options opt = { .guest_mem = GUEST_RAM_DEFAULT };
	const char *bad = cmdline_parse(plat.bootargs, &opt, guest_bootargs,
					sizeof(guest_bootargs));
	if (bad)
		hv_panic("command line: %s", bad);
	if (!guest_bootargs[0])
		fmt_snprintf(guest_bootargs, sizeof(guest_bootargs), "%s", GUEST_BOOTARGS_DEFAULT);
	struct mem_range guest_initrd = { opt.initrd_addr, opt.initrd_addr + opt.initrd_size };
	if (opt.initrd_size && (guest_initrd.end < guest_initrd.start ||
				guest_initrd.start < plat.ram.start ||
				guest_initrd.end > plat.ram.end))
		hv_panic("command line: hv.initrd is not inside RAM");

	struct mem_range firmware = { plat.ram.start, HV_LOAD_ADDR };
	struct mem_range image = { va_to_pa(__image_start), va_to_pa(__image_end) };
	struct mem_range busy[] = { firmware, image, plat.dtb, plat.initrd, guest_initrd,
				    { 0, 0 } };
	size_t nbusy = sizeof(busy) / sizeof(busy[0]);
	uint64_t pool_start = platform_place(HV_POOL_SIZE, PAGE_SIZE, plat.ram, busy, nbusy);
	if (!pool_start)
		hv_panic("no room in RAM for the hypervisor's page pool");
	struct mem_range pool = { pool_start, pool_start + HV_POOL_SIZE };
	busy[nbusy - 1] = pool;
	mm_init(pool.start, pool.end);

	bool sstc = platform_isa_has(plat.isa, "sstc");
	timer_init(sstc);
	hv_printf("hv: real timer through %s\n", sstc ? "Sstc stimecmp" : "SBI set_timer");
	if (!plat.plic.size)
		hv_panic("the host device tree has no PLIC for this hart's S-mode");
	host_plic_init(&plat.plic);
	struct host_vblk_info disk = { 0 };
	const char *no_disk = host_vblk_init(&plat, &disk);
	if (!no_disk && disk.irq >= PLIC_NSOURCES)
		no_disk = "its interrupt is beyond the guest's PLIC";
	if (no_disk && no_disk[0])
		hv_printf("hv: the disk is not usable, the guest gets none: %s\n", no_disk);
	if (!no_disk)
		host_plic_enable(disk.irq);

	const struct guest_config cfg = {
		.ram_size = opt.guest_mem,
		.image = plat.initrd,
		.initrd = guest_initrd,
		.bootargs = guest_bootargs,
		.host_isa = plat.isa,
		.timebase_hz = plat.timebase_hz,
		.has_disk = !no_disk,
		.disk = disk,
	};
	const char *why = guest_create(&guest, &cfg, plat.ram, busy, nbusy,
				       (uint64_t)(uintptr_t)__stack_top);

	hv_printf("hv: memory layout (host physical):\n");
	print_range("RAM", plat.ram);
	print_range("firmware", firmware);
	print_range("hypervisor image", image);
	print_range("page pool", pool);
	print_range("device tree", plat.dtb);
	print_range("guest image", plat.initrd);
	if (opt.initrd_size)
		print_range("guest initrd", guest_initrd);
	if (!no_disk)
		hv_printf("hv:   %-18s virtio-mmio v%u at %lx, irq %u, %lu sectors%s%s\n", "disk",
			  disk.version, disk.base, disk.irq, disk.capacity,
			  disk.can_flush ? ", flush" : "", disk.read_only ? ", read-only" : "");
	if (why)
		hv_panic("cannot start the guest: %s", why);
	print_range("guest RAM", (struct mem_range){ guest.ram_hpa,
						     guest.ram_hpa + guest.ram_size });
	hv_printf("hv: guest RAM appears at guest-physical %lx; hypervisor window at %lx\n",
		  GUEST_RAM_BASE, HV_WINDOW_BASE);
	hv_printf("hv: starting %s guest at %lx, device tree at %lx, bootargs \"%s\"\n",
		  guest.layout.linux_image ? "Linux" : "raw", guest.layout.entry,
		  guest.layout.dt, guest_bootargs);

	/* The guest's timer and the disk's completions arrive as real
	 * interrupts, taken only while the guest runs (the hypervisor keeps
	 * SIE clear). */
	csr_write(CSR_SIE, MIP_STIP | MIP_SEIP);
	vcpu_load_real_state(&guest.vcpu);
	sfence_vma_all();
	vcpu_enter(&guest.vcpu);
}
