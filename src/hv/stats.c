#include "hv/stats.h"

#include "encoding.h"
#include "hv/console.h"
#include "hv/mm.h"
#include "lib/printf.h"

static const char *const exception_names[CAUSE_EXCEPTION_COUNT] = {
	[CAUSE_MISALIGNED_FETCH] = "misaligned fetch",
	[CAUSE_FETCH_ACCESS] = "fetch access fault",
	[CAUSE_ILLEGAL_INSTRUCTION] = "illegal instruction",
	[CAUSE_BREAKPOINT] = "breakpoint",
	[CAUSE_MISALIGNED_LOAD] = "misaligned load",
	[CAUSE_LOAD_ACCESS] = "load access fault",
	[CAUSE_MISALIGNED_STORE] = "misaligned store",
	[CAUSE_STORE_ACCESS] = "store access fault",
	[CAUSE_USER_ECALL] = "ecall from U (guest)",
	[CAUSE_SUPERVISOR_ECALL] = "ecall from S",
	[CAUSE_FETCH_PAGE_FAULT] = "fetch page fault",
	[CAUSE_LOAD_PAGE_FAULT] = "load page fault",
	[CAUSE_STORE_PAGE_FAULT] = "store page fault",
};

static const char *const interrupt_names[IRQ_M_EXT + 1] = {
	[IRQ_S_SOFT] = "supervisor software",
	[IRQ_S_TIMER] = "supervisor timer",
	[IRQ_S_EXT] = "supervisor external",
};

void stats_print(const struct guest *g)
{
	struct trap_stats t = { 0 };
	uint64_t flushes = 0;
	for (unsigned v = 0; v < g->nvcpus; v++) {
		const struct trap_stats *s = &g->vcpus[v].stats;
		for (unsigned i = 0; i < CAUSE_EXCEPTION_COUNT; i++)
			t.exceptions[i] += s->exceptions[i];
		for (unsigned i = 0; i <= IRQ_M_EXT; i++) {
			t.interrupts[i] += s->interrupts[i];
			t.in_wfi[i] += s->in_wfi[i];
		}
		t.other += s->other;
		t.shadow_fills += s->shadow_fills;
		t.satp_writes += s->satp_writes;
		t.batched += s->batched;
		flushes += g->vcpus[v].shadow.flushes - s->flushes_at_reset;
	}
	char what[32] = "";
	if (g->console.tagged)
		fmt_snprintf(what, sizeof(what), " (guest %u%s)", g->index,
			     g->nvcpus > 1 ? ", all vCPUs" : "");
	else if (g->nvcpus > 1)
		fmt_snprintf(what, sizeof(what), " (all vCPUs)");
	hv_printf("hv: traps by cause%s:\n", what);
	for (unsigned i = 0; i < CAUSE_EXCEPTION_COUNT; i++)
		if (t.exceptions[i])
			hv_printf("hv:   %-24s %lu\n",
				  exception_names[i] ? exception_names[i] : "reserved",
				  t.exceptions[i]);
	for (unsigned i = 0; i <= IRQ_M_EXT; i++)
		if (t.interrupts[i])
			hv_printf("hv:   %-24s %lu\n",
				  interrupt_names[i] ? interrupt_names[i] : "interrupt", t.interrupts[i]);
	for (unsigned i = 0; i <= IRQ_M_EXT; i++)
		if (t.in_wfi[i])
			hv_printf("hv:   %-24s %lu (while the guest waited in WFI)\n",
				  interrupt_names[i] ? interrupt_names[i] : "interrupt", t.in_wfi[i]);
	if (t.other)
		hv_printf("hv:   %-24s %lu\n", "unknown cause", t.other);
	if (t.batched)
		hv_printf("hv: %lu more privileged instructions emulated in the trap of one before "
			  "them\n", t.batched);
	hv_printf("hv: shadow: %lu fills, %lu flushes (all or one page), %lu real satp writes\n",
		  t.shadow_fills, flushes, t.satp_writes);
	struct mm_usage u = mm_usage();
	hv_printf("hv: page pool (all guests): %lu of %lu pages in use at most\n", u.peak,
		  u.total);
}
