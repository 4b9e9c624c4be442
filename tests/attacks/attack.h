/*
 * Attack guests (tests/attacks/run.sh): each tries one way out of its
 * guest, as guest 1 beside secret_keeper (guest 0, the victim), and checks
 * that it gets what the machine would give it. The harness types a key
 * once the victim's secret is in place; the attack starts then and ends
 * with its result line, or in a hypervisor stop its <name>.stop file
 * names, or in a loop the machine would loop in too (attack_loops()).
 * Either way the victim must then find its secret intact.
 */
#ifndef TESTS_ATTACKS_ATTACK_H
#define TESTS_ATTACKS_ATTACK_H

#include "lib/sbi.h"
#include "rt/rt.h"

/* Guest RAM as the harness gives it (hv.mem=32M). */
#define ATTACK_RAM_BASE UL(0x80000000)
#define ATTACK_RAM_SIZE (UL(32) << 20)
#define ATTACK_RAM_END (ATTACK_RAM_BASE + ATTACK_RAM_SIZE)

static inline void attack_begin(void)
{
	while (sbi_console_getc() < 0)
		;
	/* The rest of the key's line, so that no attack reads it. */
	while (sbi_console_getc() >= 0)
		;
	rt_printf("%s: attacking\n", rt_guest_name);
}

/* Says that the attack now loops as the machine would (a trap loop, a
 * hart that never yields): the harness lets the victim finish and stops
 * the machine. */
static inline void attack_loops(void)
{
	rt_printf("%s: looping, as the machine would\n", rt_guest_name);
}

/* One instruction word run in S-mode (a code slot, then ret): true if it
 * trapped, with the trap in *t. Include attack.h from one file only. */
extern uint32_t attack_slot[];
__asm__(".section .attack_slot, \"awx\", @progbits\n"
	".balign 8\n"
	".globl attack_slot\n"
	"attack_slot:\n"
	"    .word 0x00000013\n"
	"    .word 0x00008067\n" /* ret */
	".text\n");

static inline bool attack_exec(uint32_t insn, struct rt_trap *t)
{
	*t = (struct rt_trap){ 0, 0, 0 };
	attack_slot[0] = insn;
	__asm__ volatile("fence.i" ::: "memory");
	return rt_catch((void (*)(void))(uintptr_t)attack_slot, t);
}

/* insn must be an illegal instruction: the trap with stval the word. */
static inline bool attack_expect_illegal(uint32_t insn)
{
	struct rt_trap t;
	bool ok = attack_exec(insn, &t) && t.scause == CAUSE_ILLEGAL_INSTRUCTION &&
		  t.stval == insn && t.sepc == (uint64_t)(uintptr_t)attack_slot;
	if (!ok)
		rt_printf("%s: %08x: want an illegal-instruction trap, got scause %lu "
			  "stval 0x%lx\n", rt_guest_name, insn, t.scause, t.stval);
	return rt_check(ok, "illegal instruction", __FILE__, __LINE__);
}

#endif
