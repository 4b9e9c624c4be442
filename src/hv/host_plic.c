#include "hv/host_plic.h"

#include "hv/layout.h"

#define PLIC_PRIORITY(src)    (4 * (uint64_t)(src))
#define PLIC_ENABLE(ctx, src) (0x2000 + 0x80 * (uint64_t)(ctx) + 4 * (uint64_t)((src) / 32))
#define PLIC_THRESHOLD(ctx)   (0x200000 + 0x1000 * (uint64_t)(ctx))
#define PLIC_CLAIM(ctx)       (PLIC_THRESHOLD(ctx) + 4)

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
		*reg(PLIC_ENABLE(host.s_context, word * 32)) = 0;
	*reg(PLIC_THRESHOLD(host.s_context)) = 0;
}

void host_plic_enable(uint32_t src)
{
	if (!host.size || src == 0 || src > host.ndev)
		return;
	*reg(PLIC_PRIORITY(src)) = 1;
	*reg(PLIC_ENABLE(host.s_context, src)) |= UINT32_C(1) << (src % 32);
}

uint32_t host_plic_claim(void)
{
	return host.size ? *reg(PLIC_CLAIM(host.s_context)) : 0;
}

void host_plic_complete(uint32_t src)
{
	if (host.size)
		*reg(PLIC_CLAIM(host.s_context)) = src;
}
