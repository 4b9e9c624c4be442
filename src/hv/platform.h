/* What the hypervisor learns about the machine from the host device tree. */
#ifndef HV_PLATFORM_H
#define HV_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct mem_range {
	uint64_t start;
	uint64_t end; /* exclusive */
};

/* The interrupt controller: the hypervisor owns it. */
struct platform_plic {
	uint64_t base, size; /* size 0: no PLIC found */
	uint32_t ndev;       /* sources 1..ndev */
};

/* A hart of the machine. */
struct platform_hart {
	uint64_t hartid;
	const char *isa;         /* its riscv,isa */
	bool has_plic_context;   /* the PLIC has a context for its S-mode: */
	uint32_t plic_s_context; /* that context's index */
};
#define PLATFORM_MAX_HARTS 8

/* A virtio-mmio transport slot (QEMU virt has eight, most of them empty). */
struct platform_virtio {
	uint64_t base, size;
	uint32_t irq; /* PLIC source */
};
#define PLATFORM_VIRTIO_MAX 8

struct platform {
	struct mem_range ram;    /* first /memory node */
	struct mem_range dtb;    /* the host DTB itself */
	struct mem_range initrd; /* /chosen linux,initrd-*; empty if none */
	bool qemu_virt;          /* the root is compatible with riscv-virtio */
	uint64_t timebase_hz;
	struct platform_hart harts[PLATFORM_MAX_HARTS];
	unsigned nharts;
	const char *isa;         /* riscv,isa of the first hart */
	const char *bootargs;    /* /chosen bootargs, "" if none */
	struct platform_plic plic;
	struct platform_virtio virtio[PLATFORM_VIRTIO_MAX];
	unsigned nvirtio;
};

/* Whether a riscv,isa string names the multi-letter extension ext. */
bool platform_isa_has(const char *isa, const char *ext);

/* Fill *p from the DTB at physical address dtb_pa. Returns 0, or a
 * negative libfdt error code when the tree is unusable. */
int platform_probe(struct platform *p, uint64_t dtb_pa);

/* Where, in RAM that is otherwise zero when the machine starts, QEMU virt
 * may have put its own copy of the device tree (the one a firmware may
 * relocate, so that the tree p->dtb names is another): the 4 MiB below the
 * end of RAM or 3 GiB, whichever is lower (QEMU 7.2 puts it at the 2 MiB
 * boundary below that point, less its size). Empty if not QEMU virt. */
struct mem_range platform_loader_dt(const struct platform *p);

/* The highest `align`-aligned start of `size` bytes inside ram that
 * overlaps none of busy[0..nbusy), or 0 when there is none. */
uint64_t platform_place(uint64_t size, uint64_t align, struct mem_range ram,
			const struct mem_range *busy, size_t nbusy);

static inline int ranges_overlap(struct mem_range a, struct mem_range b)
{
	return a.start < b.end && b.start < a.end;
}

#endif
