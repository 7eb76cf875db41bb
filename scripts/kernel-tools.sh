#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# kernel-tools.sh: extract (once) the kernel's own tools the tests use from
# the newest Debian linux-source tarball (or KSRC) into build/tools and print
# that directory: checkpatch.pl and its data, the YNL netlink CLI and the
# netdev spec.  Nothing of it is committed.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
tools=$top/build/tools
src=${KSRC:-$(ls /usr/src/linux-source-*.tar.* 2>/dev/null | sort -V | tail -n 1)}
[ -n "$src" ] || { echo "kernel-tools.sh: no kernel source: apt-get install linux-source-6.12" >&2; exit 2; }
files=(scripts/checkpatch.pl scripts/spelling.txt scripts/const_structs.checkpatch
	tools/net/ynl/cli.py tools/net/ynl/lib Documentation/netlink)
if [ ! -x "$tools/scripts/checkpatch.pl" ] || [ "$(cat "$tools/.src" 2>/dev/null)" != "$src" ]; then
	mkdir -p "$top/build"
	new=$(mktemp -d "$top/build/.tools.XXXXXX")
	trap 'rm -rf "$new"' EXIT
	if [ -d "$src" ]; then
		(cd "$src" && cp -r --parents "${files[@]}" "$new/")
	else
		root=$(tar -tf "$src" 2>/dev/null | head -n 1 | cut -d/ -f1 || true)
		tar -xf "$src" -C "$new" --strip-components=1 "${files[@]/#/$root/}"
	fi || { echo "kernel-tools.sh: $src lacks ${files[*]}" >&2; exit 2; }
	echo "$src" >"$new/.src"
	rm -rf "$tools" && mv "$new" "$tools"
fi
echo "$tools"
