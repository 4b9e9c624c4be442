/*
 * HSM aimed at harts the guest does not have: hart_start and
 * hart_get_status for hart IDs 1-63, 2^32-1, 2^63 and -1 (the host has
 * two harts; the other guest runs on the second), with start addresses
 * inside and outside RAM. Each is SBI_ERR_INVALID_PARAM; its own hart is
 * SBI_HSM_STATE_STARTED and cannot be started again
 * (SBI_ERR_ALREADY_AVAILABLE), nor be sent to an address outside its RAM
 * (SBI_ERR_INVALID_ADDRESS: the address is checked first, as OpenSBI
 * does; the spec names both errors and no order).
 */
#include "attack.h"

int main(void)
{
	attack_begin();
	static const uint64_t starts[] = { UL(0x80200000), ATTACK_RAM_END, 0, UL(0x10000000) };
	for (uint64_t h = 1; h < 64; h++)
		for (unsigned s = 0; s < 4; s++) {
			struct sbiret r = sbi_call(SBI_EXT_HSM, SBI_HSM_HART_START, h, starts[s], 0);
			CHECK_EQ(r.error, SBI_ERR_INVALID_PARAM);
		}
	static const uint64_t odd[] = { UL(0xffffffff), UL(1) << 63, ~UL(0) };
	for (unsigned i = 0; i < 3; i++) {
		CHECK_EQ(sbi_call(SBI_EXT_HSM, SBI_HSM_HART_START, odd[i], starts[0], 0).error,
			 SBI_ERR_INVALID_PARAM);
		CHECK_EQ(sbi_call(SBI_EXT_HSM, SBI_HSM_HART_GET_STATUS, odd[i], 0, 0).error,
			 SBI_ERR_INVALID_PARAM);
	}
	for (uint64_t h = 1; h < 64; h++)
		CHECK_EQ(sbi_call(SBI_EXT_HSM, SBI_HSM_HART_GET_STATUS, h, 0, 0).error,
			 SBI_ERR_INVALID_PARAM);
	struct sbiret r = sbi_call(SBI_EXT_HSM, SBI_HSM_HART_GET_STATUS, rt_hartid, 0, 0);
	CHECK_EQ(r.error, SBI_SUCCESS);
	CHECK_EQ(r.value, SBI_HSM_STATE_STARTED);
	for (unsigned s = 0; s < 4; s++)
		CHECK_EQ(sbi_call(SBI_EXT_HSM, SBI_HSM_HART_START, rt_hartid, starts[s], 0).error,
			 s == 0 ? SBI_ERR_ALREADY_AVAILABLE : SBI_ERR_INVALID_ADDRESS);
	return 0;
}
