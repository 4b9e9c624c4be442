# The M-mode stub, loaded by QEMU with -bios at 0x80000000.
MSTUB_ELF  := $(BUILD)/mstub.elf
MSTUB_SRCS := src/mstub/start.S src/mstub/mstub.c src/lib/printf.c src/lib/string.c
MSTUB_OBJS := $(patsubst %,$(BUILD)/mstub/%.o,$(basename $(MSTUB_SRCS)))

$(BUILD)/mstub/%.o: %.c
	@mkdir -p $(@D)
	@echo "  CC      $@"
	$(Q)$(TCC) $(TARGET_CFLAGS) -c $< -o $@

$(BUILD)/mstub/%.o: %.S
	@mkdir -p $(@D)
	@echo "  CC      $@"
	$(Q)$(TCC) $(TARGET_CFLAGS) -c $< -o $@

$(MSTUB_ELF): $(MSTUB_OBJS) src/mstub/mstub.ld
	@echo "  CC      $@"
	$(Q)$(TCC) $(TARGET_CFLAGS) -T src/mstub/mstub.ld $(MSTUB_OBJS) -o $@ $(TARGET_LDFLAGS) -Wl,--no-warn-rwx-segments
