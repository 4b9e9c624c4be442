/*
 * The virtual hart: the privileged state a guest believes it has. The
 * proved core (src/core/) reads and updates only this struct; the
 * hypervisor shell (src/hv/) copies guest registers in and out and applies
 * the real-CSR effects.
 */
#ifndef CORE_VHART_H
#define CORE_VHART_H

#include <stdint.h>

struct vhart {
	uint64_t priv; /* virtual privilege: PRV_S or PRV_U */
	uint64_t pc;   /* guest pc of the next instruction to run */
	uint64_t sstatus;
	uint64_t sie;
	uint64_t sip;
	uint64_t stvec;
	uint64_t sscratch;
	uint64_t sepc;
	uint64_t scause;
	uint64_t stval;
	uint64_t satp;
	uint64_t scounteren;
	uint64_t senvcfg;
};

#endif
