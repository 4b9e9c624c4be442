/*
 * Virtual CSR emulation: what a guest's csrrw/csrrs/csrrc/csrrwi/csrrsi/
 * csrrci on a supervisor CSR does to its virtual hart. Pure: reads and
 * writes only the struct vhart it is given. The shell applies any real-CSR
 * effect afterwards (e.g. a new satp or sstatus.SUM means a shadow switch).
 */
#ifndef CORE_VCSR_H
#define CORE_VCSR_H

#include <stdint.h>

#include "encoding.h"
#include "core/vhart.h"

/* WARL masks of the virtual CSRs: which bits a guest write can set. */
#define VCSR_SSTATUS_WRITABLE \
	(SSTATUS_SIE | SSTATUS_SPIE | SSTATUS_SPP | SSTATUS_FS | SSTATUS_SUM | SSTATUS_MXR)
#define VCSR_SSTATUS_UXL64 (XLEN_64 << SSTATUS_UXL_SHIFT)
#define VCSR_SSTATUS_STORED (VCSR_SSTATUS_WRITABLE | SSTATUS_UXL)
#define VCSR_SIE_MASK (MIP_SSIP | MIP_STIP | MIP_SEIP)
#define VCSR_SIP_WRITABLE MIP_SSIP
#define VCSR_SIP_HV_OWNED (MIP_STIP | MIP_SEIP)
#define VCSR_SEPC_MASK ((uint64_t)~1UL)
#define VCSR_TVEC_BASE_MASK ((uint64_t)~TVEC_MODE_MASK)
/* stvec modes Direct and Vectored; satp modes Bare and Sv39. */
#define VCSR_STVEC_MODE_OK(v) (((v) & TVEC_MODE_MASK) <= TVEC_MODE_VECTORED)
#define VCSR_SATP_MODE_OK(v) \
	(((v) & SATP_MODE) == SATP_MODE_BARE << SATP_MODE_SHIFT || \
	 ((v) & SATP_MODE) == SATP_MODE_SV39 << SATP_MODE_SHIFT)
/* QEMU 7.2's write_senvcfg mask. */
#define VCSR_SENVCFG_MASK (SENVCFG_FIOM | SENVCFG_CBIE | SENVCFG_CBCFE | SENVCFG_CBZE)

enum vcsr_status { VCSR_OK = 0, VCSR_ILLEGAL = 1 };

struct vcsr_result {
	enum vcsr_status status;
	unsigned rd;       /* destination register index from the instruction */
	uint64_t rd_value; /* value for x[rd] when status == VCSR_OK and rd != 0 */
};

#ifdef __FRAMAC__
#include "vcsr.acsl"
#endif

/*
 * The real counter cycle, time or instret (csr is CSR_CYCLE, CSR_TIME or
 * CSR_INSTRET): implemented by the shell (rdcycle/rdtime/rdinstret), by a
 * fake in the unit tests. The value is whatever the real hart's counter
 * holds at the moment of the read; the ghost hw_counters models it.
 */
/*@ requires counter: CsrCounter(csr);
    assigns hw_counters[0 .. 2];
    ensures value: \result == hw_counters[csr - CSR_CYCLE];
*/
uint64_t hw_counter_read(unsigned csr);

/*
 * Emulate one trapped CSR instruction. rs1_value is the current x[rs1]
 * (ignored by the immediate forms, which take uimm from the rs1 field).
 * On VCSR_ILLEGAL nothing in *h changed; the caller then delivers an
 * illegal-instruction trap with stval = insn. A legal read of cycle, time
 * or instret returns hw_counter_read(csr) and changes nothing in *h.
 */
struct vcsr_result vcsr_emulate(struct vhart *h, uint32_t insn, uint64_t rs1_value);

/* Reset state: priv = PRV_S, pc = entry, sstatus.UXL = 2, all else 0. */
void vhart_reset(struct vhart *h, uint64_t entry);

#endif
