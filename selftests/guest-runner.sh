#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# guest-runner.sh FIRST PREFIX TEST...: run tests inside the guest, numbered
# from FIRST, as KTAP result lines "ok N PREFIX:name".  Test output becomes
# KTAP diagnostics ("# ...").  Each result also goes to $VMX_OUT/results so
# that the host knows how far a guest got if it dies.
#
# A test is an executable (bash, sourcing selftests/lib.sh, so that it
# runs by hand on a guest too).  It exits 0 (pass), $VMX_RC_SKIP (skip) or
# anything else (fail); its "# timeout: SECS" line sets its limit (default
# 300 s).  A line "# guest: dirty (WHY)" says that the test leaves the
# kernel unfit for more tests: the runner stops after it, and the host
# boots a new guest for the rest.  The files this runner writes for the
# host ($VMX_OUT/results, $VMX_OUT/watchdog) are part of "The guest-host
# protocol" in scripts/qemu-run.sh.
n=$1 prefix=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)
export VMX_BIN=${VMX_BIN:-$VMX_TOP/build/selftests}
# shared with the host side: test_timeout, test_dirty, cmdline_arg, VMX_RC_*
source "$here/../scripts/lib.sh"

# /proc/sys/kernel/tainted without O (out-of-tree module, 4096) and E
# (unsigned module, 8192), which loading this project's module sets and
# which leave lockdep on; anything else (W, D, L, ...) fails the test.
taint() { echo $(($(cat /proc/sys/kernel/tainted) & ~(4096 | 8192))); }

# vmx.tscale=N on the kernel command line: N times each test's time limit
tscale=$(cmdline_arg tscale)
tscale=${tscale:-1}
# tests that run for a fixed time to collect a sample run that much longer
export VMX_TSCALE=$tscale

for t in "$@"; do
	name=$(basename "$t" .sh)
	limit=$(($(test_timeout "$t") * tscale))
	echo "# ---- $prefix:$name"
	t0=$(taint)
	start=$(date +%s.%N)
	echo $((limit + 60)) >"$VMX_OUT/watchdog"
	(cd /tmp && timeout -k 10 "$limit" "$t") 2>&1 |
		sed -u -e 's/^# //' -e 's/^/# /'
	rc=${PIPESTATUS[0]}
	rm -f "$VMX_OUT/watchdog"
	t1=$(taint)
	if [ "$rc" = 0 ] && { [ "$t0" != 0 ] || [ "$t1" != 0 ]; }; then
		echo "# kernel taint before $t0, after $t1 (O and E, out-of-tree and unsigned, ignored)"
		rc=1
	fi
	secs=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
	case $rc in
	0) line="ok $n $prefix:$name # ${secs}s" ;;
	"$VMX_RC_SKIP") line="ok $n $prefix:$name # SKIP" ;;
	"$VMX_RC_TIMEOUT" | 137) line="not ok $n $prefix:$name # timed out after ${limit}s" ;;
	*) line="not ok $n $prefix:$name # exit $rc, ${secs}s" ;;
	esac
	echo "$line"
	echo "$line" >>"$VMX_OUT/results"
	sync
	n=$((n + 1))
	# a test that leaves the kernel unfit for more tests ends the guest
	if test_dirty "$t"; then
		echo "# $name leaves this guest unfit for more tests: the rest run in a new one"
		break
	fi
done
