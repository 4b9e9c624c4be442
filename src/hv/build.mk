# The hypervisor: src/hv + the proved core + src/lib + libfdt.

HV_ELF := $(BUILD)/hv.elf
LIBFDT_DIR := $(BUILD)/libfdt/src
LIBFDT_SRCS := fdt.c fdt_ro.c fdt_rw.c fdt_sw.c fdt_wip.c fdt_strerror.c fdt_addresses.c
LIBFDT_OBJS := $(addprefix $(BUILD)/libfdt/,$(LIBFDT_SRCS:.c=.o))

HV_SRCS := $(wildcard src/hv/*.c src/hv/sbi/*.c src/dev/*.c) $(CORE_SRCS) src/lib/printf.c src/lib/string.c \
           src/lib/sbi.c
HV_SRCS := $(filter-out src/hv/asm_offsets.c,$(HV_SRCS))
HV_ASM_SRCS := src/hv/entry.S src/hv/fp.S
HV_OBJS := $(patsubst %.c,$(BUILD)/hv/%.o,$(HV_SRCS)) $(patsubst %.S,$(BUILD)/hv/%.o,$(HV_ASM_SRCS))
HV_ASM_OFFSETS := $(BUILD)/hv/include/hv/asm_offsets.h

$(LIBFDT_DIR)/libfdt.h:
	@./scripts/libfdt.sh $(LIBFDT_DIR)

$(LIBFDT_DIR)/%.c: $(LIBFDT_DIR)/libfdt.h ;

# libfdt is Debian's code, not ours: built with its own warning level.
$(BUILD)/libfdt/%.o: $(LIBFDT_DIR)/%.c
	@mkdir -p $(@D)
	@echo "  CC      $@"
	$(Q)$(TCC) $(TARGET_ARCH) -std=gnu11 -O2 -g -ffreestanding -fno-builtin -nostdlib \
		-Isrc/lib/libc -I$(LIBFDT_DIR) -c $< -o $@

$(BUILD)/hv/%.o: %.c | $(LIBFDT_DIR)/libfdt.h
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(TCC) $(TARGET_CFLAGS) -isystem $(LIBFDT_DIR) -c $< -o $@

$(HV_ASM_OFFSETS): src/hv/asm_offsets.c src/hv/vcpu.h src/hv/hart.h src/hv/shadow.h src/core/vhart.h
	@mkdir -p $(@D)
	@echo "  GEN     $@"
	$(Q)$(TCC) $(TARGET_CFLAGS) -S $< -o $@.s
	$(Q)sed -n 's/^->\([A-Z_0-9]*\) \([0-9]*\).*/#define \1 \2/p' $@.s > $@

$(BUILD)/hv/src/hv/%.o: src/hv/%.S $(HV_ASM_OFFSETS)
	@mkdir -p $(@D)
	@echo "  AS      $<"
	$(Q)$(TCC) $(TARGET_CFLAGS) -I$(BUILD)/hv/include -c $< -o $@

$(HV_ELF): $(HV_OBJS) $(LIBFDT_OBJS) src/hv/hv.ld
	@echo "  LD      $@"
	$(Q)$(TCC) $(TARGET_CFLAGS) -T src/hv/hv.ld -o $@ $(HV_OBJS) $(LIBFDT_OBJS) $(TARGET_LDFLAGS)
