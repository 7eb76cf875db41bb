#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# timeout: 120
# Docs and code agree: every sysfs file, private flag, module parameter and
# counter the driver exposes is documented in Documentation/vmxnet3-poll.rst
# (first column of its tables), and every documented one exists.
source "$(dirname "$0")/../lib.sh"
doc=$VMX_TOP/Documentation/vmxnet3-poll.rst
documented() { # documented SECTION-TITLE: the names in that section's table
	python3 - "$doc" "$1" <<'PY'
import re, sys
text = open(sys.argv[1]).read().splitlines()
want, on = sys.argv[2], False
for i, line in enumerate(text):
    if i + 1 < len(text) and re.fullmatch(r"[-=~]{3,}", text[i + 1]) and line.strip():
        on = line.strip() == want
        continue
    m = re.match(r"\s*\* - ``([^`]+)``", line)
    if on and m:
        print(m.group(1))
PY
}
compare() { # compare WHAT "documented" "exposed"
	local d e
	d=$(tr ' ' '\n' <<<"$2" | sed '/^$/d' | sort -u)
	e=$(tr ' ' '\n' <<<"$3" | sed '/^$/d' | sort -u)
	log "$1: documented: $(xargs <<<"$d")"
	log "$1: exposed:    $(xargs <<<"$e")"
	[ -n "$d" ] || fail "$1: nothing documented (table not found)"
	[ "$d" = "$e" ] || fail "$1 differ: only documented: $(comm -23 <(echo "$d") <(echo "$e") | xargs); only exposed: $(comm -13 <(echo "$d") <(echo "$e") | xargs)"
}
vmx_load ours
ifn=$(vmx_nics | head -n 1)
compare "sysfs files" "$(documented sysfs)" "$(ls /sys/class/net/$ifn/vmxnet3_poll/rx-0)"
compare "private flags" "$(documented 'ethtool private flags')" \
	"$(ethtool --show-priv-flags "$ifn" | sed -n 's/^\([a-z-]*\) *:.*/\1/p')"
compare "module parameters" "$(documented 'Module parameters')" "$(ls /sys/module/vmxnet3/parameters)"
compare "counters" "$(documented Counters)" \
	"$(ethtool -S "$ifn" | sed -n 's/^ *rxq[0-9]*_\([a-z_]*\):.*/rxq<N>_\1/p')"
# every -poll counter name in the driver follows rxq<N>_ and every queue has them all
n=$(ls -d /sys/class/net/$ifn/vmxnet3_poll/rx-* | wc -l)
per=$(documented Counters | wc -l)
assert_eq "rxq counters" "$(ethtool -S "$ifn" | grep -c '^ *rxq[0-9]*_')" $((n * per))
vmx_unload
