/*
 * Remote fences aimed at harts the guest does not have, with ranges that
 * wrap the address space or cover all of it, through RFENCE (remote
 * fence.i and sfence.vma) and the legacy calls: naming only other harts is SBI_ERR_INVALID_PARAM; its own
 * hart, any range, succeeds (a fence is never wrong to do), and its own
 * translations still work after.
 */
#include "vm.h"
#include "attack.h"

static uint64_t root[PT_ENTRIES] PT_ALIGNED;
static uint64_t mask;

int main(void)
{
	attack_begin();
	vm_on(root, 3);
	static const uint64_t ranges[][2] = {
		{ 0, ~UL(0) }, { ~UL(0) - 4095, 8192 }, { UL(0x80000000), 0 },
		{ UL(0xfffffff700000000), UL(0x800000000) }, { 0, UL(1) << 63 },
	};
	const uint64_t m = (uint64_t)(uintptr_t)&mask;
	for (unsigned fid = 0; fid < 2; fid++) /* remote fence.i, sfence.vma */
		for (unsigned r = 0; r < 5; r++) {
			uint64_t a = ranges[r][0], n = ranges[r][1];
			CHECK_EQ(sbi_call4(SBI_EXT_RFENCE, fid, 2, 0, a, n).error,
				 SBI_ERR_INVALID_PARAM);
			CHECK_EQ(sbi_call4(SBI_EXT_RFENCE, fid, 1, 1, a, n).error,
				 SBI_ERR_INVALID_PARAM);
			CHECK_EQ(sbi_call4(SBI_EXT_RFENCE, fid, 1, 0, a, n).error, SBI_SUCCESS);
			CHECK_EQ(sbi_call4(SBI_EXT_RFENCE, fid, 0, ~UL(0), a, n).error,
				 SBI_SUCCESS);
			mask = 1;
			sbi_call(SBI_EXT_LEGACY_REMOTE_SFENCE_VMA, 0, m, a, n);
			sbi_call4(SBI_EXT_LEGACY_REMOTE_SFENCE_VMA_ASID, 0, m, a, n, 3);
			sbi_call(SBI_EXT_LEGACY_REMOTE_FENCE_I, 0, m, 0, 0);
		}
	EXPECT_LOAD(pa_of(root) + 16, root[2], "own translation after the fences");
	vm_off();
	return 0;
}
