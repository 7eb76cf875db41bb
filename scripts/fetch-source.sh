#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# fetch-source.sh SERIES: print the path of Debian's linux-source-SERIES
# tarball, downloading it first if needed.  Bookworm's own series (6.1,
# 6.12) come from its linux-source-* package (installed with apt-get).
# Other suites' packages are downloaded through a private apt
# configuration (VMX_DEBUG_CACHE/apt: its own sources list, lists, cache
# and status, pointing at the mirror the host's apt sources name) and
# unpacked with dpkg-deb -x under VMX_DEBUG_CACHE/src: the host's apt
# sources and its installed packages are never touched.
set -euo pipefail

series=${1:?usage: fetch-source.sh SERIES}
cache=${VMX_DEBUG_CACHE:-/var/cache/vmxnet3-poll}
die() {
	echo "fetch-source: $*" >&2
	exit 1
}

case $series in
6.1 | 6.12)
	f=/usr/src/linux-source-$series.tar.xz
	if [ ! -f "$f" ]; then
		[ "$(id -u)" = 0 ] || die "no $f: apt-get install linux-source-$series"
		apt-get install -y -q "linux-source-$series" >&2
	fi
	echo "$f"
	exit 0
	;;
5.10) suite=bullseye ;;
7.2 | 7.3) suite=trixie-backports ;;
*) die "no Debian suite known for series '$series': 5.10, 6.1, 6.12, 7.2 or 7.3" ;;
esac

f=$cache/src/usr/src/linux-source-$series.tar.xz
if [ -f "$f" ]; then
	echo "$f"
	exit 0
fi

# the mirror the host uses (deb822 or one-line sources)
mirror=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null |
	sed -n -e 's/^URIs: *\([^ ]*debian\)\/*$/\1/p' -e 's/^deb \(\[[^]]*\] \)\?\([^ ]*debian\)\/* .*/\2/p' |
	head -n 1) || true
[ -n "$mirror" ] || die "no Debian mirror in the host's apt sources"

apt=$cache/apt
mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$apt/archives/partial" "$cache/src"
touch "$apt/status"
echo "deb $mirror $suite main" >"$apt/sources.list.$suite"
cat >"$apt/apt.conf.$suite" <<EOF
Dir::Etc::SourceList "$apt/sources.list.$suite";
Dir::Etc::SourceParts "/dev/null";
Dir::State::Lists "$apt/lists";
Dir::Cache "$apt/cache";
Dir::State::status "$apt/status";
APT::Get::List-Cleanup "false";
APT::Sandbox::User "root";
EOF
export APT_CONFIG=$apt/apt.conf.$suite
echo "fetch-source: linux-source-$series from $mirror $suite" >&2
apt-get update -q >&2 || die "apt-get update of $suite failed"
(cd "$apt/archives" && apt-get download -q "linux-source-$series" >&2) ||
	die "apt-get download linux-source-$series ($suite) failed"
deb=$(ls -t "$apt/archives/linux-source-$series"_*.deb 2>/dev/null | head -n 1) || true
[ -n "$deb" ] || die "apt-get download left no linux-source-$series .deb in $apt/archives"
dpkg-deb -x "$deb" "$cache/src"
[ -f "$f" ] || die "$deb has no usr/src/linux-source-$series.tar.xz"
echo "$f"
