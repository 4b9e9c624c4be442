/*
 * RISC-V encodings used by every part of the project: CSR numbers, CSR
 * fields, trap causes, page-table bits and SBI numbers, named as the
 * privileged spec (1.12) and the SBI spec (2.0) name them. No other file
 * spells these numbers.
 */
#ifndef ENCODING_H
#define ENCODING_H

/* Constants shared with assembly, where C's integer suffixes are invalid. */
#ifdef __ASSEMBLER__
#define UL(x) x
#else
#define UL(x) x##UL
#endif

#define BIT(n) (UL(1) << (n))

/* Privilege levels, as in mstatus.MPP / sstatus.SPP. */
#define PRV_U UL(0)
#define PRV_S UL(1)
#define PRV_M UL(3)

/* CSR numbers: supervisor level. */
#define CSR_SSTATUS    0x100
#define CSR_SIE        0x104
#define CSR_STVEC      0x105
#define CSR_SCOUNTEREN 0x106
#define CSR_SENVCFG    0x10a
#define CSR_SSCRATCH   0x140
#define CSR_SEPC       0x141
#define CSR_SCAUSE     0x142
#define CSR_STVAL      0x143
#define CSR_SIP        0x144
#define CSR_STIMECMP   0x14d
#define CSR_SATP       0x180

/* CSR numbers: user-level counters. */
#define CSR_CYCLE   0xc00
#define CSR_TIME    0xc01
#define CSR_INSTRET 0xc02

/* CSR numbers: machine level (M-stub only). */
#define CSR_MSTATUS    0x300
#define CSR_MISA       0x301
#define CSR_MEDELEG    0x302
#define CSR_MIDELEG    0x303
#define CSR_MIE        0x304
#define CSR_MTVEC      0x305
#define CSR_MCOUNTEREN 0x306
#define CSR_MENVCFG    0x30a
#define CSR_MSCRATCH   0x340
#define CSR_MEPC       0x341
#define CSR_MCAUSE     0x342
#define CSR_MTVAL      0x343
#define CSR_MIP        0x344
#define CSR_PMPCFG0    0x3a0
#define CSR_PMPADDR0   0x3b0
#define CSR_PMPADDR1   0x3b1
#define CSR_PMPADDR2   0x3b2
#define CSR_MVENDORID  0xf11
#define CSR_MARCHID    0xf12
#define CSR_MIMPID     0xf13
#define CSR_MHARTID    0xf14

/* CSR address fields (privileged spec 2.1): bits 9:8 give the lowest
 * privilege allowed to access, bits 11:10 == 3 mark read-only CSRs. */
#define CSR_ADDR_PRIV(csr)     (((csr) >> 8) & 3U)
#define CSR_ADDR_READONLY(csr) ((((csr) >> 10) & 3U) == 3U)

/* mstatus / sstatus fields. */
#define SSTATUS_SIE  BIT(1)
#define MSTATUS_MIE  BIT(3)
#define SSTATUS_SPIE BIT(5)
#define SSTATUS_UBE  BIT(6)
#define MSTATUS_MPIE BIT(7)
#define SSTATUS_SPP  BIT(8)
#define MSTATUS_MPP_SHIFT 11
#define MSTATUS_MPP  (UL(3) << MSTATUS_MPP_SHIFT)
#define SSTATUS_FS_SHIFT 13
#define SSTATUS_FS   (UL(3) << SSTATUS_FS_SHIFT)
#define SSTATUS_XS   (UL(3) << 15)
#define MSTATUS_MPRV BIT(17)
#define SSTATUS_SUM  BIT(18)
#define SSTATUS_MXR  BIT(19)
#define SSTATUS_UXL_SHIFT 32
#define SSTATUS_UXL  (UL(3) << SSTATUS_UXL_SHIFT)
#define SSTATUS_SD   BIT(63)
#define XLEN_64 UL(2)
#define FS_OFF     UL(0)
#define FS_INITIAL UL(1)
#define FS_CLEAN   UL(2)
#define FS_DIRTY   UL(3)

/* Interrupt numbers and the matching sie/sip/mie/mip bits. */
#define IRQ_S_SOFT  1
#define IRQ_M_SOFT  3
#define IRQ_S_TIMER 5
#define IRQ_M_TIMER 7
#define IRQ_S_EXT   9
#define IRQ_M_EXT   11
#define MIP_SSIP BIT(IRQ_S_SOFT)
#define MIP_MSIP BIT(IRQ_M_SOFT)
#define MIP_STIP BIT(IRQ_S_TIMER)
#define MIP_MTIP BIT(IRQ_M_TIMER)
#define MIP_SEIP BIT(IRQ_S_EXT)
#define MIP_MEIP BIT(IRQ_M_EXT)

/* xcause: interrupt flag and exception codes. */
#define CAUSE_INTERRUPT           BIT(63)
#define CAUSE_MISALIGNED_FETCH    0
#define CAUSE_FETCH_ACCESS        1
#define CAUSE_ILLEGAL_INSTRUCTION 2
#define CAUSE_BREAKPOINT          3
#define CAUSE_MISALIGNED_LOAD     4
#define CAUSE_LOAD_ACCESS         5
#define CAUSE_MISALIGNED_STORE    6
#define CAUSE_STORE_ACCESS        7
#define CAUSE_USER_ECALL          8
#define CAUSE_SUPERVISOR_ECALL    9
#define CAUSE_MACHINE_ECALL       11
#define CAUSE_FETCH_PAGE_FAULT    12
#define CAUSE_LOAD_PAGE_FAULT     13
#define CAUSE_STORE_PAGE_FAULT    15
#define CAUSE_EXCEPTION_COUNT     16

/* stvec / mtvec. */
#define TVEC_MODE_MASK     UL(3)
#define TVEC_MODE_DIRECT   UL(0)
#define TVEC_MODE_VECTORED UL(1)

/* satp (Sv39 and Bare only are ever used here). */
#define SATP_MODE_SHIFT 60
#define SATP_MODE       (UL(0xf) << SATP_MODE_SHIFT)
#define SATP_MODE_BARE  UL(0)
#define SATP_MODE_SV39  UL(8)
#define SATP_MODE_SV48  UL(9)
#define SATP_MODE_SV57  UL(10)
#define SATP_ASID_SHIFT 44
#define SATP_ASID       (UL(0xffff) << SATP_ASID_SHIFT)
#define SATP_PPN        ((UL(1) << 44) - 1)

/* mcounteren / scounteren. */
#define COUNTEREN_CY BIT(0)
#define COUNTEREN_TM BIT(1)
#define COUNTEREN_IR BIT(2)

/* senvcfg (Zicbom/Zicboz fields). */
#define SENVCFG_FIOM  BIT(0)
#define SENVCFG_CBIE  (UL(3) << 4)
#define SENVCFG_CBCFE BIT(6)
#define SENVCFG_CBZE  BIT(7)

/* menvcfg. */
#define MENVCFG_STCE BIT(63)

/* Page tables (Sv39). */
#define PAGE_SHIFT 12
#define PAGE_SIZE  (UL(1) << PAGE_SHIFT)
#define MEGAPAGE_SIZE (UL(1) << 21)
#define PTE_V BIT(0)
#define PTE_R BIT(1)
#define PTE_W BIT(2)
#define PTE_X BIT(3)
#define PTE_U BIT(4)
#define PTE_G BIT(5)
#define PTE_A BIT(6)
#define PTE_D BIT(7)
#define PTE_RSW (UL(3) << 8)
#define PTE_PPN_SHIFT 10
#define PTE_PPN_BITS  44
#define PTE_PPN_MASK  ((UL(1) << PTE_PPN_BITS) - 1) /* after >> PTE_PPN_SHIFT */
#define PTE_RESERVED  (UL(0x7f) << 54) /* bits 60:54 */
#define PTE_PBMT      (UL(3) << 61)    /* Svpbmt */
#define PTE_N         BIT(63)          /* Svnapot */
#define PTE_HIGH      (PTE_RESERVED | PTE_PBMT | PTE_N) /* bits 63:54 */
#define PTE_SIZE 8
#define SV39_LEVELS 3
#define SV39_VPN_BITS 9
#define SV39_PTES_PER_TABLE 512
#define SV39_VA_BITS 39

/* PMP configuration. */
#define PMP_R     UL(0x01)
#define PMP_W     UL(0x02)
#define PMP_X     UL(0x04)
#define PMP_A_TOR   UL(0x08)
#define PMP_A_NAPOT UL(0x18)

/* Instruction encodings needed for trap-and-emulate. */
#define INSN_OPCODE(i)    ((i) & 0x7fU)
#define INSN_RD(i)        (((i) >> 7) & 0x1fU)
#define INSN_FUNCT3(i)    (((i) >> 12) & 0x7U)
#define INSN_RS1(i)       (((i) >> 15) & 0x1fU)
#define INSN_RS2(i)       (((i) >> 20) & 0x1fU)
#define INSN_CSR(i)       (((i) >> 20) & 0xfffU)
#define INSN_FUNCT7(i)    (((i) >> 25) & 0x7fU)
#define INSN_IS_COMPRESSED(i) (((i) & 3U) != 3U)
#define OPCODE_LOAD       0x03U
#define OPCODE_LOAD_FP    0x07U
#define OPCODE_STORE      0x23U
#define OPCODE_AMO        0x2fU
#define OPCODE_SYSTEM     0x73U
/* The fields below are cut with / and % rather than shifts and masks:
 * the provers bound x % 2^n, not x & (2^n - 1) (see spec/mmio.acsl). */
#define INSN_FUNCT5(i)    ((i) / 0x8000000U % 32U)
#define AMO_FUNCT5_LR     0x02U
#define REG_SP            2U
/* Immediates of I-type (loads) and S-type (stores): 12-bit fields, to be
 * sign-extended. */
#define INSN_IMM_I(i)     ((i) / 0x100000U % 0x1000U)
#define INSN_IMM_S(i)     ((i) / 0x2000000U % 128U * 32U + (i) / 128U % 32U)
/* Compressed (RVC) fields: quadrant (bits 1:0), funct3 (15:13), the 3-bit
 * registers rd'/rs2' (4:2) and rs1' (9:7) meaning x8..x15, rd (11:7) and
 * rs2 (6:2). */
#define INSN_C_QUADRANT(i)  ((i) % 4U)
#define INSN_C_FUNCT3(i)    ((i) / 0x2000U % 8U)
#define INSN_C_RD_PRIME(i)  (8U + (i) / 4U % 8U)
#define INSN_C_RS1_PRIME(i) (8U + (i) / 128U % 8U)
#define INSN_C_RD(i)        ((i) / 128U % 32U)
#define INSN_C_RS2(i)       ((i) / 4U % 32U)
/* RVC load/store offsets (zero-extended), bit by bit as the ISA manual
 * gives them (inst[b] is (i) / 2^b % 2). c.lw/c.sw: [5:3] = inst[12:10],
 * [2] = inst[6], [6] = inst[5]. */
#define INSN_C_OFF_W(i) ((i) / 1024U % 8U * 8U + (i) / 64U % 2U * 4U + (i) / 32U % 2U * 64U)
/* c.ld/c.sd/c.fld: [5:3] = inst[12:10], [7:6] = inst[6:5]. */
#define INSN_C_OFF_D(i) ((i) / 1024U % 8U * 8U + (i) / 32U % 4U * 64U)
/* c.lwsp: [5] = inst[12], [4:2] = inst[6:4], [7:6] = inst[3:2]. */
#define INSN_C_OFF_LWSP(i) ((i) / 4096U % 2U * 32U + (i) / 16U % 8U * 4U + (i) / 4U % 4U * 64U)
/* c.ldsp/c.fldsp: [5] = inst[12], [4:3] = inst[6:5], [8:6] = inst[4:2]. */
#define INSN_C_OFF_LDSP(i) ((i) / 4096U % 2U * 32U + (i) / 32U % 4U * 8U + (i) / 4U % 8U * 64U)
/* c.swsp: [5:2] = inst[12:9], [7:6] = inst[8:7]. */
#define INSN_C_OFF_SWSP(i) ((i) / 512U % 16U * 4U + (i) / 128U % 4U * 64U)
/* c.sdsp: [5:3] = inst[12:10], [8:6] = inst[9:7]. */
#define INSN_C_OFF_SDSP(i) ((i) / 1024U % 8U * 8U + (i) / 128U % 8U * 64U)
#define FUNCT3_PRIV       0U
#define FUNCT3_CSRRW      1U
#define FUNCT3_CSRRS      2U
#define FUNCT3_CSRRC      3U
#define FUNCT3_CSRRWI     5U
#define FUNCT3_CSRRSI     6U
#define FUNCT3_CSRRCI     7U
#define INSN_ECALL        0x00000073U
#define INSN_EBREAK       0x00100073U
#define INSN_SRET         0x10200073U
#define INSN_WFI          0x10500073U
#define FUNCT7_SFENCE_VMA 0x09U

/* SBI (spec v2.0): extension ids, function ids, error codes. */
#define SBI_SPEC_VERSION_2_0 UL(0x02000000)
#define SBI_EXT_LEGACY_SET_TIMER     0x00
#define SBI_EXT_LEGACY_PUTCHAR       0x01
#define SBI_EXT_LEGACY_GETCHAR       0x02
#define SBI_EXT_LEGACY_CLEAR_IPI     0x03
#define SBI_EXT_LEGACY_SEND_IPI      0x04
#define SBI_EXT_LEGACY_REMOTE_FENCE_I 0x05
#define SBI_EXT_LEGACY_REMOTE_SFENCE_VMA 0x06
#define SBI_EXT_LEGACY_REMOTE_SFENCE_VMA_ASID 0x07
#define SBI_EXT_LEGACY_SHUTDOWN      0x08
#define SBI_EXT_BASE 0x10
#define SBI_EXT_TIME 0x54494d45
#define SBI_EXT_IPI  0x735049
#define SBI_EXT_RFENCE 0x52464e43
#define SBI_EXT_HSM  0x48534d
#define SBI_EXT_SRST 0x53525354
#define SBI_EXT_DBCN 0x4442434e
#define SBI_BASE_GET_SPEC_VERSION   0
#define SBI_BASE_GET_IMPL_ID        1
#define SBI_BASE_GET_IMPL_VERSION   2
#define SBI_BASE_PROBE_EXTENSION    3
#define SBI_BASE_GET_MVENDORID      4
#define SBI_BASE_GET_MARCHID        5
#define SBI_BASE_GET_MIMPID         6
#define SBI_TIME_SET_TIMER          0
#define SBI_IPI_SEND_IPI            0
#define SBI_RFENCE_REMOTE_FENCE_I   0
#define SBI_RFENCE_REMOTE_SFENCE_VMA 1
#define SBI_RFENCE_REMOTE_SFENCE_VMA_ASID 2
#define SBI_HSM_HART_START          0
#define SBI_HSM_HART_STOP           1
#define SBI_HSM_HART_GET_STATUS     2
#define SBI_HSM_HART_SUSPEND        3
#define SBI_HSM_STATE_STARTED       0
#define SBI_HSM_STATE_STOPPED       1
#define SBI_HSM_STATE_START_PENDING 2
#define SBI_HSM_STATE_STOP_PENDING  3
#define SBI_HSM_STATE_SUSPENDED     4
#define SBI_HSM_STATE_SUSPEND_PENDING 5
#define SBI_HSM_STATE_RESUME_PENDING 6
#define SBI_HSM_SUSPEND_RETENTIVE   UL(0x00000000)
#define SBI_HSM_SUSPEND_NON_RETENTIVE UL(0x80000000)
/* Suspend types from here to 0x7fffffff and from 0x80000001 to
 * 0x8fffffff are reserved; from 0x10000000 and 0x90000000 on, platform's. */
#define SBI_HSM_SUSPEND_RET_PLATFORM    UL(0x10000000)
#define SBI_HSM_SUSPEND_NONRET_PLATFORM UL(0x90000000)
#define SBI_SRST_SYSTEM_RESET       0
#define SBI_SRST_TYPE_SHUTDOWN      0
#define SBI_SRST_TYPE_COLD_REBOOT   1
#define SBI_SRST_TYPE_WARM_REBOOT   2
#define SBI_SRST_REASON_NONE        0
#define SBI_SRST_REASON_SYSFAIL     1
#define SBI_DBCN_WRITE              0
#define SBI_DBCN_READ               1
#define SBI_DBCN_WRITE_BYTE         2
#define SBI_SUCCESS                 0L
#define SBI_ERR_FAILED             (-1L)
#define SBI_ERR_NOT_SUPPORTED      (-2L)
#define SBI_ERR_INVALID_PARAM      (-3L)
#define SBI_ERR_DENIED             (-4L)
#define SBI_ERR_INVALID_ADDRESS    (-5L)
#define SBI_ERR_ALREADY_AVAILABLE  (-6L)

#define SBI_IMPL_ID_OPENSBI UL(1)
/* Our SBI implementation ids (experimental range is not reserved by the
 * spec, so pick values no registered implementation uses). */
#define SBI_IMPL_ID_MSTUB UL(0x7f01)
#define SBI_IMPL_ID_HV    UL(0x7f02)

#endif
