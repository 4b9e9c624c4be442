/*
 * SBI calls from the guest's user mode: ecall from vU with a7/a6 naming
 * SRST shutdown, HSM hart_stop, legacy shutdown and random IDs, 20000
 * times. An ecall from U goes to the guest's own S-mode (scause 8, sepc
 * the ecall, registers as U left them), never to the SBI below it: the
 * machine does not shut down nor stop the hart.
 */
#include "attack.h"

extern uint32_t u_ecall[], u_ecall_at[];
__asm__(".text\n"
	".balign 4\n"
	".globl u_ecall\n"
	"u_ecall:\n"
	"    la t0, u_args\n"
	"    ld a7, 0(t0)\n"
	"    ld a6, 8(t0)\n"
	"    ld a0, 16(t0)\n"
	".globl u_ecall_at\n"
	"u_ecall_at:\n"
	"    ecall\n");

uint64_t u_args[3];

int main(void)
{
	attack_begin();
	static const uint64_t eids[] = { SBI_EXT_SRST, SBI_EXT_HSM, SBI_EXT_LEGACY_SHUTDOWN,
					 SBI_EXT_BASE, SBI_EXT_DBCN };
	unsigned bad = 0;
	uint64_t x = 0x9e3779b97f4a7c15UL;
	for (unsigned n = 0; n < 20000; n++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		u_args[0] = n % 2 ? eids[n / 2 % 5] : x;
		u_args[1] = n % 3 ? 0 : x >> 32;
		u_args[2] = 0;
		struct rt_trap t = { 0, 0, 0 };
		rt_user((void (*)(void))(uintptr_t)u_ecall, &t);
		bad += t.scause != CAUSE_USER_ECALL || t.sepc != (uint64_t)(uintptr_t)u_ecall_at;
	}
	CHECK_EQ(bad, 0);
	return 0;
}
