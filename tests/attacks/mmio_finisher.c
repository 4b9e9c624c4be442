/*
 * The machine's power switch: QEMU virt's test finisher at 0x100000 powers
 * the whole machine off (or resets it) when 0x5555 (0x7777, 0x3333) is
 * stored there. The guest has no such device: every store and load there
 * is a load/store access fault with stval the address, and the machine,
 * with the other guest on it, runs on. Also the RTC next to it, the
 * CLINT's msip and mtimecmp, and the flash, fw_cfg and PCIe windows.
 */
#include "attack.h"

struct target {
	uint64_t addr;
	uint32_t value;
};

static const struct target targets[] = {
	{ 0x100000, 0x5555 },   { 0x100000, 0x7777 },   { 0x100000, 0x3333 },
	{ 0x101000, 0x1 },      { 0x2000000, 0x1 },     { 0x2004000, 0x0 },
	{ 0x200bff8, 0x0 },     { 0x20000000, 0x1 },    { 0x10100000, 0x1 },
	{ 0x30000000, 0x1 },    { 0x40000000, 0x1 },    { 0x3000000, 0x1 },
};

static volatile uint64_t at;
static volatile uint32_t value;

static void store(void)
{
	*(volatile uint32_t *)at = value;
}

static void load(void)
{
	value = *(volatile uint32_t *)at;
}

int main(void)
{
	attack_begin();
	for (unsigned i = 0; i < sizeof targets / sizeof targets[0]; i++) {
		struct rt_trap t = { 0, 0, 0 };
		at = targets[i].addr;
		value = targets[i].value;
		if (CHECK(rt_catch(store, &t))) {
			CHECK_EQ(t.scause, CAUSE_STORE_ACCESS);
			CHECK_EQ(t.stval, targets[i].addr);
		}
		if (CHECK(rt_catch(load, &t))) {
			CHECK_EQ(t.scause, CAUSE_LOAD_ACCESS);
			CHECK_EQ(t.stval, targets[i].addr);
		}
	}
	return 0;
}
