/* Trap statistics: what each vCPU counts (struct trap_stats in vcpu.h),
 * reported for a whole guest when it ends or restarts. */
#ifndef HV_STATS_H
#define HV_STATS_H

#include "hv/guest.h"

/* Per-cause trap counts of g's vCPUs together, one line each. */
void stats_print(const struct guest *g);

#endif
