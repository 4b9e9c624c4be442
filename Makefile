# One entry point. `make run` boots a guest under the hypervisor;
# `make check` installs what is missing and runs every test and proof.

BUILD    ?= build
# `make V=1` shows every command.
V        ?= 0
Q        := $(if $(filter 1,$(V)),,@)
FIRMWARE ?= stub
QEMU     ?= qemu-system-riscv64

CROSS    ?= riscv64-unknown-elf-
TCC      := $(CROSS)gcc
TOBJCOPY := $(CROSS)objcopy

# Target code: freestanding rv64imac, position-dependent, medany so the
# hypervisor runs both at its load address and in its high window.
TARGET_ARCH  := -march=rv64imac -misa-spec=2.2 -mabi=lp64 -mcmodel=medany
WARNINGS     := -Wall -Wextra -Werror -Wshadow -Wvla -Wmissing-prototypes \
                -Wstrict-prototypes -Wconversion -Wsign-conversion -Wundef
TARGET_CFLAGS := $(TARGET_ARCH) -std=c11 -O2 -g -ffreestanding -fno-builtin \
                 -fno-common -fno-pic -fno-stack-protector -nostdlib \
                 -fno-asynchronous-unwind-tables -MMD -MP $(WARNINGS) \
                 -Isrc/include -Isrc -Isrc/lib/libc
TARGET_LDFLAGS := -nostdlib -static -Wl,--no-dynamic-linker -Wl,--build-id=none -lgcc

HOST_CC     ?= gcc
HOST_CFLAGS := -std=c11 -O1 -g -MMD -MP $(WARNINGS) -Isrc/include -Isrc \
               -fsanitize=address,undefined -fno-sanitize-recover=all

OPENSBI_FW := /usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.elf

.PHONY: all deps run check check-all prove unit guest-tests clean
# Keep every intermediate file (extracted sources, objects) between runs.
.SECONDARY:
all:

deps:
	@./scripts/deps.sh

include src/core/build.mk
include src/mstub/build.mk
include src/hv/build.mk
include tests/linux/build.mk
include tests/guests/build.mk
include tests/attacks/build.mk
include tests/unit/build.mk
include tests/fuzz/build.mk
include proofs/build.mk
include bench/build.mk

all: $(MSTUB_ELF) $(HV_ELF) $(GUEST_BINS)

# make run                     Linux under the hypervisor, then a shell
# make run GUEST=file APPEND=.. any guest image: a Linux Image or a raw
#                               S-mode binary (e.g. $(DEMO_GUEST))
# make run GUEST=uboot          Debian's S-mode U-Boot, to its prompt
# make run SMP=4                the guest on 4 harts
# make run GUESTS=2             two Linux guests at once (SMP harts each),
#                               console lines tagged [g0]/[g1], Ctrl-T passes
#                               the console's input to the next guest
# DISK=file.img gives the guest that raw image as its virtio-blk disk (by
# default $(LINUX_DISK), which make run-native uses too; DISK= for none).
# Guest K > 0 of GUESTS gets $(LINUX_BUILD)/disk-gK.img.
GUEST  ?= linux
APPEND ?=
DISK   ?= $(LINUX_DISK)
SMP    ?= 1
GUESTS ?= 1
RUN_DISKS = $(if $(DISK),$(DISK) $(foreach k,$(wordlist 2,$(GUESTS),0 1 2 3),$(LINUX_BUILD)/disk-g$(k).img))
# Every guest's RAM and the page pool must fit: 1 GiB for up to two guests.
RUN_MEM = $(if $(filter 1 2,$(GUESTS)),$(LINUX_HV_MEM),2G)
UBOOT  := /usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin
override GUEST := $(if $(filter uboot,$(GUEST)),$(UBOOT),$(GUEST))
run: deps
	@$(MAKE) --no-print-directory run-guest

.PHONY: run-guest
ifeq ($(GUEST),linux)
run-guest: $(MSTUB_ELF) $(HV_ELF) $(LINUX_IMAGE) linux-busybox $(RUN_DISKS)
	MEM=$(RUN_MEM) ./scripts/qemu.sh --firmware $(FIRMWARE) --hv $(HV_ELF) \
		--smp $$(($(SMP) * $(GUESTS))) --guests $(GUESTS) \
		--guest $(LINUX_IMAGE) --guest-initrd $(LINUX_INITRD) $(addprefix --disk ,$(RUN_DISKS)) \
		--append "$(LINUX_HV_APPEND) shell $(APPEND)"
else
run-guest: $(MSTUB_ELF) $(HV_ELF) $(GUEST) $(RUN_DISKS)
	MEM=$(RUN_MEM) ./scripts/qemu.sh --firmware $(FIRMWARE) --hv $(HV_ELF) --guest $(GUEST) \
		--smp $$(($(SMP) * $(GUESTS))) --guests $(GUESTS) \
		$(addprefix --disk ,$(RUN_DISKS)) $(if $(APPEND),--append "$(APPEND)")
endif

$(LINUX_BUILD)/disk-g%.img:
	@mkdir -p $(@D)
	$(Q)truncate -s 1M $@

# Everything, in the order a reader would want to see it fail.
check: deps
	@$(MAKE) --no-print-directory check-all

check-all: unit structure fuzz-short prove guest-tests guest-diff guest-random guest-isolation \
           attack-tests disk-faults \
           linux-test-hv linux-test-guests linux-test-defaults linux-shell-test uboot-test bench-smoke

# The hypervisor's module graph has no cycle and its objects no mutable
# file-level state beyond the boot tables (tests/structure/check.py).
.PHONY: structure
structure: $(HV_ELF)
	@NM=$(CROSS)nm ./tests/structure/check.py $(BUILD)

# The Linux guest's serial console (8250 on the emulated UART, interrupts
# through the virtual PLIC) typed into at the BusyBox prompt.
.PHONY: linux-shell-test
linux-shell-test: $(MSTUB_ELF) $(HV_ELF) linux-busybox
	@set -e; for fw in stub opensbi; do BUILD=$(BUILD) ./scripts/linux-shell-test.sh $$fw \
		$(HV_ELF) $(LINUX_IMAGE) $(LINUX_INITRD); done

# Debian's S-mode U-Boot under the hypervisor, driven at its prompt.
.PHONY: uboot-test
uboot-test: $(MSTUB_ELF) $(HV_ELF)
	@set -e; for fw in stub opensbi; do BUILD=$(BUILD) ./scripts/uboot-test.sh $$fw $(HV_ELF); done

clean:
	rm -rf $(BUILD)

# Dependency files of our own objects (not of the Linux tree in $(BUILD)/linux).
-include $(shell find $(BUILD) -path '$(BUILD)/linux' -prune -o -name '*.d' -type f -print 2>/dev/null)
