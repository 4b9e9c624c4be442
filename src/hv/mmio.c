#include "hv/mmio.h"

#include "core/mmio.h"
#include "core/vtrap.h"
#include "dev/uart16550.h"
#include "hv/guest.h"
#include "hv/vmem.h"

bool mmio_device_at(uint64_t gpa)
{
	return gpa >= GUEST_UART_BASE && gpa - GUEST_UART_BASE < GUEST_UART_SIZE;
}

/* The UART's registers are bytes; the 8250 and U-Boot drivers use byte
 * accesses (reg-io-width 1), wider ones reach the register at the address
 * and carry its value in the low byte, as QEMU's serial device does. */
static uint64_t device_read(struct guest *g, uint64_t gpa)
{
	uint64_t off = gpa - GUEST_UART_BASE;
	return off < 8 ? uart16550_read(&g->uart, (unsigned)off) : 0;
}

static void device_write(struct guest *g, uint64_t gpa, uint64_t value)
{
	uint64_t off = gpa - GUEST_UART_BASE;
	if (off < 8)
		uart16550_write(&g->uart, (unsigned)off, (uint8_t)value);
}

#define OPCODE_AMO 0x2fU
#define AMO_FUNCT5_LR 0x02U

/* The access fault for what the device cannot take: an AMO is a store/AMO
 * access (QEMU 7.2 reports some as loads), LR a load, the rest as trapped. */
static uint64_t access_fault(uint32_t insn, enum sv39_access acc)
{
	if (INSN_OPCODE(insn) == OPCODE_AMO)
		return INSN_FUNCT7(insn) >> 2 == AMO_FUNCT5_LR ? CAUSE_LOAD_ACCESS
							      : CAUSE_STORE_ACCESS;
	return acc == SV39_LOAD ? CAUSE_LOAD_ACCESS : CAUSE_STORE_ACCESS;
}

void mmio_emulate(struct vcpu *v, uint64_t gpa, uint64_t va, enum sv39_access acc)
{
	uint32_t insn;
	if (!vmem_fetch_insn(v, &insn))
		return;
	struct mmio_insn d = mmio_decode(insn);
	bool kind_ok = (acc == SV39_LOAD && d.kind == MMIO_LOAD) ||
		       (acc == SV39_STORE && d.kind == MMIO_STORE);
	if (!kind_ok || gpa % d.width || d.width > sizeof(uint32_t)) {
		vtrap_enter(&v->vh, access_fault(insn, acc), va);
		return;
	}
	if (d.kind == MMIO_LOAD) {
		uint64_t raw = device_read(v->guest, gpa);
		if (d.reg != 0)
			v->x[d.reg] = mmio_load_value(raw, d.width, d.sign_extend);
	} else {
		device_write(v->guest, gpa, v->x[d.reg]);
	}
	v->vh.pc += d.len;
}
