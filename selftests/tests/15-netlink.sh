#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# timeout: 120
# netdev netlink (the kernel's own YNL CLI and spec, from the kernel source)
# shows every queue linked to its NAPI and every NAPI to its IRQ: rx queue N
# and tx queue N share rx-N's NAPI (their interrupt is shared), and that
# NAPI's irq is the "<if>-rxtx-N" vector.  Kernels without per-queue NAPI
# netlink (6.1) skip.
source "$(dirname "$0")/../lib.sh"
ynl_init
vmx_load ours
vmx_setup
ifindex=$(ip netns exec srv cat "/sys/class/net/$SRV_IF/ifindex")
if ! ynl --dump queue-get --json "{\"ifindex\": $ifindex}" >/tmp/queues.json 2>/tmp/ynl.err; then
	grep -qi 'queue-get\|not supported\|Unknown\|KeyError' /tmp/ynl.err &&
		skip "this kernel has no queue-get ($(uname -r))"
	fail "queue-get: $(cat /tmp/ynl.err)"
fi
ynl --dump napi-get --json "{\"ifindex\": $ifindex}" >/tmp/napis.json 2>/tmp/ynl.err ||
	fail "napi-get: $(cat /tmp/ynl.err)"
log "queues: $(cat /tmp/queues.json)"
log "napis:  $(cat /tmp/napis.json)"
nq=$(ip netns exec srv sh -c "ls -d /sys/class/net/$SRV_IF/vmxnet3_poll/rx-*" | wc -l)
for q in $(seq 0 $((nq - 1))); do
	napi=$(pq srv "$SRV_IF" "$q" napi_id)
	irq=$(irq_of "$SRV_IF" "$q")
	for type in rx tx; do
		got=$(python3 -c 'import json,sys; q=[x for x in json.load(open(sys.argv[1])) if x["id"]==int(sys.argv[2]) and x["type"]==sys.argv[3]]; print(q[0].get("napi-id", 0) if q else "none")' \
			/tmp/queues.json "$q" $type)
		assert_eq "$type queue $q napi-id" "$got" "$napi"
	done
	got=$(python3 -c 'import json,sys; n=[x for x in json.load(open(sys.argv[1])) if x["id"]==int(sys.argv[2])]; print(n[0].get("irq", "none") if n else "none")' \
		/tmp/napis.json "$napi")
	assert_eq "napi $napi irq" "$got" "$irq"
done
vmx_unload
