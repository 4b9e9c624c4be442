/* The SBI surface a guest relies on, with the error codes of SBI v2.0:
 * BASE, unknown calls, DBCN (when present), TIME (a timer interrupt
 * really arrives), IPI to self, and SRST argument checks. */
#include "lib/sbi.h"
#include "rt/rt.h"

#define POLL_LIMIT 50000000U
#define OPENSBI_IMPL_ID 1L

static bool wait_sip(unsigned long bit)
{
	for (unsigned i = 0; i < POLL_LIMIT; i++)
		if (csr_read(CSR_SIP) & bit)
			return true;
	return false;
}

static struct sbiret probe(unsigned long eid)
{
	return sbi_call(SBI_EXT_BASE, SBI_BASE_PROBE_EXTENSION, eid, 0, 0);
}

static void test_base(void)
{
	struct sbiret r = sbi_call(SBI_EXT_BASE, SBI_BASE_GET_SPEC_VERSION, 0, 0, 0);
	CHECK_EQ(r.error, SBI_SUCCESS);
	CHECK(r.value >= 0x00000002L); /* at least v0.2: BASE exists */
	r = probe(SBI_EXT_BASE);
	CHECK_EQ(r.error, SBI_SUCCESS);
	CHECK_EQ(r.value, 1);
	r = probe(SBI_EXT_TIME);
	CHECK_EQ(r.value, 1);
	r = probe(SBI_EXT_SRST);
	CHECK_EQ(r.value, 1);
	r = probe(0x12345678UL);
	CHECK_EQ(r.error, SBI_SUCCESS);
	CHECK_EQ(r.value, 0);
	r = sbi_call(SBI_EXT_BASE, 99, 0, 0, 0);
	CHECK_EQ(r.error, SBI_ERR_NOT_SUPPORTED);
	r = sbi_call(0x12345678UL, 0, 0, 0, 0);
	CHECK_EQ(r.error, SBI_ERR_NOT_SUPPORTED);
	r = sbi_call(SBI_EXT_TIME, 1, 0, 0, 0);
	CHECK_EQ(r.error, SBI_ERR_NOT_SUPPORTED);
	r = sbi_call(SBI_EXT_BASE, SBI_BASE_GET_MVENDORID, 0, 0, 0);
	CHECK_EQ(r.error, SBI_SUCCESS);
}

static const char dbcn_msg[] = "sbi: DBCN write works\n";

static void test_dbcn(void)
{
	if (probe(SBI_EXT_DBCN).value == 0) {
		rt_printf("sbi: no DBCN, skipped\n");
		return;
	}
	unsigned long len = sizeof(dbcn_msg) - 1;
	struct sbiret r = sbi_call(SBI_EXT_DBCN, SBI_DBCN_WRITE, len,
				   (unsigned long)(uintptr_t)dbcn_msg, 0);
	CHECK_EQ(r.error, SBI_SUCCESS);
	CHECK(r.value > 0 && (unsigned long)r.value <= len);
	if ((unsigned long)r.value < len) /* finish the line */
		sbi_console_write(dbcn_msg + r.value, len - (unsigned long)r.value);
	r = sbi_call(SBI_EXT_DBCN, SBI_DBCN_WRITE_BYTE, 'o', 0, 0);
	CHECK_EQ(r.error, SBI_SUCCESS);
	r = sbi_call(SBI_EXT_DBCN, SBI_DBCN_WRITE_BYTE, 'k', 0, 0);
	CHECK_EQ(r.error, SBI_SUCCESS);
	r = sbi_call(SBI_EXT_DBCN, SBI_DBCN_WRITE_BYTE, '\n', 0, 0);
	CHECK_EQ(r.error, SBI_SUCCESS);
	/* Buffers outside RAM, or above 2^64, are refused. */
	r = sbi_call(SBI_EXT_DBCN, SBI_DBCN_WRITE, 8, 0xc0000000UL, 0);
	CHECK_EQ(r.error, SBI_ERR_INVALID_PARAM);
	r = sbi_call(SBI_EXT_DBCN, SBI_DBCN_WRITE, 8,
		     (unsigned long)(uintptr_t)dbcn_msg, 1);
	CHECK_EQ(r.error, SBI_ERR_INVALID_PARAM);
	char buf[4];
	r = sbi_call(SBI_EXT_DBCN, SBI_DBCN_READ, 0, (unsigned long)(uintptr_t)buf, 0);
	CHECK_EQ(r.error, SBI_SUCCESS);
	CHECK_EQ(r.value, 0);
	r = sbi_call(SBI_EXT_DBCN, 7, 0, 0, 0);
	CHECK_EQ(r.error, SBI_ERR_NOT_SUPPORTED);
}

static void wait_with_interrupts(void)
{
	csr_set(CSR_SSTATUS, SSTATUS_SIE);
	for (unsigned i = 0; i < POLL_LIMIT; i++)
		__asm__ volatile("nop");
	csr_clear(CSR_SSTATUS, SSTATUS_SIE);
}

/* set_timer in the near future: STIP rises; with sie.STIE and SIE the
 * interrupt is taken; a timer far away clears STIP again. */
static void test_timer(void)
{
	csr_write(CSR_SIE, 0);
	sbi_set_timer(csr_read(CSR_TIME) + 10000);
	CHECK(wait_sip(MIP_STIP));
	sbi_set_timer(~0UL);
	CHECK_EQ(csr_read(CSR_SIP) & MIP_STIP, 0);

	struct rt_trap t = { 0, 0, 0 };
	csr_write(CSR_SIE, MIP_STIP);
	sbi_set_timer(csr_read(CSR_TIME) + 10000);
	CHECK(rt_catch(wait_with_interrupts, &t));
	CHECK_EQ(t.scause, CAUSE_INTERRUPT | IRQ_S_TIMER);
	sbi_set_timer(~0UL);
	csr_write(CSR_SIE, 0);
	CHECK_EQ(csr_read(CSR_SIP) & MIP_STIP, 0);
}

/* An IPI to ourselves shows up as sip.SSIP. */
static void test_ipi(void)
{
	csr_write(CSR_SIE, 0);
	csr_clear(CSR_SIP, MIP_SSIP);
	if (probe(SBI_EXT_IPI).value == 0) {
		rt_printf("sbi: no IPI extension, skipped\n");
		return;
	}
	struct sbiret r = sbi_call(SBI_EXT_IPI, SBI_IPI_SEND_IPI, 1, rt_hartid, 0);
	CHECK_EQ(r.error, SBI_SUCCESS);
	CHECK(wait_sip(MIP_SSIP));
	csr_clear(CSR_SIP, MIP_SSIP);
	r = sbi_call(SBI_EXT_IPI, SBI_IPI_SEND_IPI, 0, ~0UL, 0);
	CHECK_EQ(r.error, SBI_SUCCESS);
	CHECK(wait_sip(MIP_SSIP));
	csr_clear(CSR_SIP, MIP_SSIP);
	CHECK_EQ(csr_read(CSR_SIP) & MIP_SSIP, 0);
}

/* Reserved reset types and reasons are refused, and nothing resets. */
static void test_srst_args(void)
{
	struct sbiret r = sbi_call(SBI_EXT_SRST, SBI_SRST_SYSTEM_RESET, 3,
				   SBI_SRST_REASON_NONE, 0);
	CHECK_EQ(r.error, SBI_ERR_INVALID_PARAM);
	r = sbi_call(SBI_EXT_SRST, SBI_SRST_SYSTEM_RESET, SBI_SRST_TYPE_SHUTDOWN, 2, 0);
	CHECK_EQ(r.error, SBI_ERR_INVALID_PARAM);
	r = sbi_call(SBI_EXT_SRST, 1, 0, 0, 0);
	CHECK_EQ(r.error, SBI_ERR_NOT_SUPPORTED);
}

int main(void)
{
	struct sbiret id = sbi_call(SBI_EXT_BASE, SBI_BASE_GET_IMPL_ID, 0, 0, 0);
	rt_printf("sbi: implementation id 0x%lx\n", (unsigned long)id.value);
	test_base();
	test_dbcn();
	test_timer();
	test_ipi();
	test_srst_args();
	return 0;
}
