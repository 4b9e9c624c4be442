#include "hv/mm.h"

#include <stddef.h>
#include <string.h>

#include "encoding.h"
#include "hv/layout.h"
#include "hv/lock.h"

/* Free pages form a singly linked list threaded through the pages. */
struct free_page {
	struct free_page *next;
};

/* The one pool every hart allocates shadow tables from. */
static struct {
	struct spinlock lock;
	struct free_page *free_list;
	struct mm_usage usage;
} pool;

void mm_init(uint64_t start, uint64_t end)
{
	for (uint64_t pa = end; pa >= start + PAGE_SIZE; pa -= PAGE_SIZE) {
		struct free_page *p = pa_to_va(pa - PAGE_SIZE);
		p->next = pool.free_list;
		pool.free_list = p;
		pool.usage.total++;
	}
}

void *page_alloc(void)
{
	spin_lock(&pool.lock);
	struct free_page *p = pool.free_list;
	if (p) {
		pool.free_list = p->next;
		if (++pool.usage.in_use > pool.usage.peak)
			pool.usage.peak = pool.usage.in_use;
	}
	spin_unlock(&pool.lock);
	if (p)
		memset(p, 0, PAGE_SIZE);
	return p;
}

void page_free(void *page)
{
	struct free_page *p = page;
	spin_lock(&pool.lock);
	p->next = pool.free_list;
	pool.free_list = p;
	pool.usage.in_use--;
	spin_unlock(&pool.lock);
}

struct mm_usage mm_usage(void)
{
	spin_lock(&pool.lock);
	struct mm_usage u = pool.usage;
	spin_unlock(&pool.lock);
	return u;
}
