#include "hv/mmio.h"

#include "core/mmio.h"
#include "core/vtrap.h"
#include "hv/devices.h"
#include "hv/vmem.h"

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
	uint64_t raw = 0;
	bool done = d.kind == MMIO_LOAD ? devices_mmio_read(v->guest, gpa, d.width, &raw)
					: devices_mmio_write(v->guest, gpa, d.width, v->x[d.reg]);
	if (!done) {
		vtrap_enter(&v->vh, access_fault(insn, acc), va);
		return;
	}
	if (d.kind == MMIO_LOAD && d.reg != 0)
		v->x[d.reg] = mmio_load_value(raw, d.width, d.sign_extend);
	v->vh.pc += d.len;
}
