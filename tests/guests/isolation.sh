#!/usr/bin/env bash
# Two guests at once under the hypervisor, and what one may do to the other:
#
#   tests/guests/isolation.sh stub|opensbi
#
# Guest 0 (secret_keeper) fills its RAM and its disk with a secret; guest 1
# (secret_seeker) waits for a key, then looks for the secret in everything
# it can reach (its RAM and disk, page tables aimed at all guest-physical
# space, disk DMA aimed outside its RAM, SBI calls naming other harts) and
# reboots itself; then powers off. Guest 0 waits for a key too, and checks
# its secret is intact. The keys are typed here: one for guest 1 once the
# secret is in place (after the console's switch key, Ctrl-T), one for
# guest 0 once guest 1 is over (the console's input passes back to it by
# itself then). Each guest has 32 MiB
# of RAM, one hart (host harts: two) and a fresh 1 MiB disk. Console in
# $BUILD/guests/logs/isolation.FIRMWARE.log. Exit status 0 iff all holds.
set -uo pipefail

firmware=${1:?usage: isolation.sh stub|opensbi}
BUILD=${BUILD:-build}
HV_ELF=${HV_ELF:-$BUILD/hv.elf}
TIMEOUT=${TIMEOUT:-120}
log="$BUILD/guests/logs/isolation.$firmware.log"
# Where QEMU's loader puts guest 1's image (no initrd uses it here).
SEEKER_ADDR=0x84000000
seeker="$BUILD/guests/secret_seeker.bin"
mkdir -p "$BUILD/guests/disks" "$(dirname "$log")"
disks=()
for g in 0 1; do
	d="$BUILD/guests/disks/isolation.$firmware.$g.img"
	rm -f "$d"
	truncate -s 1M "$d"
	disks+=(--disk "$d")
done
[ "$firmware" = stub ] || export HV_CPU=rv64,sstc=false
fail=0
switch=$'\x14'

MEM=1G ./scripts/console-drive.py --log "$log" --timeout "$TIMEOUT" \
	--prompt "secret_keeper: the secret is in place" \
	--prompt "the other guests go on" \
	--send "${switch}go" --send "go" \
	-- ./scripts/qemu.sh --firmware "$firmware" --hv "$HV_ELF" --smp 2 \
	--guest "$BUILD/guests/secret_keeper.bin" "${disks[@]}" \
	--append "hv.mem=32M hv.guest hv.mem=32M hv.image=$SEEKER_ADDR,$(stat -c %s "$seeker")" \
	-- -device "loader,file=$seeker,addr=$SEEKER_ADDR,force-raw=on" || fail=1
tr -d '\r' <"$log" >"$log.tmp" && mv "$log.tmp" "$log"

. ./scripts/console-expect.sh
expect "guest 0 put its secret in place" '^\[g0\] secret_keeper: the secret is in place'
expect "guest 1 got the console's input" '^hv: console input now goes to guest 1$'
expect "guest 1 rebooted itself" '^hv: guest 1 reboot$'
expect "guest 1 found nothing, twice" '^\[g1\] secret_seeker: boot 2, after its reboot$'
expect "guest 1 passed" '^\[g1\] secret_seeker: [1-9][0-9]* passed, 0 failed$'
expect "guest 1 ended while guest 0 ran on" '^hv: guest 1 is over; the other guests go on$'
expect "guest 0 got the console's input back" '^hv: console input now goes to guest 0$'
expect "guest 0 found its secret intact" '^\[g0\] secret_keeper: [1-9][0-9]* passed, 0 failed$'
expect "the machine powered off when both were over" '^hv: every guest is over$'
if grep -Eq 'FAIL|PANIC' "$log"; then
	grep -E 'FAIL|PANIC' "$log" | sed 's/^/  | /' >&2
	fail=1
fi
if [ "$fail" = 0 ]; then
	echo "guest-isolation: $firmware: PASS"
else
	echo "guest-isolation: $firmware: FAIL; the console ended with:" >&2
	tail -n 25 "$log" | sed 's/^/  | /' >&2
fi
exit "$fail"
