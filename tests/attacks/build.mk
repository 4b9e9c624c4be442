# Attack guests (tests/attacks/*.c), built like the test guests with their
# runtime, run by tests/attacks/run.sh beside secret_keeper.
ATTACK_NAMES := $(sort $(patsubst tests/attacks/%.c,%,$(wildcard tests/attacks/*.c)))
ATTACK_BUILD := $(BUILD)/attacks
ATTACK_BINS  := $(ATTACK_NAMES:%=$(ATTACK_BUILD)/%.bin)

$(ATTACK_BUILD)/%/main.o: tests/attacks/%.c
	@mkdir -p $(@D)
	@echo "  CC      $@"
	$(Q)$(TCC) $(TARGET_CFLAGS) -Itests/guests -Itests/attacks -c $< -o $@

$(ATTACK_BUILD)/%/rt.o: tests/guests/rt/rt.c
	@mkdir -p $(@D)
	@echo "  CC      $@"
	$(Q)$(TCC) $(TARGET_CFLAGS) -Itests/guests -DRT_GUEST_NAME='"$*"' -c $< -o $@

$(ATTACK_BUILD)/%.elf: $(ATTACK_BUILD)/%/main.o $(ATTACK_BUILD)/%/rt.o $(GUEST_RT_OBJS) \
                       tests/guests/rt/guest.ld
	@echo "  CC      $@"
	$(Q)$(TCC) $(TARGET_CFLAGS) -T tests/guests/rt/guest.ld \
		$(filter %.o,$^) -o $@ $(TARGET_LDFLAGS) -Wl,--no-warn-rwx-segments

$(ATTACK_BUILD)/%.bin: $(ATTACK_BUILD)/%.elf
	@echo "  OBJCOPY $@"
	$(Q)$(TOBJCOPY) -O binary $< $@

.PRECIOUS: $(ATTACK_BUILD)/%/main.o $(ATTACK_BUILD)/%/rt.o $(ATTACK_BUILD)/%.elf

# Every attack on the stub and on OpenSBI; one line per run, then a count.
.PHONY: attack-tests
attack-tests: $(MSTUB_ELF) $(HV_ELF) $(GUEST_BUILD)/secret_keeper.bin $(ATTACK_BINS)
	$(Q)BUILD=$(BUILD) QEMU=$(QEMU) OPENSBI_FW=$(OPENSBI_FW) HV_ELF=$(HV_ELF) \
	./tests/attacks/run.sh $(ATTACK_NAMES)
