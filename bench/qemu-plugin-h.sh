#!/usr/bin/env bash
# The installed QEMU's qemu-plugin.h, which the counting plugin builds
# against: from Debian's source package of exactly the installed version
# (Debian ships no binary package with the header).
#
#   bench/qemu-plugin-h.sh DIR     writes DIR/qemu-plugin.h
set -euo pipefail

dir=${1:?usage: qemu-plugin-h.sh DIR}
version=$(dpkg-query -W -f='${source:Version}' qemu-system-misc)
work=$dir/src
mkdir -p "$work"
cd "$work"
if ! ls qemu_*.orig.tar.* >/dev/null 2>&1; then
	echo "  APT     qemu=$version (source, for qemu-plugin.h)"
	if ! apt-get source --download-only -qq "qemu=$version" >/dev/null 2>&1; then
		# The source lists may be missing on a machine whose lists are stale.
		sudo=""
		[ "$(id -u)" -eq 0 ] || sudo="sudo"
		$sudo apt-get update -qq
		apt-get source --download-only -qq "qemu=$version" >/dev/null
	fi
fi
tar -xJf qemu_*.orig.tar.xz --wildcards --strip-components=3 '*/include/qemu/qemu-plugin.h'
mv qemu-plugin.h ..
