#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# timeout: 300
# tier: smoke (make check runs it on every kernel)
# TCP between two namespaces, one NIC each: 16 MiB arrive intact (SHA-256).
source "$(dirname "$0")/../lib.sh"
vmx_load ours
vmx_setup
tcp_sha $((16 << 20))
vmx_unload
