#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# deb.sh [OUTDIR]: make deb.  Builds vmxnet3-poll-dkms_<VERSION>_all.deb
# (default OUTDIR build/deb) from the files git tracks:
#   /usr/src/vmxnet3-poll-<VERSION>/     what DKMS builds the module from
#                                        (no tests, no CI)
#   /usr/sbin/vmxnet3-poll               the tool, its man page
#   /usr/lib/udev/rules.d/90-vmxnet3-poll.rules
#   /etc/vmxnet3-poll.conf               a conffile, commented out
# Installing it (apt install ./vmxnet3-poll-dkms_*.deb) adds the source to
# DKMS and builds and installs the module for every installed kernel of a
# supported series that has headers; removing it removes them again.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$top/build/deb}
ver=$(cat "$top/VERSION")
name=vmxnet3-poll
command -v dpkg-deb >/dev/null || { echo "deb.sh: needs dpkg-deb (apt-get install dpkg)" >&2; exit 1; }
git -C "$top" rev-parse --git-dir >/dev/null 2>&1 ||
	{ echo "deb.sh: $top is not a git checkout (the package takes the files git tracks)" >&2; exit 1; }

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
src=$root/usr/src/$name-$ver
mkdir -p "$src" "$root/DEBIAN"
git -C "$top" ls-files -z -- . ':!selftests' ':!.ci' ':!.gitignore' |
	(cd "$top" && xargs -0 cp --parents -t "$src")
install -D -m 0755 "$top/scripts/vmxnet3-poll" "$root/usr/sbin/vmxnet3-poll"
install -d "$root/usr/lib/udev/rules.d" "$root/usr/share/man/man8" "$root/usr/share/doc/$name-dkms"
sed 's|@SBINDIR@|/usr/sbin|g' "$top/udev/90-vmxnet3-poll.rules" \
	>"$root/usr/lib/udev/rules.d/90-vmxnet3-poll.rules"
install -D -m 0644 "$top/udev/vmxnet3-poll.conf" "$root/etc/vmxnet3-poll.conf"
gzip -9n <"$top/Documentation/vmxnet3-poll.8" >"$root/usr/share/man/man8/vmxnet3-poll.8.gz"
cp "$top/README.md" "$top/Documentation/vmxnet3-poll.rst" "$root/usr/share/doc/$name-dkms/"

cat >"$root/DEBIAN/control" <<EOF
Package: $name-dkms
Version: $ver
Architecture: all
Section: kernel
Priority: optional
Maintainer: vmxnet3-poll developers <root@localhost>
Depends: dkms, make, patch, python3, xz-utils, ethtool
Recommends: linux-source-6.1 | linux-source-6.12
Installed-Size: $(du -sk "$root" | cut -f1)
Description: vmxnet3 guest NIC driver with busy-poll and polling-thread modes (DKMS)
 The Linux vmxnet3 driver, built from the kernel source of the running
 series (Debian's linux-source-<series>) with per-queue NAPI busy-poll
 and polling kthread modes, selectable with ethtool private flags or
 sysfs.  Includes the vmxnet3-poll tool and a udev rule that applies
 /etc/vmxnet3-poll.conf to each interface as it appears.
EOF
echo /etc/vmxnet3-poll.conf >"$root/DEBIAN/conffiles"
cat >"$root/DEBIAN/postinst" <<EOF
#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
set -e
[ "\$1" = configure ] || exit 0
dkms status -m $name -v $ver | grep -q . || dkms add -m $name -v $ver
for b in /lib/modules/*/build; do
	[ -e "\$b/Makefile" ] || continue
	k=\${b%/build}
	k=\${k#/lib/modules/}
	# a kernel of a series dkms.conf excludes, or without the series'
	# kernel source: reported, not fatal
	dkms install -m $name -v $ver -k "\$k" ||
		echo "$name-dkms: not built for \$k (see above)" >&2
done
udevadm control --reload 2>/dev/null || true
EOF
cat >"$root/DEBIAN/prerm" <<EOF
#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
set -e
case "\$1" in
remove | upgrade | deconfigure)
	if dkms status -m $name -v $ver | grep -q .; then
		dkms remove -m $name -v $ver --all || true
	fi ;;
esac
EOF
chmod 0755 "$root/DEBIAN/postinst" "$root/DEBIAN/prerm"
mkdir -p "$out"
deb=$out/${name}-dkms_${ver}_all.deb
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
echo "$deb"
