#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# guest-runner.sh FIRST PREFIX TEST...: run tests inside the guest, numbered
# from FIRST, as KTAP result lines "ok N PREFIX:name".  Test output becomes
# KTAP diagnostics ("# ...").  Each result also goes to $VMX_OUT/results so
# that the host knows how far a guest got if it dies.
#
# A test is a bash script: exit 0 = pass, 4 = skip, anything else = fail.
# A line "# timeout: SECS" in it sets its limit (default 300 s).
n=$1 prefix=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)
export VMX_BIN=${VMX_BIN:-$VMX_TOP/build/selftests}

for t in "$@"; do
	name=$(basename "$t" .sh)
	limit=$(sed -n 's/^# timeout: *\([0-9]\+\).*/\1/p' "$t" | head -n 1)
	echo "# ---- $prefix:$name"
	start=$(date +%s.%N)
	(cd /tmp && timeout -k 10 "${limit:-300}" bash -c "source '$here/lib.sh'; source '$t'") 2>&1 |
		sed -u -e 's/^# //' -e 's/^/# /'
	rc=${PIPESTATUS[0]}
	secs=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
	case $rc in
	0) line="ok $n $prefix:$name # ${secs}s" ;;
	4) line="ok $n $prefix:$name # SKIP" ;;
	124 | 137) line="not ok $n $prefix:$name # timed out after ${limit:-300}s" ;;
	*) line="not ok $n $prefix:$name # exit $rc, ${secs}s" ;;
	esac
	echo "$line"
	echo "$line" >>"$VMX_OUT/results"
	sync
	n=$((n + 1))
done
