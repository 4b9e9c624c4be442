/*
 * An interrupt storm from the guest's own UART through its PLIC: the
 * THR-empty interrupt raised 20000 times (IER.ETBEI off and on), each
 * seen as sip.SEIP, claimed (source 10), acknowledged at the UART (IIR)
 * and completed, with sstatus.SIE off so that nothing is taken. Every
 * claim returns 10, SEIP falls after each completion, and the other guest
 * (on the other host hart) runs on.
 */
#include "attack.h"

#define UART_IER UL(0x10000001)
#define UART_IIR UL(0x10000002)
#define PLIC_PRIO_10 UL(0x0c000028)
#define PLIC_ENABLE_S0 UL(0x0c002080)
#define PLIC_THRESHOLD_S0 UL(0x0c201000)
#define PLIC_CLAIM_S0 UL(0x0c201004)

static void w8(uint64_t a, uint8_t v)
{
	*(volatile uint8_t *)a = v;
}

static void w32(uint64_t a, uint32_t v)
{
	*(volatile uint32_t *)a = v;
}

static uint32_t r32(uint64_t a)
{
	return *(volatile uint32_t *)a;
}

int main(void)
{
	attack_begin();
	csr_clear(CSR_SSTATUS, SSTATUS_SIE);
	csr_write(CSR_SIE, MIP_SEIP);
	w32(PLIC_PRIO_10, 1);
	w32(PLIC_THRESHOLD_S0, 0);
	w32(PLIC_ENABLE_S0, 1u << 10);
	unsigned bad = 0;
	for (unsigned n = 0; n < 20000; n++) {
		w8(UART_IER, 0);
		w8(UART_IER, 0x02);
		bad += (csr_read(CSR_SIP) & MIP_SEIP) == 0;
		uint32_t src = r32(PLIC_CLAIM_S0);
		bad += src != 10;
		bad += (*(volatile uint8_t *)UART_IIR & 0x0f) != 0x02;
		w32(PLIC_CLAIM_S0, src);
		bad += (csr_read(CSR_SIP) & MIP_SEIP) != 0;
	}
	w8(UART_IER, 0);
	w32(PLIC_ENABLE_S0, 0);
	csr_write(CSR_SIE, 0);
	CHECK_EQ(bad, 0);
	return 0;
}
