#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# style.sh [KVER...]: the style lane.
#   - checkpatch.pl --strict --no-tree -f on the project's own C files, and
#     on the hook patches (only their added lines are judged);
#   - the hook patches are what scripts/patches.sh writes (git format-patch
#     of a tree they were applied to with git am): subjects, index lines
#     and hunk context true;
#   - a W=1 build per kernel: no compiler warning at all;
#   - sparse (C=2) per kernel: no warning in the project's own files;
#   - which driver file calls which, per kernel (scripts/file-graph.sh):
#     no loop, no file over 40 % of the driver's lines.
# checkpatch.pl comes from the kernel source (scripts/kernel-tools.sh).
# Prints KTAP; exit 1 if a check fails.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
source "$top/scripts/lib.sh"
kernels=("$@")
[ ${#kernels[@]} -gt 0 ] || mapfile -t kernels < <("$top/scripts/kernels.sh")

tools=$("$top/scripts/kernel-tools.sh") || exit 2
checkpatch=("$tools/scripts/checkpatch.pl" --strict --no-tree --show-types --color=never)

n=0 failed=0
result() { # result OK|FAIL NAME LOGFILE
	n=$((n + 1))
	if [ "$1" = OK ]; then
		echo "ok $n style:$2"
	else
		sed 's/^/# /' "$3"
		echo "not ok $n style:$2"
		failed=$((failed + 1))
	fi
}
echo "KTAP version 1"
echo "1..$((5 + 3 * ${#kernels[@]}))"
log=$(mktemp)
trap 'rm -f "$log"' EXIT

own=("$top"/drivers/net/vmxnet3/*.[ch] "$top"/selftests/helpers/*.c "$top"/selftests/kmod/*.c)
if "${checkpatch[@]}" --quiet -f "${own[@]}" >"$log" 2>&1; then
	result OK checkpatch-files "$log"
else
	result FAIL checkpatch-files "$log"
fi

: >"$log"
ok=OK
for p in "$top"/patches/*.patch; do
	"${checkpatch[@]}" --quiet --no-signoff "$p" >>"$log" 2>&1 || ok=FAIL
done
result $ok checkpatch-patches "$log"

: >"$log"
ok=OK
"$top/scripts/patches.sh" check >>"$log" 2>&1
case $? in
0) ;;
4) echo "# patches/: not checked, no kernel source of $VMX_BASE_SERIES here (apt-get install linux-source-$VMX_BASE_SERIES)" ;;
*) ok=FAIL ;;
esac
result $ok patches-generated "$log"

# the one set on the source of every supported series that is here; the
# series of the kernels below are checked by their W=1 build's import
: >"$log"
ok=OK
built=" $(for k in "${kernels[@]}"; do kernel_series "$k"; done | xargs) "
for s in $VMX_SERIES; do
	if [[ $built == *" $s "* ]]; then
		echo "# patches on $s: applied by the w1-$s build"
		continue
	fi
	src=$(series_source "$s")
	if [ -z "$src" ]; then
		echo "# patches on $s: not checked, no source here (scripts/fetch-source.sh $s)"
		continue
	fi
	d=$(mktemp -d)
	if VMX_IMPORT_ONLY=1 "$top/scripts/stage.sh" "$s.0-patches" "$d" /nonexistent "$src" >>"$log" 2>&1; then
		echo "# patches on $s: apply with --fuzz=0, hooks in place ($src)"
	else
		ok=FAIL
	fi
	rm -rf "$d"
done
result $ok patches-apply "$log"

# dkms.conf: its kernels are VMX_SERIES (lib.sh), its version VERSION
: >"$log"
want="^($(tr ' ' '\n' <<<"$VMX_SERIES" | sed 's/\./\\./g' | paste -sd'|'))\\."
have=$(sed -n 's/^BUILD_EXCLUSIVE_KERNEL="\(.*\)"$/\1/p' "$top/dkms.conf")
[ "$have" = "$want" ] || echo "dkms.conf: BUILD_EXCLUSIVE_KERNEL=\"$have\", VMX_SERIES (scripts/lib.sh) says \"$want\"" >>"$log"
have=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$top/dkms.conf")
[ "$have" = "$(cat "$top/VERSION")" ] ||
	echo "dkms.conf: PACKAGE_VERSION=\"$have\", VERSION says \"$(cat "$top/VERSION")\"" >>"$log"
if [ -s "$log" ]; then result FAIL dkms-conf "$log"; else result OK dkms-conf "$log"; fi

for kver in "${kernels[@]}"; do
	series=$(kernel_series "$kver")
	build=$top/build/style-$kver
	# W=1: rebuild everything in a separate staging dir, any warning fails
	rm -rf "$build"
	if make -s -C "$top" KVER="$kver" BUILD="$build" W=1 module >"$log" 2>&1 &&
		! grep -q 'warning:' "$log"; then
		result OK "w1-$series" "$log"
	else
		result FAIL "w1-$series" "$log"
	fi
	if "$top/scripts/file-graph.sh" "$build" >"$log" 2>&1; then
		sed 's/^/# /' "$log"
		result OK "file-graph-$series" "$log"
	else
		result FAIL "file-graph-$series" "$log"
	fi
	# sparse over every file; only our files must be clean
	make -s -C "$top" KVER="$kver" BUILD="$build" C=2 module >"$log" 2>&1
	rc=$?
	if [ $rc = 0 ] && ! grep -E '(vmxnet3_poll[a-z_]*\.[ch]):[0-9]+:[0-9]+: (warning|error)' "$log" >/dev/null; then
		upstream=$(grep -c ': warning:' "$log")
		echo "# sparse: $upstream warning(s) in upstream vmxnet3 code, none in ours"
		result OK "sparse-$series" "$log"
	else
		grep -E 'vmxnet3_poll' "$log" >"$log.own" || cp "$log" "$log.own"
		result FAIL "sparse-$series" "$log.own"
	fi
	rm -rf "$build"
done

echo "$((n - failed)) passed, $failed failed"
[ $failed = 0 ]
