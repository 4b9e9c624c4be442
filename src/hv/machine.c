#include "hv/machine.h"

#include "encoding.h"
#include "hv/console.h"
#include "lib/sbi.h"

static struct machine machine;

struct machine *machine_tables(void)
{
	return &machine;
}

struct guest *machine_irq_owner(uint32_t src)
{
	for (unsigned i = 0; i < machine.nguests; i++)
		if (devices_owns_irq(&machine.guests[i].dev, src))
			return &machine.guests[i];
	return NULL;
}

void machine_guest_over(struct guest *g)
{
	spin_lock(&machine.lock);
	machine.guests_over++;
	machine.any_failed |= g->failed;
	bool all = machine.guests_over == machine.nguests;
	bool failed = machine.any_failed;
	spin_unlock(&machine.lock);
	if (!all) {
		/* Input typed once this is said is for a guest still running. */
		console_guest_over(g->index);
		hv_printf("hv: guest %u is over; the other guests go on\n", g->index);
		return;
	}
	if (machine.nguests > 1)
		hv_printf("hv: every guest is over%s\n", failed ? " (at least one failed)" : "");
	sbi_shutdown(failed ? SBI_SRST_REASON_SYSFAIL : SBI_SRST_REASON_NONE);
}
