/*
 * A guest: its RAM, its console port, its devices and its vCPUs. The boot
 * table holds every guest (main.c); each guest's RAM is its own region of
 * host RAM, disjoint from every other guest's and from the hypervisor's.
 */
#ifndef HV_GUEST_H
#define HV_GUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hv/console.h"
#include "hv/devices.h"
#include "hv/lock.h"
#include "hv/platform.h"
#include "hv/ram.h"
#include "hv/vcpu.h"

#define GUEST_RAM_BASE   UL(0x80000000)
/* Raw images are loaded where Linux-style firmware puts a kernel. */
#define GUEST_IMAGE_OFFSET UL(0x200000)
#define GUEST_RAM_ALIGN  UL(0x200000) /* the Bare shadow uses megapages */
#define GUEST_DT_SIZE    UL(0x10000)  /* at the top of guest RAM */
#define GUEST_MAX_VCPUS  PLIC_MAX_HARTS

/* What to run: everything named here is in host memory, read-only. */
struct guest_config {
	uint64_t ram_size;
	unsigned nvcpus;
	struct mem_range image;  /* the kernel or raw binary, host physical */
	struct mem_range initrd; /* the guest's initrd, host physical; may be empty */
	const char *bootargs;
	const char *host_isa;
	uint64_t timebase_hz;
	/* Whether the guest's RAM is zero when it first starts, but for
	 * first_clear (host physical, what a loader may have written). */
	bool ram_zero;
	struct mem_range first_clear;
};

/* Where guest_reset put things, guest-physical. */
struct guest_layout {
	uint64_t entry;
	uint64_t image_end;
	uint64_t initrd_start, initrd_end;
	uint64_t dt;
	bool linux_image;
};

/* How a guest is ending: every vCPU stops, then it restarts or is over. */
enum guest_end { GUEST_RUNNING, GUEST_ENDING_EXIT, GUEST_ENDING_REBOOT };

struct guest {
	unsigned index;
	struct guest_config config;
	struct guest_layout layout;
	struct guest_ram ram;
	struct console_port console;
	struct devices dev;
	/* Guards the vCPUs' HSM states and the fields below. */
	struct spinlock lock;
	enum guest_end ending;
	bool failed;         /* it stopped on an error or powered off with one */
	bool finishing;      /* one hart is restarting it or ending it */
	bool started;        /* guest_reset has run once */
	unsigned nvcpus;
	struct vcpu vcpus[GUEST_MAX_VCPUS];
};

/* Set g up in host RAM at ram_hpa (config.ram_size bytes, reserved for it
 * alone), give it the disk (or none) and build each vCPU's shadow roots;
 * vCPU v gets real ASIDs from asid_base + v * SHADOW_ASIDS (0: ASID 0).
 * The vCPUs still need their harts; guest_reset loads it. NULL or why the
 * guest cannot be set up. */
const char *guest_create(struct guest *g, unsigned index, const struct guest_config *cfg,
			 uint64_t ram_hpa, const struct platform_plic *host_plic,
			 struct host_vblk *disk, uint64_t asid_base);

/* Reload image, initrd and device tree, reset the devices, and leave vCPU
 * 0 about to start at the entry and the others stopped, as after a reboot.
 * Every vCPU must be stopped. NULL, or why the guest cannot start (a
 * malformed or oversized image among them). */
const char *guest_reset(struct guest *g);

/* For messages: " 2" for guest 2 when guests share the console, else "". */
const char *guest_name(const struct guest *g, char *buf, size_t size);

/* Kick the vCPUs whose SEIP line the devices just changed. */
void guest_sync_irqs(struct guest *g);

#endif
