#!/usr/bin/env python3
"""make bench: the same guest natively and under the hypervisor, counted.

Each configuration boots once under `-icount shift=0,sleep=off` with the
counting plugin (bench/count.c): instructions by phase and address range,
and the hypervisor's instructions per trap, split by what the trap did. Then
the wall time of plain runs (no plugin, no icount), the configurations
taking turns, median of --runs. The table goes to the terminal, the figures
to BUILD/bench/NAME.json.

usage: bench.py [--runs N] [--smoke] BUILD PLUGIN
  default: the Linux test suite (BUILD/linux/Image and initramfs.cpio), then
           its init's bench=loop (compute-bound, no system calls) and
           bench=fork (fork, page faults, exec) and bench=pipe (two processes
           taking turns) workloads, each as linux-NAME;
  --smoke: the hello guest, natively and on the stub, one wall run: the
           smallest case, which make check runs so that this cannot rot.
"""
import argparse
import bisect
import json
import os
import re
import statistics
import subprocess
import sys
import time

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
QEMU_SH = os.path.join(ROOT, "scripts", "qemu.sh")
OBJDUMP = "riscv64-unknown-elf-objdump"
READELF = "riscv64-unknown-elf-readelf"
NM = "riscv64-unknown-elf-nm"
ENTRY = 0x80200000
PHASES = ["boot", "kernel", "user"]
PHASE_TITLES = {"boot": "reset -> kernel entry", "kernel": "kernel entry -> /init",
                "user": "/init -> end"}
RANGES = ["firmware", "hypervisor", "kernel", "user"]
# The functions that say what a trap episode did: the first one it runs.
MARKS = [("csr", "vcsr_emulate"), ("sret", "vtrap_sret"), ("wfi", "vcpu_wfi"),
         ("sfence", "shadow_flush_va"), ("sfence", "shadow_flush_all"),
         ("sfence", "shadow_flush_va_asid"), ("sfence", "shadow_flush_asid"),
         ("page-fault", "vmem_page_fault"), ("sbi", "vsbi_handle"),
         ("interrupt", "sched_interrupt"), ("reflect", "vtrap_enter")]
MARK_TITLES = {"csr": "CSR access", "sret": "sret", "wfi": "wfi", "sfence": "sfence.vma",
               "page-fault": "page fault (shadow fill or MMIO)", "sbi": "SBI call",
               "interrupt": "interrupt", "reflect": "reflected to the guest",
               "other": "other"}


def load_segments(hv_elf):
    """The hypervisor's loaded segments as (virtual address, size in memory)."""
    segs = []
    for line in subprocess.run([READELF, "-lW", hv_elf], check=True, capture_output=True,
                               text=True).stdout.splitlines():
        f = line.split()
        if f and f[0] == "LOAD":
            segs.append((int(f[2], 16), int(f[5], 16)))
    return segs


def hv_plugin_args(hv_elf):
    """The plugin's view of the hypervisor: its window range, vector, sret, marks."""
    syms = {}
    for line in subprocess.run([NM, hv_elf], check=True, capture_output=True,
                               text=True).stdout.splitlines():
        parts = line.split()
        if len(parts) == 3:
            syms[parts[2]] = int(parts[0], 16)
    segs = load_segments(hv_elf)
    lo = min(va for va, _ in segs)
    hi = max(va + size for va, size in segs)
    srets = [int(m.group(1), 16) for m in re.finditer(
        r"^\s*([0-9a-f]+):\s+10200073\s+sret\s*$",
        subprocess.run([OBJDUMP, "-d", hv_elf], check=True, capture_output=True,
                       text=True).stdout, re.M)]
    if len(srets) != 1:
        sys.exit(f"bench: expected one sret in {hv_elf}, found {len(srets)}")
    args = [f"hv={lo:x}-{hi:x}", f"vector={syms['trap_vector']:x}", f"leave={srets[0]:x}"]
    args += [f"mark={name}@{syms[fn]:x}" for name, fn in MARKS]
    return args


def functions_of(hv_elf):
    """The hypervisor's functions as sorted (start, name) pairs."""
    funcs = []
    for line in subprocess.run([NM, "--defined-only", hv_elf], check=True,
                               capture_output=True, text=True).stdout.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in "tT":
            funcs.append((int(parts[0], 16), parts[2]))
    return sorted(funcs)


def read_profile(path, funcs):
    """Instructions the hypervisor ran, by function (the one whose start precedes)."""
    starts = [a for a, _ in funcs]
    by_fn = {}
    with open(path) as f:
        for line in f:
            addr, n = line.split()
            i = bisect.bisect_right(starts, int(addr, 16)) - 1
            fn = funcs[i][1] if i >= 0 else "?"
            by_fn[fn] = by_fn.get(fn, 0) + int(n)
    return dict(sorted(by_fn.items(), key=lambda kv: -kv[1]))


def run(cmd, log, expect, env=None, timeout=900):
    """Run cmd with its console in log; it must exit 0 and print expect (a regex)."""
    start = time.monotonic()
    with open(log, "w") as f:
        rc = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=f, stderr=subprocess.STDOUT,
                            env=env, timeout=timeout).returncode
    secs = time.monotonic() - start
    if rc != 0:
        sys.exit(f"bench: {' '.join(cmd)} exited {rc}; see {log}")
    with open(log, errors="replace") as f:
        if not re.search(expect, f.read(), re.M):
            sys.exit(f"bench: the guest did not say /{expect}/; see {log}")
    return secs


def read_counts(path):
    insns = {p: {r: 0 for r in RANGES} for p in PHASES}
    traps = {}
    reached = 0
    with open(path) as f:
        for line in f:
            w = line.split()
            if w[0] == "phases_reached":
                reached = int(w[1])
            elif w[0] == "insns":
                insns[w[1]][w[2]] = int(w[3])
            elif w[0] == "trap":
                t = traps.setdefault(w[1], {"traps": 0, "insns": 0})
                t["traps"] += int(w[2])
                t["insns"] += int(w[3])
    return reached, insns, traps


def hv_causes(log):
    """The hypervisor's own count of traps by cause, printed when the guest ends."""
    causes = {}
    with open(log, errors="replace") as f:
        for line in f:
            m = re.match(r"^hv:   (.+?)\s+(\d+)( \(while the guest waited in WFI\))?\s*$",
                         line.rstrip("\r\n"))
            if m:
                key = m.group(1) + (" (in WFI)" if m.group(3) else "")
                causes[key] = causes.get(key, 0) + int(m.group(2))
    return causes


def hv_shadow(log):
    """The hypervisor's shadow and page-pool counts, printed when the guest ends."""
    found = {}
    with open(log, errors="replace") as f:
        text = f.read()
    m = re.search(r"^hv: shadow: (\d+) fills, (\d+) flushes \(all or one page\), "
                  r"(\d+) real satp writes", text, re.M)
    if m:
        found.update(shadow_fills=int(m.group(1)), shadow_flushes=int(m.group(2)),
                     satp_writes=int(m.group(3)))
    m = re.search(r"^hv: page pool \(all guests\): (\d+) of (\d+) pages", text, re.M)
    if m:
        found.update(pool_peak_pages=int(m.group(1)), pool_pages=int(m.group(2)))
    return found


def image_size(hv_elf):
    """Bytes of the hypervisor's image in memory: code, data and bss."""
    return sum(size for _, size in load_segments(hv_elf))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--smoke", action="store_true")
    ap.add_argument("build")
    ap.add_argument("plugin")
    a = ap.parse_args()
    build = a.build
    out = os.path.join(build, "bench")
    os.makedirs(out, exist_ok=True)
    hv_elf = os.path.join(build, "hv.elf")
    hv_args = hv_plugin_args(hv_elf)
    funcs = functions_of(hv_elf)

    if a.smoke:
        workloads, runs = [("smoke", [], r"^hello: \d+ passed, 0 failed")], 1
        guest_native = ["--guest", os.path.join(build, "guests", "hello.elf")]
        guest_hv = ["--guest", os.path.join(build, "guests", "hello.bin")]
        configs = [("native", "stub", None), ("hv-stub", "stub", hv_elf)]
        append, native_mem = [], "128M"
    else:
        # The suite, then a compute-bound and a process-heavy program (init.c).
        workloads = [("linux", [], r"^\d+ passed, 0 failed"),
                     ("linux-loop", ["bench=loop"], r"^bench: loop done"),
                     ("linux-fork", ["bench=fork"], r"^bench: fork done"),
                     ("linux-pipe", ["bench=pipe"], r"^bench: pipe done")]
        runs = a.runs
        linux = os.path.join(build, "linux")
        guest_native = ["--guest", os.path.join(linux, "Image"),
                        "--guest-initrd", os.path.join(linux, "initramfs.cpio")]
        guest_hv = guest_native
        configs = [("native", "opensbi", None), ("hv-stub", "stub", hv_elf),
                   ("hv-opensbi", "opensbi", hv_elf)]
        append, native_mem = ["console=hvc0", "earlycon=sbi", "panic=-1"], "256M"

    def command(fw, hv, disk, extra, counted, counts_file, profile_file=None):
        cmd = [QEMU_SH, "--firmware", fw]
        if hv:
            cmd += ["--hv", hv] + guest_hv
            app = (["hv.mem=256M"] if not a.smoke else []) + append + extra
        else:
            cmd += ["--native"] + guest_native
            app = append + extra
        if app:
            cmd += ["--append", " ".join(app)]
        if disk:
            cmd += ["--disk", disk]
        if counted:
            plugin = [f"out={counts_file}", f"entry={ENTRY:x}"]
            if hv:
                plugin += hv_args + [f"profile={profile_file}"]
            cmd += ["--", "-icount", "shift=0,sleep=off", "-plugin",
                    ",".join([os.path.abspath(a.plugin)] + plugin)]
        return cmd

    # Natively the kernel gets the RAM a guest gets under the hypervisor.
    env_hv = dict(os.environ, BUILD=build, MEM="1G")
    env_native = dict(os.environ, BUILD=build, MEM=native_mem)
    summary = []
    for name, extra, expect in workloads:
        report = measure(a, name, extra, expect, configs, runs, out, hv_elf, funcs, command,
                         env_hv, env_native)
        summary.append(report)
    if len(summary) > 1:
        print("\nbench: hypervisor / native, by workload (instructions whole run, "
              "instructions from /init, wall time)")
        for r in summary:
            print(f"  {r['name']:<14}" + "".join(
                f"  {fw}: {r['instructions_ratio'][fw]:.3f} {r['init_to_end_ratio'][fw]:.3f} "
                f"{r['wall_ratio'][fw]:.3f}" for fw in r["instructions_ratio"]))


def measure(a, name, extra, expect, configs, runs, out, hv_elf, funcs, command, env_hv,
            env_native):
    """One workload: counted runs, wall runs, the table, JSON and plots."""
    results = {}

    def fresh_disk(cfg):
        if a.smoke:
            return None
        disk = os.path.join(out, f"{name}-{cfg}.img")
        with open(disk, "wb") as f:
            f.truncate(1 << 20)
        return disk

    for cfg, fw, hv in configs:
        counts = os.path.join(out, f"{name}-{cfg}.counts")
        log = os.path.join(out, f"{name}-{cfg}-counted.log")
        print(f"bench: {name} {cfg}: counted run (log {log})", flush=True)
        profile = os.path.join(out, f"{name}-{cfg}.profile")
        run(command(fw, hv, fresh_disk(cfg), extra, True, counts, profile), log, expect,
            env_hv if hv else env_native)
        reached, insns, traps = read_counts(counts)
        if reached != len(PHASES) and not a.smoke:
            sys.exit(f"bench: {cfg} reached only {reached} phases; see {log}")
        results[cfg] = {"firmware": fw, "phases_reached": reached, "insns": insns,
                        "trap_episodes": traps, "hv_traps_by_cause": hv_causes(log),
                        "hv_profile": read_profile(profile, funcs) if hv else {},
                        "hv_shadow": hv_shadow(log) if hv else {},
                        "wall": []}
    for i in range(runs):
        for cfg, fw, hv in configs:
            log = os.path.join(out, f"{name}-{cfg}-wall{i + 1}.log")
            secs = run(command(fw, hv, fresh_disk(cfg), extra, False, None), log, expect,
                       env_hv if hv else env_native)
            results[cfg]["wall"].append(round(secs, 3))
            print(f"bench: {name} {cfg}: wall run {i + 1}/{runs}: {secs:.2f} s", flush=True)

    def total(cfg, phases=PHASES):
        return sum(results[cfg]["insns"][p][r] for p in phases for r in RANGES)

    report = {"name": name, "configs": results, "instructions_ratio": {}, "wall_ratio": {},
              "kernel_entry_to_end_ratio": {}, "init_to_end_ratio": {},
              "hv_image_bytes": image_size(hv_elf)}
    native_wall = statistics.median(results["native"]["wall"])
    for cfg, fw, hv in configs:
        results[cfg]["wall_median"] = statistics.median(results[cfg]["wall"])
        if hv:
            report["instructions_ratio"][fw] = round(total(cfg) / total("native"), 3)
            report["wall_ratio"][fw] = round(results[cfg]["wall_median"] / native_wall, 3)
            for key, tail in [("kernel_entry_to_end_ratio", PHASES[1:]),
                              ("init_to_end_ratio", PHASES[2:])]:
                if total("native", tail):
                    report[key][fw] = round(total(cfg, tail) / total("native", tail), 3)
    with open(os.path.join(out, f"{name}.json"), "w") as f:
        json.dump(report, f, indent=1)
    print_table(report, configs)
    print(f"bench: figures in {os.path.join(out, name + '.json')}")
    plot(report, configs, out, name)
    if a.smoke:
        check_smoke(results)
    return report


def plot(report, configs, out, name):
    """Two gnuplot PNGs: instructions by phase and range, and cost per trap."""
    res = report["configs"]
    names = [c for c, _, _ in configs]
    data = os.path.join(out, f"{name}-instructions.dat")
    with open(data, "w") as f:
        f.write("run " + " ".join(RANGES) + "\n")
        for p in PHASES:
            for c in names:
                f.write(f'"{c} {p}" ' + " ".join(
                    f"{res[c]['insns'][p][r] / 1e6:.3f}" for r in RANGES) + "\n")
    hv_names = [c for c in names if res[c]["trap_episodes"]]
    marks = sorted({m for c in hv_names for m in res[c]["trap_episodes"]})
    traps = os.path.join(out, f"{name}-traps.dat")
    with open(traps, "w") as f:
        f.write("cause " + " ".join(hv_names) + "\n")
        for m in marks:
            f.write(f'"{MARK_TITLES.get(m, m)}" ' + " ".join(
                f"{t['insns'] / t['traps']:.0f}" if (t := res[c]["trap_episodes"].get(m))
                else "0" for c in hv_names) + "\n")
    script = f"""set terminal png size 1100,600
set style data histograms
set style fill solid border -1
set key outside top right autotitle columnheader
set xtics rotate by -35
set grid ytics
set output '{os.path.join(out, name + "-instructions.png")}'
set title 'M instructions by phase and address range ({name})'
set style histogram rowstacked
plot for [i=2:{len(RANGES) + 1}] '{data}' using i:xtic(1)
set output '{os.path.join(out, name + "-traps.png")}'
set title "the hypervisor's instructions per trap, by what the trap did ({name})"
set style histogram clustered gap 1
plot for [i=2:{len(hv_names) + 1}] '{traps}' using i:xtic(1)
"""
    subprocess.run(["gnuplot"], input=script, text=True, check=True)
    print(f"bench: plots {os.path.join(out, name)}-instructions.png and -traps.png")


def check_smoke(res):
    """What must hold of any counted run, or the bench has rotted."""
    wrong = []
    native, hv = res["native"], res["hv-stub"]
    for cfg, r in res.items():
        if r["phases_reached"] < 2 or not r["insns"]["kernel"]["kernel"]:
            wrong.append(f"{cfg}: the guest's entry was not seen")
    if any(native["insns"][p]["hypervisor"] for p in PHASES):
        wrong.append("native: instructions counted as the hypervisor's")
    if not all(hv["insns"][p]["hypervisor"] for p in ("boot", "kernel")):
        wrong.append("hv-stub: no hypervisor instructions in a phase")
    episodes = sum(t["traps"] for t in hv["trap_episodes"].values())
    traps = sum(hv["hv_traps_by_cause"].values())
    # Every trap is one episode, except the last (the power-off call never returns).
    if not hv["hv_shadow"].get("pool_peak_pages"):
        wrong.append("hv-stub: no shadow or page-pool counts in its output")
    if not hv["trap_episodes"].get("sbi") or episodes != traps - 1:
        wrong.append(f"hv-stub: {episodes} trap episodes counted, the hypervisor took {traps} traps")
    for w in wrong:
        print(f"bench: smoke: {w}", file=sys.stderr)
    if wrong:
        sys.exit(1)
    print(f"bench: smoke: counts consistent ({episodes} trap episodes, {traps} traps)")


def print_table(report, configs):
    res = report["configs"]
    names = [c for c, _, _ in configs]
    w = 14
    print()
    print(f"{'M instructions':<34}" + "".join(f"{c:>{w}}" for c in names))
    for p in PHASES:
        print(f"{PHASE_TITLES[p]:<34}" + "".join(
            f"{sum(res[c]['insns'][p].values()) / 1e6:>{w}.2f}" for c in names))
        for r in RANGES:
            print(f"  {r:<32}" + "".join(f"{res[c]['insns'][p][r] / 1e6:>{w}.2f}" for c in names))
    totals = {c: sum(sum(v.values()) for v in res[c]["insns"].values()) for c in names}
    print(f"{'total':<34}" + "".join(f"{totals[c] / 1e6:>{w}.2f}" for c in names))
    print(f"{'wall time, median (s)':<34}" + "".join(
        f"{res[c]['wall_median']:>{w}.2f}" for c in names))
    for key, title in [("instructions_ratio", "instructions, hv / native"),
                       ("kernel_entry_to_end_ratio", "kernel entry -> end, hv / native"),
                       ("init_to_end_ratio", "/init -> end, hv / native"),
                       ("wall_ratio", "wall time, hv / native")]:
        fws = report[key]
        print(f"{title:<34}" + "".join(
            f"{fws[res[c]['firmware']]:>{w}.3f}" if c != "native" and res[c]['firmware'] in fws
            else f"{'':>{w}}" for c in names))
    for c in names:
        eps = res[c]["trap_episodes"]
        if not eps:
            continue
        print(f"\n{c}: the hypervisor's instructions per trap")
        for mark, t in sorted(eps.items(), key=lambda kv: -kv[1]["traps"]):
            print(f"  {MARK_TITLES.get(mark, mark):<34}{t['traps']:>10} traps"
                  f"{t['insns'] / t['traps']:>10.0f} per trap")
        prof = res[c]["hv_profile"]
        hv_total = sum(prof.values())
        print(f"{c}: where the hypervisor's instructions go (top functions)")
        for fn, n in list(prof.items())[:12]:
            print(f"  {fn:<34}{n / 1e6:>10.2f} M{100 * n / hv_total:>9.1f} %")
        sh = res[c]["hv_shadow"]
        if sh:
            print(f"{c}: {sh['shadow_fills']} shadow fills, {sh['shadow_flushes']} flushes, "
                  f"{sh['satp_writes']} real satp writes; memory: image "
                  f"{report['hv_image_bytes'] // 1024} KiB + shadow pool peak "
                  f"{sh['pool_peak_pages'] * 4} KiB (of {sh['pool_pages'] * 4} KiB)")
        causes = res[c]["hv_traps_by_cause"]
        if causes:
            print(f"{c}: traps by cause, as the hypervisor counted them")
            for cause, n in causes.items():
                print(f"  {cause:<34}{n:>10}")


if __name__ == "__main__":
    main()
