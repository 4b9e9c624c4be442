#!/usr/bin/env bash
# U-Boot (Debian's S-mode build) as a guest of the hypervisor, driven at its
# prompt like a person would:
#
#   scripts/uboot-test.sh FIRMWARE HV_ELF
#
# Types version, bdinfo, virtio scan, virtio info, a virtio read of the
# disk's first sector, md of what it read, and poweroff, each after the
# "=> " prompt, and checks the answers: the U-Boot version, the guest's RAM
# as the hypervisor gives it (0x80000000, 128 MiB), the disk (a fresh image
# with a marker in sector 0, $BUILD/uboot/FIRMWARE.img) as a 2048-sector
# virtio block device whose first bytes are the marker, and a clean
# power-off. Console in $BUILD/uboot/FIRMWARE.log. Exit status 0 iff all holds.
set -uo pipefail

firmware=${1:?usage: uboot-test.sh FIRMWARE HV_ELF}
hv=${2:?usage: uboot-test.sh FIRMWARE HV_ELF}
BUILD=${BUILD:-build}
UBOOT=${UBOOT:-/usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin}
TIMEOUT=${TIMEOUT:-60}
log="$BUILD/uboot/$firmware.log"
disk="$BUILD/uboot/$firmware.img"
mkdir -p "$(dirname "$log")"
: >"$log"
rm -f "$disk"
truncate -s 1M "$disk"
printf 'uboot-disk-mark!' | dd of="$disk" conv=notrunc status=none
fail=0

# Type each command once the console shows the prompt; log everything.
./scripts/console-drive.py --log "$log" --timeout "$TIMEOUT" --prompt "=> " \
	--send version --send bdinfo --send "virtio scan" --send "virtio info" \
	--send "virtio read 0x84000000 0 1" --send "md.b 0x84000000 0x10" --send poweroff \
	-- ./scripts/qemu.sh --firmware "$firmware" --hv "$hv" --guest "$UBOOT" --disk "$disk" ||
	fail=1
tr -d '\r' <"$log" >"$log.tmp" && mv "$log.tmp" "$log"

. ./scripts/console-expect.sh
expect "version" '^U-Boot 20[0-9]{2}\.[0-9]{2}'
expect "DRAM start" '^-> start +=? ?0x0*80000000$'
expect "DRAM size (128 MiB)" '^-> size +=? ?0x0*8000000$'
expect "virtio info lists the disk" '^ +Capacity: .*\(2048 x 512\)$'
expect "virtio read of sector 0" 'block # 0, count 1 \.\.\. 1 blocks read: OK$'
expect "sector 0 holds the marker" '^84000000: 75 62 6f 6f 74 2d 64 69 73 6b 2d 6d 61 72 6b 21 +uboot-disk-mark!$'
expect "power-off through SBI" '^hv: guest powered off'
if grep -q '^hv: guest stopped' "$log"; then
	grep '^hv: guest stopped' "$log" >&2
	fail=1
fi
if [ "$fail" = 0 ]; then
	echo "uboot-test: $firmware: PASS"
else
	echo "uboot-test: $firmware: FAIL; the console ended with:" >&2
	tail -n 20 "$log" | sed 's/^/  | /' >&2
fi
exit "$fail"
