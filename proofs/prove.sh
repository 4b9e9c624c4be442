#!/usr/bin/env bash
# Prove the core: run Frama-C/WP (with RTE guards) over every src/core/*.c,
# write build/prove/report.json, print one summary line, and exit non-zero
# if any goal is left unproved (frama-c itself exits 0 in that case).
#
# Environment: PROVE_TIMEOUT (s per goal, default 10), PROVE_JOBS (default 8),
# PROVE_CACHE (WP cache mode, default update; "none" for a cold run),
# PROVE_OUT (output directory, default build/prove), PROVE_SRCS (files to
# prove, default every src/core/*.c; the build always proves them all).
set -euo pipefail

cd "$(dirname "$0")/.."
out=${PROVE_OUT:-build/prove}
mkdir -p "$out"
rm -f "$out/report.json" "$out/classify.json" "$out/wp.log"

timeout_s=${PROVE_TIMEOUT:-10}
jobs=${PROVE_JOBS:-8}
cache=${PROVE_CACHE:-update}
if [ -n "${PROVE_SRCS:-}" ]; then
  read -r -a srcs <<<"$PROVE_SRCS"
else
  srcs=(src/core/*.c)
fi

start=$(date +%s)
status=0
frama-c \
  -cpp-extra-args="-Isrc/include -Isrc -Ispec" \
  -wp -wp-rte \
  -wp-prover script,z3,cvc4 \
  -wp-session proofs/wp-session \
  -wp-cache "$cache" -wp-cache-dir "$out/cache" \
  -wp-timeout "$timeout_s" -wp-par "$jobs" \
  -wp-report-json "$out/report.json" \
  "${srcs[@]}" \
  -then -report-classify -report-unclassified-unknown ERROR \
  -report-output "$out/classify.json" \
  >"$out/wp.log" 2>&1 || status=$?
secs=$(( $(date +%s) - start ))

python3 - "$out" "$secs" "$status" <<'PY'
import json, re, sys
out, secs, status = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
log = open(f"{out}/wp.log").read()
# Who closed each goal: "[wp] [Qed] Goal typed_x : Valid", "[wp] [Z3 4.8.12] ...".
by = {}
for prover in re.findall(r"^\[wp\] \[([^\]]+)\] Goal \S+ : Valid", log, re.M):
    name = prover.split()[0].lower()
    by[name] = by.get(name, 0) + 1
failed = re.findall(r"^\[wp\] \[(?:Failed|Unknown|Timeout)[^\]]*\] Goal (\S+)", log, re.M)
m = re.search(r"Proved goals:\s+(\d+) / (\d+)", log)
proved, total = (int(m.group(1)), int(m.group(2))) if m else (0, 0)
try:
    report = json.load(open(f"{out}/report.json"))
    main = report["wp:global"]["wp:main"]
    total, proved = main["total"], main.get("valid", 0)
except (OSError, KeyError, ValueError):
    pass
parts = ", ".join(f"{k} {v}" for k, v in sorted(by.items(), key=lambda kv: -kv[1]))
print(f"prove: {proved}/{total} goals proved ({parts}) in {secs}s")
for goal in failed:
    print(f"prove: UNPROVED {goal}")
ok = status == 0 and total > 0 and proved == total and not failed
if not ok:
    print(f"prove: FAILED (frama-c exit {status}); see {out}/wp.log")
sys.exit(0 if ok else 1)
PY
