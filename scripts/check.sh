#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# check.sh [KVER...]: everything `make check` runs: the style lane
# (scripts/style.sh) on every kernel, the QEMU harness's own check
# (scripts/harness-check.sh), make demo reduced (scripts/demo-check.sh),
# hibernation with polling threads (scripts/hibernate-check.sh) on the
# newest kernel, and the in-guest selftests (selftests/run.sh): the smoke
# and main tiers on the newest kernel, the smoke tier on the others.  The
# long tier (soak and storm tests) is make check-long's.  Ends with one
# line "N passed, N failed, N skipped".
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
start=$(date +%s)
kernels=("$@")
[ ${#kernels[@]} -gt 0 ] || mapfile -t kernels < <("$top/scripts/kernels.sh")
[ ${#kernels[@]} -gt 0 ] || { echo "check.sh: no supported kernel installed" >&2; exit 2; }
newest=${kernels[-1]}

"$top/scripts/style.sh" "${kernels[@]}" | tee "$tmp/style"
"$top/scripts/harness-check.sh" | tee "$tmp/harness"
"$top/scripts/demo-check.sh" | tee "$tmp/demo"
"$top/scripts/hibernate-check.sh" "$newest" | tee "$tmp/hibernate"
TIERS="smoke main" "$top/selftests/run.sh" "$newest" | tee "$tmp/tests"
if [ ${#kernels[@]} -gt 1 ]; then
	TIERS=smoke "$top/selftests/run.sh" "${kernels[@]:0:${#kernels[@]}-1}" | tee "$tmp/tests-smoke"
else
	echo "0 passed, 0 failed, 0 skipped" >"$tmp/tests-smoke"
fi

count() { # count FILE WORD: the number before WORD in the file's last totals line
	local v
	v=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$1" | tail -n 1 |
		sed -n "s/.*\b\([0-9]\+\) $2.*/\1/p")
	echo "${v:-0}"
}
p=0 f=0
lanes=(style harness demo hibernate tests tests-smoke)
for lane in "${lanes[@]}"; do
	p=$((p + $(count "$tmp/$lane" passed)))
	f=$((f + $(count "$tmp/$lane" failed)))
	# a lane that died before its totals line is a failure too
	grep -qE '^[0-9]+ passed' "$tmp/$lane" || f=$((f + 1))
done
s=$(($(count "$tmp/tests" skipped) + $(count "$tmp/tests-smoke" skipped)))
# what failed, again at the end, where a log's tail shows it
(cd "$tmp" && grep -h -e '^not ok' -e '^# recap: ' "${lanes[@]}") |
	sed 's/^not ok/# failed: not ok/'
echo "# make check: $(( $(date +%s) - start )) s"
echo "$p passed, $f failed, $s skipped"
[ "$f" = 0 ]
