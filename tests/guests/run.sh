#!/usr/bin/env bash
# Runs one test guest in one mode and says PASS or FAIL on one line.
#   tests/guests/run.sh <guest-name> native-stub|native-opensbi|hv-stub|hv-opensbi
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
# Environment: BUILD, HV_ELF (default $BUILD/hv.elf), TIMEOUT (default 30),
# plus what scripts/qemu.sh reads.
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
hv-opensbi) args=(--firmware opensbi --hv "$HV_ELF" --guest "$BUILD/guests/$name.bin") ;;
*) echo "run.sh: unknown mode $mode" >&2; exit 2 ;;
esac

"$here/scripts/qemu.sh" "${args[@]}" --timeout "$TIMEOUT" --log "$log" 2>/dev/null
rc=$?

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
	printf 'FAIL %-12s %-15s %s (log: %s)\n' "$name" "$mode" "$why" "$log"
	tr -d '\r' <"$log" 2>/dev/null | tail -n 20 | sed 's/^/    | /'
	exit 1
fi

# Serial output has "\r\n" line ends.
marker=$(tr -d '\r' <"$log" 2>/dev/null | grep -E "^$name: [0-9]+ passed, [0-9]+ failed\$" | tail -n 1)
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

if [ -z "$why" ]; then
	printf 'PASS %-12s %-15s %s\n' "$name" "$mode" "${marker#"$name: "}"
	exit 0
fi
printf 'FAIL %-12s %-15s %s (log: %s)\n' "$name" "$mode" "$why" "$log"
tr -d '\r' <"$log" 2>/dev/null | tail -n 20 | sed 's/^/    | /'
exit 1
