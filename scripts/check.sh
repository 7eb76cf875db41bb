#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# check.sh [KVER...]: everything `make check` runs: the style lane
# (scripts/style.sh), the QEMU harness's own check (scripts/harness-check.sh),
# make demo reduced (scripts/demo-check.sh), hibernation with polling
# threads (scripts/hibernate-check.sh) and the in-guest selftests on every
# kernel (selftests/run.sh).  Ends with one
# line "N passed, N failed, N skipped".
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
start=$(date +%s)

"$top/scripts/style.sh" "$@" | tee "$tmp/style"
"$top/scripts/harness-check.sh" | tee "$tmp/harness"
"$top/scripts/demo-check.sh" | tee "$tmp/demo"
"$top/scripts/hibernate-check.sh" "$@" | tee "$tmp/hibernate"
"$top/selftests/run.sh" "$@" | tee "$tmp/tests"

count() { # count FILE WORD: the number before WORD in the file's last totals line
	local v
	v=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$1" | tail -n 1 |
		sed -n "s/.*\b\([0-9]\+\) $2.*/\1/p")
	echo "${v:-0}"
}
p=0 f=0
for lane in style harness demo hibernate tests; do
	p=$((p + $(count "$tmp/$lane" passed)))
	f=$((f + $(count "$tmp/$lane" failed)))
	# a lane that died before its totals line is a failure too
	grep -qE '^[0-9]+ passed' "$tmp/$lane" || f=$((f + 1))
done
s=$(count "$tmp/tests" skipped)
# what failed, again at the end, where a log's tail shows it
grep -h -e '^not ok' -e '^# recap: ' "$tmp/style" "$tmp/harness" "$tmp/demo" "$tmp/hibernate" "$tmp/tests" |
	sed 's/^not ok/# failed: not ok/'
echo "# make check: $(( $(date +%s) - start )) s"
echo "$p passed, $f failed, $s skipped"
[ "$f" = 0 ]
