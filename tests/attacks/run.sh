#!/usr/bin/env bash
# The attack suite: every attack guest in turn as guest 1 of two under the
# hypervisor, beside secret_keeper as guest 0 (the victim), on the M-stub
# and on OpenSBI:
#
#   tests/attacks/run.sh NAME...
#
# Each run: the victim puts its secret in its RAM and on its disk; the
# harness types a key for the attacker (console switch key, Ctrl-T, then
# "go"); the attack ends and its hart goes on to the victim, which gets
# its key and checks its secret. Pass iff the victim passes, the machine
# powers off when both are over, nothing says FAIL or panic, and the
# attack ended as it should:
#  - with its own result line "NAME: N passed, 0 failed" (the attack got
#    the architectural answer it checks for, every time), or
#  - if tests/attacks/NAME.stop exists, in the clean stop of guest 1 whose
#    console lines that file lists (one fixed string per line; # starts a
#    comment), the machine's power-off then failing or not, or
#  - if the attack says "NAME: looping, as the machine would" (a trap
#    loop, a hart that never yields), in that loop: the harness then hands
#    the console back to the victim and stops the machine once the victim
#    has passed (the hypervisor kept serving it).
# An attack whose source names ATTACK_SHARES_HART runs with both guests on
# one host hart (time-sliced), else each has its own.
# Logs: $BUILD/attacks/logs/NAME.FIRMWARE.log. Prints one line per run and
#     attack-tests: N attacks on 2 firmwares, N runs contained, N failed
set -uo pipefail

BUILD=${BUILD:-build}
HV_ELF=${HV_ELF:-$BUILD/hv.elf}
TIMEOUT=${TIMEOUT:-120}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
keeper="$BUILD/guests/secret_keeper.bin"
# Where QEMU's loader puts guest 1's image.
ATTACK_ADDR=0x84000000
switch=$'\x14'
pass=0 fail=0

run_one() { # name firmware
	local name=$1 fw=$2 bin="$BUILD/attacks/$1.bin" log="$BUILD/attacks/logs/$1.$2.log"
	local smp=2 cpus="" loops=0 why=""
	mkdir -p "$BUILD/attacks/disks" "$(dirname "$log")"
	grep -q ATTACK_SHARES_HART "$here/$name.c" && smp=1 cpus="hv.cpus=1 "
	grep -q 'attack_loops()' "$here/$name.c" && loops=1
	local disks=()
	for g in 0 1; do
		local d="$BUILD/attacks/disks/$name.$fw.$g.img"
		rm -f "$d"
		truncate -s 1M "$d"
		disks+=(--disk "$d")
	done
	local drive=(--prompt "secret_keeper: the secret is in place")
	if [ $loops = 1 ]; then
		drive+=(--prompt "$name: looping, as the machine would"
			--send "${switch}go" --send "${switch}go"
			--until '^\[g0\] secret_keeper: [0-9]+ passed, [0-9]+ failed$')
	else
		drive+=(--prompt "the other guests go on" --send "${switch}go" --send "go")
	fi
	local cpu=rv64
	[ "$fw" = stub ] || cpu=rv64,sstc=false
	HV_CPU=$cpu MEM=1G "$root/scripts/console-drive.py" --log "$log" --timeout "$TIMEOUT" \
		"${drive[@]}" \
		-- "$root/scripts/qemu.sh" --firmware "$fw" --hv "$HV_ELF" --smp $smp \
		--guest "$keeper" "${disks[@]}" \
		--append "${cpus}hv.mem=32M hv.guest ${cpus}hv.mem=32M hv.image=$ATTACK_ADDR,$(stat -c %s "$bin")" \
		-- -device "loader,file=$bin,addr=$ATTACK_ADDR,force-raw=on" 2>/dev/null ||
		why="the run did not end as it should"
	local text
	text=$(tr -d '\r' <"$log")
	grep -Eq '^\[g0\] secret_keeper: [1-9][0-9]* passed, 0 failed$' <<<"$text" ||
		why="${why:+$why, }the victim did not pass"
	if grep -Eq 'FAIL|[Pp]anic|PANIC' <<<"$text"; then
		why="${why:+$why, }a line says FAIL or panic"
	fi
	if [ -f "$here/$name.stop" ]; then
		while IFS= read -r line || [ -n "$line" ]; do
			[ -z "$line" ] || [ "${line#\#}" != "$line" ] && continue
			grep -qF -- "$line" <<<"$text" || why="${why:+$why, }no line with \"$line\""
		done <"$here/$name.stop"
		grep -qF "hv: guest 1 is over" <<<"$text" || why="${why:+$why, }guest 1 did not stop"
		# A stopped guest makes the machine's power-off a failing one
		# (the M-stub exits non-zero then): the power-off itself is
		# what counts, checked below.
		[ "$why" != "the run did not end as it should" ] || why=""
	elif [ $loops = 1 ]; then
		grep -qF "[g1] $name: looping, as the machine would" <<<"$text" ||
			why="${why:+$why, }the attack did not reach its loop"
	else
		grep -Eq "^\[g1\] $name: [1-9][0-9]* passed, 0 failed\$" <<<"$text" ||
			why="${why:+$why, }no passing result line of the attack"
	fi
	[ $loops = 1 ] || grep -qF "hv: every guest is over" <<<"$text" ||
		why="${why:+$why, }the machine did not power off"
	if [ -z "$why" ]; then
		printf 'PASS %-22s %-8s %s\n' "$name" "$fw" \
			"$(grep -E "^\[g1\] $name: [0-9]+ passed" <<<"$text" | sed 's/^\[g1\] [^:]*: //' |
				tail -n 1)"
		pass=$((pass + 1))
	else
		printf 'FAIL %-22s %-8s %s (log: %s)\n' "$name" "$fw" "$why" "$log"
		grep -E '^\[g1\]|^hv: guest 1' <<<"$text" | tail -n 12 | sed 's/^/    | /'
		fail=$((fail + 1))
	fi
}

[ $# -gt 0 ] || { echo "usage: run.sh NAME..." >&2; exit 2; }
for fw in stub opensbi; do
	for name in "$@"; do run_one "$name" "$fw"; done
done
echo "attack-tests: $# attacks on 2 firmwares, $pass runs contained, $fail failed"
[ $fail -eq 0 ]
