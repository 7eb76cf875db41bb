#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# check-kernels.sh [LANE...]: the in-guest suite on every kernel lane
# (make check-kernels; LANES= picks lanes, TESTS= picks tests).
#
#   lane      kernel
#   5.10      built from Debian bullseye's linux-source-5.10
#   6.1       Debian bookworm's 6.1 (as make check)
#   6.12      Debian bookworm's 6.12 (as make check)
#   7.3       built from Debian trixie-backports' linux-source-7.3
#   6.1-rt    Debian bookworm's PREEMPT_RT 6.1 image
#   6.12-rt   Debian bookworm's PREEMPT_RT 6.12 image
#
# Built kernels: scripts/fetch-source.sh downloads the source (a private
# apt configuration), scripts/build-kernel.sh --flavor plain builds and
# caches a trimmed kernel (once, 15-40 min each on 2 cores; lockdep on a
# series is make check-debug KSRC=<its source>).
# RT lanes: the images and headers are bookworm packages, installed as
# root when missing.  Every lane gets twice each test's time limit
# (RT, older cores).  Ends with one line per lane: passed, failed, skipped,
# build and suite time; fails if any lane failed.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
source "$top/scripts/lib.sh"
all=(5.10 6.1 6.12 7.3 6.1-rt 6.12-rt)
lanes=("$@")
[ ${#lanes[@]} -gt 0 ] || read -ra lanes <<<"${LANES:-${all[*]}}"
for l in "${lanes[@]}"; do
	[[ " ${all[*]} " == *" $l "* ]] ||
		{ echo "check-kernels: unknown lane '$l': ${all[*]}" >&2; exit "$VMX_RC_USAGE"; }
done

# the release of bookworm's installed kernel of SERIES, FLAVOUR amd64 or rt-amd64
debian_kernel() { # debian_kernel SERIES FLAVOUR
	local k
	k=$(ls /boot/vmlinuz-"$1".* 2>/dev/null | sed 's|/boot/vmlinuz-||' |
		grep -E "^${1//./\\.}\\.[^-]*(-[0-9]+)?-$2\$" | sort -V | tail -n 1)
	echo "$k"
}
rt_install() { # rt_install SERIES: the RT image and headers matching the generic one
	local gen rel
	gen=$(debian_kernel "$1" amd64)
	[ -n "$gen" ] || return 1
	rel=${gen%-amd64}-rt-amd64
	[ -f "/boot/vmlinuz-$rel" ] && [ -f "/lib/modules/$rel/build/Makefile" ] && return 0
	[ "$(id -u)" = 0 ] || {
		echo "check-kernels: apt-get install linux-image-$rel linux-headers-$rel" >&2
		return 1
	}
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q "linux-image-$rel" "linux-headers-$rel" >&2
}

summary=() failed=0
logs=$top/build/check-kernels
mkdir -p "$logs"
for lane in "${lanes[@]}"; do
	t0=$(date +%s)
	kver='' why=''
	unset VMX_KERNEL_IMAGE
	case $lane in
	6.1 | 6.12)
		kver=$(debian_kernel "$lane" amd64)
		[ -n "$kver" ] || why="no Debian $lane kernel installed (apt-get install linux-image-amd64)"
		;;
	*-rt)
		if rt_install "${lane%-rt}"; then
			kver=$(debian_kernel "${lane%-rt}" rt-amd64)
		else
			why="no PREEMPT_RT $lane image and headers"
		fi
		;;
	*)
		if ! src=$("$top/scripts/fetch-source.sh" "$lane"); then
			why="no linux-source-$lane"
		elif ! out=$("$top/scripts/build-kernel.sh" --flavor plain --src "$src" 2>"$logs/kernel-$lane.log"); then
			why="kernel build failed, see $logs/kernel-$lane.log"
		else
			kver=$(sed -n 1p <<<"$out")
			export VMX_KERNEL_IMAGE
			VMX_KERNEL_IMAGE=$(sed -n 2p <<<"$out")
		fi
		;;
	esac
	t1=$(date +%s)
	if [ -z "$kver" ]; then
		echo "not ok $lane # $why"
		summary+=("$(printf '%-8s %s' "$lane" "not run: $why")")
		failed=1
		continue
	fi
	echo "# lane $lane: kernel $kver (ready in $((t1 - t0)) s)"
	VMX_TIMEOUT_SCALE=${VMX_TIMEOUT_SCALE:-2} "$top/selftests/run.sh" "$kver" 2>&1 |
		tee "$logs/$lane.log"
	rc=${PIPESTATUS[0]}
	t2=$(date +%s)
	counts=$(tail -n 1 "$logs/$lane.log")
	[[ $counts =~ passed ]] || counts="no result (run.sh exit $rc)"
	[ "$rc" = 0 ] || failed=1
	summary+=("$(printf '%-8s %-28s %s' "$lane" "$kver" \
		"$counts; kernel ready $((t1 - t0)) s, suite $((t2 - t1)) s")")
	# what did not pass, and why
	while read -r l; do
		summary+=("$(printf '%-8s   %s' '' "$l")")
	done < <(grep -E '^(not ok |ok .*# SKIP)' "$logs/$lane.log" | sed 's/^ok [0-9]* /skipped /; s/^not ok [0-9]* /failed  /')
done

echo "# check-kernels, per lane (logs: $logs):"
for l in "${summary[@]}"; do echo "# $l"; done
exit $failed
