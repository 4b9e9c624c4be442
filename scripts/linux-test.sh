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
# is the number the first boot wrote on the disk, and QEMU must exit with 0.
# Exit status 0 iff all holds; a failure's reasons are repeated at the end.
# LINUX_DISK_TEST=0: a guest without the disk; one boot, no disk record.
# LINUX_GUESTS=N: COMMAND runs N guests at once, each with its own disk, their
# console lines tagged "[gK] "; every guest is judged as above, on its lines.
# LINUX_LOG_HAS="TEXT|TEXT...": every boot's console must also have a line
# containing each TEXT (fixed strings).
# A failed boot shows the last lines of its console, where a kernel panic or
# the hypervisor's reason for stopping the guest is.
set -euo pipefail

BUILD=${BUILD:-build}
LINUX_TIMEOUT=${LINUX_TIMEOUT:-300}
LINUX_DISK_TEST=${LINUX_DISK_TEST:-1}
LINUX_GUESTS=${LINUX_GUESTS:-1}
LINUX_LOG_HAS=${LINUX_LOG_HAS:-}
boots="1 2"
[ "$LINUX_DISK_TEST" = 1 ] || boots=1
[ $# -ge 3 ] && [ "$2" = "--" ] || { sed -n '2,19s/^# \{0,1\}//p' "$0" >&2; exit 2; }
name=$1
shift 2
logs="$BUILD/linux/logs"
mkdir -p "$logs"

fail=0
reasons=()
# Record why the run fails; the reasons are repeated at the end, where a
# log tail (CI's) still shows them.
failed() {
	echo "linux-test: $name: $*" >&2
	reasons+=("$*")
	fail=1
}
console_tail() {
	echo "  the console ended with:" >&2
	tail -n 25 "$1" | sed 's/^/  | /' >&2
}
declare -A wrote
# Judge one guest's console lines in $1 (boot $2, label $3); records what it
# wrote on its disk in wrote[$3.$2].
judge() {
	local log=$1 boot=$2 label=$3
	grep -E '^(PASS|FAIL|SKIP) ' "$log" | sed "s/^/  $label/" || true
	local summary
	summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -1 || true)
	printf '  %sboot %d: %s\n' "$label" "$boot" "${summary:-no summary line}"
	if grep -q 'Kernel panic' "$log"; then
		failed "${label}boot $boot: kernel panic"
		grep -A5 'Kernel panic' "$log" | head -8 >&2
	fi
	case "$summary" in
	*" passed, 0 failed") ;;
	*)
		failed "${label}boot $boot: the suite did not pass"
		console_tail "$log"
		;;
	esac
	local want
	IFS='|' read -r -a want <<<"$LINUX_LOG_HAS"
	for text in "${want[@]}"; do
		grep -qF -- "$text" "$log" || failed "${label}boot $boot: no console line has \"$text\""
	done
	local w
	w=$(sed -n 's/^PASS virtio_blk: .*wrote \([0-9][0-9]*\)$/\1/p' "$log" | tail -1)
	wrote[$label.$boot]=${w:-none}
}

labels=""
if [ "$LINUX_GUESTS" = 1 ]; then
	labels="-"
else
	for ((g = 0; g < LINUX_GUESTS; g++)); do labels+=" g$g"; done
fi

for boot in $boots; do
	log="$logs/$name-boot$boot.log"
	echo "linux-test: $name boot $boot: ${*@Q} (log $log)"
	start=$(date +%s.%N)
	rc=0
	timeout --kill-after=5 "$LINUX_TIMEOUT" "$@" </dev/null >"$log" 2>&1 || rc=$?
	secs=$(echo "$(date +%s.%N) - $start" | bc)
	tr -d '\r' <"$log" >"$log.tmp" && mv "$log.tmp" "$log"
	printf '  boot %d: QEMU exit %d, %.1f s\n' "$boot" "$rc" "$secs"
	if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
		failed "boot $boot: timed out after $LINUX_TIMEOUT s"
		console_tail "$log"
	elif [ "$rc" != 0 ]; then
		failed "boot $boot: QEMU (or its launcher) exited with $rc"
		console_tail "$log"
	fi
	for label in $labels; do
		if [ "$label" = - ]; then
			judge "$log" "$boot" ""
		else
			sed -n "s/^\[$label\] //p" "$log" >"$log.$label"
			judge "$log.$label" "$boot" "$label "
		fi
	done
done

for label in $labels; do
	l="" log2="$logs/$name-boot2.log"
	[ "$label" = - ] || { l="$label " log2+=".$label"; }
	w1=${wrote[$l.1]}
	if [ "$LINUX_DISK_TEST" != 1 ]; then
		:
	elif [ "$w1" = none ]; then
		failed "${l}the first boot wrote no disk record"
	elif ! grep -qx "PASS virtio_blk: previous boot wrote $w1, wrote $((w1 + 1))" "$log2"; then
		failed "${l}the second boot did not see the first's record $w1"
	else
		echo "  ${l}disk: boot 1 wrote $w1, boot 2 read it back and wrote $((w1 + 1))"
	fi
done
if [ "$fail" = 0 ]; then
	echo "linux-test: $name: PASS (boots: $boots)"
else
	echo "linux-test: $name: FAIL (logs in $logs/$name-boot*.log):" >&2
	printf '  %s\n' "${reasons[@]}" >&2
fi
exit "$fail"
