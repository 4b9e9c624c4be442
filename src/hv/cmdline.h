/*
 * The hypervisor's command line (QEMU -append, /chosen/bootargs). Words
 * starting with "hv." are the hypervisor's options; every other word goes
 * to the guest being described as its bootargs. The word "hv.guest" ends
 * one guest's description and starts the next one's, so
 *
 *   hv.mem=256M console=hvc0 hv.guest hv.mem=128M hv.cpus=2 console=hvc0
 *
 * describes guest 0 and guest 1. For each guest:
 *
 *   hv.mem=SIZE          its RAM, e.g. 128M or 1G (2 MiB multiple, <= 1 GiB)
 *   hv.cpus=N            its harts, 1 to 8
 *   hv.image=ADDR,SIZE   its kernel or raw binary, preloaded by QEMU at host
 *                        ADDR (-device loader,file=...,addr=ADDR); default:
 *                        QEMU's -initrd image
 *   hv.initrd=ADDR,SIZE  an initrd for it, preloaded the same way
 *   hv.disk=N|none       the Nth virtio-blk disk of the machine (from 0);
 *                        default: guest k gets disk k, when there is one
 */
#ifndef HV_CMDLINE_H
#define HV_CMDLINE_H

#include <stddef.h>
#include <stdint.h>

#define CMDLINE_MAX_GUESTS 4
#define CMDLINE_ARGS_SIZE 512
#define CMDLINE_DISK_DEFAULT (-1)
#define CMDLINE_DISK_NONE (-2)

struct hv_guest_options {
	uint64_t mem;    /* 0: not given */
	unsigned cpus;   /* 0: not given */
	uint64_t image_addr, image_size;   /* size 0: not given */
	uint64_t initrd_addr, initrd_size; /* size 0: none */
	int disk;        /* a disk index, CMDLINE_DISK_DEFAULT or CMDLINE_DISK_NONE */
	char bootargs[CMDLINE_ARGS_SIZE];
};

struct hv_options {
	unsigned nguests;
	struct hv_guest_options guest[CMDLINE_MAX_GUESTS];
	char error[96];
};

/* Parse args into *o. Returns NULL, or o->error naming the bad word. */
const char *cmdline_parse(const char *args, struct hv_options *o);

#endif
