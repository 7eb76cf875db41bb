#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# patches.sh: edit the hook patches (patches/*.patch, patches/series) as
# git commits, instead of by hand, so that their subjects, index lines and
# hunk context stay true.  One set serves every supported series
# (VMX_SERIES in lib.sh); it is generated against VMX_BASE_SERIES with one
# line of context (git format-patch -U1), and scripts/stage.sh applies it
# to each series with patch --fuzz=0.
#
#   patches.sh open DIR [KSRC]
#       import upstream drivers/net/vmxnet3 of the base series (from KSRC,
#       or Debian's /usr/src/linux-source-<base>.tar.*) into a new git
#       repository DIR, commit it as the base (tag "upstream") and apply
#       patches/series on top with git am.  Edit, commit, rebase -i there
#       as with any git tree.
#   patches.sh save DIR
#       write the commits upstream..HEAD of DIR back as patches/*.patch
#       (git format-patch -U1) and patches/series.  A patch keeps the
#       condition ("if FILE") its subject had in the old series; a new
#       patch that needs one gets it by an edit of patches/series.
#   patches.sh check [KSRC]
#       open into a temporary directory and save back into another: the
#       patches in the repository must come out unchanged.
# Exits 4 when the base series' kernel source is not on this machine.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
source "$top/scripts/lib.sh"
series=$VMX_BASE_SERIES
die() {
	echo "patches.sh: $*" >&2
	exit 1
}
usage() { die "usage: patches.sh open DIR [KSRC] | save DIR | check [KSRC]"; }
# the diff settings the patches were written with, whatever the user's
gitc() { git -C "$dir" -c user.name=vmxnet3-poll -c user.email=vmxnet3-poll@localhost \
	-c commit.gpgsign=false -c diff.algorithm=myers -c diff.interHunkContext=0 \
	-c diff.noprefix=false -c diff.mnemonicPrefix=false -c diff.suppressBlankEmpty=false \
	-c diff.renames=true -c format.signature= -c format.coverLetter=false "$@"; }

import() { # import DIR KSRC: upstream sources as the base commit
	local ksrc=${2:-} root
	[ -n "$ksrc" ] || ksrc=$(series_source "$series")
	if [ -z "$ksrc" ] || [ ! -e "$ksrc" ]; then
		echo "patches.sh: no kernel source for $series: apt-get install linux-source-$series," \
			"or pass KSRC" >&2
		exit 4 # VMX_RC_SKIP
	fi
	mkdir -p "$dir/drivers/net"
	if [ -d "$ksrc" ]; then
		cp -r "$ksrc/drivers/net/vmxnet3" "$dir/drivers/net/"
		cp "$ksrc/Makefile" "$dir/Makefile"
	else
		root=$(tar -tf "$ksrc" 2>/dev/null | head -n 1 | cut -d/ -f1) || true
		tar -xf "$ksrc" -C "$dir" --strip-components=1 "$root/drivers/net/vmxnet3" "$root/Makefile"
	fi
	local have
	have=$(awk '/^VERSION =/{v=$3} /^PATCHLEVEL =/{p=$3} END{print v "." p}' "$dir/Makefile" 2>/dev/null || true)
	rm -f "$dir/Makefile"
	[ -z "$have" ] || [ "$have" = "." ] || [ "$have" = "$series" ] ||
		die "KSRC=$ksrc is kernel $have: the patches are generated against $series"
	git init -q "$dir"
	gitc add -A
	gitc commit -q -m "upstream drivers/net/vmxnet3 ($series)"
	gitc tag upstream
}

open_patches() { # open_patches DIR [KSRC]
	local p list
	dir=$1
	[ ! -e "$dir" ] || die "$dir exists"
	import "$dir" "${2:-}"
	list=$(series_patches "$top/patches/series" "$dir") || die "patches/series is not valid"
	for p in $list; do
		gitc am -q --keep-cr "$top/patches/$p" ||
			die "patches/$p does not apply (git am --abort in $dir)"
	done
}

save_patches() { # save_patches DIR [OUT]
	local out=${2:-$top/patches} p cond file rest name
	local -A conds=()
	dir=$1
	gitc rev-parse -q --verify upstream >/dev/null || die "$dir has no tag upstream (patches.sh open)"
	# the old series' conditions, by the patch's name less its number
	while read -r p cond file rest || [ -n "$p" ]; do
		case $p in '' | '#'*) continue ;; esac
		[ -z "$cond" ] || conds[${p#[0-9][0-9][0-9][0-9]-}]="$cond $file"
	done <"$top/patches/series"
	mkdir -p "$out"
	rm -f "$out"/*.patch
	gitc format-patch -q -U1 --zero-commit --no-signature --full-index -o "$out" upstream..HEAD >/dev/null
	{
		sed -n '/^#/p' "$top/patches/series"
		for p in $(cd "$out" && ls -- *.patch); do
			name=${p#[0-9][0-9][0-9][0-9]-}
			echo "$p${conds[$name]:+ ${conds[$name]}}"
		done
	} >"$out/series.new"
	mv "$out/series.new" "$out/series"
}

case ${1:-} in
open) [ $# -ge 2 ] || usage; open_patches "$2" "${3:-}" ;;
save) [ $# -eq 2 ] || usage; save_patches "$2" ;;
check)
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	open_patches "$tmp/git" "${2:-}"
	# a condition names a file the base series has (else: a typo)
	for f in $(series_conditions "$top/patches/series"); do
		[ -e "$tmp/git/$f" ] || die "patches/series: \"if $f\": $series has no $f"
	done
	save_patches "$tmp/git" "$tmp/out"
	for f in "$top"/patches/*.patch "$top/patches/series"; do
		cmp -s "$f" "$tmp/out/$(basename "$f")" ||
			die "patches/$(basename "$f") differs from what git format-patch writes: refresh the patches (open, save)"
	done
	[ "$(ls "$tmp/out" | wc -l)" = "$(ls "$top"/patches/*.patch "$top/patches/series" | wc -l)" ] ||
		die "patches/ has other patches than the git tree gives: refresh them (open, save)"
	;;
*) usage ;;
esac
