#include "hv/timer.h"

#include "encoding.h"
#include "lib/csr.h"
#include "lib/sbi.h"

uint64_t timer_now(void)
{
	return csr_read(CSR_TIME);
}

/* A new real deadline clears the real pending bit (Sstc: it is stimecmp
 * <= time; SBI: firmware clears it). */
static void real_timer_set(const struct hart *h, uint64_t deadline)
{
	if (h->sstc)
		csr_write(CSR_STIMECMP, deadline);
	else
		sbi_set_timer(deadline);
}

bool timer_update(struct hart *h)
{
	uint64_t now = timer_now();
	uint64_t next = h->wake_at;
	bool raised = false;
	for (unsigned i = 0; i < h->nvcpus; i++) {
		struct vcpu *v = h->vcpus[i];
		if (v->timer_deadline == TIMER_NEVER)
			continue;
		if (now >= v->timer_deadline) {
			raised |= !(v->vh.sip & MIP_STIP);
			v->vh.sip |= MIP_STIP;
		} else if (v->timer_deadline < next) {
			next = v->timer_deadline;
		}
	}
	real_timer_set(h, next);
	return raised;
}

void timer_set(struct vcpu *v, uint64_t deadline)
{
	v->timer_deadline = deadline;
	v->vh.sip &= ~MIP_STIP;
	timer_update(v->hart);
}
