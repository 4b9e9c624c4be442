#!/usr/bin/env python3
"""Write the hand-made seed inputs of tests/fuzz/corpus/ (layouts: see the
comments at the top of sv39_fuzz.c and mmio_fuzz.c). Run from the repo root."""
import os
import struct

V, R, W, X, U, G, A, D = (1 << i for i in range(8))
RAM_PPN = 0x80000000 >> 12


def sv39(flags, satp, va, flags2=1, hpa=0x100000000, pages=16, gbase=128, shape=0, recs=()):
    out = struct.pack('<BQQBQHBB', flags, satp, va, flags2, hpa, pages, gbase, shape)
    for word, value in recs:
        out += struct.pack('<HQ', word, value)
    return out


def pte(ppn, fl):
    return ppn << 10 | fl


SV, LOAD, STORE, FETCH, VU, SUM, MXR, RELOC, OTHER = 1, 2, 4, 0, 8, 16, 32, 64, 128
VA = 0x80003123  # vpn2 2, vpn1 0, vpn0 3
chain = [(0 * 512 + 2, pte(1, V)), (1 * 512 + 0, pte(2, V))]
seeds = {
    'bare_store': sv39(STORE, 0, 0x80001234),
    'bare_vu_fetch': sv39(VU, 0, 0x80000010),
    '4k_store_sets_ad': sv39(SV | STORE | RELOC, 0, VA,
                             recs=chain + [(2 * 512 + 3, pte(5, V | R | W | X))]),
    '4k_load_vu': sv39(SV | LOAD | VU | RELOC, 0, VA,
                       recs=chain + [(2 * 512 + 3, pte(6, V | R | U | A))]),
    '4k_sum_load': sv39(SV | LOAD | SUM | RELOC, 0, VA,
                        recs=chain + [(2 * 512 + 3, pte(7, V | R | W | U | A | D))]),
    '4k_mxr_exec_only': sv39(SV | LOAD | MXR | RELOC, 0, VA,
                             recs=chain + [(2 * 512 + 3, pte(8, V | X | A))]),
    '2m_fetch': sv39(SV | FETCH | RELOC, 0, VA,
                     recs=[chain[0], (1 * 512 + 0, pte(0, V | R | X))]),
    '1g_store_dirty': sv39(SV | STORE | RELOC, 0, VA,
                           recs=[(0 * 512 + 2, pte(0, V | R | W | A | D))]),
    'table_outside_ram': sv39(SV | LOAD | RELOC, 0, VA,
                              recs=[(0 * 512 + 2, pte(20, V))]),
    'root_outside_ram': sv39(SV | LOAD | RELOC, 17, VA),
    'cas_races': sv39(SV | STORE | RELOC | OTHER, 0, VA, flags2=1 | 2,
                      recs=chain + [(2 * 512 + 3, pte(5, V | R | W))]),
    'gmem_window': sv39(SV | STORE | RELOC, 0, VA, shape=0x35,
                        recs=chain + [(2 * 512 + 3, pte(5, V | R | W | X))]),
    'gmem_tiny': sv39(SV | LOAD | RELOC, 0, VA, shape=0xff),
    'noncanonical': sv39(SV | LOAD, RAM_PPN, 0x0000004000000000, flags2=0),
}
os.makedirs('tests/fuzz/corpus/sv39', exist_ok=True)
for name, data in seeds.items():
    with open(f'tests/fuzz/corpus/sv39/{name}', 'wb') as f:
        f.write(data)

# mmio: 4 bytes of instruction, 8 bytes of raw device value.
raw = 0x8899aabbccddeeff
insns = {
    'lw': 0x0005a503, 'lbu': 0x0005c503, 'ld': 0x0005b503, 'sb': 0x00b50023,
    'sd': 0x00b53423, 'addi': 0x00000013, 'amoadd_w': 0x00b5a52f,
    'c_lw': 0x4188, 'c_sd': 0xe188, 'c_lwsp': 0x4502, 'c_sdsp': 0xe406,
    'c_fld': 0x2188,
}
os.makedirs('tests/fuzz/corpus/mmio', exist_ok=True)
for name, insn in insns.items():
    with open(f'tests/fuzz/corpus/mmio/{name}', 'wb') as f:
        f.write(struct.pack('<IQ', insn, raw))


# PLIC (plic_fuzz.c): harts byte, then 8-byte records op, where (3), value.
def rec(op, where, value=0):
    return struct.pack('<B', op) + struct.pack('<I', where)[:3] + struct.pack('<I', value)


def prio(s, v):
    return rec(4, s << 3, v)          # a small write (op bit 2) of priority s


def enable(ctx, word, bits):
    return rec(0, (4 * ctx + word) << 3 | 2, bits)


def ctx_reg(ctx, claim, v, small=True):  # threshold (claim=0) or claim register
    return rec(4 if small else 0, (2 * ctx + claim) << 3 | 3, v)


def level(s, v):
    return rec(2, s, v)


def claim(ctx, complete=False, other=None):
    return rec(3, ctx, (1 << 31 if complete else 0) | (1 << 30 | other if other else 0))


def read(where):
    return rec(1, where)


plic = {
    'claim_complete': bytes([0]) + prio(5, 3) + enable(1, 0, 1 << 5) + level(5, 1) +
    claim(1, complete=True) + read(1 << 3 | 1) + level(5, 0) + claim(1),
    'complete_elsewhere': bytes([1]) + prio(7, 2) + enable(1, 0, 1 << 7) + enable(3, 0, 1 << 7) +
    level(7, 1) + claim(1) + level(7, 0) + ctx_reg(3, 1, 7) + ctx_reg(1, 1, 7) + claim(3),
    'threshold': bytes([0]) + prio(9, 1) + ctx_reg(1, 0, 1) + enable(1, 0, 1 << 9) + level(9, 1) +
    claim(1) + ctx_reg(1, 0, 0) + claim(1, complete=True),
    'ties_high_word': bytes([3]) + prio(3, 2) + prio(4, 2) + prio(40, 5) +
    enable(1, 0, 0x18) + enable(1, 1, 1 << 8) + level(3, 1) + level(4, 1) + level(40, 1) +
    claim(1) + claim(1) + claim(1) + ctx_reg(1, 1, 40) + claim(1, complete=True, other=3),
}
os.makedirs('tests/fuzz/corpus/plic', exist_ok=True)
for name, data in plic.items():
    with open(f'tests/fuzz/corpus/plic/{name}', 'wb') as f:
        f.write(data)


# UART (uart16550_fuzz.c): 3-byte records op, offset, value.
def u(op, off, v=0):
    return bytes([op, off, v])


uart = {
    # What the Linux 8250 driver does at probe and open, then input.
    'probe_open': u(0, 3, 0x80) + u(0, 0, 0x0c) + u(0, 1, 0) + u(0, 3, 0x03) + u(0, 2, 0x07) +
    u(0, 4, 0x1f) + u(1, 6) + u(0, 4, 0x0b) + u(0, 1, 0x05) + u(3, 0, 5) + u(1, 5) +
    u(1, 2) + u(1, 0) + u(1, 0) + u(1, 0) + u(1, 0) + u(1, 0) + u(1, 5),
    # THR empty interrupt raised, reported, acknowledged; output.
    'thre': u(0, 1, 0x02) + u(1, 2) + u(1, 2) + u(0, 0, 0x41) + u(1, 2) + u(0, 1, 0),
    # More input than the FIFO holds, a clear, loopback.
    'overflow_loopback': u(3, 0, 23) + u(2, 0) + u(1, 5) + u(0, 2, 0x03) + u(1, 0) +
    u(0, 4, 0x10) + u(0, 0, 0x55) + u(1, 0) + u(3, 0, 4) + u(2, 0) + u(0, 4, 0) + u(1, 0),
}
os.makedirs('tests/fuzz/corpus/uart16550', exist_ok=True)
for name, data in uart.items():
    with open(f'tests/fuzz/corpus/uart16550/{name}', 'wb') as f:
        f.write(data)


# SBI (vsbi_fuzz.c): vCPUs - 1, caller, others' states, flags, extension
# index, fid, six (selector, byte) arguments, console input, then RAM.
EXT = {'set_timer': 0, 'putchar': 1, 'getchar': 2, 'clear_ipi': 3, 'send_ipi': 4,
       'fence_i': 5, 'sfence_vma': 6, 'sfence_vma_asid': 7, 'shutdown': 8, 'base': 9,
       'time': 10, 'ipi': 11, 'rfence': 12, 'hsm': 13, 'srst': 14, 'dbcn': 15}


def small(k):       # arg() selector 0: k itself
    return bytes([0, k])


def minus(k=0):     # selector 1: -1 - k
    return bytes([1, k])


def ram(k):         # selector 2: RAM base + 64 k
    return bytes([2, k])


def raw64(v):       # selector 7: 64 raw bits
    return bytes([7, 0]) + struct.pack('<Q', v)


def call(ext, fid, args, vcpus=2, caller=0, states=0, flags=0, console=b'', mem=b''):
    args = list(args) + [small(0)] * (6 - len(args))
    return (bytes([vcpus - 1, caller, states, flags, EXT[ext], fid]) + b''.join(args) +
            bytes([len(console)]) + console + mem)


mask_at_64 = b'\0' * 64 + struct.pack('<Q', 3)   # a v0.1 hart mask at RAM + 64
vsbi = {
    'probe_base': call('base', 3, [raw64(0x10)]),
    'spec_version': call('base', 0, []),
    'set_timer': call('time', 0, [raw64(1234567)]),
    'ipi_all': call('ipi', 0, [small(0), minus()], vcpus=4, caller=2, flags=2),
    'ipi_hart_missing': call('ipi', 0, [small(5), small(1)], vcpus=2),
    'sfence_whole_space': call('rfence', 1, [small(1), small(0), small(0), small(0)]),
    'sfence_size_minus_one': call('rfence', 1, [small(1), small(0), small(0), minus()]),
    'sfence_two_pages': call('rfence', 2, [small(3), small(0), raw64(0x7ff000), small(0x20)]),
    'fence_i_others': call('rfence', 0, [small(6), small(0)], vcpus=3),
    'hart_start': call('hsm', 0, [small(1), ram(4), raw64(42)], states=0x04),
    'hart_status': call('hsm', 2, [small(1)], vcpus=3, states=0x34),
    'suspend_non_retentive': call('hsm', 3, [raw64(0x80000000), ram(2), small(9)]),
    'shutdown': call('srst', 0, [small(0), small(0)]),
    'reboot_vendor_reason': call('srst', 0, [small(1), raw64(0xe0000001)]),
    'dbcn_write': call('dbcn', 0, [small(12), ram(1), small(0)], mem=b'\0' * 64 + b'hello, world'),
    'dbcn_read': call('dbcn', 1, [small(8), ram(3), small(0)], console=b'typed'),
    'dbcn_write_byte': call('dbcn', 2, [small(ord('x'))]),
    'legacy_send_ipi': call('send_ipi', 0, [ram(1)], vcpus=2, mem=mask_at_64),
    'legacy_sfence_vma': call('sfence_vma', 0, [ram(1), small(0), small(0)], mem=mask_at_64),
    'legacy_mask_outside_ram': call('fence_i', 0, [minus(3)]),
    'legacy_getchar': call('getchar', 0, [], console=b'a'),
    'legacy_clear_ipi': call('clear_ipi', 0, [], flags=2),
    'legacy_shutdown': call('shutdown', 0, []),
}
os.makedirs('tests/fuzz/corpus/vsbi', exist_ok=True)
for name, data in vsbi.items():
    with open(f'tests/fuzz/corpus/vsbi/{name}', 'wb') as f:
        f.write(data)


# CSR emulation (vcsr_fuzz.c): 13-byte records control, instruction, x[rs1].
def csr_rec(funct3, rd, rs1, csr, x=0, ctl=0):
    insn = csr << 20 | rs1 << 15 | funct3 << 12 | rd << 7 | 0x73
    return struct.pack('<BIQ', ctl, insn, x)


RW, RS, RC, RWI, RSI, RCI = 1, 2, 3, 5, 6, 7
TO_S, TO_U, SIP_HV = 4, 6, 8
vcsr = {
    'sstatus_all_ones': csr_rec(RW, 5, 6, 0x100, ~0 & (2**64 - 1)) + csr_rec(RS, 7, 0, 0x100),
    'satp_modes': csr_rec(RW, 5, 6, 0x180, 8 << 60 | 0x80123) +
    csr_rec(RW, 5, 6, 0x180, 9 << 60 | 1) + csr_rec(RW, 5, 6, 0x180, 10 << 60 | 1),
    'stvec_vectored_reserved': csr_rec(RWI, 0, 1, 0x105) + csr_rec(RW, 3, 4, 0x105, 0x80000002),
    'sip_with_hv_bits': csr_rec(RS, 1, 2, 0x144, 0x222, ctl=SIP_HV | 0x30) +
    csr_rec(RC, 1, 2, 0x144, 0x222),
    'counters_from_u': csr_rec(RWI, 0, 5, 0x106) + csr_rec(RS, 1, 0, 0xc00, ctl=TO_U) +
    csr_rec(RS, 1, 0, 0xc01, ctl=TO_U) + csr_rec(RS, 1, 0, 0xc02, ctl=TO_U) +
    csr_rec(RSI, 1, 1, 0xc01, ctl=TO_U),
    's_csr_from_u': csr_rec(RS, 1, 0, 0x100, ctl=TO_U) + csr_rec(RS, 1, 0, 0x140, ctl=TO_S),
    'machine_and_unknown': csr_rec(RS, 1, 0, 0x300) + csr_rec(RS, 1, 0, 0x14d) +
    csr_rec(RS, 1, 0, 0xc03) + csr_rec(RW, 1, 2, 0xda0),
    'senvcfg_sepc_odd': csr_rec(RW, 1, 2, 0x10a, 2**64 - 1) + csr_rec(RW, 1, 2, 0x141, 0x80000001) +
    csr_rec(RCI, 1, 31, 0x141),
    'not_zicsr': csr_rec(0, 0, 0, 0x105) + csr_rec(4, 1, 2, 0x100) +
    struct.pack('<BIQ', 1, 0x10500073, 0),
}
os.makedirs('tests/fuzz/corpus/vcsr', exist_ok=True)
for name, data in vcsr.items():
    with open(f'tests/fuzz/corpus/vcsr/{name}', 'wb') as f:
        f.write(data)


# The MMIO emulation path (vmem_fuzz.c): flags, page kinds, the fault's
# page and offset, the instruction, pc offset, aim, then x1.. and RAM.
PAGES = [1, 3, 4, 5, 6, 2, 7, 0]  # RAM, byte dev, word dev, nothing, exec-only U, RO, other, none
AIM, FETCH_FAILS, SV, VU, SUM_, MXR_ = 0x40, 0x20, 0, 1, 2, 4
LOADF, STOREF, FETCHF = 0, 0x10, 0x18


def fault(flags, page, off, insn, pc_off=0x100, aim=0, pages=PAGES):
    kinds = sum(k << (3 * i) for i, k in enumerate(pages))
    return struct.pack('<B', flags) + kinds.to_bytes(3, 'little') + \
        (page << 12 | off).to_bytes(3, 'little') + struct.pack('<IHB', insn, pc_off, aim)


LW, SW, SB, LD, FLD, LR_W, C_LW = 0x0005a503, 0x00b52023, 0x00b50023, 0x0005b503, 0x0005b507, \
    0x1005a52f, 0x4188
AMOADD_W = 0x00b6252f
vmem = {
    'lw_byte_dev': fault(AIM | LOADF, 1, 0x10, LW),
    'c_lw_byte_dev_vu': fault(AIM | VU | LOADF, 1, 0x24, C_LW),
    'sw_word_dev': fault(AIM | STOREF, 2, 0x4, SW),
    'sb_word_dev_refused': fault(AIM | STOREF, 2, 0x4, SB),
    'lw_ram_into_dev': fault(AIM | LOADF, 1, 0, LW, aim=2),
    'sw_ram_into_dev': fault(AIM | STOREF, 1, 0, SW, aim=1),
    'ld_exec_only_sum_mxr': fault(AIM | SUM_ | MXR_ | LOADF, 4, 0x40, LD),
    'ld_exec_only_across': fault(AIM | SUM_ | MXR_ | LOADF, 4, 0xffc, LD),
    'fld_exec_only': fault(AIM | SUM_ | MXR_ | LOADF, 4, 0x80, FLD),
    'lr_exec_only': fault(AIM | SUM_ | MXR_ | LOADF, 4, 0x88, LR_W),
    'amo_exec_only': fault(AIM | SUM_ | MXR_ | LOADF, 4, 0x90, AMOADD_W),
    'not_aimed': fault(LOADF, 1, 0x10, LW),
    'fetch_fails': fault(AIM | FETCH_FAILS | LOADF, 1, 0x10, LW),
    'pc_at_page_end': fault(AIM | LOADF, 1, 0x10, LW, pc_off=0xffe, aim=0x80),
    'no_memory': fault(AIM | LOADF, 3, 0x10, LW),
    'unmapped_store': fault(AIM | STOREF, 7, 0x10, SW),
    'ram_fill': fault(AIM | LOADF, 0, 0x10, LW),
    'fetch_exec_only_vu': fault(VU | MXR_ | FETCHF, 4, 0x100, LW),
}
os.makedirs('tests/fuzz/corpus/vmem', exist_ok=True)
for name, data in vmem.items():
    with open(f'tests/fuzz/corpus/vmem/{name}', 'wb') as f:
        f.write(data)
