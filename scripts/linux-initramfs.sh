#!/usr/bin/env bash
# Pack the Linux guest's initramfs (uncompressed newc cpio) without root:
#
#   scripts/linux-initramfs.sh GEN_INIT_CPIO ROOTFS_DIR OUT.cpio
#
# ROOTFS_DIR holds the built programs (init, child and, optionally, busybox
# with busybox.links from its build). The list is tests/linux/initramfs.list
# plus generated BusyBox entries; it is written next to OUT as OUT.list,
# and the files are packed from copies in OUT.stage/ (pinned mtimes).
# All timestamps are pinned to 0 so that the archive is reproducible.
set -euo pipefail

[ $# -eq 3 ] || { sed -n '2,9s/^# \{0,1\}//p' "$0" >&2; exit 2; }
gen=$1 rootfs=$2 out=$3
root=$(cd "$(dirname "$0")/.." && pwd)
list="${out%.cpio}.list"

rootfs=$(cd "$rootfs" && pwd)
{
	cat "$root/tests/linux/initramfs.list"
	if [ -f "$rootfs/busybox" ]; then
		echo "# generated: BusyBox, for 'shell' on the kernel command line"
		echo "file /bin/busybox \${LINUX_ROOTFS}/busybox 0755 0 0"
		if [ -f "$rootfs/busybox.links" ]; then
			# /bin/sh, /sbin/poweroff, /usr/bin/... as in busybox.links
			sed -n 's|^/||p' "$rootfs/busybox.links" | sort -u | while read -r l; do
				case "$l" in bin/busybox) continue ;; esac
				d=$(dirname "$l")
				case "$d" in bin | sbin | .) ;; *)
					[ "$(dirname "$d")" = . ] || echo "dir /$(dirname "$d") 0755 0 0"
					echo "dir /$d 0755 0 0" ;;
				esac
				echo "slink /$l /bin/busybox 0777 0 0"
			done | awk '!seen[$0]++' | LC_ALL=C sort -s -k1,2
		else
			echo "slink /bin/sh /bin/busybox 0777 0 0"
		fi
	fi
} >"$list.tmp"
mv "$list.tmp" "$list"

# gen_init_cpio records the mtime of regular files: pack pinned copies.
stage="${out%.cpio}.stage"
rm -rf "$stage"
mkdir -p "$stage"
cp -a "$rootfs"/. "$stage"/
touch -h -d @0 "$stage"/*
LINUX_ROOTFS=$(cd "$stage" && pwd) "$gen" -t 0 "$list" >"$out.tmp"
mv "$out.tmp" "$out"
echo "initramfs: $out ($(stat -c %s "$out") bytes, $(grep -c '^[a-z]' "$list") entries)"
