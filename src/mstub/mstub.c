/*
 * The M-stub: sets up delegation, counters and PMP, then answers a standard
 * SBI v2.0 subset for the S-mode software above it (the hypervisor, or a
 * test guest run natively). Everything M-level that S-mode needs goes
 * through here: console, timer, shutdown.
 */
#include "mstub/mstub.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "encoding.h"
#include "lib/csr.h"
#include "lib/printf.h"


#define MSTUB_IMPL_VERSION 1UL

/* NS16550 registers (byte offsets) and line status bits. */
#define UART_THR     0
#define UART_RBR     0
#define UART_LSR     5
#define UART_LSR_DR   0x01U
#define UART_LSR_THRE 0x20U

/* At most this many bytes per DBCN call: the caller loops on the count
 * we return, and the stub never spends long with interrupts off. */
#define DBCN_MAX_CHUNK 256UL

/* SBI reset types and reasons (SBI v2.0 chapter 10). */
#define SRST_TYPE_RESERVED_FIRST   0x00000003UL
#define SRST_TYPE_VENDOR_FIRST     0xf0000000UL
#define SRST_REASON_RESERVED_FIRST 0x00000002UL
#define SRST_REASON_IMPL_FIRST     0xe0000000UL
#define SRST_MAX                   0xffffffffUL

/* RAM as the DTB describes it; DBCN buffers must lie inside it. The
 * fallback is what QEMU virt always has at least. */
static uint64_t ram_base = 0x80000000UL;
static uint64_t ram_size = 0x04000000UL;

/* One per hart, written by other harts: its HSM state, where hart_start
 * or a non-retentive resume sends it, and an S-mode IPI to deliver. */
struct hart_state {
	unsigned long hsm;   /* SBI_HSM_STATE_* */
	unsigned long addr;  /* valid once `go` is set */
	unsigned long opaque;
	unsigned go;         /* the starter has filled addr and opaque */
	unsigned ipi;        /* raise SSIP on this hart */
	unsigned fence;      /* sfence.vma and fence.i here, then clear this */
};
static struct hart_state harts[MSTUB_MAX_HARTS];
/* Bit h: the device tree has a cpu with hart id h (< MSTUB_MAX_HARTS). */
static unsigned long present_harts;

/* ---- Console: the UART, polled. ---- */

static volatile uint8_t *uart_reg(unsigned off)
{
	return (volatile uint8_t *)(UART0_BASE + off);
}

static void uart_putc(char c)
{
	while ((*uart_reg(UART_LSR) & UART_LSR_THRE) == 0)
		;
	*uart_reg(UART_THR) = (uint8_t)c;
}

/* Like OpenSBI's sbi_putc: "\n" becomes "\r\n" so a raw terminal works. */
static void console_putc(char c)
{
	if (c == '\n')
		uart_putc('\r');
	uart_putc(c);
}

static int console_getc(void)
{
	if ((*uart_reg(UART_LSR) & UART_LSR_DR) == 0)
		return -1;
	return *uart_reg(UART_RBR);
}

static void printf_putc(char c, void *ctx)
{
	(void)ctx;
	console_putc(c);
}

__attribute__((format(printf, 1, 2))) static void mstub_printf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fmt_vprintf(printf_putc, 0, fmt, ap);
	va_end(ap);
}

/* ---- Machine end: the sifive_test finisher. ---- */

static void finisher_write(uint32_t cmd)
{
	*(volatile uint32_t *)TEST_FINISHER = cmd;
}

__attribute__((noreturn)) static void halt(void)
{
	for (;;)
		__asm__ volatile("wfi");
}

/* QEMU exits with 0 on FINISHER_PASS and with `code` on FINISHER_FAIL. */
__attribute__((noreturn)) static void power_off(bool failure)
{
	finisher_write(failure ? (1U << 16) | FINISHER_FAIL : FINISHER_PASS);
	halt();
}

static const char *const priv_names[4] = { "U", "S", "?", "M" };

/* A trap the stub does not expect: say everything we know and stop, so a
 * test run fails loudly instead of hanging. */
void mstub_fatal(void)
{
	unsigned long mstatus = csr_read(CSR_MSTATUS);
	mstub_printf("\nmstub: fatal trap from %s-mode: mcause=0x%lx mepc=0x%lx "
		     "mtval=0x%lx mstatus=0x%lx\n",
		     priv_names[(mstatus & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT],
		     csr_read(CSR_MCAUSE), csr_read(CSR_MEPC), csr_read(CSR_MTVAL),
		     mstatus);
	power_off(true);
}

/* ---- Finding RAM, harts and Sstc in the flattened device tree. ---- */

#define FDT_MAGIC      0xd00dfeedU
#define FDT_BEGIN_NODE 1U
#define FDT_END_NODE   2U
#define FDT_PROP       3U
#define FDT_NOP        4U
#define FDT_END        9U
#define FDT_MAX_WORDS  (1U << 20) /* bound the walk over a bad blob */

static uint32_t be32(const uint32_t *p)
{
	uint32_t v = *p;
	return (v >> 24) | ((v >> 8) & 0xff00U) | ((v << 8) & 0xff0000U) | (v << 24);
}

static bool starts_with(const char *s, const char *prefix)
{
	while (*prefix)
		if (*s++ != *prefix++)
			return false;
	return true;
}

/* Whether a riscv,isa value names the Sstc extension. */
static bool isa_has_sstc(const char *isa, uint32_t len)
{
	for (uint32_t i = 0; i + 5 <= len; i++)
		if (isa[i] == '_' && starts_with(isa + i + 1, "sstc") &&
		    (isa[i + 5] == '_' || isa[i + 5] == '\0'))
			return true;
	return false;
}

/* The hart id in a cpu node's name "cpu@<hex>", or -1. */
static long cpu_node_hartid(const char *name)
{
	if (!starts_with(name, "cpu@"))
		return -1;
	long id = 0;
	for (const char *p = name + 4; *p; p++) {
		int d = *p >= '0' && *p <= '9' ? *p - '0' : *p >= 'a' && *p <= 'f' ? *p - 'a' + 10 : -1;
		if (d < 0 || id > 0xffff)
			return -1;
		id = id * 16 + d;
	}
	return id;
}

/* Reads the first reg entry of the top-level memory node, assuming the
 * two-cell addresses and sizes QEMU virt uses (keeps the fallback when
 * anything looks wrong), which harts /cpus lists, and whether the first
 * hart's riscv,isa has Sstc (menvcfg.STCE alone does not tell: QEMU 7.2
 * lets it be set without). */
static bool isa_sstc;

static void scan_dtb(unsigned long dtb)
{
	const uint32_t *hdr = (const uint32_t *)dtb;
	if (dtb == 0 || (dtb & 3) != 0 || be32(&hdr[0]) != FDT_MAGIC)
		return;
	const uint32_t *p = (const uint32_t *)(dtb + be32(&hdr[2]));
	const char *strings = (const char *)(dtb + be32(&hdr[3]));
	unsigned depth = 0;
	bool in_memory = false, in_cpus = false, ram_found = false, isa_found = false;
	for (unsigned n = 0; n < FDT_MAX_WORDS; n++) {
		uint32_t tok = be32(p++);
		if (tok == FDT_BEGIN_NODE) {
			const char *name = (const char *)p;
			depth++;
			in_memory = depth == 2 && starts_with(name, "memory");
			if (depth == 2)
				in_cpus = starts_with(name, "cpus") && (name[4] == '\0' || name[4] == '@');
			long hart = depth == 3 && in_cpus ? cpu_node_hartid(name) : -1;
			if (hart >= 0 && hart < MSTUB_MAX_HARTS)
				present_harts |= BIT(hart);
			unsigned len = 0;
			while (name[len])
				len++;
			p += (len + 4) / 4;
		} else if (tok == FDT_END_NODE) {
			depth--;
			in_memory = false;
			if (depth < 2)
				in_cpus = false;
		} else if (tok == FDT_PROP) {
			uint32_t len = be32(p);
			const char *pname = strings + be32(p + 1);
			const uint32_t *val = p + 2;
			if (in_memory && !ram_found && len >= 16 && starts_with(pname, "reg") &&
			    pname[3] == '\0') {
				ram_base = ((uint64_t)be32(&val[0]) << 32) | be32(&val[1]);
				ram_size = ((uint64_t)be32(&val[2]) << 32) | be32(&val[3]);
				ram_found = true;
			}
			if (!isa_found && depth == 3 && starts_with(pname, "riscv,isa") &&
			    pname[9] == '\0') {
				isa_sstc = isa_has_sstc((const char *)val, len);
				isa_found = true;
			}
			p = val + (len + 3) / 4;
		} else if (tok != FDT_NOP) {
			break; /* FDT_END or garbage */
		}
	}
}

/* True if [addr, addr + len) is RAM that S-mode may use (not the stub). */
static bool buffer_ok(uint64_t addr, uint64_t len)
{
	uint64_t lo = MSTUB_BASE + MSTUB_SIZE;
	uint64_t hi = ram_base + ram_size;
	if (lo < ram_base)
		lo = ram_base;
	return addr >= lo && addr <= hi && len <= hi - addr;
}

/* ---- SBI extensions. ---- */

struct sbiret {
	long error;
	long value;
};

static struct sbiret ok(long value)
{
	return (struct sbiret){ SBI_SUCCESS, value };
}

static struct sbiret err(long error)
{
	return (struct sbiret){ error, 0 };
}

static bool implemented(unsigned long eid)
{
	switch (eid) {
	case SBI_EXT_BASE:
	case SBI_EXT_TIME:
	case SBI_EXT_IPI:
	case SBI_EXT_SRST:
	case SBI_EXT_DBCN:
	case SBI_EXT_HSM:
	case SBI_EXT_RFENCE:
	case SBI_EXT_LEGACY_SET_TIMER:
	case SBI_EXT_LEGACY_PUTCHAR:
	case SBI_EXT_LEGACY_GETCHAR:
	case SBI_EXT_LEGACY_SHUTDOWN:
		return true;
	default:
		return false;
	}
}

static struct sbiret sbi_base(unsigned long fid, unsigned long a0)
{
	switch (fid) {
	case SBI_BASE_GET_SPEC_VERSION:
		return ok((long)SBI_SPEC_VERSION_2_0);
	case SBI_BASE_GET_IMPL_ID:
		return ok((long)SBI_IMPL_ID_MSTUB);
	case SBI_BASE_GET_IMPL_VERSION:
		return ok((long)MSTUB_IMPL_VERSION);
	case SBI_BASE_PROBE_EXTENSION:
		return ok(implemented(a0) ? 1 : 0);
	case SBI_BASE_GET_MVENDORID:
		return ok((long)csr_read(CSR_MVENDORID));
	case SBI_BASE_GET_MARCHID:
		return ok((long)csr_read(CSR_MARCHID));
	case SBI_BASE_GET_MIMPID:
		return ok((long)csr_read(CSR_MIMPID));
	default:
		return err(SBI_ERR_NOT_SUPPORTED);
	}
}

/* With Sstc, S-mode owns stimecmp and set_timer only writes it; without,
 * the timer is forwarded: M-mode owns this hart's mtimecmp, S-mode sees
 * STIP. */
static bool sstc;

static unsigned long this_hart(void)
{
	return csr_read(CSR_MHARTID);
}

static void set_timer(uint64_t when)
{
	if (sstc) {
		csr_write(CSR_STIMECMP, when);
		return;
	}
	*(volatile uint64_t *)CLINT_MTIMECMP(this_hart()) = when;
	csr_clear(CSR_MIP, MIP_STIP);
	csr_set(CSR_MIE, MIP_MTIP);
}

static void timer_interrupt(void)
{
	csr_clear(CSR_MIE, MIP_MTIP);
	csr_set(CSR_MIP, MIP_STIP);
}

static bool hart_valid(unsigned long hartid)
{
	return hartid < MSTUB_MAX_HARTS && (present_harts & BIT(hartid));
}

static void local_fence(void)
{
	__asm__ volatile("sfence.vma\n\tfence.i" : : : "memory");
}

/* A remote fence another hart asked of this one. */
static void serve_fence(unsigned long self)
{
	if (__atomic_load_n(&harts[self].fence, __ATOMIC_ACQUIRE)) {
		local_fence();
		__atomic_store_n(&harts[self].fence, 0U, __ATOMIC_RELEASE);
	}
}

/* The machine software interrupt: another hart wants this one's
 * attention (an S-mode IPI, a remote fence, or a start while it waits). */
static void software_interrupt(void)
{
	unsigned long self = this_hart();
	*(volatile uint32_t *)CLINT_MSIP(self) = 0;
	if (__atomic_exchange_n(&harts[self].ipi, 0U, __ATOMIC_ACQ_REL))
		csr_set(CSR_MIP, MIP_SSIP);
	serve_fence(self);
}

static void kick(unsigned long hartid)
{
	*(volatile uint32_t *)CLINT_MSIP(hartid) = 1;
}

/* SBI v2.0: hart_mask_base -1 names every hart; otherwise bit i of
 * hart_mask names hart hart_mask_base + i, and every hart named must
 * exist. False if one does not. */
static bool hart_set(unsigned long mask, unsigned long mask_base, unsigned long *targets)
{
	*targets = 0;
	if (mask_base == (unsigned long)-1L) {
		*targets = present_harts;
		return true;
	}
	for (unsigned i = 0; i < 64; i++) {
		if ((mask & BIT(i)) == 0)
			continue;
		if (mask_base + i < mask_base || !hart_valid(mask_base + i))
			return false;
		*targets |= BIT(mask_base + i);
	}
	return true;
}

/* Raise the request flag at offset (in struct hart_state) of every other
 * hart in targets and kick it; true if this hart is a target too, whose
 * part the caller does at once. */
static bool post_to_others(unsigned long targets, size_t offset)
{
	unsigned long self = this_hart();
	for (unsigned long h = 0; h < MSTUB_MAX_HARTS; h++) {
		if (h == self || !(targets & BIT(h)))
			continue;
		__atomic_store_n((unsigned *)((char *)&harts[h] + offset), 1U, __ATOMIC_RELEASE);
		kick(h);
	}
	return targets & BIT(self);
}

static struct sbiret send_ipi(unsigned long mask, unsigned long mask_base)
{
	unsigned long targets;
	if (!hart_set(mask, mask_base, &targets))
		return err(SBI_ERR_INVALID_PARAM);
	if (post_to_others(targets, offsetof(struct hart_state, ipi)))
		csr_set(CSR_MIP, MIP_SSIP);
	return ok(0);
}

/* Remote fences: this hart's own at once; every other target fences in
 * its software interrupt, and the call returns once all have (serving
 * fences asked of this hart meanwhile, so two harts fencing each other
 * both finish). The stub fences everything, whatever range was asked. */
static struct sbiret remote_fence(unsigned long fid, unsigned long mask, unsigned long mask_base)
{
	if (fid > SBI_RFENCE_REMOTE_SFENCE_VMA_ASID)
		return err(SBI_ERR_NOT_SUPPORTED);
	unsigned long targets;
	if (!hart_set(mask, mask_base, &targets))
		return err(SBI_ERR_INVALID_PARAM);
	if (post_to_others(targets, offsetof(struct hart_state, fence)))
		local_fence();
	unsigned long self = this_hart();
	for (unsigned long h = 0; h < MSTUB_MAX_HARTS; h++)
		while (h != self && (targets & BIT(h)) &&
		       __atomic_load_n(&harts[h].fence, __ATOMIC_ACQUIRE))
			serve_fence(self);
	return ok(0);
}

/* ---- Hart state management (SBI v2.0 chapter 9). ---- */

/* Sleep until an interrupt S-mode enabled is pending (a retentive
 * suspend), serving the machine-level ones on the way: they are how this
 * stub's timer and IPIs reach S-mode. */
static void wait_for_s_interrupt(void)
{
	while (!(csr_read(CSR_MIP) & csr_read(CSR_MIE) & (MIP_SSIP | MIP_STIP | MIP_SEIP))) {
		__asm__ volatile("wfi");
		unsigned long pending = csr_read(CSR_MIP) & csr_read(CSR_MIE);
		if (pending & MIP_MSIP)
			software_interrupt();
		if (pending & MIP_MTIP)
			timer_interrupt();
	}
}

/* A stopped hart: wait for hart_start, then leave for addr with opaque.
 * The machine timer stays off while no S-mode software runs here. */
static struct mstub_entry wait_for_start(unsigned long self)
{
	struct hart_state *h = &harts[self];
	csr_clear(CSR_MIE, MIP_MTIP);
	__atomic_store_n(&h->hsm, (unsigned long)SBI_HSM_STATE_STOPPED, __ATOMIC_RELEASE);
	while (!__atomic_load_n(&h->go, __ATOMIC_ACQUIRE)) {
		__asm__ volatile("wfi");
		*(volatile uint32_t *)CLINT_MSIP(self) = 0;
		serve_fence(self);
	}
	h->go = 0;
	struct mstub_entry e = { h->addr, h->opaque };
	/* Neither an IPI sent to the stopped hart nor an old timer is for the
	 * software now starting. */
	h->ipi = 0;
	if (sstc)
		csr_write(CSR_STIMECMP, UINT64_MAX);
	csr_clear(CSR_MIP, MIP_SSIP | MIP_STIP);
	__atomic_store_n(&h->hsm, (unsigned long)SBI_HSM_STATE_STARTED, __ATOMIC_RELEASE);
	return e;
}

/* Where S-mode may start a hart: RAM that is not the stub's. */
static bool entry_ok(unsigned long addr)
{
	return buffer_ok(addr, 4);
}

static struct sbiret hart_start(unsigned long hartid, unsigned long addr, unsigned long opaque)
{
	if (!hart_valid(hartid))
		return err(SBI_ERR_INVALID_PARAM);
	if (!entry_ok(addr))
		return err(SBI_ERR_INVALID_ADDRESS);
	struct hart_state *h = &harts[hartid];
	unsigned long stopped = SBI_HSM_STATE_STOPPED;
	if (!__atomic_compare_exchange_n(&h->hsm, &stopped, (unsigned long)SBI_HSM_STATE_START_PENDING,
					 false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		return err(SBI_ERR_ALREADY_AVAILABLE);
	h->addr = addr;
	h->opaque = opaque;
	__atomic_store_n(&h->go, 1U, __ATOMIC_RELEASE);
	kick(hartid);
	return ok(0);
}

static struct sbiret hart_status(unsigned long hartid)
{
	if (!hart_valid(hartid))
		return err(SBI_ERR_INVALID_PARAM);
	return ok((long)__atomic_load_n(&harts[hartid].hsm, __ATOMIC_ACQUIRE));
}

/* S-mode state for software entered by hart_start or a non-retentive
 * resume (SBI v2.0: satp 0, sstatus.SIE 0, a0 = hart id, a1 = opaque). */
static void enter_fresh(struct mstub_frame *f, struct mstub_entry e)
{
	csr_write(CSR_SATP, 0);
	csr_clear(CSR_MSTATUS, SSTATUS_SIE);
	f->regs[10] = this_hart();
	f->regs[11] = e.opaque;
	csr_write(CSR_MEPC, e.addr);
}

static struct sbiret hart_suspend(struct mstub_frame *f, unsigned long type, unsigned long addr,
				  unsigned long opaque, bool *resumed_elsewhere)
{
	bool retentive = type == SBI_HSM_SUSPEND_RETENTIVE;
	if (!retentive && type != SBI_HSM_SUSPEND_NON_RETENTIVE)
		return err(SBI_ERR_INVALID_PARAM);
	if (!retentive && !entry_ok(addr))
		return err(SBI_ERR_INVALID_ADDRESS);
	struct hart_state *h = &harts[this_hart()];
	__atomic_store_n(&h->hsm, (unsigned long)SBI_HSM_STATE_SUSPENDED, __ATOMIC_RELEASE);
	wait_for_s_interrupt();
	__atomic_store_n(&h->hsm, (unsigned long)SBI_HSM_STATE_STARTED, __ATOMIC_RELEASE);
	if (!retentive) {
		enter_fresh(f, (struct mstub_entry){ addr, opaque });
		*resumed_elsewhere = true;
	}
	return ok(0);
}

/* hart_stop does not return to its caller: the hart waits for the next
 * hart_start, which the frame is rewritten for. */
static void hart_stop(struct mstub_frame *f)
{
	enter_fresh(f, wait_for_start(this_hart()));
}

/* HSM; true when the frame now enters other S-mode code (mepc set). */
static bool hsm(struct mstub_frame *f, unsigned long fid, struct sbiret *r)
{
	unsigned long a0 = f->regs[10], a1 = f->regs[11], a2 = f->regs[12];
	bool elsewhere = false;
	switch (fid) {
	case SBI_HSM_HART_START:
		*r = hart_start(a0, a1, a2);
		return false;
	case SBI_HSM_HART_STOP:
		hart_stop(f);
		return true;
	case SBI_HSM_HART_GET_STATUS:
		*r = hart_status(a0);
		return false;
	case SBI_HSM_HART_SUSPEND:
		*r = hart_suspend(f, a0, a1, a2, &elsewhere);
		return elsewhere;
	default:
		*r = err(SBI_ERR_NOT_SUPPORTED);
		return false;
	}
}

static struct sbiret system_reset(unsigned long type, unsigned long reason)
{
	if (type > SRST_MAX || reason > SRST_MAX)
		return err(SBI_ERR_INVALID_PARAM);
	if (type >= SRST_TYPE_RESERVED_FIRST && type < SRST_TYPE_VENDOR_FIRST)
		return err(SBI_ERR_INVALID_PARAM);
	if (type >= SRST_TYPE_VENDOR_FIRST)
		return err(SBI_ERR_NOT_SUPPORTED);
	if (reason >= SRST_REASON_RESERVED_FIRST && reason < SRST_REASON_IMPL_FIRST)
		return err(SBI_ERR_INVALID_PARAM);
	if (type == SBI_SRST_TYPE_SHUTDOWN)
		finisher_write(reason == SBI_SRST_REASON_NONE ?
				       FINISHER_PASS :
				       (1U << 16) | FINISHER_FAIL);
	else
		finisher_write(FINISHER_RESET);
	return err(SBI_ERR_FAILED); /* the finisher did not stop us */
}

static struct sbiret dbcn(unsigned long fid, unsigned long a0, unsigned long a1,
			  unsigned long a2)
{
	if (fid == SBI_DBCN_WRITE_BYTE) {
		console_putc((char)(a0 & 0xff));
		return ok(0);
	}
	if (fid != SBI_DBCN_WRITE && fid != SBI_DBCN_READ)
		return err(SBI_ERR_NOT_SUPPORTED);
	/* a0 = byte count, a1/a2 = low/high half of the physical address. */
	if (a2 != 0 || !buffer_ok(a1, a0))
		return err(SBI_ERR_INVALID_PARAM);
	unsigned long n = a0 < DBCN_MAX_CHUNK ? a0 : DBCN_MAX_CHUNK;
	volatile char *buf = (volatile char *)a1;
	unsigned long done = 0;
	if (fid == SBI_DBCN_WRITE) {
		for (; done < n; done++)
			console_putc(buf[done]);
	} else {
		for (; done < n; done++) {
			int c = console_getc();
			if (c < 0)
				break;
			buf[done] = (char)c;
		}
	}
	return ok((long)done);
}

/* Dispatch one ecall from S-mode: a7 = extension, a6 = function, a0..a5
 * = arguments; the result goes back in a0 (error) and a1 (value). Legacy
 * v0.1 calls return only a0 and leave a1 alone. False when the hart now
 * continues elsewhere (HSM), with its frame and mepc already set. */
static bool sbi_ecall(struct mstub_frame *f)
{
	unsigned long eid = f->regs[17], fid = f->regs[16];
	unsigned long a0 = f->regs[10], a1 = f->regs[11], a2 = f->regs[12];
	struct sbiret r;
	switch (eid) {
	case SBI_EXT_LEGACY_SET_TIMER:
		set_timer(a0);
		f->regs[10] = 0;
		return true;
	case SBI_EXT_LEGACY_PUTCHAR:
		console_putc((char)(a0 & 0xff));
		f->regs[10] = 0;
		return true;
	case SBI_EXT_LEGACY_GETCHAR:
		f->regs[10] = (unsigned long)(long)console_getc();
		return true;
	case SBI_EXT_LEGACY_SHUTDOWN:
		power_off(false);
	case SBI_EXT_BASE:
		r = sbi_base(fid, a0);
		break;
	case SBI_EXT_TIME:
		if (fid == SBI_TIME_SET_TIMER) {
			set_timer(a0);
			r = ok(0);
		} else {
			r = err(SBI_ERR_NOT_SUPPORTED);
		}
		break;
	case SBI_EXT_IPI:
		r = fid == SBI_IPI_SEND_IPI ? send_ipi(a0, a1) : err(SBI_ERR_NOT_SUPPORTED);
		break;
	case SBI_EXT_SRST:
		r = fid == SBI_SRST_SYSTEM_RESET ? system_reset(a0, a1) :
						   err(SBI_ERR_NOT_SUPPORTED);
		break;
	case SBI_EXT_DBCN:
		r = dbcn(fid, a0, a1, a2);
		break;
	case SBI_EXT_HSM:
		if (hsm(f, fid, &r))
			return false;
		break;
	case SBI_EXT_RFENCE:
		r = remote_fence(fid, a0, a1);
		break;
	default:
		r = err(SBI_ERR_NOT_SUPPORTED);
		break;
	}
	f->regs[10] = (unsigned long)r.error;
	f->regs[11] = (unsigned long)r.value;
	return true;
}

void mstub_trap(struct mstub_frame *f)
{
	unsigned long cause = csr_read(CSR_MCAUSE);
	if (cause == (CAUSE_INTERRUPT | IRQ_M_TIMER)) {
		timer_interrupt();
		return;
	}
	if (cause == (CAUSE_INTERRUPT | IRQ_M_SOFT)) {
		software_interrupt();
		return;
	}
	if (cause == CAUSE_SUPERVISOR_ECALL) {
		if (sbi_ecall(f))
			csr_write(CSR_MEPC, csr_read(CSR_MEPC) + 4);
		return;
	}
	mstub_fatal();
}

/* Everything S-mode traps on goes to S-mode, except its own ecalls (SBI)
 * and ecalls from M (never made). */
#define MEDELEG_ALL                                                            \
	(BIT(CAUSE_MISALIGNED_FETCH) | BIT(CAUSE_FETCH_ACCESS) |               \
	 BIT(CAUSE_ILLEGAL_INSTRUCTION) | BIT(CAUSE_BREAKPOINT) |              \
	 BIT(CAUSE_MISALIGNED_LOAD) | BIT(CAUSE_LOAD_ACCESS) |                 \
	 BIT(CAUSE_MISALIGNED_STORE) | BIT(CAUSE_STORE_ACCESS) |               \
	 BIT(CAUSE_USER_ECALL) | BIT(CAUSE_FETCH_PAGE_FAULT) |                 \
	 BIT(CAUSE_LOAD_PAGE_FAULT) | BIT(CAUSE_STORE_PAGE_FAULT))

/* NAPOT pmpaddr for a naturally aligned power-of-two region. */
#define PMP_NAPOT_ADDR(base, size) (((base) >> 2) | (((size) >> 3) - 1))

/* Lower PMP entries win; unlocked entries bind S/U only, not M.
 *   0: the stub's image, stack and data: no access;
 *   1: the CLINT (mtimecmp is the stub's, as under OpenSBI): no access;
 *   2: everything else: RWX. */
static void setup_pmp(void)
{
	csr_write(CSR_PMPADDR0, PMP_NAPOT_ADDR(MSTUB_BASE, MSTUB_SIZE));
	csr_write(CSR_PMPADDR1, PMP_NAPOT_ADDR(CLINT_BASE, CLINT_SIZE));
	csr_write(CSR_PMPADDR2, ~0UL);
	csr_write(CSR_PMPCFG0, PMP_A_NAPOT | (PMP_A_NAPOT << 8) |
				       ((PMP_A_NAPOT | PMP_R | PMP_W | PMP_X) << 16));
}

_Static_assert((MSTUB_SIZE & (MSTUB_SIZE - 1)) == 0, "NAPOT needs a power of two");
_Static_assert((MSTUB_BASE & (MSTUB_SIZE - 1)) == 0, "NAPOT needs alignment");
_Static_assert((CLINT_SIZE & (CLINT_SIZE - 1)) == 0, "NAPOT needs a power of two");
_Static_assert((CLINT_BASE & (CLINT_SIZE - 1)) == 0, "NAPOT needs alignment");

/* What every hart sets up for itself before it first enters S-mode: the
 * CSRs and the PMP are per hart. */
static void hart_setup(void)
{
	csr_write(CSR_MEDELEG, MEDELEG_ALL);
	csr_write(CSR_MIDELEG, MIP_SSIP | MIP_STIP | MIP_SEIP);
	csr_write(CSR_MCOUNTEREN, COUNTEREN_CY | COUNTEREN_TM | COUNTEREN_IR);
	/* S-mode starts with its user mode allowed to read the counters, as
	 * OpenSBI leaves it: Linux never writes scounteren and its vDSO
	 * reads time directly. */
	csr_write(CSR_SCOUNTEREN, COUNTEREN_CY | COUNTEREN_TM | COUNTEREN_IR);
	if (isa_sstc)
		csr_set(CSR_MENVCFG, MENVCFG_STCE);
	else
		csr_clear(CSR_MENVCFG, MENVCFG_STCE);
	csr_write(CSR_MIP, 0);
	/* Machine software interrupts carry IPIs and hart starts. */
	csr_write(CSR_MIE, MIP_MSIP);
	setup_pmp();
}

void mstub_init(unsigned long hartid, unsigned long dtb)
{
	scan_dtb(dtb);
	present_harts |= BIT(hartid);
	for (unsigned long h = 0; h < MSTUB_MAX_HARTS; h++)
		harts[h].hsm = h == hartid ? SBI_HSM_STATE_STARTED : SBI_HSM_STATE_STOPPED;
	hart_setup();
	sstc = csr_read(CSR_MENVCFG) & MENVCFG_STCE;
	unsigned nharts = 0;
	for (unsigned long h = 0; h < MSTUB_MAX_HARTS; h++)
		nharts += (present_harts >> h) & 1;
	mstub_printf("mstub: SBI v2.0 M-stub, hart %lu of %u, RAM 0x%lx+0x%lx, timer %s, "
		     "entering S-mode at 0x%lx\n",
		     hartid, nharts, ram_base, ram_size, sstc ? "Sstc" : "forwarded",
		     MSTUB_NEXT_ADDR);
}

struct mstub_entry mstub_secondary(unsigned long hartid)
{
	hart_setup();
	if (!hart_valid(hartid))
		for (;;)
			__asm__ volatile("wfi");
	return wait_for_start(hartid);
}
