#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# deps.sh [kernel-build]: make sure the Debian packages the build, the QEMU
# guests and the benchmark need are installed; with kernel-build also what
# building a kernel from source needs (make check-debug, make check-kcsan).
# As root it installs what is missing
# (apt-get update once, then apt-get install); otherwise it prints the
# exact command and fails.  Guests see the host's root, so every tool the
# tests run in a guest is a host package too.
set -euo pipefail

pkgs=(
	# build
	make gcc libc6-dev patch git xz-utils kmod dwarves bc
	linux-source-6.1 linux-source-6.12
	linux-headers-amd64 linux-headers-6.12-amd64
	# the kernels the guests boot
	linux-image-amd64 linux-image-6.12-amd64
	# style lane
	sparse perl
	# guests and their tools
	qemu-system-x86 busybox-static iproute2 iputils-ping ethtool procps
	sockperf iperf3 python3 python3-yaml python3-matplotlib util-linux udev
	# packaging
	dkms man-db
)
if [ "${1:-}" = kernel-build ]; then
	pkgs+=(flex bison libelf-dev libssl-dev cpio rsync)
fi

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "vmxnet3-poll: missing Debian packages; as root run:" >&2
	echo "  apt-get update && apt-get install -y ${missing[*]}" >&2
	exit 1
fi
echo "vmxnet3-poll: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
