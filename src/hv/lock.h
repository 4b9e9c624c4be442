/*
 * Spinlocks for the few places where harts meet: the page pool, a guest's
 * vCPU states, a guest's devices (its PLIC, UART, disk model and the real
 * disk queue behind it), the console. An AMO swap takes the lock with
 * acquire ordering, a release store frees it. The hypervisor runs with
 * interrupts off, so a holder is never interrupted; nothing that waits for
 * another hart, and no guest stop, happens while a lock is held.
 */
#ifndef HV_LOCK_H
#define HV_LOCK_H

#include <stdint.h>

struct spinlock {
	uint32_t held;
};

static inline void spin_lock(struct spinlock *l)
{
	while (__atomic_exchange_n(&l->held, 1U, __ATOMIC_ACQUIRE))
		while (__atomic_load_n(&l->held, __ATOMIC_RELAXED))
			;
}

static inline void spin_unlock(struct spinlock *l)
{
	__atomic_store_n(&l->held, 0U, __ATOMIC_RELEASE);
}

#endif
