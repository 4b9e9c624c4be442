#!/usr/bin/env bash
# Runs one test guest in one mode and says PASS or FAIL on one line.
#   tests/guests/run.sh <guest-name> native-stub|native-opensbi|hv-stub|hv-opensbi|hv-sliced|hv-stub-noh|hv-opensbi-noh
# Under the hypervisor, the host hart has Sstc on the stub and not on
# OpenSBI, so that both of the hypervisor's timer paths run. hv-sliced is
# hv-stub with one host hart for the guest's SMP vCPUs, which it runs in
# turn. hv-stub-noh and hv-opensbi-noh are hv-stub and hv-opensbi on a
# host hart without the H extension.
# Pass = QEMU exited 0 AND the console has the exact line
# "<name>: N passed, 0 failed" with N > 0 (QEMU exits 0 on some failures,
# e.g. a firmware that ignores the SRST reason, so the marker decides too).
# A guest that cannot print that line (it ends in a hypervisor stop) has
# tests/guests/<name>.expect instead; then pass = no timeout and every line
# of that file holds (blank lines and lines starting with # are ignored):
#   log TEXT              some console line contains TEXT (fixed string)
#   absent TEXT           no console line contains TEXT
#   exit MODE zero|nonzero|any   QEMU's exit status in MODE; a mode with
#                         no exit line must exit non-zero
# A guest that needs a disk has tests/guests/<name>.disk instead: it gets a
# fresh zeroed image $BUILD/guests/disks/<name>.<mode>.img (scripts/qemu.sh
# --disk) and boots several times with that same image, boot K logged in
# $BUILD/guests/logs/<name>.<mode>.bootK.log; pass = every boot passes by
# the result-line rule above AND every line of that file holds:
#   size SIZE             the image's size (as truncate -s takes it)
#   boots N               how many boots
#   log K TEXT            boot K's console has a line containing TEXT
# Environment: BUILD, HV_ELF (default $BUILD/hv.elf), TIMEOUT (default 30),
# SMP (harts, default 1), QEMU_EXTRA (QEMU arguments appended, split on
# spaces), plus what scripts/qemu.sh reads.
set -uo pipefail

name=${1:?usage: run.sh <guest> <mode>}
mode=${2:?usage: run.sh <guest> <mode>}
BUILD=${BUILD:-build}
HV_ELF=${HV_ELF:-$BUILD/hv.elf}
TIMEOUT=${TIMEOUT:-30}
export BUILD

here=$(cd "$(dirname "$0")/../.." && pwd)
log="$BUILD/guests/logs/$name.$mode.log"

case "$mode" in
native-stub) args=(--firmware stub --native --guest "$BUILD/guests/$name.elf") ;;
native-opensbi) args=(--firmware opensbi --native --guest "$BUILD/guests/$name.elf") ;;
hv-stub) args=(--firmware stub --hv "$HV_ELF" --guest "$BUILD/guests/$name.bin") ;;
hv-opensbi)
	export HV_CPU=rv64,sstc=false
	args=(--firmware opensbi --hv "$HV_ELF" --guest "$BUILD/guests/$name.bin") ;;
hv-sliced)
	args=(--firmware stub --hv "$HV_ELF" --guest "$BUILD/guests/$name.bin" --cpus "${SMP:-1}")
	SMP=1 ;;
hv-stub-noh)
	export HV_CPU=rv64,h=false
	args=(--firmware stub --hv "$HV_ELF" --guest "$BUILD/guests/$name.bin") ;;
hv-opensbi-noh)
	export HV_CPU=rv64,h=false,sstc=false
	args=(--firmware opensbi --hv "$HV_ELF" --guest "$BUILD/guests/$name.bin") ;;
*) echo "run.sh: unknown mode $mode" >&2; exit 2 ;;
esac

# Boots once, console to $1, further qemu.sh options after it; sets rc.
boot() {
	local to=$1
	shift
	"$here/scripts/qemu.sh" "${args[@]}" "$@" --timeout "$TIMEOUT" --log "$to" \
		-- ${QEMU_EXTRA:-} 2>/dev/null
	rc=$?
}

# The result line of the console log $1 and what is wrong with the boot
# that ended with rc: sets marker and why.
judge_result_line() {
	# Serial output has "\r\n" line ends.
	marker=$(tr -d '\r' <"$1" 2>/dev/null |
		grep -E "^$name: [0-9]+ passed, [0-9]+ failed\$" | tail -n 1)
	why=""
	if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
		why="timeout after ${TIMEOUT}s"
	elif [ $rc -ne 0 ]; then
		why="QEMU exit status $rc"
	fi
	if [ -z "$marker" ]; then
		why="${why:+$why, }no result line"
	elif ! [[ "$marker" =~ ^$name:\ [1-9][0-9]*\ passed,\ 0\ failed$ ]]; then
		why="${why:+$why, }$marker"
	fi
}

fail() {
	printf 'FAIL %-12s %-15s %s (log: %s)\n' "$name" "$mode" "$1" "$2"
	tr -d '\r' <"$2" 2>/dev/null | tail -n 20 | sed 's/^/    | /'
	exit 1
}

disk_spec="$here/tests/guests/$name.disk"
if [ -f "$disk_spec" ]; then
	size="" boots="" log_boot=() log_text=()
	while IFS= read -r line || [ -n "$line" ]; do
		case "$line" in
		"" | "#"*) ;;
		"size "*) size=${line#size } ;;
		"boots "*) boots=${line#boots } ;;
		"log "*)
			rest=${line#log }
			log_boot+=("${rest%% *}")
			log_text+=("${rest#* }") ;;
		*) fail "bad line in $disk_spec: $line" "$disk_spec" ;;
		esac
	done <"$disk_spec"
	[[ "$boots" =~ ^[1-9][0-9]*$ ]] || fail "no boots count in $disk_spec" "$disk_spec"
	for k in "${log_boot[@]}"; do
		[[ "$k" =~ ^[0-9]+$ ]] && [ "$k" -ge 1 ] && [ "$k" -le "$boots" ] ||
			fail "bad boot number $k in $disk_spec" "$disk_spec"
	done
	disk="$BUILD/guests/disks/$name.$mode.img"
	mkdir -p "$(dirname "$disk")"
	rm -f "$disk"
	truncate -s "$size" "$disk" 2>/dev/null || fail "cannot make a $size image" "$disk"
	results=""
	for ((k = 1; k <= boots; k++)); do
		log="$BUILD/guests/logs/$name.$mode.boot$k.log"
		boot "$log" --disk "$disk"
		judge_result_line "$log"
		text=$(tr -d '\r' <"$log" 2>/dev/null)
		for i in "${!log_boot[@]}"; do
			[ "${log_boot[$i]}" = "$k" ] || continue
			grep -qF -- "${log_text[$i]}" <<<"$text" ||
				why="${why:+$why, }no line with \"${log_text[$i]}\""
		done
		[ -z "$why" ] || fail "boot $k: $why" "$log"
		results+="${results:+; }${marker#"$name: "}"
	done
	printf 'PASS %-12s %-15s %d boots: %s\n' "$name" "$mode" "$boots" "$results"
	exit 0
fi

boot "$log"

expect="$here/tests/guests/$name.expect"
if [ -f "$expect" ]; then
	why=""
	if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
		why="timeout after ${TIMEOUT}s"
	fi
	want_exit=nonzero
	text=$(tr -d '\r' <"$log" 2>/dev/null)
	while IFS= read -r line || [ -n "$line" ]; do
		case "$line" in
		"" | "#"*) ;;
		"log "*)
			grep -qF -- "${line#log }" <<<"$text" ||
				why="${why:+$why, }no line with \"${line#log }\"" ;;
		"absent "*)
			! grep -qF -- "${line#absent }" <<<"$text" ||
				why="${why:+$why, }unexpected \"${line#absent }\"" ;;
		"exit $mode "*) want_exit=${line#"exit $mode "} ;;
		"exit "*) ;;
		*) why="${why:+$why, }bad line in $expect: $line" ;;
		esac
	done <"$expect"
	case "$want_exit" in
	zero) [ $rc -eq 0 ] || why="${why:+$why, }QEMU exit status $rc, want 0" ;;
	nonzero) [ $rc -ne 0 ] || why="${why:+$why, }QEMU exit status 0, want non-zero" ;;
	any) ;;
	*) why="${why:+$why, }bad exit expectation $want_exit" ;;
	esac
	if [ -z "$why" ]; then
		printf 'PASS %-12s %-15s as %s expects (exit %d)\n' "$name" "$mode" \
			"${expect#"$here/"}" "$rc"
		exit 0
	fi
	fail "$why" "$log"
fi

judge_result_line "$log"
[ -z "$why" ] || fail "$why" "$log"
printf 'PASS %-12s %-15s %s\n' "$name" "$mode" "${marker#"$name: "}"
exit 0
