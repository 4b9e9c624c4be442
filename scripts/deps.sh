#!/usr/bin/env bash
# Install the Debian packages the build, the tests and the proofs need,
# only those that are missing, then let Why3 find the provers once.
set -euo pipefail

packages=(
  make gcc libc6-dev python3 xz-utils
  qemu-system-misc opensbi u-boot-qemu
  gcc-riscv64-unknown-elf binutils-riscv64-unknown-elf
  frama-c-base why3 z3 cvc4
  libcmocka-dev pkg-config gnuplot-nox
  clang libclang-rt-14-dev
  linux-source-6.1
  gcc-riscv64-linux-gnu libc6-dev-riscv64-cross flex bison bc
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
    missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "deps: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Why3 records the provers it finds in ~/.why3.conf; WP reads that file.
if [ ! -f "${HOME}/.why3.conf" ] || ! grep -q 'name = "Z3"' "${HOME}/.why3.conf" ||
   ! grep -q 'name = "CVC4"' "${HOME}/.why3.conf"; then
  why3 config detect >/dev/null
fi
