# `make unit`: host cmocka tests. Each tests/unit/<name>_test.c is linked
# with the sources and objects listed in UNIT_SRCS_<name>_test and
# UNIT_OBJS_<name>_test: the same files the hypervisor is built from. A
# test provides the accessors its sources call into the shell (fakes).
# UNIT_CFLAGS_<name>_test adds compiler flags for that test.
UNIT_TESTS := $(patsubst tests/unit/%.c,$(BUILD)/unit/%,$(wildcard tests/unit/*_test.c))

# libfdt for the host: Debian's code, built with its own warning level.
HOST_LIBFDT_OBJS := $(LIBFDT_SRCS:%.c=$(BUILD)/unit/libfdt/%.o)
$(BUILD)/unit/libfdt/%.o: $(LIBFDT_DIR)/%.c
	@mkdir -p $(@D)
	@echo "  HOSTCC  $@"
	$(Q)$(HOST_CC) -O1 -g -fsanitize=address,undefined -I$(LIBFDT_DIR) -c $< -o $@

# The CSR and trap core, apart from the walker (which calls guest memory).
CORE_CSR_SRCS := $(filter-out src/core/sv39.c src/core/mmio.c,$(CORE_SRCS))
UNIT_SRCS_vcsr_test := $(CORE_CSR_SRCS)
UNIT_SRCS_vtrap_test := $(CORE_CSR_SRCS)
UNIT_SRCS_vreal_test := $(CORE_CSR_SRCS)
UNIT_SRCS_sv39_test := src/core/sv39.c
UNIT_SRCS_mmio_test := src/core/mmio.c
UNIT_SRCS_uart16550_test := src/dev/uart16550.c
UNIT_SRCS_virtio_blk_test := src/dev/virtio_blk.c src/dev/virtq.c
UNIT_SRCS_plic_test := src/dev/plic.c
UNIT_SRCS_cmdline_test := src/hv/cmdline.c src/lib/printf.c
UNIT_SRCS_guest_dt_test := src/hv/guest_dt.c src/lib/printf.c
UNIT_OBJS_guest_dt_test := $(HOST_LIBFDT_OBJS)
UNIT_SRCS_platform_test := src/hv/platform.c
# string.c's functions under other names, beside the host's.
UNIT_SRCS_string_test := src/lib/string.c
UNIT_CFLAGS_string_test := -D_POSIX_C_SOURCE=200809L $(foreach f,memcpy memmove memset memcmp memchr strlen strnlen strchr \
                             strrchr strcmp strncmp strtoul,-D$(f)=lib_$(f))
UNIT_OBJS_platform_test := $(HOST_LIBFDT_OBJS)

.PHONY: unit
unit: $(UNIT_TESTS)
	@set -e; for t in $(UNIT_TESTS); do echo "unit: $$t"; $$t; done

.SECONDEXPANSION:
$(BUILD)/unit/%: tests/unit/%.c $$(UNIT_SRCS_$$*) $$(UNIT_OBJS_$$*) \
		 $(wildcard src/core/*.h src/include/*.h src/dev/*.h src/hv/*.h tests/ref/*.h) | $(LIBFDT_DIR)/libfdt.h
	@mkdir -p $(@D)
	@echo "  HOSTCC  $@"
	$(Q)$(HOST_CC) $(HOST_CFLAGS) $(UNIT_CFLAGS_$*) -isystem $(LIBFDT_DIR) -o $@ $< \
		$(UNIT_SRCS_$*) $(UNIT_OBJS_$*) -lcmocka
