#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# file-graph.sh BUILD_DIR: which of the project's driver files calls which,
# from the objects built in BUILD_DIR (each object's undefined symbols
# against the symbols the others define).  Prints one "file -> callees"
# line per file and each file's share of the driver's lines; fails when
# the graph has a loop or a file holds more than 40 % of the lines.
set -uo pipefail

build=${1:?usage: file-graph.sh BUILD_DIR}
max_pct=40
cd "$build" || exit 2
objs=(vmxnet3_poll*.o)
[ -e "${objs[0]}" ] || { echo "no vmxnet3_poll*.o in $build" >&2; exit 2; }

declare -A owner
for o in "${objs[@]}"; do
	while read -r sym; do owner[$sym]=${o%.o}; done < <(nm --defined-only "$o" | awk '$2 ~ /[TDRB]/ { print $3 }')
done
edges=$(mktemp)
trap 'rm -f "$edges"' EXIT
for o in "${objs[@]}"; do
	callees=$(nm -u "$o" | awk '{ print $2 }' | while read -r sym; do
		c=${owner[$sym]:-}
		[ -n "$c" ] && [ "$c" != "${o%.o}" ] && echo "$c"
	done | sort -u | tr '\n' ' ')
	echo "${o%.o}.c -> ${callees:-(none)}"
	for c in $callees; do echo "${o%.o} $c" >>"$edges"; done
	echo "${o%.o} ${o%.o}" >>"$edges"
done
rc=0
if ! tsort "$edges" >/dev/null 2>&1; then
	echo "FAIL: the graph has a loop:"
	tsort "$edges" 2>&1 >/dev/null | sed 's/^/  /'
	rc=1
fi
# the project's sources as staged for this build, less the generated header
srcs=()
for f in vmxnet3_poll*.[ch]; do
	[ "$f" = vmxnet3_poll_autoconf.h ] || srcs+=("$f")
done
total=$(cat "${srcs[@]}" | wc -l)
for f in "${srcs[@]}"; do
	l=$(wc -l <"$f")
	pct=$((l * 100 / total))
	printf '%-26s %5d lines %3d %%\n' "$f" "$l" "$pct"
	if [ $((l * 100)) -gt $((total * max_pct)) ]; then
		echo "FAIL: $f holds more than $max_pct % of the driver's $total lines"
		rc=1
	fi
done
exit $rc
