/*
 * Single memory accesses for the attack guests, one function per
 * instruction so that rt_catch() can run each and report its trap: the
 * address is taken from `addr`, a load's value lands in `loaded`.
 */
#ifndef TESTS_GUESTS_ACCESS_H
#define TESTS_GUESTS_ACCESS_H

#include <stdint.h>

static volatile uint64_t addr;
static volatile uint64_t loaded;

static inline void lb(void)
{
	int8_t v;
	__asm__ volatile("lb %0, 0(%1)" : "=r"(v) : "r"(addr));
	loaded = (uint64_t)(int64_t)v;
}
static inline void lbu(void)
{
	uint8_t v;
	__asm__ volatile("lbu %0, 0(%1)" : "=r"(v) : "r"(addr));
	loaded = v;
}
static inline void lh(void)
{
	int16_t v;
	__asm__ volatile("lh %0, 0(%1)" : "=r"(v) : "r"(addr));
	loaded = (uint64_t)(int64_t)v;
}
static inline void lhu(void)
{
	uint16_t v;
	__asm__ volatile("lhu %0, 0(%1)" : "=r"(v) : "r"(addr));
	loaded = v;
}
static inline void lw(void)
{
	uint32_t v;
	__asm__ volatile("lw %0, 0(%1)" : "=r"(v) : "r"(addr));
	loaded = v;
}
static inline void ld(void)
{
	uint64_t v;
	__asm__ volatile("ld %0, 0(%1)" : "=r"(v) : "r"(addr));
	loaded = v;
}
static inline void sb(void) { __asm__ volatile("sb zero, 0(%0)" : : "r"(addr) : "memory"); }
static inline void sh(void) { __asm__ volatile("sh zero, 0(%0)" : : "r"(addr) : "memory"); }
static inline void sw(void) { __asm__ volatile("sw zero, 0(%0)" : : "r"(addr) : "memory"); }
static inline void sd(void) { __asm__ volatile("sd zero, 0(%0)" : : "r"(addr) : "memory"); }
static inline void amoswap(void)
{
	__asm__ volatile("amoswap.w t0, zero, (%0)" : : "r"(addr) : "t0", "memory");
}
static inline void amoadd(void)
{
	__asm__ volatile("amoadd.w t0, zero, (%0)" : : "r"(addr) : "t0", "memory");
}
static inline void amoor(void)
{
	__asm__ volatile("amoor.w t0, zero, (%0)" : : "r"(addr) : "t0", "memory");
}
static inline void lr(void)
{
	__asm__ volatile("lr.w t0, (%0)" : : "r"(addr) : "t0", "memory");
}
static inline void flw(void)
{
	__asm__ volatile(".option push\n.option arch, +f\nflw ft0, 0(%0)\n.option pop"
			 : : "r"(addr) : "memory");
}
static inline void fsw(void)
{
	__asm__ volatile(".option push\n.option arch, +f\nfsw ft0, 0(%0)\n.option pop"
			 : : "r"(addr) : "memory");
}
/* Compressed forms: the decoder must size them from the short encoding. */
static inline void c_ld(void)
{
	register uint64_t a0 __asm__("a0") = addr;
	__asm__ volatile("c.ld a1, 0(a0)" : : "r"(a0) : "a1");
}
static inline void c_sd(void)
{
	register uint64_t a0 __asm__("a0") = addr;
	__asm__ volatile("c.sd a0, 0(a0)" : : "r"(a0) : "memory");
}
static inline void c_lw(void)
{
	register uint64_t a0 __asm__("a0") = addr;
	register uint64_t a1 __asm__("a1");
	__asm__ volatile("c.lw a1, 0(a0)" : "=r"(a1) : "r"(a0));
	loaded = (uint32_t)a1;
}
static inline void fetch(void) { ((void (*)(void))(uintptr_t)addr)(); }

#endif
