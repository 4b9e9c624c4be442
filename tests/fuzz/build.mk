# Host fuzzing of the core with libFuzzer and ASan/UBSan (Debian's clang
# and libclang-rt-14-dev). Each tests/fuzz/<name>_fuzz.c is linked with
# FUZZ_SRCS_<name>: the same sources the hypervisor is built from.
#   make fuzz-short   each target for FUZZ_SHORT_TIME s (part of check-all)
#   make fuzz         each target for FUZZ_TIME s (10 minutes)
# Seeds are committed in tests/fuzz/corpus/<name>/; what the fuzzer finds
# goes to $(BUILD)/fuzz/corpus/<name>/ and crashes to
# $(BUILD)/fuzz/artifacts/<name>/ (replay: $(BUILD)/fuzz/<name> <file>).

FUZZ_CC         ?= clang
FUZZ_CFLAGS     = -std=c11 -g -O1 $(WARNINGS) -Isrc/include -Isrc \
                   -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
FUZZ_SHORT_TIME ?= 20
FUZZ_TIME       ?= 600
FUZZ_ARGS       ?=

FUZZ_NAMES  := $(patsubst tests/fuzz/%_fuzz.c,%,$(wildcard tests/fuzz/*_fuzz.c))
FUZZ_BINS   := $(FUZZ_NAMES:%=$(BUILD)/fuzz/%)
FUZZ_SRCS_sv39 := src/core/sv39.c
FUZZ_SRCS_mmio := src/core/mmio.c
FUZZ_SRCS_guest_dt := src/hv/guest_dt.c src/lib/printf.c
FUZZ_SRCS_virtio_blk := src/dev/virtio_blk.c src/dev/virtq.c
FUZZ_SRCS_plic := src/dev/plic.c
FUZZ_SRCS_uart16550 := src/dev/uart16550.c
FUZZ_SRCS_vcsr := $(CORE_CSR_SRCS)
FUZZ_SRCS_vmem := src/hv/vmem.c src/core/sv39.c src/core/mmio.c src/core/vtrap.c
FUZZ_SRCS_vsbi := $(wildcard src/hv/sbi/*.c) src/core/vtrap.c
FUZZ_OBJS_guest_dt := $(LIBFDT_SRCS:%.c=$(BUILD)/fuzz/libfdt/%.o)
FUZZ_MAXLEN_sv39 := 1024
FUZZ_MAXLEN_mmio := 12
FUZZ_MAXLEN_guest_dt := 1024
FUZZ_MAXLEN_virtio_blk := 4096
FUZZ_MAXLEN_plic := 1024
FUZZ_MAXLEN_uart16550 := 1024
FUZZ_MAXLEN_vcsr := 1300
FUZZ_MAXLEN_vmem := 4096
FUZZ_MAXLEN_vsbi := 20000

# libfdt (Debian's code) with the sanitizers but its own warning level.
$(BUILD)/fuzz/libfdt/%.o: $(LIBFDT_DIR)/%.c
	@mkdir -p $(@D)
	@echo "  FUZZCC  $@"
	$(Q)$(FUZZ_CC) -g -O1 -fsanitize=address,undefined -I$(LIBFDT_DIR) -c $< -o $@

# fuzz-short-<name> and fuzz-long-<name> are pattern rules, so not .PHONY.
.PHONY: fuzz fuzz-short fuzz-bins
fuzz-bins: $(FUZZ_BINS)

.SECONDEXPANSION:
$(BUILD)/fuzz/%: tests/fuzz/%_fuzz.c $$(FUZZ_SRCS_$$*) $$(FUZZ_OBJS_$$*) \
		 $(wildcard src/core/*.h src/include/*.h src/hv/*.h src/dev/*.h tests/ref/*.h) | $(LIBFDT_DIR)/libfdt.h
	@mkdir -p $(@D)
	@echo "  FUZZCC  $@"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -isystem $(LIBFDT_DIR) -o $@ $< $(FUZZ_SRCS_$*) \
		$(FUZZ_OBJS_$*)

# fuzz-<time>-<name>: run one target for FUZZ_SHORT_TIME or FUZZ_TIME
# seconds; libFuzzer exits non-zero on a crash, a leak or a timeout, and
# make stops there with the end of the log.
define fuzz-run
	@mkdir -p $(BUILD)/fuzz/corpus/$* $(BUILD)/fuzz/artifacts/$*
	@echo "fuzz: $* for $(1) s"
	$(Q)$(BUILD)/fuzz/$* -max_total_time=$(1) -timeout=10 -print_final_stats=1 \
		-max_len=$(FUZZ_MAXLEN_$*) -artifact_prefix=$(BUILD)/fuzz/artifacts/$*/ \
		$(FUZZ_ARGS) $(BUILD)/fuzz/corpus/$* tests/fuzz/corpus/$* \
		>$(BUILD)/fuzz/$*.log 2>&1 || { tail -n 60 $(BUILD)/fuzz/$*.log; \
		echo "fuzz: $* FAILED, see $(BUILD)/fuzz/$*.log and $(BUILD)/fuzz/artifacts/$*/"; \
		exit 1; }
	@grep -E '^#[0-9]+[[:space:]]+DONE|stat::(number_of_executed_units|average_exec_per_sec)' \
		$(BUILD)/fuzz/$*.log | sed 's/^/  $*: /'
endef

fuzz-short-%: $(BUILD)/fuzz/%
	$(call fuzz-run,$(FUZZ_SHORT_TIME))
fuzz-long-%: $(BUILD)/fuzz/%
	$(call fuzz-run,$(FUZZ_TIME))

fuzz-short: $(FUZZ_NAMES:%=fuzz-short-%)
fuzz: deps
	@$(MAKE) --no-print-directory $(FUZZ_NAMES:%=fuzz-long-%)
