#!/usr/bin/env bash
# Build a static riscv64 BusyBox for the Linux guest's initramfs (optional:
# `make linux-busybox`, then boot with "shell" on the kernel command line).
#
#   scripts/linux-busybox.sh    -> $BUILD/linux/busybox/busybox (+ busybox.links)
#
# The source is Debian's (`apt-get source busybox`), which needs deb-src
# lines: if apt has none, this adds /etc/apt/sources.list.d/debian-src.sources
# with the same URIs and suites as the system's debian.sources. The build is
# `defconfig` + CONFIG_STATIC=y with riscv64-linux-gnu-gcc, cached in
# $BUILD/linux/busybox (delete that directory to rebuild).
# Environment: BUILD (default build), JOBS (default 2).
set -euo pipefail

BUILD=${BUILD:-build}
JOBS=${JOBS:-2}
CROSS_COMPILE=${CROSS_COMPILE:-riscv64-linux-gnu-}
mkdir -p "$BUILD/linux/busybox"
out=$(cd "$BUILD/linux/busybox" && pwd)

if [ -x "$out/busybox" ] && [ -f "$out/busybox.links" ]; then
	echo "busybox: $out/busybox is up to date"
	exit 0
fi

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"

# 1. Debian's source, once.
srcdir=$(find "$out" -maxdepth 1 -type d -name 'busybox-*' | head -1)
if [ -z "$srcdir" ]; then
	# dpkg-source unpacks it; the upstream tarball is .tar.bz2.
	for p in dpkg-dev bzip2; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
			DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$p" >/dev/null
	done
	if ! grep -rqsE '^(Types:.*deb-src|deb-src )' /etc/apt/sources.list /etc/apt/sources.list.d/; then
		sys=/etc/apt/sources.list.d/debian.sources
		[ -f "$sys" ] || { echo "busybox: no $sys to copy deb-src lines from" >&2; exit 1; }
		echo "busybox: adding deb-src entries (/etc/apt/sources.list.d/debian-src.sources)"
		sed 's/^Types: deb$/Types: deb-src/' "$sys" | $sudo tee /etc/apt/sources.list.d/debian-src.sources >/dev/null
		$sudo apt-get update -qq
	fi
	echo "busybox: apt-get source busybox"
	(cd "$out" && apt-get source -qq --download-only busybox >/dev/null &&
		dpkg-source --no-check -x busybox_*.dsc >/dev/null)
	srcdir=$(find "$out" -maxdepth 1 -type d -name 'busybox-*' | head -1)
	[ -n "$srcdir" ] || { echo "busybox: no source directory after apt-get source" >&2; exit 1; }
fi

# 2. Static cross build, out of tree.
unset MAKEFLAGS MFLAGS MAKELEVEL
obj="$out/obj"
mkdir -p "$obj"
bmake() { make -C "$srcdir" O="$obj" ARCH=riscv CROSS_COMPILE="$CROSS_COMPILE" "$@"; }
echo "busybox: configuring (defconfig + CONFIG_STATIC=y) in $obj"
bmake -s defconfig >/dev/null
sed -i -e 's/^# CONFIG_STATIC is not set$/CONFIG_STATIC=y/' \
	-e 's/^CONFIG_TC=y$/# CONFIG_TC is not set/' "$obj/.config"
{ yes '' || true; } | bmake -s oldconfig >/dev/null
grep -qx 'CONFIG_STATIC=y' "$obj/.config" || { echo "busybox: CONFIG_STATIC did not stick" >&2; exit 1; }
echo "busybox: building (-j$JOBS)"
export KBUILD_BUILD_TIMESTAMP="Thu Jan  1 00:00:00 UTC 2015" SOURCE_DATE_EPOCH=0
bmake -j"$JOBS" busybox busybox.links
cp "$obj/busybox" "$out/busybox.tmp"
"${CROSS_COMPILE}strip" "$out/busybox.tmp"
cp "$obj/busybox.links" "$out/busybox.links"
mv "$out/busybox.tmp" "$out/busybox"
echo "busybox: $out/busybox ($(stat -c %s "$out/busybox") bytes, $(wc -l <"$out/busybox.links") applets)"
