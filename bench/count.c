/*
 * A QEMU TCG plugin that counts executed instructions for `make bench`: by
 * phase of the boot and by address range, and the hypervisor's instructions
 * per trap, split by what the trap turned out to be.
 *
 * Arguments (all addresses hexadecimal, virtual as the hart fetches them):
 *   out=FILE      where the counts go (key value lines), written at exit
 *   entry=ADDR    the guest kernel's first instruction: phase "boot" ends
 *                 the first time it runs (native) ...
 *   hv=LO-HI      ... or, under the hypervisor, the first time it runs after
 *                 an instruction in [LO, HI), the hypervisor's image in its
 *                 window (its own boot starts at the same physical address)
 *   vector=ADDR   the hypervisor's trap vector: a trap episode starts there
 *   leave=ADDR    the hypervisor's sret to the guest: the episode ends there
 *   mark=NAME@ADDR  (repeated) an episode that runs ADDR before any other
 *                 mark counts as NAME; one that runs none as "other"
 *   profile=FILE  with hv=: how often each hypervisor instruction ran
 *                 (address count lines), for a profile by function
 *
 * Phases: boot (reset to kernel entry), kernel (to the first user-mode
 * instruction, /init), user (to the end). Ranges, by address: firmware
 * [0x80000000, 0x80200000) where the M-mode code lives, and QEMU's reset
 * code below 0x10000 (where no user program runs); hypervisor [LO, HI);
 * guest user below 0x80000000 and in [4 GiB, 256 GiB) (Sv39's user half);
 * the rest is the guest kernel, except that under the hypervisor what runs
 * at physical addresses from 0x80200000 before its window first runs is
 * the hypervisor's own start-up code.
 *
 * -icount makes TCG run one vCPU at a time, so plain globals suffice; an
 * instruction is counted by an inline add, so a block left early by a trap
 * counts only what ran.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <qemu-plugin.h>

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

enum range { R_FIRMWARE, R_HV, R_KERNEL, R_USER, R_COUNT };
static const char *const range_names[R_COUNT] = { "firmware", "hypervisor", "kernel", "user" };

enum phase { P_BOOT, P_KERNEL, P_USER, P_COUNT };
static const char *const phase_names[P_COUNT] = { "boot", "kernel", "user" };

#define MAX_MARKS 16

static uint64_t counts[R_COUNT];
static uint64_t at_phase_start[P_COUNT][R_COUNT];
static enum phase phase = P_BOOT;
static bool hv_ran;

static uint64_t entry = UINT64_MAX, hv_lo, hv_hi, vector = UINT64_MAX, leave = UINT64_MAX;
static char *out_path, *profile_path;
/* With profile=: one counter per 2-byte slot of [hv_lo, hv_hi). */
static uint64_t *profile;

static struct mark {
	const char *name;
	uint64_t addr;
	uint64_t traps, insns;
} marks[MAX_MARKS + 1]; /* the last one: "other" */
static unsigned nmarks;

static bool in_episode;
static int episode_mark = -1;
static uint64_t episode_start;

static enum range range_of(uint64_t va)
{
	if (hv_hi && va >= hv_lo && va < hv_hi)
		return R_HV;
	if (va < 0x10000 || (va >= 0x80000000 && va < 0x80200000))
		return R_FIRMWARE;
	if (va < 0x80000000 || (va >= 0x100000000 && va < 0x4000000000))
		return R_USER;
	return R_KERNEL;
}

static void next_phase(enum phase p)
{
	for (unsigned r = 0; r < R_COUNT; r++)
		at_phase_start[p][r] = counts[r];
	phase = p;
}

/* Called at the start of every block that holds a boundary of interest. */
struct block {
	uint64_t first;
	enum range range;
	bool in_window, has_entry, has_vector;
	int mark;
};

static void block_exec(unsigned int vcpu, void *udata)
{
	const struct block *b = udata;
	(void)vcpu;
	if (phase == P_BOOT && b->has_entry && (!hv_hi || hv_ran))
		next_phase(P_KERNEL);
	else if (phase == P_KERNEL && b->range == R_USER)
		next_phase(P_USER);
	hv_ran |= b->in_window;
	if (b->has_vector && !in_episode) {
		in_episode = true;
		episode_mark = -1;
		episode_start = counts[R_HV];
	}
	if (in_episode && episode_mark < 0 && b->mark >= 0)
		episode_mark = b->mark;
}

/* Runs just before the hypervisor's sret back to the guest. */
static void leave_exec(unsigned int vcpu, void *udata)
{
	(void)vcpu;
	(void)udata;
	if (!in_episode)
		return;
	struct mark *m = &marks[episode_mark >= 0 ? (unsigned)episode_mark : nmarks];
	m->traps++;
	m->insns += counts[R_HV] - episode_start;
	in_episode = false;
}

static void tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	(void)id;
	size_t n = qemu_plugin_tb_n_insns(tb);
	struct block b = { .first = qemu_plugin_insn_vaddr(qemu_plugin_tb_get_insn(tb, 0)),
			   .mark = -1 };
	b.range = range_of(b.first);
	b.in_window = b.range == R_HV;
	/* Before its window runs, the hypervisor starts at physical addresses. */
	if (hv_hi && !hv_ran && b.range == R_KERNEL && b.first >= 0x80200000 &&
	    b.first < 0x100000000)
		b.range = R_HV;
	for (size_t i = 0; i < n; i++) {
		struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
		uint64_t va = qemu_plugin_insn_vaddr(insn);
		enum range r = range_of(va);
		if (b.range == R_HV && r == R_KERNEL)
			r = R_HV;
		qemu_plugin_register_vcpu_insn_exec_inline(insn, QEMU_PLUGIN_INLINE_ADD_U64,
							   &counts[r], 1);
		if (profile && b.in_window)
			qemu_plugin_register_vcpu_insn_exec_inline(
				insn, QEMU_PLUGIN_INLINE_ADD_U64, &profile[(va - hv_lo) / 2], 1);
		b.has_entry |= va == entry;
		b.has_vector |= va == vector;
		if (va == leave)
			qemu_plugin_register_vcpu_insn_exec_cb(insn, leave_exec,
							       QEMU_PLUGIN_CB_NO_REGS, NULL);
		for (unsigned m = 0; m < nmarks && b.mark < 0; m++)
			if (va == marks[m].addr)
				b.mark = (int)m;
	}
	bool wanted = b.range == R_HV || b.has_entry ||
		      (phase != P_USER && b.range == R_USER);
	if (!wanted)
		return;
	struct block *copy = malloc(sizeof(*copy));
	if (!copy)
		abort();
	*copy = b;
	qemu_plugin_register_vcpu_tb_exec_cb(tb, block_exec, QEMU_PLUGIN_CB_NO_REGS, copy);
}

static void at_exit(qemu_plugin_id_t id, void *p)
{
	(void)id;
	(void)p;
	uint64_t by_phase[P_COUNT][R_COUNT] = { { 0 } };
	for (unsigned q = 0; q <= phase; q++)
		for (unsigned r = 0; r < R_COUNT; r++)
			by_phase[q][r] = (q < phase ? at_phase_start[q + 1][r] : counts[r]) -
					 at_phase_start[q][r];
	FILE *f = fopen(out_path, "w");
	if (!f) {
		perror(out_path);
		return;
	}
	fprintf(f, "phases_reached %u\n", (unsigned)phase + 1);
	for (unsigned q = 0; q < P_COUNT; q++)
		for (unsigned r = 0; r < R_COUNT; r++)
			fprintf(f, "insns %s %s %" PRIu64 "\n", phase_names[q], range_names[r],
				by_phase[q][r]);
	for (unsigned m = 0; m <= nmarks; m++)
		if (marks[m].traps)
			fprintf(f, "trap %s %" PRIu64 " %" PRIu64 "\n", marks[m].name,
				marks[m].traps, marks[m].insns);
	fclose(f);
	if (!profile)
		return;
	f = fopen(profile_path, "w");
	if (!f) {
		perror(profile_path);
		return;
	}
	for (uint64_t i = 0; i < (hv_hi - hv_lo) / 2; i++)
		if (profile[i])
			fprintf(f, "%" PRIx64 " %" PRIu64 "\n", hv_lo + 2 * i, profile[i]);
	fclose(f);
}

static bool parse_hex(const char *s, uint64_t *v)
{
	char *end;
	*v = strtoull(s, &end, 16);
	return end != s && *end == '\0';
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info,
					   int argc, char **argv)
{
	(void)info;
	int i;
	for (i = 0; i < argc; i++) {
		char *eq = strchr(argv[i], '=');
		if (!eq)
			goto bad;
		*eq = '\0';
		const char *key = argv[i], *val = eq + 1;
		if (!strcmp(key, "out")) {
			out_path = strdup(val);
		} else if (!strcmp(key, "profile")) {
			profile_path = strdup(val);
		} else if (!strcmp(key, "entry")) {
			if (!parse_hex(val, &entry))
				goto bad;
		} else if (!strcmp(key, "vector")) {
			if (!parse_hex(val, &vector))
				goto bad;
		} else if (!strcmp(key, "leave")) {
			if (!parse_hex(val, &leave))
				goto bad;
		} else if (!strcmp(key, "hv")) {
			char *dash = strchr(val, '-');
			if (!dash)
				goto bad;
			*dash = '\0';
			if (!parse_hex(val, &hv_lo) || !parse_hex(dash + 1, &hv_hi))
				goto bad;
		} else if (!strcmp(key, "mark")) {
			char *at = strchr(val, '@');
			if (!at || nmarks == MAX_MARKS)
				goto bad;
			*at = '\0';
			marks[nmarks].name = strdup(val);
			if (!parse_hex(at + 1, &marks[nmarks].addr))
				goto bad;
			nmarks++;
		} else {
			goto bad;
		}
	}
	if (!out_path || entry == UINT64_MAX) {
		fprintf(stderr, "count: out= and entry= are required\n");
		return -1;
	}
	if (profile_path) {
		if (!hv_hi || hv_hi <= hv_lo) {
			fprintf(stderr, "count: profile= needs hv=\n");
			return -1;
		}
		profile = calloc((hv_hi - hv_lo) / 2, sizeof(*profile));
		if (!profile)
			return -1;
	}
	marks[nmarks].name = "other";
	qemu_plugin_register_vcpu_tb_trans_cb(id, tb_trans);
	qemu_plugin_register_atexit_cb(id, at_exit, NULL);
	return 0;
bad:
	fprintf(stderr, "count: bad argument %s\n", argv[i]);
	return -1;
}
