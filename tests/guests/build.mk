# Bare-metal S-mode test guests: built as ELF (native runs: -kernel) and
# raw binaries (under the hypervisor: -initrd, loaded at 0x80200000).
GUEST_NAMES := hello csr_basic trap_ucall illegal_csr escape sbi
GUEST_MODES ?= native-stub native-opensbi hv-stub hv-opensbi

GUEST_BUILD := $(BUILD)/guests
GUEST_ELFS  := $(GUEST_NAMES:%=$(GUEST_BUILD)/%.elf)
GUEST_BINS  := $(GUEST_NAMES:%=$(GUEST_BUILD)/%.bin)
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
	for g in $(GUEST_NAMES); do \
	  for m in $(GUEST_MODES); do \
	    if BUILD=$(BUILD) QEMU=$(QEMU) OPENSBI_FW=$(OPENSBI_FW) HV_ELF=$(HV_ELF) \
	       ./tests/guests/run.sh $$g $$m; then \
	      pass=$$((pass + 1)); else fail=$$((fail + 1)); fi; \
	  done; \
	done; \
	echo "guest-tests: $$pass passed, $$fail failed"; \
	[ $$fail -eq 0 ]
