#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# check.sh [KVER...]: everything `make check` runs: the style lane
# (scripts/style.sh), make demo reduced (scripts/demo-check.sh) and the
# in-guest selftests on every kernel (selftests/run.sh).  Ends with one
# line "N passed, N failed, N skipped".
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
start=$(date +%s)

"$top/scripts/style.sh" "$@" | tee "$tmp/style"
"$top/scripts/demo-check.sh" | tee "$tmp/demo"
"$top/selftests/run.sh" "$@" | tee "$tmp/tests"

count() { # count FILE WORD: the number before WORD in the file's last totals line
	local v
	v=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$1" | tail -n 1 |
		sed -n "s/.*\b\([0-9]\+\) $2.*/\1/p")
	echo "${v:-0}"
}
p=$(($(count "$tmp/style" passed) + $(count "$tmp/demo" passed) + $(count "$tmp/tests" passed)))
f=$(($(count "$tmp/style" failed) + $(count "$tmp/demo" failed) + $(count "$tmp/tests" failed)))
s=$(count "$tmp/tests" skipped)
[ -s "$tmp/tests" ] && grep -qE '^[0-9]+ passed' "$tmp/tests" || f=$((f + 1))
echo "# make check: $(( $(date +%s) - start )) s"
echo "$p passed, $f failed, $s skipped"
[ "$f" = 0 ]
