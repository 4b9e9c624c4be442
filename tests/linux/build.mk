# The Linux 6.1 guest: kernel (scripts/linux.sh), initramfs with the test
# suite of tests/linux/init.c, and native runs on OpenSBI (no hypervisor)
# that show what a correct run looks like.
#
#   make linux             build/linux/Image and build/linux/initramfs.cpio
#   make run-native        boot them natively, interactively (Ctrl-A X quits)
#   make linux-test-native two non-interactive boots; both must say "0 failed"
#                          and the second must see the first's disk record
#   make linux-busybox     add a static BusyBox to the initramfs (optional;
#                          then `make run-native LINUX_APPEND=shell`)
# Variables: LINUX_SMP (harts, default 1), LINUX_CONSOLE=ttyS0|hvc0 (hvc0: the SBI console, earlycon=sbi),
# LINUX_APPEND (extra kernel arguments, e.g. shell), LINUX_FIRMWARE=opensbi|stub,
# LINUX_TIMEOUT (seconds per boot of linux-test-native).
# Logs of linux-test-native: $(BUILD)/linux/logs/native-FIRMWARE-CONSOLE-bootN.log

LINUX_BUILD   := $(BUILD)/linux
LINUX_IMAGE   := $(LINUX_BUILD)/Image
LINUX_INITRD  := $(LINUX_BUILD)/initramfs.cpio
LINUX_DISK    := $(LINUX_BUILD)/disk.img
LINUX_ROOTFS  := $(LINUX_BUILD)/rootfs
LINUX_GENCPIO := $(LINUX_BUILD)/gen_init_cpio
LINUX_BUSYBOX := $(LINUX_BUILD)/busybox/busybox

LINUX_CC      := riscv64-linux-gnu-gcc
LINUX_UCFLAGS := -static -O2 -s -Wall -Wextra -Werror -pthread

LINUX_SMP     ?= 1
LINUX_CONSOLE ?= ttyS0
LINUX_FIRMWARE ?= opensbi
LINUX_APPEND  ?=
LINUX_TIMEOUT ?= 300
linux_earlycon = $(if $(filter hvc0,$(LINUX_CONSOLE)),earlycon=sbi,earlycon)
LINUX_CMDLINE  = $(strip console=$(LINUX_CONSOLE) $(linux_earlycon) $(LINUX_APPEND))

.PHONY: linux run-native linux-test-native linux-busybox

linux: $(LINUX_IMAGE) $(LINUX_INITRD)

# scripts/linux.sh keeps its own stamp: it rebuilds only when the fragment or
# the script changed, and is quick to call when nothing did.
$(LINUX_IMAGE): scripts/linux.sh tests/linux/config
	@BUILD=$(BUILD) ./scripts/linux.sh

$(LINUX_BUILD)/src/.extracted:
	@BUILD=$(BUILD) ./scripts/linux.sh --src

$(LINUX_GENCPIO): | $(LINUX_BUILD)/src/.extracted
	@echo "  HOSTCC  $@"
	$(Q)$(HOST_CC) -O2 -o $@ $(LINUX_BUILD)/src/usr/gen_init_cpio.c

$(LINUX_ROOTFS)/%: tests/linux/%.c
	@mkdir -p $(@D)
	@echo "  CC      $@"
	$(Q)$(LINUX_CC) $(LINUX_UCFLAGS) -o $@ $<

# BusyBox goes in when it has been built (make linux-busybox); init execs
# /bin/sh only when it is there and "shell" is on the command line.
define linux_pack_initrd
	$(Q)if [ -f $(LINUX_BUSYBOX) ]; then cp $(LINUX_BUSYBOX) $(LINUX_BUSYBOX).links $(LINUX_ROOTFS)/; \
	else rm -f $(LINUX_ROOTFS)/busybox $(LINUX_ROOTFS)/busybox.links; fi
	$(Q)./scripts/linux-initramfs.sh $(LINUX_GENCPIO) $(LINUX_ROOTFS) $(LINUX_INITRD)
endef

$(LINUX_INITRD): tests/linux/initramfs.list scripts/linux-initramfs.sh $(LINUX_GENCPIO) \
		$(LINUX_ROOTFS)/init $(LINUX_ROOTFS)/child $(wildcard $(LINUX_BUSYBOX))
	$(linux_pack_initrd)

$(LINUX_BUSYBOX):
	@BUILD=$(BUILD) ./scripts/linux-busybox.sh

linux-busybox: $(LINUX_BUSYBOX) $(LINUX_GENCPIO) $(LINUX_ROOTFS)/init $(LINUX_ROOTFS)/child
	$(linux_pack_initrd)

# 1 MiB raw disk for virtio-blk; the test suite keeps a record in sector 0.
$(LINUX_DISK):
	@mkdir -p $(@D)
	$(Q)truncate -s 1M $@

# The native machine: the CPU profile a guest of the hypervisor sees (no H,
# no Sstc), on Debian's OpenSBI (or on our M-stub: LINUX_FIRMWARE=stub).
# The default serial (-nographic: mon:stdio) keeps Ctrl-C for the guest and
# Ctrl-A X to quit. panic=-1 with -no-reboot: a kernel panic ends QEMU.
linux_bios = $(if $(filter stub,$(LINUX_FIRMWARE)),$(MSTUB_ELF),$(OPENSBI_FW))
linux_qemu = $(QEMU) -machine virt -cpu rv64,h=false,sstc=false -smp $(LINUX_SMP) -m 512M \
	-nographic -no-reboot -bios $(linux_bios) \
	-kernel $(LINUX_IMAGE) -initrd $(LINUX_INITRD) -append "$(LINUX_CMDLINE) panic=-1" \
	-drive file=$(LINUX_DISK),if=none,format=raw,id=hd0 -device virtio-blk-device,drive=hd0
linux_deps = $(LINUX_IMAGE) $(LINUX_INITRD) $(LINUX_DISK) \
	$(if $(filter stub,$(LINUX_FIRMWARE)),$(MSTUB_ELF))

run-native: $(linux_deps)
	$(linux_qemu)

linux-test-native: $(linux_deps)
	@BUILD=$(BUILD) LINUX_TIMEOUT=$(LINUX_TIMEOUT) ./scripts/linux-test.sh \
		native-$(LINUX_FIRMWARE)-$(LINUX_CONSOLE)-smp$(LINUX_SMP) -- $(linux_qemu)

# The same kernel and initramfs under the hypervisor, on the M-stub and on
# OpenSBI, with 1, 2 and 4 harts (LINUX_HV_SMPS): two boots each on a fresh
# disk that the hypervisor drives and gives the guest as its virtio-blk.
# On OpenSBI the other host paths run: the real device on the legacy
# virtio-mmio transport, and a host hart without Sstc (the guest's timer
# through SBI set_timer). Its console is the SBI one (hvc0). panic=-1 ends
# a panicked run; expect_cpus=N makes the suite's smp test check the count.
# Logs: $(BUILD)/linux/logs/hv-FIRMWARE-smpN-bootK.log
LINUX_HV_MEM    := 1G
LINUX_HV_APPEND := hv.mem=256M console=hvc0 earlycon=sbi panic=-1
LINUX_HV_FIRMWARES := stub opensbi
LINUX_HV_SMPS   := 1 2 4

# The qemu.sh options of firmware $$fw's host: its CPU and disk transport.
linux_hv_host = cpu=rv64; legacy=; if [ $$fw = opensbi ]; then \
	legacy="-- -global virtio-mmio.force-legacy=true"; cpu=rv64,sstc=false; fi

.PHONY: linux-test-hv linux-test-guests linux-test-defaults
linux-test-hv: $(MSTUB_ELF) $(HV_ELF) $(LINUX_IMAGE) $(LINUX_INITRD)
	@set -e; for fw in $(LINUX_HV_FIRMWARES); do for n in $(LINUX_HV_SMPS); do \
		disk=$(LINUX_BUILD)/disk-hv-$$fw-smp$$n.img; rm -f $$disk; truncate -s 1M $$disk; \
		$(linux_hv_host); \
		BUILD=$(BUILD) LINUX_TIMEOUT=$(LINUX_TIMEOUT) \
		./scripts/linux-test.sh hv-$$fw-smp$$n -- env MEM=$(LINUX_HV_MEM) BUILD=$(BUILD) \
			HV_CPU=$$cpu ./scripts/qemu.sh --firmware $$fw --hv $(HV_ELF) --smp $$n \
			--guest $(LINUX_IMAGE) --guest-initrd $(LINUX_INITRD) --disk $$disk \
			--append "$(LINUX_HV_APPEND) expect_cpus=$$n $(LINUX_APPEND)" $$legacy; \
	done; done

# Two Linux guests at once, each with its own disk, two boots: on the stub
# one hart each (-smp 2); on OpenSBI two vCPUs each on two host harts, so
# that harts run vCPUs of both guests in turn.
# Logs: $(BUILD)/linux/logs/guests-FIRMWARE-bootK.log(.gN)
linux-test-guests: $(MSTUB_ELF) $(HV_ELF) $(LINUX_IMAGE) $(LINUX_INITRD)
	@set -e; for fw in $(LINUX_HV_FIRMWARES); do \
		d0=$(LINUX_BUILD)/disk-guests-$$fw-0.img; d1=$(LINUX_BUILD)/disk-guests-$$fw-1.img; \
		rm -f $$d0 $$d1; truncate -s 1M $$d0 $$d1; \
		$(linux_hv_host); cpus=1; [ $$fw = stub ] || cpus=2; \
		BUILD=$(BUILD) LINUX_TIMEOUT=$(LINUX_TIMEOUT) LINUX_GUESTS=2 \
		./scripts/linux-test.sh guests-$$fw -- env MEM=$(LINUX_HV_MEM) BUILD=$(BUILD) \
			HV_CPU=$$cpu ./scripts/qemu.sh --firmware $$fw --hv $(HV_ELF) --smp 2 \
			--guests 2 --cpus $$cpus --guest $(LINUX_IMAGE) --guest-initrd $(LINUX_INITRD) \
			--disk $$d0 --disk $$d1 \
			--append "$(LINUX_HV_APPEND) expect_cpus=$$cpus $(LINUX_APPEND)" $$legacy; \
	done

# A guest given no bootargs (only the hypervisor's own hv.mem): its
# console and early console must be the UART that /chosen/stdout-path
# names, as a kernel without the SBI console (Debian's) needs; one boot
# per firmware, no disk.
LINUX_DEFAULTS_LOG_HAS := earlycon: ns16550a0 at MMIO 0x0000000010000000|printk: console [ttyS0] enabled
linux-test-defaults: $(MSTUB_ELF) $(HV_ELF) $(LINUX_IMAGE) $(LINUX_INITRD)
	@set -e; for fw in $(LINUX_HV_FIRMWARES); do $(linux_hv_host); \
		BUILD=$(BUILD) LINUX_TIMEOUT=$(LINUX_TIMEOUT) LINUX_DISK_TEST=0 \
		LINUX_LOG_HAS="$(LINUX_DEFAULTS_LOG_HAS)" \
		./scripts/linux-test.sh defaults-$$fw -- env MEM=$(LINUX_HV_MEM) BUILD=$(BUILD) \
			HV_CPU=$$cpu ./scripts/qemu.sh --firmware $$fw --hv $(HV_ELF) \
			--guest $(LINUX_IMAGE) --guest-initrd $(LINUX_INITRD) --append "hv.mem=256M"; \
	done
