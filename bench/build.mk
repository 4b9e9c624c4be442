# make bench: the Linux test suite natively and under the hypervisor (stub
# and OpenSBI), instructions counted by our QEMU plugin (bench/count.c);
# see bench/bench.py. Not part of make check, which runs bench-smoke, its
# smallest case, once. BENCH_RUNS: wall-time runs per configuration.

BENCH_BUILD  := $(BUILD)/bench
BENCH_PLUGIN := $(BENCH_BUILD)/libcount.so
BENCH_RUNS   ?= 5

$(BENCH_BUILD)/qemu-plugin.h: bench/qemu-plugin-h.sh
	@mkdir -p $(@D)
	$(Q)./bench/qemu-plugin-h.sh $(@D)

$(BENCH_PLUGIN): bench/count.c $(BENCH_BUILD)/qemu-plugin.h
	@echo "  CC      $@"
	$(Q)$(HOST_CC) -std=gnu11 -O2 -g $(WARNINGS) -shared -fPIC -I$(BENCH_BUILD) -o $@ $<

.PHONY: bench bench-smoke
bench: deps $(MSTUB_ELF) $(HV_ELF) $(LINUX_IMAGE) $(LINUX_INITRD) $(BENCH_PLUGIN)
	@./bench/bench.py --runs $(BENCH_RUNS) $(BUILD) $(BENCH_PLUGIN)

bench-smoke: $(MSTUB_ELF) $(HV_ELF) $(BUILD)/guests/hello.elf $(BUILD)/guests/hello.bin $(BENCH_PLUGIN)
	@./bench/bench.py --smoke $(BUILD) $(BENCH_PLUGIN)
