# Bare-metal S-mode test guests: built as ELF (native runs: -kernel) and
# raw binaries (under the hypervisor: -initrd, loaded at 0x80200000).
GUEST_NAMES := hello csr_basic trap_ucall illegal_csr escape sbi csr_diff sbi_conf uart \
               mmio_attack vm_basic vm_attack vm_window vblk timer plic plic_attack \
               vblk_attack vblk_irq smp hsm_stop insn_fetch split_access \
               legacy_mask csr_batch ram_zero
GUEST_MODES ?= native-stub native-opensbi hv-stub hv-opensbi hv-sliced
# The modes of a guest that names none below.
GUEST_MODES_ALL := native-stub native-opensbi hv-stub hv-opensbi
# Per-guest mode lists (default: all of GUEST_MODES). sbi_conf checks the
# hypervisor's SBI, natively the firmware's is a different one.
GUEST_MODES_sbi_conf := hv-stub hv-opensbi
# vm_attack needs the hypervisor's guest-physical map (128 MiB of RAM, only
# the UART emulated); natively the same PTEs reach RAM and devices.
GUEST_MODES_vm_attack := hv-stub hv-opensbi
# mmio_attack checks the hypervisor's answers to MMIO the UART cannot take.
GUEST_MODES_mmio_attack := hv-stub hv-opensbi
# vm_window ends in a hypervisor stop: checked by vm_window.expect (run.sh).
GUEST_MODES_vm_window := hv-stub hv-opensbi
# So does hsm_stop (natively its hart would wait for ever).
GUEST_MODES_hsm_stop := hv-stub hv-opensbi
# The M-stub has no SBI v0.1 IPIs or fences: legacy_mask checks OpenSBI's.
GUEST_MODES_legacy_mask := native-opensbi hv-stub hv-opensbi
# plic_attack checks the hypervisor's PLIC answers; QEMU's own PLIC answers
# other widths and unowned sources differently.
GUEST_MODES_plic_attack := hv-stub hv-opensbi
# vblk_attack checks the hypervisor's virtio-blk answers; QEMU's own device
# answers malformed chains differently.
GUEST_MODES_vblk_attack := hv-stub hv-opensbi
# vblk_irq checks that the real disk's interrupt waits for the guest's.
GUEST_MODES_vblk_irq := hv-stub hv-opensbi
# Harts a guest runs on (QEMU -smp; under the hypervisor, its vCPUs): 1
# unless named here. smp also runs with its two vCPUs on one host hart.
GUEST_SMP_smp := 2
GUEST_MODES_smp := $(GUEST_MODES_ALL) hv-sliced
# Each guest's runs, as name:mode:harts.
guest_modes = $(filter $(or $(GUEST_MODES_$(1)),$(GUEST_MODES_ALL)),$(GUEST_MODES))
GUEST_RUNS := $(foreach g,$(GUEST_NAMES),$(foreach m,$(call guest_modes,$(g)),\
                $(g):$(m):$(or $(GUEST_SMP_$(g)),1)))

# Guests that run in pairs, by isolation.sh (make guest-isolation).
GUEST_PAIR_NAMES := secret_keeper secret_seeker
# Guests whose digests are compared between modes (make guest-diff,
# make guest-random), not run by guest-tests.
GUEST_DIFF_NAMES := rand_insn
# Guests that run under a harness of their own (disk_faults.sh).
GUEST_HARNESS_NAMES := vblk_faults

GUEST_BUILD := $(BUILD)/guests
GUEST_ALL_NAMES := $(GUEST_NAMES) $(GUEST_PAIR_NAMES) $(GUEST_DIFF_NAMES) $(GUEST_HARNESS_NAMES)
GUEST_ELFS  := $(GUEST_ALL_NAMES:%=$(GUEST_BUILD)/%.elf)
GUEST_BINS  := $(GUEST_ALL_NAMES:%=$(GUEST_BUILD)/%.bin)
DEMO_GUEST  := $(GUEST_BUILD)/hello.bin

# Shared by every guest; rt.c is built per guest (it carries the name).
GUEST_RT_SRCS := tests/guests/rt/crt0.S tests/guests/rt/trap.S \
                 src/lib/sbi.c src/lib/printf.c src/lib/string.c
GUEST_RT_OBJS := $(patsubst %,$(GUEST_BUILD)/rt/%.o,$(basename $(GUEST_RT_SRCS)))

$(GUEST_BUILD)/rt/%.o: %.c
	@mkdir -p $(@D)
	@echo "  CC      $@"
	$(Q)$(TCC) $(TARGET_CFLAGS) -c $< -o $@

$(GUEST_BUILD)/rt/%.o: %.S
	@mkdir -p $(@D)
	@echo "  CC      $@"
	$(Q)$(TCC) $(TARGET_CFLAGS) -c $< -o $@

$(GUEST_BUILD)/%/main.o: tests/guests/%.c
	@mkdir -p $(@D)
	@echo "  CC      $@"
	$(Q)$(TCC) $(TARGET_CFLAGS) -Itests/guests -c $< -o $@

$(GUEST_BUILD)/%/rt.o: tests/guests/rt/rt.c
	@mkdir -p $(@D)
	@echo "  CC      $@"
	$(Q)$(TCC) $(TARGET_CFLAGS) -Itests/guests -DRT_GUEST_NAME='"$*"' -c $< -o $@

$(GUEST_BUILD)/%.elf: $(GUEST_BUILD)/%/main.o $(GUEST_BUILD)/%/rt.o $(GUEST_RT_OBJS) \
                      tests/guests/rt/guest.ld
	@echo "  CC      $@"
	$(Q)$(TCC) $(TARGET_CFLAGS) -T tests/guests/rt/guest.ld \
		$(filter %.o,$^) -o $@ $(TARGET_LDFLAGS) -Wl,--no-warn-rwx-segments

$(GUEST_BUILD)/%.bin: $(GUEST_BUILD)/%.elf
	@echo "  OBJCOPY $@"
	$(Q)$(TOBJCOPY) -O binary $< $@

.PRECIOUS: $(GUEST_BUILD)/%/main.o $(GUEST_BUILD)/%/rt.o $(GUEST_BUILD)/%.elf

# Every guest in every mode; one line per run, then a total.
GUEST_TEST_DEPS := $(MSTUB_ELF) $(GUEST_ELFS) $(GUEST_BINS) \
                   $(if $(filter hv-%,$(GUEST_MODES)),$(HV_ELF))

guest-tests: $(GUEST_TEST_DEPS)
	@pass=0; fail=0; \
	for r in $(GUEST_RUNS); do \
	  set -- $$(echo $$r | tr : ' '); \
	  if BUILD=$(BUILD) QEMU=$(QEMU) OPENSBI_FW=$(OPENSBI_FW) HV_ELF=$(HV_ELF) SMP=$$3 \
	     ./tests/guests/run.sh $$1 $$2; then \
	    pass=$$((pass + 1)); else fail=$$((fail + 1)); fi; \
	done; \
	echo "guest-tests: $$pass passed, $$fail failed"; \
	[ $$fail -eq 0 ]

# Differential CSR test: csr_diff natively on the stub (QEMU's CPU with the
# virtual CPU profile) is the reference; under the hypervisor (on the stub
# and on OpenSBI) every group digest must be the same. GUEST_DIFF_KNOWN
# names group@mode differences that are known (printed, not counted):
# umode@hv-opensbi: OpenSBI 1.1 keeps illegal-instruction traps in M-mode
# and answers U-mode counter reads there itself, so a guest user process
# reads a counter its guest kernel disabled (in scounteren) without the
# trap the hypervisor would deliver. On the M-stub the trap arrives.
GUEST_DIFF_REF   := native-stub
GUEST_DIFF_MODES := hv-stub hv-opensbi
GUEST_DIFF_KNOWN ?= umode@hv-opensbi

guest-diff: $(MSTUB_ELF) $(HV_ELF) $(GUEST_BUILD)/csr_diff.elf $(GUEST_BUILD)/csr_diff.bin
	$(Q)BUILD=$(BUILD) QEMU=$(QEMU) OPENSBI_FW=$(OPENSBI_FW) HV_ELF=$(HV_ELF) \
	KNOWN="$(GUEST_DIFF_KNOWN)" \
	./tests/guests/diff.sh csr_diff $(GUEST_DIFF_REF) $(GUEST_DIFF_MODES)

.PHONY: guest-diff

# Random instructions (rand_insn.c), about a million per privilege, on
# the machine and under the hypervisor on both firmwares, on host harts
# with and without the H extension; the accepted differences are in
# rand_insn.known (random.sh says how it is enforced).
.PHONY: guest-random
guest-random: $(MSTUB_ELF) $(HV_ELF) $(GUEST_BUILD)/rand_insn.elf $(GUEST_BUILD)/rand_insn.bin
	$(Q)BUILD=$(BUILD) QEMU=$(QEMU) OPENSBI_FW=$(OPENSBI_FW) HV_ELF=$(HV_ELF) \
	./tests/guests/random.sh

# The real disk failing under a guest, and the machine powered off in the
# middle of its writes (disk_faults.sh says what is checked).
.PHONY: disk-faults
disk-faults: $(MSTUB_ELF) $(HV_ELF) $(GUEST_BUILD)/vblk_faults.bin
	@set -e; for fw in stub opensbi; do \
	  BUILD=$(BUILD) QEMU=$(QEMU) OPENSBI_FW=$(OPENSBI_FW) HV_ELF=$(HV_ELF) \
	    ./tests/guests/disk_faults.sh $$fw; done

# Two guests at once under the hypervisor, on the stub and on OpenSBI: one
# keeps a secret in its RAM and on its disk, the other attacks and reboots
# (isolation.sh says what is checked).
.PHONY: guest-isolation
guest-isolation: $(MSTUB_ELF) $(HV_ELF) $(GUEST_PAIR_NAMES:%=$(GUEST_BUILD)/%.bin)
	@set -e; for fw in stub opensbi; do \
	  BUILD=$(BUILD) QEMU=$(QEMU) OPENSBI_FW=$(OPENSBI_FW) HV_ELF=$(HV_ELF) \
	    ./tests/guests/isolation.sh $$fw; done
