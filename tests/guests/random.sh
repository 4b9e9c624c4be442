#!/usr/bin/env bash
# make guest-random: the random-instruction guest (rand_insn.c) on the
# machine and under the hypervisor, compared digest group by digest group
# (diff.sh), against the expectations in rand_insn.known, which this
# enforces: an unlisted difference fails, a listed one that no longer
# differs fails, and the masks the guest reports must be exactly the
# listed ones, each having changed a value in some run. Ends with
#     guest-random: N vS and N vU random instructions in each of K runs, all contained
# ("contained": every run, under the hypervisor as natively, ended with
# the guest's own passing result line, not a stop).
# Environment: JOBS (runs at once, default 2), plus what diff.sh reads.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
BUILD=${BUILD:-build}
export BUILD
known_file=$here/rand_insn.known
ref=native-stub
# The slowest first, so that JOBS runs end together.
modes=(hv-opensbi-noh hv-opensbi hv-stub hv-stub-noh)

known=$(awk '$1 == "group" { print $2 }' "$known_file" | tr '\n' ' ')
listed_masks=$(awk '$1 == "mask" { print $2 }' "$known_file")
bad=$(awk 'NF && $1 !~ /^#/ && $1 != "mask" && $1 != "group"' "$known_file")
if [ -n "$bad" ]; then
	echo "guest-random: lines of $known_file that are neither mask nor group:"
	echo "$bad"
	exit 1
fi

# A new instruction for every op: with QEMU's default translation buffer
# (1 GiB) each lands in fresh memory and the run slows down as it fills
# (12 blocks in the first 5 s, then one per 5 s); 4 MiB keeps it steady.
QEMU_EXTRA="-accel tcg,tb-size=4" TIMEOUT=${TIMEOUT:-900} JOBS=${JOBS:-2} STRICT=1 QUIET=1 \
KNOWN="$known" "$here/diff.sh" rand_insn "$ref" "${modes[@]}"
rc=$?

log_of() { echo "$BUILD/guests/logs/rand_insn.$1.log"; }

# "rand_insn: masked ID COUNT first raw ..." from every run.
declare -A fired
for m in "$ref" "${modes[@]}"; do
	while read -r id count; do
		if ! grep -qxF -- "$id" <<<"$listed_masks"; then
			echo "guest-random: $m masks $id, which $known_file does not list"
			rc=1
		fi
		[ "$count" -gt 0 ] && fired[$id]=1
	done < <(tr -d '\r' <"$(log_of "$m")" 2>/dev/null |
		sed -n 's/^rand_insn: masked \([a-z0-9-]*\) \([0-9]*\) .*/\1 \2/p')
done
for id in $listed_masks; do
	if [ -z "${fired[$id]:-}" ]; then
		echo "guest-random: mask $id is listed but changed no value in any run"
		rc=1
	fi
done

ran=$(tr -d '\r' <"$(log_of "$ref")" 2>/dev/null |
	sed -n 's/^rand_insn: ran \([0-9]*\) vS and \([0-9]*\) vU instructions$/\1 \2/p')
if [ $rc -eq 0 ] && [ -n "$ran" ]; then
	set -- $ran
	echo "guest-random: $1 vS and $2 vU random instructions in each of $((${#modes[@]} + 1)) runs, all contained"
else
	echo "guest-random: FAILED"
	rc=1
fi
exit $rc
