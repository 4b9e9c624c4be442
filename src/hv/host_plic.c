#include "hv/host_plic.h"

#include "dev/plic.h"
#include "hv/layout.h"

/* The real PLIC has the register map the guest's model has. */
#define PRIORITY(src)    (PLIC_PRIORITY_BASE + 4 * (uint64_t)(src))
#define ENABLE(ctx, src) \
	(PLIC_ENABLE_BASE + PLIC_ENABLE_STRIDE * (uint64_t)(ctx) + 4 * (uint64_t)((src) / 32))
#define CONTEXT(ctx)     (PLIC_CONTEXT_BASE + PLIC_CONTEXT_STRIDE * (uint64_t)(ctx))

static volatile uint32_t *reg(const struct platform_plic *plic, uint64_t offset)
{
	return pa_to_va(plic->base + offset);
}

void host_plic_init(const struct platform_plic *plic, uint32_t ctx)
{
	if (!plic->size)
		return;
	for (uint32_t word = 0; word <= plic->ndev / 32; word++)
		*reg(plic, ENABLE(ctx, word * 32)) = 0;
	*reg(plic, CONTEXT(ctx) + PLIC_THRESHOLD) = 0;
}

void host_plic_enable(const struct platform_plic *plic, uint32_t ctx, uint32_t src)
{
	if (!plic->size || src == 0 || src > plic->ndev)
		return;
	*reg(plic, PRIORITY(src)) = 1;
	*reg(plic, ENABLE(ctx, src)) |= UINT32_C(1) << (src % 32);
}

uint32_t host_plic_claim(const struct platform_plic *plic, uint32_t ctx)
{
	return plic->size ? *reg(plic, CONTEXT(ctx) + PLIC_CLAIM) : 0;
}

void host_plic_complete(const struct platform_plic *plic, uint32_t ctx, uint32_t src)
{
	if (plic->size)
		*reg(plic, CONTEXT(ctx) + PLIC_CLAIM) = src;
}
