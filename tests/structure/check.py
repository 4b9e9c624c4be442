#!/usr/bin/env python3
"""The shape of src/hv: no include cycle among its modules, and no mutable
file-level state beyond the boot tables.

A module is a .c/.h pair with one stem (src/hv/sbi/ is one module, "sbi");
module A depends on B when a file of A includes "hv/B.h". The dependency
graph must be acyclic; the modules are printed in layers, each depending
only on layers above it. Mutable file-level state is what the compiled
objects put in .data/.bss (nm symbol types b, d, s, g, c): only the names
in ALLOWED may have it.

usage: check.py BUILD_DIR   (the objects of src/hv are under BUILD_DIR/hv/src/hv)
"""
import os
import re
import subprocess
import sys

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
HV = os.path.join(ROOT, "src", "hv")
# The boot tables and the two machine-wide singletons every hart shares.
ALLOWED = {
    ("machine.o", "machine"),  # harts, guests, disks (hv/machine.h)
    ("mm.o", "pool"),          # the shadow page pool, behind its lock
    ("console.o", "con"),      # the one console, behind its lock
    ("entry.o", "hv_boot_root"),  # the hypervisor's own page table
}
INCLUDE = re.compile(r'^\s*#\s*include\s+"hv/([a-z_0-9/]+)\.h"', re.M)


def module_of(path):
    rel = os.path.relpath(path, HV)
    if rel.startswith("sbi" + os.sep):
        return "sbi"
    return os.path.splitext(rel)[0]


def include_graph():
    deps = {}
    for dirpath, _, files in os.walk(HV):
        for name in files:
            if not name.endswith((".c", ".h", ".S")):
                continue
            path = os.path.join(dirpath, name)
            mod = module_of(path)
            deps.setdefault(mod, set())
            for target in INCLUDE.findall(open(path).read()):
                dep = "sbi" if target.startswith("sbi/") else target
                # asm_offsets.h is generated from asm_offsets.c.
                if dep != mod:
                    deps[mod].add(dep)
    return deps


def find_cycle(deps):
    state, stack = {}, []

    def visit(m):
        state[m] = 1
        stack.append(m)
        for d in sorted(deps.get(m, ())):
            if state.get(d) == 1:
                return stack[stack.index(d):] + [d]
            if d not in state:
                cycle = visit(d)
                if cycle:
                    return cycle
        stack.pop()
        state[m] = 2
        return None

    for m in sorted(deps):
        if m not in state:
            cycle = visit(m)
            if cycle:
                return cycle
    return None


def layers(deps):
    level = {}

    def depth(m):
        if m not in level:
            level[m] = 1 + max((depth(d) for d in deps.get(m, ()) if d in deps), default=-1)
        return level[m]

    for m in deps:
        depth(m)
    out = {}
    for m, l in level.items():
        out.setdefault(l, []).append(m)
    return [sorted(out[l]) for l in sorted(out)]


def mutable_globals(build):
    found = []
    objdir = os.path.join(build, "hv", "src", "hv")
    nm = os.environ.get("NM", "riscv64-unknown-elf-nm")
    for dirpath, _, files in os.walk(objdir):
        for name in sorted(files):
            if not name.endswith(".o"):
                continue
            syms = subprocess.run([nm, os.path.join(dirpath, name)], check=True,
                                  capture_output=True, text=True).stdout
            for line in syms.splitlines():
                parts = line.split()
                if len(parts) == 3 and parts[1] in "bBdDsSgGcC":
                    found.append((name, parts[2]))
    return found


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    deps = include_graph()
    ok = True
    cycle = find_cycle(deps)
    if cycle:
        print("structure: FAIL include cycle: " + " -> ".join(cycle))
        ok = False
    else:
        for i, layer in enumerate(layers(deps)):
            print(f"structure: layer {i}: " + " ".join(layer))
    state = mutable_globals(sys.argv[1])
    if not state:
        print("structure: FAIL no objects under " + sys.argv[1])
        ok = False
    for obj, sym in state:
        if (obj, sym) not in ALLOWED:
            print(f"structure: FAIL mutable file-level state {sym} in {obj}")
            ok = False
    print("structure: mutable file-level state: " +
          ", ".join(f"{s} ({o})" for o, s in state))
    print("structure: " + ("ok" if ok else "FAILED"))
    sys.exit(0 if ok else 1)


main()
