/*
 * The debug console's buffers outside the guest's RAM: past its end,
 * straddling its end by a byte, at a device (the UART's page), below RAM
 * where the firmware lives, with base_addr_hi set, and lengths that wrap
 * the address space. Both console_write and console_read must refuse each
 * with SBI_ERR_INVALID_PARAM, reading and writing nothing, and a good
 * buffer still works after.
 */
#include "attack.h"

struct buf {
	uint64_t len, lo, hi;
};

static const struct buf bufs[] = {
	{ 16, ATTACK_RAM_END, 0 },
	{ 16, ATTACK_RAM_END - 8, 0 },
	{ 2, ATTACK_RAM_END - 1, 0 },
	{ 8, UL(0x10000000), 0 },
	{ 8, UL(0x80000000) - 8, 0 },
	{ 64, UL(0x80000000) - 32, 0 },
	{ 8, UL(0x80200000), 1 },
	{ UL(0xffffffffffffffff), UL(0x80200000), 0 },
	{ UL(1) << 63, UL(0x80200000), 0 },
	{ UL(0x100000000), UL(0x80200000), 0 },
	{ 8, UL(0xfffffffffffffff8), 0 },
};

#define DBCN_WRITE 0
#define DBCN_READ  1

int main(void)
{
	attack_begin();
	for (unsigned i = 0; i < sizeof bufs / sizeof bufs[0]; i++)
		for (unsigned fid = DBCN_WRITE; fid <= DBCN_READ; fid++) {
			struct sbiret r = sbi_call(SBI_EXT_DBCN, fid, bufs[i].len, bufs[i].lo,
						   bufs[i].hi);
			if (!CHECK_EQ(r.error, SBI_ERR_INVALID_PARAM))
				rt_printf("sbi_dbcn_outside: fid %u len 0x%lx lo 0x%lx hi 0x%lx\n",
					  fid, bufs[i].len, bufs[i].lo, bufs[i].hi);
		}
	static const char ok[] = "sbi_dbcn_outside: a good buffer still works\n";
	struct sbiret r = sbi_call(SBI_EXT_DBCN, DBCN_WRITE, sizeof ok - 1,
				   (uint64_t)(uintptr_t)ok, 0);
	CHECK_EQ(r.error, SBI_SUCCESS);
	CHECK_EQ(r.value, sizeof ok - 1);
	return 0;
}
