/*
 * The real PLIC, owned by the hypervisor: each hart touches only its own
 * S-mode context, and only sources of devices the hypervisor drives are
 * enabled in it.
 */
#ifndef HV_HOST_PLIC_H
#define HV_HOST_PLIC_H

#include <stdint.h>

#include "hv/platform.h"

/* Take context ctx: every source disabled, threshold 0. */
void host_plic_init(const struct platform_plic *plic, uint32_t ctx);
/* Let source src interrupt context ctx (priority 1). */
void host_plic_enable(const struct platform_plic *plic, uint32_t ctx, uint32_t src);
/* The highest pending source of ctx, now in service; 0 if none. */
uint32_t host_plic_claim(const struct platform_plic *plic, uint32_t ctx);
/* End the service of src, which context ctx claimed. */
void host_plic_complete(const struct platform_plic *plic, uint32_t ctx, uint32_t src);

#endif
