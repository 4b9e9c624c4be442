#!/usr/bin/env bash
# Faults of the real disk under a guest (make disk-faults):
#
#   tests/guests/disk_faults.sh stub|opensbi
#
# vblk_faults runs under the hypervisor on a 1 MiB raw image behind QEMU's
# blkdebug, which fails a write of sector 64 with EIO, one of sector 96
# with ENOSPC (a full disk) and a read of sector 128 with EIO, and QEMU
# reports them to the device (blkdebug's rules wake on the first write:
# the read's rule too, with iotype read) (werror=report, rerror=report: not a paused
# machine). The guest checks that each request gets IOERR and the rest of
# its early sectors read back, writes sectors 1000-1999 and flushes, then
# writes on; the harness powers the machine off in the middle of that
# burst (QEMU killed: the plug pulled), and checks on the image file that sectors 0-15 and every flushed
# sector hold what the guest wrote, and that 64, 96 and 128 were never
# written. Log: $BUILD/guests/logs/disk_faults.FIRMWARE.log.
set -uo pipefail

firmware=${1:?usage: disk_faults.sh stub|opensbi}
BUILD=${BUILD:-build}
HV_ELF=${HV_ELF:-$BUILD/hv.elf}
here=$(cd "$(dirname "$0")/../.." && pwd)
log="$BUILD/guests/logs/disk_faults.$firmware.log"
img="$BUILD/guests/disks/disk_faults.$firmware.img"
rules="$BUILD/guests/disks/disk_faults.rules"
mkdir -p "$(dirname "$img")" "$(dirname "$log")"
rm -f "$img"
truncate -s 1M "$img"
cat >"$rules" <<'RULES'
[inject-error]
event = "pwritev"
errno = "5"
sector = "64"

[inject-error]
event = "pwritev"
errno = "28"
sector = "96"

[inject-error]
event = "pwritev"
iotype = "read"
errno = "5"
sector = "128"
RULES
[ "$firmware" = stub ] || export HV_CPU=rv64,sstc=false
fail=0

"$here/scripts/console-drive.py" --log "$log" --timeout 60 \
	--prompt "vblk_faults: " --until 'writing on$' \
	-- "$here/scripts/qemu.sh" --firmware "$firmware" --hv "$HV_ELF" \
	--guest "$BUILD/guests/vblk_faults.bin" \
	-- -drive "file=blkdebug:$rules:$img,if=none,format=raw,id=faulty,werror=report,rerror=report" \
	-device virtio-blk-device,drive=faulty -global virtio-mmio.force-legacy=false ||
	fail=1
tr -d '\r' <"$log" >"$log.tmp" && mv "$log.tmp" "$log"
if ! grep -q '^vblk_faults: 0 checks failed; sectors 1000-1999 flushed, writing on$' "$log"; then
	echo "disk-faults: $firmware: the guest did not get its errors right:" >&2
	grep 'vblk_faults' "$log" | tail -n 12 | sed 's/^/  | /' >&2
	fail=1
fi
# On the image: the pattern in 0-15 and 1000-1999, zeros in 64, 96, 128.
python3 - "$img" <<'PY' || fail=1
import struct, sys
data = open(sys.argv[1], 'rb').read()
def pattern(s):
    return b''.join(struct.pack('<Q', 0xd15cf1a700000000 ^ s << 16 ^ i) for i in range(64))
bad = [s for s in list(range(16)) + list(range(1000, 2000))
       if data[s * 512:(s + 1) * 512] != pattern(s)]
bad += [s for s in (64, 96, 128) if data[s * 512:(s + 1) * 512] != bytes(512)]
if bad:
    print(f"disk-faults: sectors not as the guest left them: {bad[:10]}", file=sys.stderr)
    sys.exit(1)
PY
if [ "$fail" = 0 ]; then
	echo "disk-faults: $firmware: PASS (3 injected errors reported as IOERR; 1016 written sectors, 1000 of them flushed before QEMU was killed, on the image)"
else
	echo "disk-faults: $firmware: FAIL (log: $log)" >&2
fi
exit "$fail"
