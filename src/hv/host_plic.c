#include "hv/host_plic.h"

#include "dev/plic.h"
#include "hv/layout.h"

/* The real PLIC has the register map the guest's model has. */
#define PRIORITY(src)    (PLIC_PRIORITY_BASE + 4 * (uint64_t)(src))
#define ENABLE(ctx, src) \
	(PLIC_ENABLE_BASE + PLIC_ENABLE_STRIDE * (uint64_t)(ctx) + 4 * (uint64_t)((src) / 32))
#define CONTEXT(ctx)     (PLIC_CONTEXT_BASE + PLIC_CONTEXT_STRIDE * (uint64_t)(ctx))

static struct platform_plic host;

static volatile uint32_t *reg(uint64_t offset)
{
	return pa_to_va(host.base + offset);
}

void host_plic_init(const struct platform_plic *plic)
{
	host = *plic;
	if (!host.size)
		return;
	for (uint32_t word = 0; word <= host.ndev / 32; word++)
		*reg(ENABLE(host.s_context, word * 32)) = 0;
	*reg(CONTEXT(host.s_context) + PLIC_THRESHOLD) = 0;
}

void host_plic_enable(uint32_t src)
{
	if (!host.size || src == 0 || src > host.ndev)
		return;
	*reg(PRIORITY(src)) = 1;
	*reg(ENABLE(host.s_context, src)) |= UINT32_C(1) << (src % 32);
}

uint32_t host_plic_claim(void)
{
	return host.size ? *reg(CONTEXT(host.s_context) + PLIC_CLAIM) : 0;
}

void host_plic_complete(uint32_t src)
{
	if (host.size)
		*reg(CONTEXT(host.s_context) + PLIC_CLAIM) = src;
}
