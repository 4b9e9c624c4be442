/*
 * A page table that maps itself: the level-0 table is also a writable
 * page at a VA of its own, and the guest rewrites a leaf through that
 * mapping, aiming a data VA first at its own second page, then past the
 * end of RAM, without sfence.vma and then with it. Until the fence the
 * hart may use the old translation or the new one; never anything else:
 * each load reads the first page's word, the second's, or takes the
 * access fault of the new target. After the fence only the new target
 * counts.
 */
#include "vm.h"
#include "attack.h"

static uint64_t root[PT_ENTRIES] PT_ALIGNED;
static uint64_t l1[PT_ENTRIES] PT_ALIGNED;
static uint64_t l0[PT_ENTRIES] PT_ALIGNED;
static volatile uint64_t page_a[PT_ENTRIES] PT_ALIGNED;
static volatile uint64_t page_b[PT_ENTRIES] PT_ALIGNED;

#define DATA_VA UL(0x40000000)  /* l0[0] */
#define SELF_VA UL(0x40001000)  /* l0[1] = l0 itself */
#define A_WORD UL(0xaaaaaaaa00000001)
#define B_WORD UL(0xbbbbbbbb00000002)

static volatile uint64_t *self(unsigned i)
{
	return (volatile uint64_t *)(SELF_VA + 8 * i);
}

int main(void)
{
	attack_begin();
	page_a[0] = A_WORD;
	page_b[0] = B_WORD;
	root[1] = pte_table(l1);
	l1[0] = pte_table(l0);
	l0[0] = pte_leaf(pa_of(page_a), F_RW_AD);
	l0[1] = pte_leaf(pa_of(l0), F_RW_AD);
	vm_on(root, 0);
	EXPECT_LOAD(DATA_VA, A_WORD, "through the first leaf");
	CHECK_EQ(*self(1), l0[1]);

	/* To page B through the self-map, no fence: A or B. */
	*self(0) = pte_leaf(pa_of(page_b), F_RW_AD);
	struct rt_trap t;
	uint64_t v = 0;
	bool trapped = vm_try(VM_LOAD, DATA_VA, &v, &t);
	CHECK(!trapped && (v == A_WORD || v == B_WORD));
	sfence_va(DATA_VA);
	EXPECT_LOAD(DATA_VA, B_WORD, "after the fence, page B");

	/* Past the end of RAM, no fence: B or the access fault. */
	*self(0) = pte_leaf(ATTACK_RAM_END, F_RW_AD);
	v = 0;
	trapped = vm_try(VM_LOAD, DATA_VA, &v, &t);
	CHECK(trapped ? t.scause == CAUSE_LOAD_ACCESS && t.stval == DATA_VA : v == B_WORD);
	sfence_va(DATA_VA);
	EXPECT_FAULT(VM_LOAD, DATA_VA, CAUSE_LOAD_ACCESS, "after the fence, no memory");
	EXPECT_FAULT(VM_STORE, DATA_VA, CAUSE_STORE_ACCESS, "after the fence, no memory");
	CHECK_EQ(page_a[0], A_WORD);
	CHECK_EQ(page_b[0], B_WORD);
	vm_off();
	return 0;
}
