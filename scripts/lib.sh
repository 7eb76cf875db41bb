# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
#
# lib.sh: parsers the scripts share (sourced), on the host and in the
# guest (guest-runner.sh, and the tests through selftests/lib.sh).

# Exit codes between the harness's processes; what each file and process
# does is "The guest-host protocol" in qemu-run.sh.
VMX_RC_USAGE=2		# any script: bad arguments, or something missing
VMX_RC_SKIP=4		# a test: does not apply here (KTAP SKIP, as kselftest)
VMX_RC_TIMEOUT=124	# a test: ran past its "# timeout:" (timeout(1))
VMX_RC_CONSOLE=120	# qemu-run.sh: the kernel console shows a problem
VMX_RC_UNFINISHED=121	# qemu-run.sh: the guest did not finish the command

# kernel_series KVER: "6.12" of "6.12.117+deb12-amd64", nothing if none
kernel_series() { sed -n 's/^\([0-9]\+\.[0-9]\+\).*/\1/p' <<<"$1"; }

# test_timeout TEST: the limit a "# timeout: SECS" line of TEST sets, or 300
test_timeout() {
	local t
	t=$(sed -n 's/^# timeout: *\([0-9]\+\).*/\1/p' "$1" | head -n 1)
	echo "${t:-300}"
}

# test_dirty TEST: TEST has a "# guest: dirty (WHY)" line: it leaves the
# kernel unfit for more tests, and its guest runs none after it
test_dirty() { grep -q '^# guest: dirty' "$1"; }
# test_tier FILE: the test's "# tier:" line, smoke, main (the default) or
# long.  make check runs smoke tests on every kernel and main ones on the
# newest; long ones (soak and storm tests) run in make check-long,
# check-guest and check-kernels.
test_tier() {
	local t
	t=$(sed -n 's/^# tier: *\([a-z]\+\).*/\1/p' "$1" | head -n 1)
	echo "${t:-main}"
}

# cmdline_arg NAME: the value of vmx.NAME=VALUE on this kernel's command
# line (in the guest: what qemu-run.sh -a passed), nothing if absent
cmdline_arg() { sed -n "s/.*vmx\.$1=\([^ ]*\).*/\1/p" /proc/cmdline; }

# The kernel series the hook patches (patches/series) are built and tested
# on, oldest first, and the one scripts/patches.sh generates them against
# (its source is a package of this Debian release: make check checks them).
VMX_SERIES="5.10 6.1 6.12 7.3"
VMX_BASE_SERIES=6.12

# series_source SERIES: Debian's source tarball of SERIES on this machine
# (installed, or what scripts/fetch-source.sh unpacked), nothing if none
series_source() {
	local f
	for f in /usr/src/linux-source-"$1".tar.{xz,bz2,gz} \
		"${VMX_DEBUG_CACHE:-/var/cache/vmxnet3-poll}/src/usr/src/linux-source-$1.tar.xz"; do
		[ -f "$f" ] && echo "$f" && return 0
	done
	return 0
}

# series_supported SERIES: one of VMX_SERIES
series_supported() { [[ " $VMX_SERIES " == *" $1 "* ]]; }

# series_patches SERIESFILE SRC: the patches of SERIESFILE that apply to
# the upstream tree SRC, in order; "PATCH if FILE" only where SRC has FILE.
# A line of another form, or a PATCH that is not next to SERIESFILE: an
# error naming it.
series_patches() {
	local p cond file rest n=0
	while read -r p cond file rest || [ -n "$p" ]; do
		n=$((n + 1))
		case $p in '' | '#'*) continue ;; esac
		if [ -n "$cond" ] && { [ "$cond" != if ] || [ -z "$file" ] || [ -n "$rest" ]; }; then
			echo "$1:$n: not \"PATCH\" or \"PATCH if FILE\": $p $cond $file $rest" >&2
			return 1
		fi
		if [ ! -f "$(dirname "$1")/$p" ]; then
			echo "$1:$n: no patch $p" >&2
			return 1
		fi
		[ -z "$cond" ] || [ -e "$2/$file" ] || continue
		echo "$p"
	done <"$1"
}

# series_conditions SERIESFILE: the FILEs of its "PATCH if FILE" lines
series_conditions() { awk '$1 !~ /^#/ && $2 == "if" { print $3 }' "$1" | sort -u; }
