/*
 * Where the hypervisor lives. It runs in a high virtual window that every
 * shadow root also maps (S-only, global), so a trap from the guest never
 * switches satp. The window is the Sv39 range Linux 6.1 reserves for KASAN
 * (Documentation/riscv/vm-layout.rst), unused in a guest kernel without it:
 *
 *   0xfffffff700000000 + pa   for pa in [0, 32 GiB)
 *   root slot 476:      pa 0 .. 1 GiB      devices (UART, PLIC, CLINT...)
 *   root slots 478..:   pa 2 GiB .. 18 GiB RAM (hypervisor, guests, firmware)
 *
 * The hypervisor image is linked at HV_WINDOW_BASE + its load address.
 */
#ifndef HV_LAYOUT_H
#define HV_LAYOUT_H

#include "encoding.h"

#define HV_WINDOW_BASE      UL(0xfffffff700000000)
#define HV_WINDOW_SLOT_FIRST 476 /* Sv39 root index of HV_WINDOW_BASE */
#define HV_WINDOW_SLOTS      32
#define HV_LOAD_ADDR        UL(0x80200000)

#ifndef __ASSEMBLER__
#include <stdint.h>

static inline void *pa_to_va(uint64_t pa)
{
	return (void *)(uintptr_t)(pa + HV_WINDOW_BASE);
}

static inline uint64_t va_to_pa(const void *va)
{
	return (uint64_t)(uintptr_t)va - HV_WINDOW_BASE;
}
#endif

#endif
