#!/usr/bin/env bash
# The one place that builds the QEMU command line for this project.
#
#   scripts/qemu.sh --firmware stub|opensbi --hv build/hv.elf --guest build/guests/hello.bin
#       the hypervisor as the S-mode payload, the guest (raw binary) as -initrd
#   scripts/qemu.sh --firmware stub|opensbi --guest build/guests/hello.elf
#       (or --native) the guest alone, natively in S-mode, on the CPU profile
#       the hypervisor gives its guests (no H, no Sstc)
#
#   scripts/qemu.sh --firmware stub --hv build/hv.elf --guest build/linux/Image \
#                   --guest-initrd build/linux/initramfs.cpio --append "console=hvc0"
#       a Linux guest with its initrd (placed by QEMU's loader device at
#       0x84000000 and named to the hypervisor with hv.initrd=ADDR,SIZE)
#
# Options:
#   --guest-initrd FILE  the guest's initrd (with --hv) or the kernel's (native)
#   --append ARGS        the command line: with --hv, hv.* options and the
#                   guest's bootargs (see src/hv/cmdline.h); native, the kernel's
#   --disk FILE     a raw disk image as QEMU virt's virtio-blk device (the
#                   hypervisor drives it and gives its guest a virtual one);
#                   virtio-mmio is made modern (version 2), as the hypervisor's
#                   virtual device is, so native runs see the same transport;
#                   given again, a second disk (for a second guest), and so on
#   --smp N         N harts (default 1); the hypervisor gives a lone guest all
#   --guests N      with --hv: N guests at once, each with --append and the
#                   guest initrd (the Kth --disk is guest K's disk)
#   --cpus N        with --hv: N harts for each guest (default: all for one
#                   guest, SMP/N each for N guests; more than SMP time-slices)
#   --timeout SEC   kill QEMU after SEC seconds (exit status 124)
#   --log FILE      console to FILE instead of the terminal, stdin closed
#   --dry-run       print the command, do not run it
#   -- ARGS...      extra QEMU arguments, appended as they are
# Environment: QEMU, BUILD (default build), OPENSBI_FW, MEM (default 512M), SMP,
# HV_CPU (the host CPU under the hypervisor, default rv64: with H and Sstc).
# The command is printed on stderr before it runs.
set -euo pipefail

QEMU=${QEMU:-qemu-system-riscv64}
BUILD=${BUILD:-build}
OPENSBI_FW=${OPENSBI_FW:-/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.elf}
MEM=${MEM:-512M}
HV_CPU=${HV_CPU:-rv64}

firmware=stub hv="" guest="" initrd="" disks=() append="" native=0 timeout="" log="" dry=0 extra=()
smp=${SMP:-1} guests=1 cpus=
# Where QEMU's loader puts a guest initrd: between the hypervisor image and
# the guest image, which QEMU's -initrd places at 0x88200000.
GUEST_INITRD_ADDR=0x84000000

usage() {
	sed -n '2,36s/^# \{0,1\}//p' "$0" >&2
	exit "${1:-2}"
}

while [ $# -gt 0 ]; do
	case "$1" in
	--firmware) firmware=${2:?}; shift 2 ;;
	--hv) hv=${2:?}; shift 2 ;;
	--guest) guest=${2:?}; shift 2 ;;
	--guest-initrd) initrd=${2:?}; shift 2 ;;
	--append) append=${2?}; shift 2 ;;
	--disk) disks+=("${2:?}"); shift 2 ;;
	--smp) smp=${2:?}; shift 2 ;;
	--guests) guests=${2:?}; shift 2 ;;
	--cpus) cpus=${2:?}; shift 2 ;;
	--native) native=1; shift ;;
	--timeout) timeout=${2:?}; shift 2 ;;
	--log) log=${2:?}; shift 2 ;;
	--dry-run) dry=1; shift ;;
	--) shift; extra=("$@"); break ;;
	-h | --help) usage 0 ;;
	*) echo "qemu.sh: unknown option $1" >&2; usage ;;
	esac
done

case "$firmware" in
stub) bios="$BUILD/mstub.elf" ;;
opensbi) bios="$OPENSBI_FW" ;;
*) echo "qemu.sh: --firmware must be stub or opensbi" >&2; exit 2 ;;
esac
[ -n "$guest" ] || { echo "qemu.sh: --guest is required" >&2; usage; }
if [ "$native" = 1 ] && [ -n "$hv" ]; then
	echo "qemu.sh: --native and --hv exclude each other" >&2
	exit 2
fi
for f in "$bios" "$guest" ${hv:+"$hv"} ${initrd:+"$initrd"} "${disks[@]}"; do
	[ -f "$f" ] || { echo "qemu.sh: missing $f" >&2; exit 2; }
done

cmd=("$QEMU" -machine virt -smp "$smp" -m "$MEM" -nographic -monitor none
	-serial stdio -no-reboot -bios "$bios")
if [ -n "$hv" ]; then
	# The hypervisor loads the -initrd image at guest-physical 0x80200000
	# (or a Linux Image at its text_offset).
	cmd+=(-cpu "$HV_CPU" -kernel "$hv" -initrd "$guest")
	if [ -n "$initrd" ]; then
		cmd+=(-device "loader,file=$initrd,addr=$GUEST_INITRD_ADDR,force-raw=on")
		append="hv.initrd=$GUEST_INITRD_ADDR,$(stat -c %s "$initrd") $append"
	fi
	if [ "$guests" -gt 1 ] && [ -z "$cpus" ]; then
		if [ $((smp % guests)) -ne 0 ]; then
			echo "qemu.sh: --smp $smp does not split into $guests guests" >&2
			exit 2
		fi
		cpus=$((smp / guests))
	fi
	one="${cpus:+hv.cpus=$cpus }$append"
	append=$one
	for ((i = 1; i < guests; i++)); do append+=" hv.guest $one"; done
else
	cmd+=(-cpu "rv64,h=false,sstc=false" -kernel "$guest")
	[ -z "$initrd" ] || cmd+=(-initrd "$initrd")
fi
[ -z "$append" ] || cmd+=(-append "$append")
for i in "${!disks[@]}"; do
	cmd+=(-drive "file=${disks[$i]},if=none,format=raw,id=disk$i"
		-device "virtio-blk-device,drive=disk$i")
done
[ ${#disks[@]} -eq 0 ] || cmd+=(-global virtio-mmio.force-legacy=false)
cmd+=("${extra[@]}")
if [ -n "$timeout" ]; then
	cmd=(timeout --kill-after=5 "$timeout" "${cmd[@]}")
fi

# Quoted where needed, so that the printed command can be pasted into a shell.
shown=""
for arg in "${cmd[@]}"; do
	if [[ "$arg" =~ ^[A-Za-z0-9_./=,:+@-]+$ ]]; then shown+="$arg "; else shown+="'$arg' "; fi
done
echo "qemu.sh: $shown" >&2
[ "$dry" = 0 ] || exit 0
if [ -n "$log" ]; then
	mkdir -p "$(dirname "$log")"
	echo "qemu.sh: $shown" >"$log"
	exec "${cmd[@]}" </dev/null >>"$log" 2>&1
fi
exec "${cmd[@]}"
