/*
 * Loads and stores a hypervisor must carry out whole, as the hart would,
 * natively and under the hypervisor alike:
 *  - across a RAM page and the UART's page: the RAM bytes come from (go
 *    to) RAM, the rest from (to) the UART's registers, as QEMU's hart
 *    splits them (a load as two aligned loads, a store byte by byte);
 *  - from an execute-only user page, read in S-mode with SUM and MXR set,
 *    in every load form: ld across into the next page, lr.w, lr.d, flw,
 *    fld and c.fld.
 */
#include "rt/rt.h"

#define UART UL(0x10000000)
#define UART_IER 1
#define IER_VALUE 0x0cU /* two interrupt enables nothing here routes */
#define VA UL(0x40000000)
#define VA_RAM VA                    /* page 0: RAM, S read/write */
#define VA_UART (VA + PAGE_SIZE)     /* page 1: the UART */
#define VA_XONLY (VA + 2 * PAGE_SIZE) /* page 2: user, execute only */
#define VA_UREAD (VA + 3 * PAGE_SIZE) /* page 3: user, readable */

static uint64_t root[512] __attribute__((aligned(4096)));
static uint64_t l1[512] __attribute__((aligned(4096)));
static uint64_t l0[512] __attribute__((aligned(4096)));
static uint8_t ram_page[4096] __attribute__((aligned(4096)));
static uint64_t xonly_page[512] __attribute__((aligned(4096)));
static uint64_t uread_page[512] __attribute__((aligned(4096)));

static uint64_t leaf(const volatile void *pa, uint64_t flags)
{
	return ((uint64_t)(uintptr_t)pa >> PAGE_SHIFT) << PTE_PPN_SHIFT | flags;
}

/* The UART's register r, through its mapping at VA_UART. */
static volatile uint8_t *uart_reg(unsigned r)
{
	return (volatile uint8_t *)(VA_UART + r);
}

static volatile uint64_t a_addr, a_value;

static void lw_at(void)
{
	uint32_t v;
	__asm__ volatile("lw %0, 0(%1)" : "=r"(v) : "r"(a_addr) : "memory");
	a_value = v;
}

static void sw_at(void)
{
	__asm__ volatile("sw %0, 0(%1)" : : "r"((uint32_t)a_value), "r"(a_addr) : "memory");
}

static void ld_at(void)
{
	uint64_t v;
	__asm__ volatile("ld %0, 0(%1)" : "=r"(v) : "r"(a_addr) : "memory");
	a_value = v;
}

/* A load by encoding (the assembler of an rv64imac guest takes none of
 * these) with base a1 = a_addr, whose value ends in a0 (FP loads: moved
 * there from fa0 by fmv.x.d a0, fa0). */
#define RAW_LOAD(name, words)                                                    \
	static void name(void)                                                   \
	{                                                                        \
		uint64_t v;                                                      \
		__asm__ volatile("mv a1, %1\n" words "\nmv %0, a0"               \
				 : "=r"(v)                                       \
				 : "r"(a_addr)                                   \
				 : "a0", "a1", "memory");                        \
		a_value = v;                                                     \
	}
#define FMV_X_D_A0_FA0 ".word 0xe2050553"

RAW_LOAD(lr_w_at, ".word 0x1005a52f")                   /* lr.w a0, (a1) */
RAW_LOAD(lr_d_at, ".word 0x1005b52f")                   /* lr.d a0, (a1) */
RAW_LOAD(flw_at, ".word 0x0005a507\n" FMV_X_D_A0_FA0)   /* flw fa0, 0(a1) */
RAW_LOAD(fld_at, ".word 0x0005b507\n" FMV_X_D_A0_FA0)   /* fld fa0, 0(a1) */
RAW_LOAD(c_fld_at, ".2byte 0x2188\n" FMV_X_D_A0_FA0)    /* c.fld fa0, 0(a1) */

/* Run fn at addr; true if it ran without a trap (else the trap is said). */
static bool run(void (*fn)(void), uint64_t addr, const char *what)
{
	struct rt_trap t;
	a_addr = addr;
	if (!rt_catch(fn, &t))
		return true;
	rt_printf("split_access: %s at 0x%lx trapped: scause 0x%lx stval 0x%lx\n", what, addr,
		  t.scause, t.stval);
	return false;
}

static void test_ram_and_uart(void)
{
	for (unsigned i = 0; i < sizeof(ram_page); i++)
		ram_page[i] = (uint8_t)(0xa0 + i % 16);
	*uart_reg(UART_IER) = IER_VALUE;
	/* Bytes 4094, 4095 from RAM, the rest from the UART's page: QEMU's
	 * hart loads it as two aligned words, so the UART answers a word
	 * read at offset 0 (RBR, nothing received: 0; 0 above it), not IER. */
	if (CHECK(run(lw_at, VA_UART - 2, "lw across RAM and UART")))
		CHECK_EQ(a_value, 0xafU << 8 | 0xaeU);
	/* A store: RAM bytes 4094 and 4095, then THR (a newline out) and IER. */
	a_value = (uint32_t)0x04 << 24 | (uint32_t)'\n' << 16 | 0x5b5a;
	if (CHECK(run(sw_at, VA_UART - 2, "sw across RAM and UART"))) {
		CHECK_EQ(ram_page[4094], 0x5a);
		CHECK_EQ(ram_page[4095], 0x5b);
		CHECK_EQ(*uart_reg(UART_IER), 0x04);
	}
	*uart_reg(UART_IER) = 0;
}

static void test_execute_only(void)
{
	for (unsigned i = 0; i < 512; i++) {
		xonly_page[i] = UL(0x1122334455667788) + i * UL(0x0101010101010101);
		uread_page[i] = UL(0x8877665544332211) + i;
	}
	xonly_page[1] = UL(0x00000000fedcba98); /* lr.w sign-extends its bit 31 */
	csr_set(CSR_SSTATUS, SSTATUS_SUM | SSTATUS_MXR | SSTATUS_FS);

	if (CHECK(run(ld_at, VA_XONLY + 4092, "ld across into the next page")))
		CHECK_EQ(a_value, (uread_page[0] << 32) | (xonly_page[511] >> 32));
	if (CHECK(run(lr_w_at, VA_XONLY + 8, "lr.w")))
		CHECK_EQ(a_value, UL(0xfffffffffedcba98));
	if (CHECK(run(lr_d_at, VA_XONLY + 16, "lr.d")))
		CHECK_EQ(a_value, xonly_page[2]);
	if (CHECK(run(flw_at, VA_XONLY + 24, "flw")))
		CHECK_EQ(a_value, UL(0xffffffff00000000) | (uint32_t)xonly_page[3]);
	if (CHECK(run(fld_at, VA_XONLY + 32, "fld")))
		CHECK_EQ(a_value, xonly_page[4]);
	if (CHECK(run(c_fld_at, VA_XONLY + 40, "c.fld")))
		CHECK_EQ(a_value, xonly_page[5]);
	/* Without MXR the same load faults, as the tables say. */
	csr_clear(CSR_SSTATUS, SSTATUS_MXR);
	struct rt_trap t;
	a_addr = VA_XONLY + 32;
	CHECK(rt_catch(ld_at, &t) && t.scause == CAUSE_LOAD_PAGE_FAULT && t.stval == a_addr);
	csr_clear(CSR_SSTATUS, SSTATUS_SUM | SSTATUS_FS);
}

int main(void)
{
	root[2] = leaf((void *)UL(0x80000000), PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D);
	root[VA >> 30] = leaf(l1, PTE_V);
	l1[0] = leaf(l0, PTE_V);
	l0[0] = leaf(ram_page, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D);
	l0[1] = leaf((void *)UART, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D);
	l0[2] = leaf(xonly_page, PTE_V | PTE_X | PTE_U | PTE_A);
	l0[3] = leaf(uread_page, PTE_V | PTE_R | PTE_U | PTE_A);
	csr_write(CSR_SATP, SATP_MODE_SV39 << SATP_MODE_SHIFT |
				    (uint64_t)(uintptr_t)root >> PAGE_SHIFT);
	__asm__ volatile("sfence.vma" ::: "memory");
	test_ram_and_uart();
	test_execute_only();
	csr_write(CSR_SATP, 0);
	__asm__ volatile("sfence.vma" ::: "memory");
	return 0;
}
