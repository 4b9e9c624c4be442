/*
 * Atomics where they cannot be: misaligned AMOs and LR in RAM (a
 * store/AMO or load address-misaligned exception, stval the address), and
 * aligned AMOs and LR on the UART's and the PLIC's registers, which no
 * device here takes atomically (an access fault: store/AMO for AMOs, load
 * for LR, stval the address). The devices' registers are
 * unchanged by the refused AMOs.
 */
#include "attack.h"

static volatile uint64_t word[4] __attribute__((aligned(32)));
static volatile uint64_t at;

static void amoswap_w(void)
{
	uint64_t a = at;
	__asm__ volatile("amoswap.w zero, %1, (%0)" ::"r"(a), "r"(UL(0xff)) : "memory");
}

static void amoadd_d(void)
{
	uint64_t a = at;
	__asm__ volatile("amoadd.d zero, %1, (%0)" ::"r"(a), "r"(UL(1)) : "memory");
}

static void lr_w(void)
{
	uint64_t a = at, v;
	__asm__ volatile("lr.w %0, (%1)" : "=r"(v) : "r"(a) : "memory");
}

static void expect(void (*fn)(void), uint64_t addr, uint64_t cause)
{
	struct rt_trap t = { 0, 0, 0 };
	at = addr;
	bool ok = rt_catch(fn, &t) && t.scause == cause && t.stval == addr;
	if (!ok)
		rt_printf("amo_misaligned_device: at 0x%lx want cause %lu, got %lu stval 0x%lx\n",
			  addr, cause, t.scause, t.stval);
	rt_check(ok, "atomic refused", __FILE__, __LINE__);
}

int main(void)
{
	attack_begin();
	const uint64_t ram = (uint64_t)(uintptr_t)word;
	for (unsigned off = 1; off < 8; off++) {
		expect(amoadd_d, ram + off, CAUSE_MISALIGNED_STORE);
		if (off % 4)
			expect(amoswap_w, ram + off, CAUSE_MISALIGNED_STORE);
		if (off % 4)
			expect(lr_w, ram + off, CAUSE_MISALIGNED_LOAD);
	}
	static const uint64_t dev[] = { UL(0x10000000), UL(0x10000004), UL(0x0c000004),
					UL(0x0c201000) };
	const uint8_t lcr = *(volatile uint8_t *)UL(0x10000003);
	for (unsigned i = 0; i < 4; i++) {
		expect(amoswap_w, dev[i], CAUSE_STORE_ACCESS);
		expect(amoadd_d, dev[i] & ~UL(7), CAUSE_STORE_ACCESS);
		expect(lr_w, dev[i], CAUSE_LOAD_ACCESS);
	}
	CHECK_EQ(*(volatile uint8_t *)UL(0x10000003), lcr);
	CHECK_EQ(word[0] | word[1], 0);
	return 0;
}
