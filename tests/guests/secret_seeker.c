/*
 * Guest 1 of the isolation test: runs beside secret_keeper and must never
 * see its secret nor disturb it.
 *
 * Boot 1, once a key arrives on the console (the harness types it when
 * the secret is in place): its own RAM and disk hold no secret word; page tables map every
 * 2 MiB of guest-physical space below 16 GiB (which covers every host
 * address of this machine) and each read outside its RAM and devices takes
 * a load access fault; disk requests whose buffers lie outside its RAM,
 * or straddle its end, fail without touching memory or the disk; SBI
 * calls naming harts other than its own fail. Then it marks its disk and
 * reboots itself (the other guest runs on).
 * Boot 2: finds the mark, checks its RAM once more and powers off.
 */
#include <stddef.h>

#include "blk.h"
#include "lib/sbi.h"
#include "rt/rt.h"
#include "secret.h"

#define GIB (UL(1) << 30)
#define MIB2 (UL(1) << 21)
#define SCAN_GIB 16U
#define MARK UL(0x746f6f626572) /* "reboot" */
#define CHUNK 4096U

static uint64_t root[512] __attribute__((aligned(4096)));
static uint64_t window[512] __attribute__((aligned(4096)));
static uint64_t chunk[CHUNK / 8];

static void fence(void)
{
	__asm__ volatile("fence rw, rw" : : : "memory");
}

static unsigned secret_words_in_ram(void)
{
	unsigned found = 0;
	for (uint64_t a = SECRET_RAM_BASE; a < SECRET_RAM_BASE + SECRET_RAM_SIZE; a += 8)
		found += is_secret(*(volatile uint64_t *)a);
	return found;
}

static unsigned secret_words_on_disk(void)
{
	unsigned found = 0;
	for (uint64_t s = 0; s < SECRET_DISK_SECTORS; s += CHUNK / SECTOR_SIZE) {
		struct seg data = { chunk, CHUNK, true };
		if (!CHECK_EQ(request(VIRTIO_BLK_T_IN, s, &data, 1), VIRTIO_BLK_S_OK))
			return ~0U;
		for (unsigned i = 0; i < CHUNK / 8; i++)
			found += is_secret(chunk[i]);
	}
	return found;
}

/* ---- Page tables aimed at all of guest-physical space ---- */

static volatile uint64_t probe_va, probe_value;

static void probe(void)
{
	probe_value = *(volatile uint64_t *)probe_va;
}

/* Devices this guest has (QEMU virt's PLIC, UART and virtio slots). */
static bool is_device(uint64_t gpa)
{
	return (gpa >= UL(0x0c000000) && gpa < UL(0x0c600000)) ||
	       (gpa >= UL(0x10000000) && gpa < UL(0x10009000));
}

static bool in_own_ram(uint64_t gpa)
{
	return gpa >= SECRET_RAM_BASE && gpa < SECRET_RAM_BASE + SECRET_RAM_SIZE;
}

static uint64_t megapage(uint64_t gpa)
{
	return (gpa >> PAGE_SHIFT) << PTE_PPN_SHIFT | PTE_V | PTE_R | PTE_A;
}

/* VA [0, 1 GiB) shows guest-physical [g GiB, g + 1 GiB) in megapages;
 * each one is read at its start and at a spot inside. */
static void scan_gib(unsigned g, unsigned *escapes, unsigned *secrets)
{
	for (unsigned i = 0; i < 512; i++)
		window[i] = megapage((uint64_t)g * GIB + i * MIB2);
	fence();
	sfence_vma_all();
	for (unsigned i = 0; i < 512; i++) {
		uint64_t gpa_base = (uint64_t)g * GIB + i * MIB2;
		uint64_t offsets[2] = { 0, (i * 0x9e3779b1UL) % MIB2 & ~UL(7) };
		for (unsigned k = 0; k < 2; k++) {
			uint64_t gpa = gpa_base + offsets[k];
			struct rt_trap t;
			probe_va = i * MIB2 + offsets[k];
			probe_value = 0;
			bool trapped = rt_catch(probe, &t);
			if (trapped && t.scause == CAUSE_LOAD_ACCESS && t.stval == probe_va)
				continue;
			if (!trapped && (in_own_ram(gpa) || is_device(gpa))) {
				*secrets += is_secret(probe_value);
				continue;
			}
			if (*escapes < 5)
				rt_printf("secret_seeker: gpa 0x%lx: %s (scause 0x%lx value 0x%lx)\n",
					  gpa, trapped ? "wrong trap" : "read", t.scause, probe_value);
			(*escapes)++;
		}
	}
}

static void test_page_tables(void)
{
	/* This guest's own code, identity-mapped: VA 2..3 GiB. */
	root[SECRET_RAM_BASE / GIB] = (SECRET_RAM_BASE >> PAGE_SHIFT) << PTE_PPN_SHIFT | PTE_V |
				      PTE_R | PTE_W | PTE_X | PTE_A | PTE_D;
	root[0] = ((uint64_t)(uintptr_t)window >> PAGE_SHIFT) << PTE_PPN_SHIFT | PTE_V;
	fence();
	csr_write(CSR_SATP, SATP_MODE_SV39 << SATP_MODE_SHIFT |
				    (uint64_t)(uintptr_t)root >> PAGE_SHIFT);
	sfence_vma_all();
	unsigned escapes = 0, secrets = 0;
	for (unsigned g = 0; g < SCAN_GIB; g++)
		scan_gib(g, &escapes, &secrets);
	csr_write(CSR_SATP, 0);
	sfence_vma_all();
	CHECK_EQ(escapes, 0);
	CHECK_EQ(secrets, 0);
	rt_printf("secret_seeker: read 2 x %u megapages of guest-physical space\n", SCAN_GIB * 512);
}

/* ---- Disk requests with buffers outside its RAM ---- */

static void test_dma(void)
{
	static const uint64_t outside[] = {
		0, 0x1000, 0x0c000000, 0x10000000, SECRET_RAM_BASE - 0x1000,
		SECRET_RAM_BASE + SECRET_RAM_SIZE, SECRET_RAM_BASE + SECRET_RAM_SIZE + 0x1000,
		0x90000000, 0x9c000000, 0xa0000000, 0xac000000, 0xb0000000, 0xbff00000,
		0x100000000, 0x200000000, 0xfffffffffffff000,
	};
	uint64_t sector = 100;
	for (unsigned i = 0; i < sizeof(outside) / sizeof(outside[0]); i++) {
		const void *p = (const void *)(uintptr_t)outside[i];
		struct seg in = { p, CHUNK, true }, out = { p, CHUNK, false };
		CHECK_EQ(request(VIRTIO_BLK_T_IN, sector, &in, 1), VIRTIO_BLK_S_IOERR);
		CHECK_EQ(request(VIRTIO_BLK_T_OUT, sector, &out, 1), VIRTIO_BLK_S_IOERR);
	}
	/* Straddling its RAM's end: the part inside is not enough. */
	const void *edge = (const void *)(uintptr_t)(SECRET_RAM_BASE + SECRET_RAM_SIZE - 512);
	struct seg in = { edge, 1024, true }, out = { edge, 1024, false };
	CHECK_EQ(request(VIRTIO_BLK_T_IN, sector, &in, 1), VIRTIO_BLK_S_IOERR);
	CHECK_EQ(request(VIRTIO_BLK_T_OUT, sector, &out, 1), VIRTIO_BLK_S_IOERR);
	/* Nothing reached the disk either. */
	struct seg back = { chunk, CHUNK, true };
	CHECK_EQ(request(VIRTIO_BLK_T_IN, sector, &back, 1), VIRTIO_BLK_S_OK);
	unsigned nonzero = 0;
	for (unsigned i = 0; i < CHUNK / 8; i++)
		nonzero += chunk[i] != 0;
	CHECK_EQ(nonzero, 0);
}

/* ---- SBI calls naming harts it does not have ---- */

static void test_sbi(void)
{
	for (unsigned long h = 1; h < 8; h++) {
		CHECK_EQ(sbi_call(SBI_EXT_IPI, SBI_IPI_SEND_IPI, 1, h, 0).error,
			 SBI_ERR_INVALID_PARAM);
		CHECK_EQ(sbi_call(SBI_EXT_IPI, SBI_IPI_SEND_IPI, 1UL << h, 0, 0).error,
			 SBI_ERR_INVALID_PARAM);
		CHECK_EQ(sbi_call(SBI_EXT_HSM, SBI_HSM_HART_START, h, SECRET_RAM_BASE + 0x200000, 0)
				 .error,
			 SBI_ERR_INVALID_PARAM);
		CHECK_EQ(sbi_call(SBI_EXT_HSM, SBI_HSM_HART_GET_STATUS, h, 0, 0).error,
			 SBI_ERR_INVALID_PARAM);
		CHECK_EQ(sbi_call4(SBI_EXT_RFENCE, SBI_RFENCE_REMOTE_SFENCE_VMA, 1UL << h, 0, 0, ~0UL)
				 .error,
			 SBI_ERR_INVALID_PARAM);
	}
	/* v0.1 send_ipi takes a mask in memory and leaves out harts that do
	 * not exist: only this hart gets it. */
	static volatile uint64_t all_harts = ~0UL;
	csr_clear(CSR_SIP, MIP_SSIP);
	CHECK_EQ(sbi_call(SBI_EXT_LEGACY_SEND_IPI, 0, (unsigned long)&all_harts, 0, 0).error, 0);
	CHECK(csr_read(CSR_SIP) & MIP_SSIP);
	csr_clear(CSR_SIP, MIP_SSIP);
}

static void write_mark(uint64_t value)
{
	for (unsigned i = 0; i < CHUNK / 8; i++)
		chunk[i] = value;
	struct seg data = { chunk, SECTOR_SIZE, false };
	CHECK_EQ(request(VIRTIO_BLK_T_OUT, 0, &data, 1), VIRTIO_BLK_S_OK);
	CHECK_EQ(request(VIRTIO_BLK_T_FLUSH, 0, NULL, 0), VIRTIO_BLK_S_OK);
}

/* The harness types a key once the other guest's secret is in place. */
static bool wait_for_key(void)
{
	uint64_t start = csr_read(CSR_TIME);
	while (sbi_console_getc() < 0)
		if (csr_read(CSR_TIME) - start > UL(1800000000))
			return false;
	return true;
}

int main(void)
{
	if (!find_disk() || !handshake())
		return 1;
	struct seg data = { chunk, SECTOR_SIZE, true };
	CHECK_EQ(request(VIRTIO_BLK_T_IN, 0, &data, 1), VIRTIO_BLK_S_OK);
	bool second = chunk[0] == MARK;
	CHECK_EQ(secret_words_in_ram(), 0);
	if (second) {
		rt_printf("secret_seeker: boot 2, after its reboot\n");
		write_mark(0);
		return 0;
	}
	rt_printf("secret_seeker: waiting for a key on the console\n");
	if (!CHECK(wait_for_key()))
		return 1;
	CHECK_EQ(secret_words_in_ram(), 0);
	CHECK_EQ(secret_words_on_disk(), 0);
	test_page_tables();
	test_dma();
	test_sbi();
	if (rt_failures())
		return 1;
	write_mark(MARK);
	rt_printf("secret_seeker: boot 1 found nothing; rebooting\n");
	sbi_call(SBI_EXT_SRST, SBI_SRST_SYSTEM_RESET, SBI_SRST_TYPE_WARM_REBOOT, 0, 0);
	return CHECK(!"SRST reboot returned");
}
