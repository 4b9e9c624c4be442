/*
 * Boot of the hypervisor proper: learn the machine from the device tree,
 * print where everything lives, set up the page pool, place and load the
 * guest, and enter it. From then on the hypervisor runs only in traps.
 */
#include <stdint.h>

#include "encoding.h"
#include "hv/console.h"
#include "hv/csr.h"
#include "hv/guest.h"
#include "hv/layout.h"
#include "hv/mm.h"
#include "hv/platform.h"
#include "hv/trap.h"

#define MIB (UL(1) << 20)
#define HV_POOL_SIZE (16 * MIB)
#define GUEST_RAM_DEFAULT (128 * MIB)

extern char __image_start[], __image_end[], __stack_top[];

void hv_main(uint64_t hartid, uint64_t dtb_pa);

static struct guest guest;

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
	int err = platform_probe(&plat, dtb_pa);
	if (err)
		hv_panic("host device tree at %lx unusable (libfdt error %d)", dtb_pa, err);

	struct mem_range firmware = { plat.ram.start, HV_LOAD_ADDR };
	struct mem_range image = { va_to_pa(__image_start), va_to_pa(__image_end) };
	struct mem_range busy[] = { firmware, image, plat.dtb, plat.initrd, { 0, 0 } };
	size_t nbusy = sizeof(busy) / sizeof(busy[0]);
	uint64_t pool_start = platform_place(HV_POOL_SIZE, PAGE_SIZE, plat.ram, busy, nbusy);
	if (!pool_start)
		hv_panic("no room in RAM for the hypervisor's page pool");
	struct mem_range pool = { pool_start, pool_start + HV_POOL_SIZE };
	busy[nbusy - 1] = pool;
	mm_init(pool.start, pool.end);

	const char *why = guest_create(&guest, GUEST_RAM_DEFAULT, plat.ram, busy, nbusy,
				       plat.initrd,
				       (uint64_t)(uintptr_t)__stack_top);

	hv_printf("hv: memory layout (host physical):\n");
	print_range("RAM", plat.ram);
	print_range("firmware", firmware);
	print_range("hypervisor image", image);
	print_range("page pool", pool);
	print_range("device tree", plat.dtb);
	print_range("guest image", plat.initrd);
	if (why)
		hv_panic("cannot start the guest: %s", why);
	print_range("guest RAM", (struct mem_range){ guest.ram_hpa,
						     guest.ram_hpa + guest.ram_size });
	hv_printf("hv: guest RAM appears at guest-physical %lx; hypervisor window at %lx\n",
		  GUEST_RAM_BASE, HV_WINDOW_BASE);
	hv_printf("hv: starting guest at %lx\n", guest.vcpu.vh.pc);

	/* Guests read time without trapping; cycle/instret follow it. */
	csr_write(scounteren, COUNTEREN_CY | COUNTEREN_TM | COUNTEREN_IR);
	/* The guest's timer arrives as the real supervisor timer interrupt,
	 * taken only while the guest runs (the hypervisor keeps SIE clear). */
	csr_write(sie, MIP_STIP);
	csr_write(satp, guest.vcpu.real_satp);
	sfence_vma_all();
	vcpu_load_real_state(&guest.vcpu);
	vcpu_enter(&guest.vcpu);
}
