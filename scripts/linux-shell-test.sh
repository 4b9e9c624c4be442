#!/usr/bin/env bash
# The Linux guest's serial console under the hypervisor, typed into:
#
#   scripts/linux-shell-test.sh FIRMWARE HV_ELF IMAGE INITRD
#
# Boots Linux (console=ttyS0: the guest's 8250 driver on the emulated UART,
# its input and output interrupts through the virtual PLIC) with "shell",
# waits for the BusyBox prompt after the test suite, types a command whose
# answer only the shell can compute and then "poweroff -f", and checks the
# answer and a clean power-off. Console in $BUILD/linux/logs/shell-FIRMWARE.log.
# Exit status 0 iff all holds.
set -uo pipefail

firmware=${1:?usage: linux-shell-test.sh FIRMWARE HV_ELF IMAGE INITRD}
hv=${2:?} image=${3:?} initrd=${4:?}
BUILD=${BUILD:-build}
TIMEOUT=${TIMEOUT:-120}
log="$BUILD/linux/logs/shell-$firmware.log"
mkdir -p "$(dirname "$log")"
fail=0

MEM=1G ./scripts/console-drive.py --log "$log" --timeout "$TIMEOUT" --prompt "/ # " \
	--send 'echo typed-$((6*7))' --send "poweroff -f" \
	-- ./scripts/qemu.sh --firmware "$firmware" --hv "$hv" --guest "$image" \
	--guest-initrd "$initrd" --append "hv.mem=256M console=ttyS0 panic=-1 shell" ||
	fail=1
tr -d '\r' <"$log" >"$log.tmp" && mv "$log.tmp" "$log"

. ./scripts/console-expect.sh
expect "the suite passed on ttyS0" '^[0-9]+ passed, 0 failed$'
expect "the 8250 driver has the UART's interrupt" 'ttyS0 at MMIO 0x10000000 \(irq = [1-9][0-9]*, base_baud'
expect "the shell read the typed line and answered" '^typed-42$'
expect "power-off through SBI" '^hv: guest powered off'
if [ "$fail" = 0 ]; then
	echo "linux-shell-test: $firmware: PASS"
else
	echo "linux-shell-test: $firmware: FAIL; the console ended with:" >&2
	tail -n 20 "$log" | sed 's/^/  | /' >&2
fi
exit "$fail"
