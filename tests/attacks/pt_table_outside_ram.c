/*
 * Inner page-table entries aimed outside RAM: the root's entry for a data
 * range points at the UART's page, the PLIC, the virtio-blk registers,
 * past the end of RAM and at 4 GiB; a level-1 entry likewise. The walk's
 * read of the next table finds no memory: every load, store and fetch
 * there is an access fault of its kind with stval the virtual address
 * (the guest's code stays mapped by another root entry).
 */
#include "vm.h"
#include "attack.h"

static uint64_t root[PT_ENTRIES] PT_ALIGNED;
static uint64_t l1[PT_ENTRIES] PT_ALIGNED;

static const uint64_t tables[] = {
	UL(0x10000000), UL(0x0c000000), UL(0x10008000), ATTACK_RAM_END, UL(0x100000000),
};
#define TABLES (sizeof tables / sizeof tables[0])

int main(void)
{
	attack_begin();
	root[3] = pte_table(l1);
	vm_on(root, 0);
	for (unsigned i = 0; i < TABLES; i++) {
		root[1] = (tables[i] >> 12) << PTE_PPN_SHIFT | PTE_V;
		l1[5] = (tables[i] >> 12) << PTE_PPN_SHIFT | PTE_V;
		sfence_all();
		EXPECT_ACCESS_FAULTS(UL(0x40000000) + 0x1230, "through a table outside RAM");
		EXPECT_ACCESS_FAULTS(UL(0xc0000000) + 5 * SZ_2M + 0x4560,
				     "through a table outside RAM");
	}
	vm_off();
	return 0;
}
