#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# mkinitramfs.sh KVER: build (once) and print the path of a tiny initramfs
# for QEMU guests: busybox, the 9p/virtio modules of KVER, and an /init that
# mounts the host root (9p, read-only) and switches to scripts/guest-init.sh.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
kver=${1:?usage: mkinitramfs.sh KVER}
dir=$top/build/initramfs
img=$dir/$kver.cpio.gz
key=$(cat "$0" /bin/busybox "/lib/modules/$kver/modules.dep" | sha256sum | cut -c1-16)
if [ -f "$img" ] && [ "$(cat "$img.key" 2>/dev/null)" = "$key" ]; then
	echo "$img"
	exit 0
fi

mkdir -p "$dir"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp"/{bin,dev,proc,sys,newroot,mod}
cp /bin/busybox "$tmp/bin/busybox"

# modules in load order, decompressed (busybox insmod reads plain .ko)
n=0
for m in virtio_pci 9pnet_virtio 9p; do
	modprobe -S "$kver" --show-depends "$m" 2>/dev/null | awk '$1 == "insmod" {print $2}'
done | awk '!seen[$0]++' | while read -r ko; do
	n=$((n + 1))
	dst=$tmp/mod/$(printf %02d $n)-$(basename "${ko%.xz}")
	case $ko in
	*.xz) xz -dc "$ko" >"$dst" ;;
	*.zst) zstd -qdc "$ko" >"$dst" ;;
	*.gz) gzip -dc "$ko" >"$dst" ;;
	*) cp "$ko" "$dst" ;;
	esac
done

cat >"$tmp/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t sysfs sysfs /sys
/bin/busybox mount -t devtmpfs devtmpfs /dev
for m in /mod/*.ko; do
	/bin/busybox insmod "$m" || echo "vmx-initramfs: insmod $m failed"
done
if ! /bin/busybox mount -t 9p -o trans=virtio,version=9p2000.L,ro,cache=loose,msize=262144 \
	hostroot /newroot; then
	echo "vmx-initramfs: cannot mount the host root"
	/bin/busybox poweroff -f
fi
init=
for arg in $(/bin/busybox cat /proc/cmdline); do
	case $arg in vmx.init=*) init=${arg#vmx.init=} ;; esac
done
/bin/busybox umount /proc /sys /dev
exec /bin/busybox switch_root /newroot "$init"
INIT
chmod +x "$tmp/init"
(cd "$tmp" && find . | /bin/busybox cpio -o -H newc 2>/dev/null | gzip -1) >"$img.tmp"
mv "$img.tmp" "$img"
echo "$key" >"$img.key"
echo "$img"
