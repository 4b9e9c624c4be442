#!/usr/bin/env bash
# U-Boot (Debian's S-mode build) as a guest of the hypervisor, driven at its
# prompt like a person would:
#
#   scripts/uboot-test.sh FIRMWARE HV_ELF
#
# Types version, bdinfo, virtio scan, virtio info and poweroff, each after
# the "=> " prompt, and checks the answers: the U-Boot version, the guest's
# RAM as the hypervisor gives it (0x80000000, 128 MiB), no virtio device
# (none is emulated yet), and a clean power-off. Console in
# $BUILD/uboot/FIRMWARE.log. Exit status 0 iff all holds.
set -uo pipefail

firmware=${1:?usage: uboot-test.sh FIRMWARE HV_ELF}
hv=${2:?usage: uboot-test.sh FIRMWARE HV_ELF}
BUILD=${BUILD:-build}
UBOOT=${UBOOT:-/usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin}
TIMEOUT=${TIMEOUT:-60}
log="$BUILD/uboot/$firmware.log"
mkdir -p "$(dirname "$log")"
: >"$log"
fail=0

# Type each command once the console shows the prompt; log everything.
python3 - "$log" "$TIMEOUT" ./scripts/qemu.sh --firmware "$firmware" --hv "$hv" \
	--guest "$UBOOT" <<'PY' || fail=1
import os, select, subprocess, sys, time
log, timeout, cmd = sys.argv[1], float(sys.argv[2]), sys.argv[3:]
commands = ["version", "bdinfo", "virtio scan", "virtio info", "poweroff"]
p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                     stderr=subprocess.STDOUT)
seen, deadline = b"", time.monotonic() + timeout
with open(log, "wb") as f:
    while time.monotonic() < deadline:
        ready, _, _ = select.select([p.stdout], [], [], 1.0)
        if not ready:
            continue
        chunk = os.read(p.stdout.fileno(), 4096)
        if not chunk:
            break
        f.write(chunk)
        seen += chunk
        if seen.endswith(b"=> ") and commands:
            p.stdin.write(commands.pop(0).encode() + b"\r")
            p.stdin.flush()
            seen = b""
try:
    p.wait(timeout=max(deadline - time.monotonic(), 1))
except subprocess.TimeoutExpired:
    p.kill()
    print("uboot-test: timed out", file=sys.stderr)
    sys.exit(1)
sys.exit(1 if commands else 0)
PY
tr -d '\r' <"$log" >"$log.tmp" && mv "$log.tmp" "$log"

expect() { # what, pattern
	if grep -Eq -- "$2" "$log"; then
		echo "  ok   $1"
	else
		echo "  FAIL $1: no line matching '$2' in $log" >&2
		fail=1
	fi
}
expect "version" '^U-Boot 20[0-9]{2}\.[0-9]{2}'
expect "DRAM start" '^-> start +=? ?0x0*80000000$'
expect "DRAM size (128 MiB)" '^-> size +=? ?0x0*8000000$'
if grep -A1 -x '=> virtio info' "$log" | tail -1 | grep -qx '=> poweroff'; then
	echo "  ok   virtio info lists no device"
else
	echo "  FAIL virtio info: expected no device listed" >&2
	fail=1
fi
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
