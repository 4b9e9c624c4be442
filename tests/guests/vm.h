/*
 * Sv39 helpers shared by the virtual-memory test guests (vm_basic,
 * vm_attack, vm_window): page-table entries, satp values, the four
 * sfence.vma forms, and accesses (S-mode and U-mode) that either succeed
 * or trap, checked against the expected scause/stval.
 *
 * The guests map their own image identity (VA = PA) so that code, data,
 * stack and stvec stay valid once satp is on; DBCN takes physical
 * addresses, which identity mapping keeps equal to the virtual ones.
 * Physical addresses below 0x80200000 belong to the firmware natively
 * (PMP-protected) and are never touched.
 */
#ifndef TESTS_GUESTS_VM_H
#define TESTS_GUESTS_VM_H

#include "rt/rt.h"
#include <stddef.h>

#include "lib/sbi.h"

#define PT_ENTRIES 512
#define PT_ALIGNED __attribute__((aligned(4096)))
#define SZ_4K  UL(0x1000)
#define SZ_2M  UL(0x200000)
#define SZ_1G  UL(0x40000000)

/* Leaf flag sets. */
#define F_RWX_AD (PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D)
#define F_RW_AD  (PTE_V | PTE_R | PTE_W | PTE_A | PTE_D)
#define F_R_A    (PTE_V | PTE_R | PTE_A)

static inline uint64_t pa_of(const volatile void *p)
{
	return (uint64_t)(uintptr_t)p;
}

static inline uint64_t pte_leaf(uint64_t pa, uint64_t flags)
{
	return (pa >> 12) << PTE_PPN_SHIFT | flags;
}

static inline uint64_t pte_table(const volatile void *table)
{
	return (pa_of(table) >> 12) << PTE_PPN_SHIFT | PTE_V;
}

static inline unsigned vpn_of(uint64_t va, unsigned level)
{
	return (unsigned)(va >> (12 + 9 * level)) & (PT_ENTRIES - 1);
}

/* Root slot s as a VA (sign-extended from bit 38). */
static inline uint64_t slot_va(unsigned s)
{
	uint64_t va = (uint64_t)s << 30;
	return s >= 256 ? va | UL(0xffffff8000000000) : va;
}

static inline uint64_t satp_sv39(const volatile void *root, uint64_t asid)
{
	return SATP_MODE_SV39 << SATP_MODE_SHIFT | asid << SATP_ASID_SHIFT |
	       pa_of(root) >> 12;
}

static inline void sfence_all(void)
{
	__asm__ volatile("sfence.vma x0, x0" ::: "memory");
}

/* Translation on through root, whose entry 2 maps the gigabyte at
 * 0x80000000 (the guest's RAM, image included) identity RWX. */
static inline void vm_on(uint64_t *root, uint64_t asid)
{
	root[2] = pte_leaf(UL(0x80000000), F_RWX_AD);
	csr_write(CSR_SATP, satp_sv39(root, asid));
	sfence_all();
}

/* Translation off again. */
static inline void vm_off(void)
{
	csr_write(CSR_SATP, 0);
	sfence_all();
}

static inline void sfence_va(uint64_t va)
{
	__asm__ volatile("sfence.vma %0, x0" ::"r"(va) : "memory");
}

static inline void sfence_asid(uint64_t asid)
{
	__asm__ volatile("sfence.vma x0, %0" ::"r"(asid) : "memory");
}

static inline void sfence_va_asid(uint64_t va, uint64_t asid)
{
	__asm__ volatile("sfence.vma %0, %1" ::"r"(va), "r"(asid) : "memory");
}

/* ---- accesses ---------------------------------------------------------- */

/* Operands of the access functions below (globals: rt_catch passes no
 * arguments). U-mode code reaches them through a U alias. */
extern volatile uint64_t vm_addr, vm_val;

/* A function that just returns: fetch target for successful fetches. */
void vm_ret(void);
/* U-mode snippets (run through rt_user at a U alias of the image): load,
 * store, fetch at vm_addr, then ecall (scause 8 = no fault). */
void vm_u_load(void);
void vm_u_store(void);
void vm_u_fetch(void);

enum vm_kind { VM_LOAD, VM_STORE, VM_FETCH };

static void vm_s_load(void)
{
	vm_val = *(volatile uint64_t *)(uintptr_t)vm_addr;
}

static void vm_s_store(void)
{
	*(volatile uint64_t *)(uintptr_t)vm_addr = vm_val;
}

static void vm_s_fetch(void)
{
	((void (*)(void))(uintptr_t)vm_addr)();
}

static const char *const vm_kind_name[] = { "load", "store", "fetch" };

/* Access va from S-mode; true if it trapped (then *t is the trap). */
static inline bool vm_try(enum vm_kind k, uint64_t va, uint64_t *val, struct rt_trap *t)
{
	static void (*const fns[])(void) = { vm_s_load, vm_s_store, vm_s_fetch };
	*t = (struct rt_trap){ 0, 0, 0 };
	vm_addr = va;
	if (k == VM_STORE)
		vm_val = *val;
	bool trapped = rt_catch(fns[k], t);
	if (!trapped && k == VM_LOAD)
		*val = vm_val;
	return trapped;
}

/* S-mode access at va must trap with cause, stval = va (and for a fetch
 * sepc = va). */
static inline bool vm_expect_fault_at(enum vm_kind k, uint64_t va, uint64_t cause,
				      const char *what, int line)
{
	struct rt_trap t;
	uint64_t v = 0x0123456789abcdefUL;
	bool trapped = vm_try(k, va, &v, &t);
	bool ok = trapped && t.scause == cause && t.stval == va &&
		  (k != VM_FETCH || t.sepc == va);
	if (!ok)
		rt_printf("%s: %s: %s at 0x%lx: want cause %lu, got trapped=%d scause=%lu "
			  "stval=0x%lx sepc=0x%lx\n",
			  rt_guest_name, what, vm_kind_name[k], va, cause, trapped, t.scause,
			  t.stval, t.sepc);
	rt_check(ok, what, __FILE__, line);
	return ok;
}
#define EXPECT_FAULT(k, va, cause, what) vm_expect_fault_at(k, va, cause, what, __LINE__)

/* Load, store and fetch at va each fault: with the page fault of their
 * kind, or (access) with the access fault. */
static inline void vm_expect_faults_at(uint64_t va, bool access, const char *what, int line)
{
	static const uint64_t page_fault[] = { CAUSE_LOAD_PAGE_FAULT, CAUSE_STORE_PAGE_FAULT,
					       CAUSE_FETCH_PAGE_FAULT };
	static const uint64_t access_fault[] = { CAUSE_LOAD_ACCESS, CAUSE_STORE_ACCESS,
						 CAUSE_FETCH_ACCESS };
	for (unsigned k = VM_LOAD; k <= VM_FETCH; k++)
		vm_expect_fault_at((enum vm_kind)k, va, access ? access_fault[k] : page_fault[k],
				   what, line);
}
#define EXPECT_PAGE_FAULTS(va, what) vm_expect_faults_at(va, false, what, __LINE__)
#define EXPECT_ACCESS_FAULTS(va, what) vm_expect_faults_at(va, true, what, __LINE__)

/* S-mode load at va must succeed and read want. */
static inline bool vm_expect_load_at(uint64_t va, uint64_t want, const char *what, int line)
{
	struct rt_trap t;
	uint64_t v = 0;
	bool trapped = vm_try(VM_LOAD, va, &v, &t);
	bool ok = !trapped && v == want;
	if (!ok)
		rt_printf("%s: %s: load at 0x%lx: want 0x%lx, got trapped=%d scause=%lu "
			  "stval=0x%lx value=0x%lx\n",
			  rt_guest_name, what, va, want, trapped, t.scause, t.stval, v);
	rt_check(ok, what, __FILE__, line);
	return ok;
}
#define EXPECT_LOAD(va, want, what) vm_expect_load_at(va, want, what, __LINE__)

/* S-mode store of val at va must succeed. */
static inline bool vm_expect_store_at(uint64_t va, uint64_t val, const char *what, int line)
{
	struct rt_trap t;
	bool trapped = vm_try(VM_STORE, va, &val, &t);
	if (trapped)
		rt_printf("%s: %s: store at 0x%lx trapped: scause=%lu stval=0x%lx\n",
			  rt_guest_name, what, va, t.scause, t.stval);
	rt_check(!trapped, what, __FILE__, line);
	return !trapped;
}
#define EXPECT_STORE(va, val, what) vm_expect_store_at(va, val, what, __LINE__)

/* S-mode fetch at va (which must hold vm_ret's code) must succeed. */
static inline bool vm_expect_fetch_at(uint64_t va, const char *what, int line)
{
	struct rt_trap t;
	uint64_t v = 0;
	bool trapped = vm_try(VM_FETCH, va, &v, &t);
	if (trapped)
		rt_printf("%s: %s: fetch at 0x%lx trapped: scause=%lu stval=0x%lx\n",
			  rt_guest_name, what, va, t.scause, t.stval);
	rt_check(!trapped, what, __FILE__, line);
	return !trapped;
}
#define EXPECT_FETCH(va, what) vm_expect_fetch_at(va, what, __LINE__)

/* U-mode access: fn_alias is a vm_u_* snippet at a VA U-mode may execute.
 * cause 8 (the snippet's ecall) means the access went through. */
static inline bool vm_expect_user_at(uint64_t fn_alias, uint64_t va, uint64_t cause,
				     const char *what, int line)
{
	struct rt_trap t = { 0, 0, 0 };
	vm_addr = va;
	vm_val = 0x5555aaaa5555aaaaUL;
	bool trapped = rt_user((void (*)(void))(uintptr_t)fn_alias, &t);
	bool ok = trapped && t.scause == cause && (cause == CAUSE_USER_ECALL || t.stval == va);
	if (!ok)
		rt_printf("%s: %s: U access at 0x%lx: want cause %lu, got trapped=%d "
			  "scause=%lu stval=0x%lx sepc=0x%lx\n",
			  rt_guest_name, what, va, cause, trapped, t.scause, t.stval, t.sepc);
	rt_check(ok, what, __FILE__, line);
	return ok;
}
#define EXPECT_USER(fn, va, cause, what) vm_expect_user_at(fn, va, cause, what, __LINE__)

/* Running under this project's hypervisor (its SBI implementation ID)? */
static inline bool vm_on_hv(void)
{
	struct sbiret r = sbi_call(SBI_EXT_BASE, SBI_BASE_GET_IMPL_ID, 0, 0, 0);
	return r.error == SBI_SUCCESS && (unsigned long)r.value == SBI_IMPL_ID_HV;
}

/* The definitions, once per guest (include vm.h from one file only). */
volatile uint64_t vm_addr, vm_val;

__asm__(".text\n"
	".balign 4\n"
	".globl vm_ret\n"
	"vm_ret: ret\n"
	".balign 4\n"
	".globl vm_u_load\n"
	"vm_u_load: la t0, vm_addr\n"
	"    ld t0, 0(t0)\n"
	"    ld t1, 0(t0)\n"
	"    ecall\n"
	".balign 4\n"
	".globl vm_u_store\n"
	"vm_u_store: la t0, vm_addr\n"
	"    ld t0, 0(t0)\n"
	"    sd t0, 0(t0)\n"
	"    ecall\n"
	".balign 4\n"
	".globl vm_u_fetch\n"
	"vm_u_fetch: la t0, vm_addr\n"
	"    ld t0, 0(t0)\n"
	"    jalr t0\n"
	"    ecall\n");

#endif
