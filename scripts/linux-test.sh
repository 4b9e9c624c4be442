#!/usr/bin/env bash
# Boot the Linux guest twice, non-interactively, and judge the test suite:
#
#   scripts/linux-test.sh NAME -- COMMAND...
#
# COMMAND boots once (e.g. scripts/qemu.sh ... with the kernel, the initramfs
# and the virtio-blk disk); it runs twice with its console in
# $BUILD/linux/logs/NAME-boot1.log and -boot2.log, stdin closed, killed after
# $LINUX_TIMEOUT seconds (default 300). Each boot must print the summary line
# "N passed, 0 failed"; the second must report "previous boot wrote K" where K
# is the number the first boot wrote on the disk. Exit status 0 iff all holds.
# LINUX_DISK_TEST=0: a guest without the disk; one boot, no disk record.
# A failed boot shows the last lines of its console, where a kernel panic or
# the hypervisor's reason for stopping the guest is.
set -euo pipefail

BUILD=${BUILD:-build}
LINUX_TIMEOUT=${LINUX_TIMEOUT:-300}
LINUX_DISK_TEST=${LINUX_DISK_TEST:-1}
boots="1 2"
[ "$LINUX_DISK_TEST" = 1 ] || boots=1
[ $# -ge 3 ] && [ "$2" = "--" ] || { sed -n '2,12s/^# \{0,1\}//p' "$0" >&2; exit 2; }
name=$1
shift 2
logs="$BUILD/linux/logs"
mkdir -p "$logs"

fail=0
wrote=()
for boot in $boots; do
	log="$logs/$name-boot$boot.log"
	echo "linux-test: $name boot $boot: ${*@Q} (log $log)"
	start=$(date +%s.%N)
	rc=0
	timeout --kill-after=5 "$LINUX_TIMEOUT" "$@" </dev/null >"$log" 2>&1 || rc=$?
	secs=$(echo "$(date +%s.%N) - $start" | bc)
	tr -d '\r' <"$log" >"$log.tmp" && mv "$log.tmp" "$log"
	grep -E '^(PASS|FAIL|SKIP) ' "$log" | sed 's/^/  /' || true
	summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -1 || true)
	printf '  boot %d: %s (QEMU exit %d, %.1f s)\n' "$boot" "${summary:-no summary line}" "$rc" "$secs"
	if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
		echo "linux-test: $name boot $boot: timed out after $LINUX_TIMEOUT s" >&2
		fail=1
	fi
	if grep -q 'Kernel panic' "$log"; then
		echo "linux-test: $name boot $boot: kernel panic:" >&2
		grep -A5 'Kernel panic' "$log" | head -8 >&2
		fail=1
	fi
	case "$summary" in
	*" passed, 0 failed") ;;
	*)
		echo "linux-test: $name boot $boot: the suite did not pass; the console ended with:" >&2
		tail -n 25 "$log" | sed 's/^/  | /' >&2
		fail=1
		;;
	esac
	w=$(sed -n 's/^PASS virtio_blk: .*wrote \([0-9][0-9]*\)$/\1/p' "$log" | tail -1)
	wrote+=("${w:-none}")
done

if [ "$LINUX_DISK_TEST" != 1 ]; then
	:
elif [ "${wrote[0]}" = none ]; then
	echo "linux-test: $name: the first boot wrote no disk record" >&2
	fail=1
elif ! grep -qx "PASS virtio_blk: previous boot wrote ${wrote[0]}, wrote $((wrote[0] + 1))" \
	"$logs/$name-boot2.log"; then
	echo "linux-test: $name: the second boot did not see the first's record ${wrote[0]}" >&2
	fail=1
else
	echo "  disk: boot 1 wrote ${wrote[0]}, boot 2 read it back and wrote $((wrote[0] + 1))"
fi
if [ "$fail" = 0 ]; then
	echo "linux-test: $name: PASS (boots: $boots)"
else
	echo "linux-test: $name: FAIL" >&2
fi
exit "$fail"
