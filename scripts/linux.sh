#!/usr/bin/env bash
# Build the Linux 6.1 guest kernel from Debian's linux-source-6.1 tarball.
#
#   scripts/linux.sh            build $BUILD/linux/Image (if needed)
#   scripts/linux.sh --force    rebuild even if the stamp says up to date
#   scripts/linux.sh --src      only extract the sources (for usr/gen_init_cpio.c)
#
# Steps: extract /usr/src/linux-source-6.1.tar.xz into $BUILD/linux/src (once),
# `tinyconfig` + the fragment tests/linux/config in $BUILD/linux/obj, check
# that every line of the fragment ended up in .config as written, then build
# arch/riscv/boot/Image and copy it to $BUILD/linux/Image.
# The build is reproducible (timestamp, user, host, version pinned) and is
# skipped when neither the fragment nor this script changed (a stamp file).
# Environment: BUILD (default build), JOBS (default 2),
#              CROSS_COMPILE (default riscv64-linux-gnu-).
set -euo pipefail

BUILD=${BUILD:-build}
JOBS=${JOBS:-2}
CROSS_COMPILE=${CROSS_COMPILE:-riscv64-linux-gnu-}
TARBALL=${LINUX_TARBALL:-/usr/src/linux-source-6.1.tar.xz}

root=$(cd "$(dirname "$0")/.." && pwd)
fragment="$root/tests/linux/config"
mkdir -p "$BUILD/linux"
out=$(cd "$BUILD/linux" && pwd)
src="$out/src"
obj="$out/obj"
image="$out/Image"
stamp="$out/Image.stamp"

force=0 src_only=0
case "${1:-}" in
--force) force=1 ;;
--src) src_only=1 ;;
"") ;;
*) sed -n '2,16s/^# \{0,1\}//p' "$0" >&2; exit 2 ;;
esac

# 1. Sources, extracted once.
extract() {
	[ ! -f "$src/.extracted" ] || return 0
	[ -f "$TARBALL" ] || { echo "linux: missing $TARBALL (package linux-source-6.1)" >&2; exit 1; }
	echo "linux: extracting $TARBALL into $src"
	rm -rf "$src"
	mkdir -p "$src"
	tar -xJf "$TARBALL" -C "$src" --strip-components=1
	touch "$src/.extracted"
}
if [ "$src_only" = 1 ]; then
	extract
	exit 0
fi

# Pinned so that two builds of the same sources give the same Image.
export KBUILD_BUILD_TIMESTAMP="Thu Jan  1 00:00:00 UTC 2015"
export KBUILD_BUILD_USER=hv
export KBUILD_BUILD_HOST=hv
export KBUILD_BUILD_VERSION=1
export LOCALVERSION=
# The kernel's make must not see the make variables of an enclosing make.
unset MAKEFLAGS MFLAGS MAKELEVEL

kmake() {
	make -C "$src" O="$obj" ARCH=riscv CROSS_COMPILE="$CROSS_COMPILE" "$@"
}

want=$( {
	sha256sum "$fragment" "$0" | cut -d' ' -f1
	echo "$KBUILD_BUILD_TIMESTAMP $CROSS_COMPILE $(${CROSS_COMPILE}gcc --version | head -1)"
} | sha256sum | cut -d' ' -f1)
if [ "$force" = 0 ] && [ -f "$image" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
	touch "$image" # newer than its inputs, for make
	echo "linux: $image is up to date"
	exit 0
fi

for tool in "${CROSS_COMPILE}gcc" flex bison bc make xz; do
	command -v "$tool" >/dev/null || { echo "linux: missing $tool (run scripts/deps.sh)" >&2; exit 1; }
done

extract

# 2. Configuration: tinyconfig, then the fragment on top.
mkdir -p "$obj"
echo "linux: configuring (tinyconfig + tests/linux/config)"
kmake -s tinyconfig >/dev/null
(cd "$obj" && KCONFIG_CONFIG=.config "$src/scripts/kconfig/merge_config.sh" -m -O "$obj" \
	"$obj/.config" "$fragment" >/dev/null)
kmake -s olddefconfig >/dev/null

# 3. Every line of the fragment as requested, or stop.
bad=0
while IFS= read -r line; do
	case "$line" in
	CONFIG_*=*)
		grep -qxF -- "$line" "$obj/.config" || {
			got=$(grep -E "^(# )?${line%%=*}[= ]" "$obj/.config" || echo "absent (dependencies not met?)")
			echo "linux: config: wanted '$line', got '$got'" >&2
			bad=1
		} ;;
	"# CONFIG_"*" is not set")
		sym=${line#\# }
		sym=${sym%% *}
		if grep -qE "^${sym}=" "$obj/.config"; then
			echo "linux: config: wanted '$line', got '$(grep -E "^${sym}=" "$obj/.config")'" >&2
			bad=1
		fi ;;
	esac
done <"$fragment"
if [ "$bad" != 0 ]; then
	echo "linux: tests/linux/config did not apply as written (see above)" >&2
	exit 1
fi

# 4. The kernel image, with the usual one-line-per-file progress.
echo "linux: building Image (-j$JOBS)"
start=$(date +%s)
kmake -j"$JOBS" Image
cp "$obj/arch/riscv/boot/Image" "$image.tmp"
mv "$image.tmp" "$image"
echo "$want" >"$stamp"
echo "linux: $image ($(stat -c %s "$image") bytes, $(($(date +%s) - start)) s)"
