# `make unit`: host cmocka tests, each tests/unit/<name>_test.c linked with
# the same core sources the hypervisor runs, built into $(BUILD)/unit/<name>.
UNIT_TESTS := $(patsubst tests/unit/%.c,$(BUILD)/unit/%,$(wildcard tests/unit/*_test.c))

.PHONY: unit
unit: $(UNIT_TESTS)
	@set -e; for t in $(UNIT_TESTS); do echo "unit: $$t"; $$t; done

$(BUILD)/unit/%: tests/unit/%.c $(CORE_SRCS) $(wildcard src/core/*.h src/include/*.h)
	@mkdir -p $(@D)
	@echo "  HOSTCC  $@"
	$(Q)$(HOST_CC) $(HOST_CFLAGS) -o $@ $< $(CORE_SRCS) -lcmocka
