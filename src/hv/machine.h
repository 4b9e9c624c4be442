/*
 * The boot tables: the machine as the device tree describes it, its harts,
 * the guests and the real disks. main.c fills them once at boot; from then
 * on they only change under the locks of what they hold.
 */
#ifndef HV_MACHINE_H
#define HV_MACHINE_H

#include <stdint.h>

#include "hv/cmdline.h"
#include "hv/guest.h"
#include "hv/hart.h"
#include "hv/host_vblk.h"
#include "hv/lock.h"
#include "hv/platform.h"

#define HV_MAX_GUESTS 4

struct machine {
	struct platform plat;
	struct hv_options opt; /* the command line; guests' bootargs live here */
	unsigned nharts;
	struct hart harts[HV_MAX_HARTS];
	unsigned nguests;
	struct guest guests[HV_MAX_GUESTS];
	unsigned ndisks;
	struct host_vblk disks[PLATFORM_VIRTIO_MAX];
	struct spinlock lock; /* guards the two below */
	unsigned guests_over;
	bool any_failed;
};

/* The tables, for the boot code to fill. */
struct machine *machine_tables(void);
/* The guest whose device has the real PLIC source src, or NULL. */
struct guest *machine_irq_owner(uint32_t src);
/* g ended for good; when every guest has, the machine powers off, with a
 * failure if any guest failed. */
void machine_guest_over(struct guest *g);

#endif
