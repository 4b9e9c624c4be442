#!/usr/bin/env bash
# Extract libfdt from Debian's linux-source-6.1 tarball into $1 (once).
set -euo pipefail
out=$1
tarball=/usr/src/linux-source-6.1.tar.xz
[ -f "$out/libfdt.h" ] && exit 0
[ -f "$tarball" ] || { echo "libfdt: $tarball missing (run scripts/deps.sh)" >&2; exit 1; }
mkdir -p "$out"
tar -xJf "$tarball" -C "$out" --strip-components=4 linux-source-6.1/scripts/dtc/libfdt
