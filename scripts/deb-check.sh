#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# deb-check.sh: make check-deb.  Builds the .deb (scripts/deb.sh),
# installs it on this machine with apt, and checks what a user gets: DKMS
# has built and installed the module for every installed kernel this
# project supports (scripts/kernels.sh), with this VERSION; the tool, its
# man page, the udev rule and the conffile are in place.  Then it purges
# the package and checks that the modules and the DKMS tree are gone.
# Replaces an installed vmxnet3-poll-dkms.  Root only.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
ver=$(cat "$top/VERSION")
[ "$(id -u)" = 0 ] || { echo "deb-check.sh: needs root (it installs the package)" >&2; exit 1; }
fails=0
check() { # check NAME CMD...
	if "${@:2}" >/tmp/deb-check.$$ 2>&1; then
		echo "ok: $1"
	else
		echo "FAIL: $1"
		sed 's/^/    /' /tmp/deb-check.$$ | tail -n 20
		fails=$((fails + 1))
	fi
	rm -f /tmp/deb-check.$$
}
deb=$("$top/scripts/deb.sh" "$top/build/deb") || exit 1
echo "package: $deb"
mapfile -t kernels < <("$top/scripts/kernels.sh")
[ ${#kernels[@]} -gt 0 ] || { echo "deb-check.sh: no supported kernel with headers installed" >&2; exit 1; }
start=$SECONDS
DEBIAN_FRONTEND=noninteractive apt-get install -y -q --reinstall "$deb" >/tmp/deb-install.log 2>&1 ||
	{ tail -n 30 /tmp/deb-install.log; echo "FAIL: apt-get install $deb"; exit 1; }
echo "installed in $((SECONDS - start)) s"
for k in "${kernels[@]}"; do
	check "dkms status $k: installed" sh -c "dkms status -m vmxnet3-poll -v $ver -k $k | grep -q ': installed'"
	ko=$(find "/lib/modules/$k/updates/dkms" -name 'vmxnet3.ko*' 2>/dev/null | head -n 1)
	check "$k: a module in updates/dkms" test -n "$ko"
	v=$(modinfo -F version "${ko:-/nonexistent}" 2>/dev/null)
	echo "    $k: ${ko:-no module}, version ${v:-none}"
	check "$k: version ends -poll-$ver" sh -c "case '$v' in *-poll-$ver) ;; *) exit 1 ;; esac"
	check "$k: modprobe finds ours" sh -c "modinfo -k $k -F filename vmxnet3 | grep -q updates/dkms"
done
check "tool runs" /usr/sbin/vmxnet3-poll help
check "apply without interfaces" /usr/sbin/vmxnet3-poll apply --dry-run
check "man page" man -w vmxnet3-poll
check "udev rule names /usr/sbin" grep -q 'RUN+="/usr/sbin/vmxnet3-poll apply --udev' /usr/lib/udev/rules.d/90-vmxnet3-poll.rules
check "conffile" sh -c "dpkg-query -W -f='\${Conffiles}' vmxnet3-poll-dkms | grep -q /etc/vmxnet3-poll.conf"
DEBIAN_FRONTEND=noninteractive apt-get purge -y -q vmxnet3-poll-dkms >/tmp/deb-purge.log 2>&1 ||
	{ tail -n 30 /tmp/deb-purge.log; echo "FAIL: apt-get purge"; exit 1; }
for k in "${kernels[@]}"; do
	check "$k: module gone after purge" sh -c "! find /lib/modules/$k/updates/dkms -name 'vmxnet3.ko*' 2>/dev/null | grep -q ."
done
check "dkms forgot it" sh -c "! dkms status -m vmxnet3-poll | grep -q ."
check "no DKMS tree" test ! -e /var/lib/dkms/vmxnet3-poll
check "no source in /usr/src" test ! -e "/usr/src/vmxnet3-poll-$ver"
check "tool gone" test ! -e /usr/sbin/vmxnet3-poll
check "conffile gone" test ! -e /etc/vmxnet3-poll.conf
echo "make check-deb: $fails failed"
[ "$fails" = 0 ]
