/*
 * The real PLIC, owned by the hypervisor: only the context of this hart's
 * S-mode is touched, and only sources of devices the hypervisor drives are
 * enabled in it.
 */
#ifndef HV_HOST_PLIC_H
#define HV_HOST_PLIC_H

#include <stdint.h>

#include "hv/platform.h"

/* Take the S-mode context: every source disabled, threshold 0. */
void host_plic_init(const struct platform_plic *plic);
/* Let source src interrupt this hart's S-mode (priority 1). */
void host_plic_enable(uint32_t src);
/* The highest pending source, now in service; 0 if none. */
uint32_t host_plic_claim(void);
void host_plic_complete(uint32_t src);

#endif
