/* RISC-V PLIC model for up to PLIC_MAX_HARTS harts, with the register map
 * QEMU's virt machine gives its PLIC: sources 1..PLIC_NSOURCES-1, contexts
 * 2h = hart h's M-mode and 2h+1 = its S-mode, 3-bit priorities and
 * thresholds. Sources are
 * level-triggered through a gateway: a high line makes its source pending
 * unless the source is claimed (in service); a completion re-pends it if the
 * line is still high. Pure C, no globals: all state lives in struct plic. */
#ifndef DEV_PLIC_H
#define DEV_PLIC_H

#include <stdbool.h>
#include <stdint.h>

#define PLIC_NSOURCES 64u /* source 0 does not exist: riscv,ndev = 63 */
#define PLIC_MAX_HARTS 8u
#define PLIC_MAX_CONTEXTS (2u * PLIC_MAX_HARTS)
#define PLIC_CONTEXT_M(hart) (2u * (hart))      /* registers only: no virtual M-mode */
#define PLIC_CONTEXT_S(hart) (2u * (hart) + 1u) /* drives that hart's SEIP */

/* Register offsets (bytes); every register is 32 bits wide. */
#define PLIC_PRIORITY_BASE 0x0u	  /* + 4 * source */
#define PLIC_PENDING_BASE 0x1000u /* bit s%32 of word s/32, read-only */
#define PLIC_ENABLE_BASE 0x2000u  /* + PLIC_ENABLE_STRIDE * context, same bits */
#define PLIC_ENABLE_STRIDE 0x80u
#define PLIC_CONTEXT_BASE 0x200000u /* + PLIC_CONTEXT_STRIDE * context */
#define PLIC_CONTEXT_STRIDE 0x1000u
#define PLIC_THRESHOLD 0x0u /* inside a context's block */
#define PLIC_CLAIM 0x4u	    /* read: claim, write: complete */
#define PLIC_SIZE 0x600000u /* the region QEMU virt gives its PLIC */

#define PLIC_PRIORITY_MASK 0x7u /* priorities and thresholds: WARL 0..7 */

/* 64-bit bitmap words for sources 0..PLIC_NSOURCES-1. */
#define PLIC_BITMAP_WORDS ((PLIC_NSOURCES + 63u) / 64u)

/* The hypervisor's hook: complete(io.ctx, src) runs when a context
 * completes a source that was claimed (not for ignored completions), after
 * the model's state is updated, so it may call plic_set_level. complete
 * may be NULL. */
struct plic_io {
	void (*complete)(void *ctx, unsigned src);
	void *ctx;
};

struct plic {
	struct plic_io io;
	unsigned ncontexts; /* contexts 0..ncontexts-1 exist */
	/* Each <= PLIC_PRIORITY_MASK; priority[0] stays 0. */
	uint8_t priority[PLIC_NSOURCES];
	uint8_t threshold[PLIC_MAX_CONTEXTS];
	/* Bitmaps over sources; bit 0 (no source) stays 0 in each. */
	uint64_t enable[PLIC_MAX_CONTEXTS][PLIC_BITMAP_WORDS];
	uint64_t level[PLIC_BITMAP_WORDS];   /* lines as last reported */
	uint64_t pending[PLIC_BITMAP_WORDS]; /* never set where claimed is */
	uint64_t claimed[PLIC_BITMAP_WORDS]; /* in service: claimed, not completed */
};

/* Reset state for nharts harts (1..PLIC_MAX_HARTS; more are cut to the
 * maximum): every register and line 0; copies *io (io may be NULL). */
void plic_init(struct plic *p, const struct plic_io *io, unsigned nharts);

/* A device model reports its interrupt line. Raising it makes src pending
 * unless src is claimed; lowering it leaves a pending src pending (the
 * spec's gateway: the request stays until claimed). src 0 and src >=
 * PLIC_NSOURCES are ignored. */
void plic_set_level(struct plic *p, unsigned src, bool level);

/* Register access. The caller has checked that the access is a naturally
 * aligned 4-byte access with offset < PLIC_SIZE; no access faults. Offsets
 * that are no register (and priority[0], and the registers of contexts
 * that do not exist) read 0 and ignore writes. Reading
 * a context's claim register claims its best source (0 if none); writing
 * it completes the source whose ID is written, ignored unless that source
 * is enabled for the context. */
uint32_t plic_read(struct plic *p, uint64_t offset);
void plic_write(struct plic *p, uint64_t offset, uint32_t value);

/* Whether a claim by context ctx would return a source now: one pending,
 * enabled for ctx, with priority > ctx's threshold. For PLIC_CONTEXT_S(h)
 * this is the level of hart h's SEIP; it can change on every plic_read,
 * plic_write and plic_set_level. False for a context that does not exist. */
bool plic_context_pending(const struct plic *p, unsigned ctx);

/* Whether ctx could ever claim src as the registers stand: src enabled for
 * ctx with a priority above ctx's threshold. False for invalid ctx/src. */
bool plic_source_deliverable(const struct plic *p, unsigned ctx, unsigned src);

#endif
