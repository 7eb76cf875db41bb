#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# patches.sh: edit the hook patches of a kernel series as git commits,
# instead of by hand, so that their subjects, index lines and hunk context
# stay true.
#
#   patches.sh open SERIES DIR [KSRC]
#       import upstream drivers/net/vmxnet3 of SERIES (from KSRC, or
#       Debian's /usr/src/linux-source-SERIES.tar.*) into a new git
#       repository DIR, commit it as the base (tag "upstream") and apply
#       patches/SERIES/series on top with git am.  Edit, commit, rebase -i
#       there as with any git tree.
#   patches.sh save SERIES DIR
#       write the commits upstream..HEAD of DIR back as patches/SERIES/
#       (git format-patch) and its series file.
#   patches.sh check SERIES [KSRC]
#       open into a temporary directory and save back into another: the
#       patches in the repository must come out unchanged.
# Exits 4 when the series' kernel source is not on this machine.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
die() {
	echo "patches.sh: $*" >&2
	exit 1
}
usage() { die "usage: patches.sh open SERIES DIR [KSRC] | save SERIES DIR | check SERIES [KSRC]"; }
gitc() { git -C "$dir" -c user.name=vmxnet3-poll -c user.email=vmxnet3-poll@localhost \
	-c commit.gpgsign=false "$@"; }

import() { # import SERIES DIR KSRC: upstream sources as the base commit
	local series=$1 ksrc=$3 f root
	if [ -z "$ksrc" ]; then
		for f in /usr/src/linux-source-"$series".tar.{xz,bz2,gz} \
			"${VMX_DEBUG_CACHE:-/var/cache/vmxnet3-poll}/src/usr/src/linux-source-$series.tar.xz"; do
			[ -f "$f" ] && ksrc=$f && break
		done
	fi
	if [ -z "$ksrc" ] || [ ! -e "$ksrc" ]; then
		echo "patches.sh: no kernel source for $series: apt-get install linux-source-$series" \
			"(other suites: scripts/fetch-source.sh $series), or pass KSRC" >&2
		exit 4 # VMX_RC_SKIP
	fi
	mkdir -p "$dir/drivers/net"
	if [ -d "$ksrc" ]; then
		cp -r "$ksrc/drivers/net/vmxnet3" "$dir/drivers/net/"
	else
		root=$(tar -tf "$ksrc" 2>/dev/null | head -n 1 | cut -d/ -f1) || true
		tar -xf "$ksrc" -C "$dir" --strip-components=1 "$root/drivers/net/vmxnet3"
	fi
	git init -q "$dir"
	gitc add -A
	gitc commit -q -m "upstream drivers/net/vmxnet3 ($series)"
	gitc tag upstream
}

open_series() { # open_series SERIES DIR [KSRC]
	local series=$1 p
	dir=$2
	[ -f "$top/patches/$series/series" ] || die "no patches/$series/series"
	[ ! -e "$dir" ] || die "$dir exists"
	import "$series" "$dir" "${3:-}"
	while read -r p; do
		gitc am -q --keep-cr "$top/patches/$series/$p" ||
			die "patches/$series/$p does not apply (git am --abort in $dir)"
	done < <(grep -v '^\s*\(#\|$\)' "$top/patches/$series/series")
}

save_series() { # save_series SERIES DIR [OUT]
	local series=$1 out=${3:-$top/patches/$1}
	dir=$2
	gitc rev-parse -q --verify upstream >/dev/null || die "$dir has no tag upstream (patches.sh open)"
	mkdir -p "$out"
	rm -f "$out"/*.patch
	gitc format-patch -q --zero-commit --no-signature --full-index -o "$out" upstream..HEAD >/dev/null
	(cd "$out" && ls -- *.patch) >"$out/series"
}

case ${1:-} in
open) [ $# -ge 3 ] || usage; open_series "$2" "$3" "${4:-}" ;;
save) [ $# -eq 3 ] || usage; save_series "$2" "$3" ;;
check)
	[ $# -ge 2 ] || usage
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	open_series "$2" "$tmp/git" "${3:-}"
	save_series "$2" "$tmp/git" "$tmp/out"
	diff -r "$top/patches/$2" "$tmp/out" >/dev/null ||
		die "patches/$2 differ from what git format-patch writes: refresh them (open, save)"
	;;
*) usage ;;
esac
