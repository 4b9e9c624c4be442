/*
 * libFuzzer target for the virtual CSR emulation (src/core/vcsr.c, with
 * vreal.c for the real state derived from it), built with ASan/UBSan. A
 * virtual hart starts at reset and runs a sequence of instructions, each
 * checked against the reference of tests/ref/vcsr_ref.h (written from the
 * privileged spec): legality, rd and its value, the whole hart after it,
 * the WARL invariant, the real sstatus and scounteren derived, and that
 * the real counters are read exactly by legal counter reads. Between
 * instructions the shell's own changes happen: a privilege switch, STIP
 * and SEIP raised or lowered. Any violation is an abort(), which
 * libFuzzer reports.
 *
 * Input: 13-byte records: a control byte (bit 0: the instruction is taken
 * raw, else its opcode is SYSTEM; bits 1-2: 2 switches to vS, 3 to vU;
 * bit 3: sip's STIP and SEIP become bits 4 and 5), the instruction (4
 * bytes, little endian), x[rs1] (8 bytes), which also gives the real
 * sstatus the derived one is built on.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "encoding.h"
#include "core/vcsr.h"
#include "core/vhart.h"
#include "../ref/vcsr_ref.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c) do { if (!(c)) abort(); } while (0)

#define RECORD 13

static unsigned counter_reads;

uint64_t hw_counter_read(unsigned csr)
{
	CHECK(ref_counter(csr));
	counter_reads++;
	return REF_COUNTER(csr);
}

static uint64_t get(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vhart h, ref;

	memset(&h, 0x5a, sizeof(h));
	vhart_reset(&h, 0x80200000UL);
	ref = h;
	CHECK(ref_valid(&h));
	for (size_t off = 0; off + RECORD <= size; off += RECORD) {
		uint8_t ctl = data[off];
		uint32_t insn = (uint32_t)get(data + off + 1, 4);
		uint64_t x_rs1 = get(data + off + 5, 8);

		if (!(ctl & 1))
			insn = (insn & ~UINT32_C(0x7f)) | OPCODE_SYSTEM;
		if ((ctl >> 1 & 3) >= 2)
			h.priv = ref.priv = (ctl >> 1 & 3) == 2 ? PRV_S : PRV_U;
		if (ctl & 8)
			h.sip = ref.sip = (h.sip & MIP_SSIP) | (ctl & 0x10 ? MIP_STIP : 0) |
					  (ctl & 0x20 ? MIP_SEIP : 0);

		counter_reads = 0;
		struct vcsr_result got = vcsr_emulate(&h, insn, x_rs1);
		struct vcsr_result want = ref_emulate(&ref, insn, x_rs1);
		CHECK(got.status == want.status);
		CHECK(got.rd == want.rd);
		if (got.status == VCSR_OK && got.rd != 0)
			CHECK(got.rd_value == want.rd_value);
		CHECK(counter_reads == (want.status == VCSR_OK && ref_counter(insn >> 20)));
		CHECK(memcmp(&h, &ref, sizeof(h)) == 0);
		CHECK(ref_valid(&h));
		CHECK(ref_real_state_ok(&h, x_rs1));
	}
	return 0;
}
