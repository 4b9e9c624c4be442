#!/usr/bin/env bash
# Differential run of one guest: runs it in a reference mode and in other
# modes (tests/guests/run.sh, each run must PASS), takes the lines
#     <guest>: group <name> ops <n> digest <hex>
# from each console log and compares every group with the reference.
#   tests/guests/diff.sh <guest> <ref-mode> <mode>...
# Prints one line per group and mode (same / DIFF with both lines), then
#     guest-diff: N passed, N failed
# where each compared group counts once per mode and a run that fails or a
# group missing on either side counts as failed. Exit status 1 on any
# failure.
# KNOWN (environment, space-separated): GROUP or GROUP@MODE entries whose
# difference is known and explained where KNOWN is set; a difference there
# is printed as KNOWN and not counted as failed, a match as passed (with a
# note that the entry can leave KNOWN), or with STRICT=1 as failed (the
# expectation no longer holds). QUIET=1 prints one line per mode instead
# of one per matching group. JOBS=N runs up to N modes at once (default
# 1). Other environment: as run.sh.
set -uo pipefail

guest=${1:?usage: diff.sh <guest> <ref-mode> <mode>...}
ref=${2:?usage: diff.sh <guest> <ref-mode> <mode>...}
shift 2
[ $# -gt 0 ] || { echo "usage: diff.sh <guest> <ref-mode> <mode>..." >&2; exit 2; }
BUILD=${BUILD:-build}
KNOWN=${KNOWN:-}
STRICT=${STRICT:-0}
QUIET=${QUIET:-0}
JOBS=${JOBS:-1}
export BUILD

here=$(cd "$(dirname "$0")" && pwd)
pass=0 fail=0 known=0

digests() { # mode -> "name line" per group, from that mode's log
	tr -d '\r' <"$BUILD/guests/logs/$guest.$1.log" 2>/dev/null |
		grep -E "^$guest: group [A-Za-z0-9_]+ ops [0-9]+ digest [0-9a-f]{16}\$" |
		awk '{ print $3 "\t" $0 }'
}

is_known() { # group mode
	local k
	for k in $KNOWN; do [ "$k" = "$1" ] || [ "$k" = "$1@$2" ] && return 0; done
	return 1
}

declare -A ok
status_dir=$(mktemp -d)
trap 'rm -rf "$status_dir"' EXIT
for m in "$ref" "$@"; do
	while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do wait -n; done
	{
		"$here/run.sh" "$guest" "$m"
		echo $? >"$status_dir/$m"
	} &
done
wait
for m in "$ref" "$@"; do
	if [ "$(cat "$status_dir/$m" 2>/dev/null)" = 0 ]; then ok[$m]=1; else ok[$m]=0; fi
done

if [ "${ok[$ref]}" != 1 ]; then
	echo "guest-diff: reference run $guest $ref failed, nothing to compare"
	echo "guest-diff: 0 passed, $# failed"
	exit 1
fi
declare -A want
while IFS=$'\t' read -r name line; do want[$name]=$line; done < <(digests "$ref")
if [ ${#want[@]} -eq 0 ]; then
	echo "guest-diff: no digest lines in the $ref log"
	echo "guest-diff: 0 passed, $# failed"
	exit 1
fi

for m in "$@"; do
	if [ "${ok[$m]}" != 1 ]; then
		echo "DIFF $guest $m: the run failed (see above)"
		fail=$((fail + 1))
		continue
	fi
	mode_same=0
	declare -A got=()
	while IFS=$'\t' read -r name line; do got[$name]=$line; done < <(digests "$m")
	for name in $(printf '%s\n' "${!want[@]}" "${!got[@]}" | sort -u); do
		w=${want[$name]:-"(no such group)"}
		g=${got[$name]:-"(no such group)"}
		if [ "$w" = "$g" ] && is_known "$name" "$m" && [ "$STRICT" = 1 ]; then
			printf 'STALE %-9s %-15s matches, but KNOWN says it differs\n' "$name" "$m"
			fail=$((fail + 1))
		elif [ "$w" = "$g" ]; then
			[ "$QUIET" = 1 ] || printf 'same %-10s %-15s %s\n' "$name" "$m" "${g##* }"
			pass=$((pass + 1))
			mode_same=$((mode_same + 1))
			is_known "$name" "$m" &&
				echo "     note: group $name matches now in $m; it can leave KNOWN"
		elif is_known "$name" "$m"; then
			printf 'KNOWN %-9s %-15s differs (known, see KNOWN)\n' "$name" "$m"
			printf '    %-15s %s\n    %-15s %s\n' "$ref" "$w" "$m" "$g"
			known=$((known + 1))
		else
			printf 'DIFF %-10s %-15s\n' "$name" "$m"
			printf '    %-15s %s\n    %-15s %s\n' "$ref" "$w" "$m" "$g"
			fail=$((fail + 1))
		fi
	done
	if [ "$QUIET" = 1 ]; then printf 'same %-10s %-15s %d groups\n' "(all)" "$m" "$mode_same"; fi
	unset got
done

[ $known -eq 0 ] || echo "guest-diff: $known known differences (KNOWN=\"$KNOWN\") not counted"
echo "guest-diff: $pass passed, $fail failed"
[ $fail -eq 0 ]
