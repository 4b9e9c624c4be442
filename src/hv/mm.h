/* Hypervisor memory: one pool of 4 KiB pages for shadow page tables,
 * shared by every hart (behind a lock). */
#ifndef HV_MM_H
#define HV_MM_H

#include <stdint.h>

/* Pages of the pool: all, in use now, and the most ever in use at once. */
struct mm_usage {
	uint64_t total, in_use, peak;
};

/* Hand the physical range [start, end) (page aligned) to the pool. */
void mm_init(uint64_t start, uint64_t end);
/* A zeroed page, or NULL when the pool is empty. */
void *page_alloc(void);
void page_free(void *page);
struct mm_usage mm_usage(void);

#endif
