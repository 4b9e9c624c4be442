/*
 * The hypervisor's command line (QEMU -append, /chosen/bootargs): words
 * starting with "hv." are the hypervisor's options, every other word goes
 * to the guest as its bootargs.
 *
 *   hv.mem=SIZE          guest RAM, e.g. 128M or 1G (2 MiB multiple, <= 1 GiB)
 *   hv.initrd=ADDR,SIZE  a guest initrd that QEMU preloaded at host ADDR
 *                        (-device loader,file=...,addr=ADDR)
 */
#ifndef HV_CMDLINE_H
#define HV_CMDLINE_H

#include <stddef.h>
#include <stdint.h>

struct hv_options {
	uint64_t guest_mem;
	uint64_t initrd_addr;
	uint64_t initrd_size;
};

/* Parse args into *o (which holds the defaults on entry) and the guest's
 * bootargs into guest_args. Returns NULL, or a message naming the bad word. */
const char *cmdline_parse(const char *args, struct hv_options *o, char *guest_args,
			  size_t size);

#endif
