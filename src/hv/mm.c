#include "hv/mm.h"

#include <stddef.h>
#include <string.h>

#include "encoding.h"
#include "hv/layout.h"

/* Free pages form a singly linked list threaded through the pages. */
struct free_page {
	struct free_page *next;
};

static struct free_page *free_list;
static uint64_t free_count;

void mm_init(uint64_t start, uint64_t end)
{
	for (uint64_t pa = end; pa >= start + PAGE_SIZE; pa -= PAGE_SIZE)
		page_free(pa_to_va(pa - PAGE_SIZE));
}

void *page_alloc(void)
{
	struct free_page *p = free_list;
	if (!p)
		return NULL;
	free_list = p->next;
	free_count--;
	memset(p, 0, PAGE_SIZE);
	return p;
}

void page_free(void *page)
{
	struct free_page *p = page;
	p->next = free_list;
	free_list = p;
	free_count++;
}

uint64_t mm_free_pages(void)
{
	return free_count;
}
