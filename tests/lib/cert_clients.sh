#!/usr/bin/env bash
# Sourced by netns tests that run several iphttps-client processes with
# client certificates, one per TUN device, against the appliance at
# 192.0.2.1 (tests/lib/topology.sh): starting and stopping them by TUN name,
# and the worker whose session holds an address (the address each got:
# topo_tun_address).
# The caller sources tests/lib/netns_test.sh first and calls
# cert_clients_stop_all from its EXIT trap.
CERT_CLIENT=$TOPO_REPO/build/iphttps-client
CERT_CLIENT_PKI=$TOPO_REPO/config/pki
declare -A CERT_CLIENT_PID

cert_client_start() { # tun cert|none [client-args...]: a client, its log in $TOPO_STATE/tun.log
	local tun=$1 cert=()
	[ "$2" != none ] && cert=(--cert "$CERT_CLIENT_PKI/$2.crt" --key "$CERT_CLIENT_PKI/$2.key")
	shift 2
	cert_client_stop "$tun"
	ip netns exec "$(topo_ns client)" "$CERT_CLIENT" 192.0.2.1 --ca "$CERT_CLIENT_PKI/ca.crt" \
		--server-name gw.iphttps.test "${cert[@]}" \
		--tun "$tun" --seconds 120 --status-file "$TOPO_STATE/$tun.json" "$@" > "$TOPO_STATE/$tun.log" 2>&1 &
	CERT_CLIENT_PID[$tun]=$!
}

cert_client_stop() { # tun: stopped (woken first if a test froze it) and waited for
	[ -n "${CERT_CLIENT_PID[$1]:-}" ] || return 0
	kill -CONT "${CERT_CLIENT_PID[$1]}" 2>/dev/null
	kill "${CERT_CLIENT_PID[$1]}" 2>/dev/null
	wait "${CERT_CLIENT_PID[$1]}" 2>/dev/null
	unset "CERT_CLIENT_PID[$1]"
}

cert_clients_stop_all() {
	local tun
	for tun in "${!CERT_CLIENT_PID[@]}"; do cert_client_stop "$tun"; done
}

worker_of_address() { # address: the worker whose session has it (empty if none)
	topo_ctl clients --json 2>/dev/null | python3 -c '
import ipaddress, json, sys
want = ipaddress.IPv6Address(sys.argv[1])
for c in json.load(sys.stdin)["clients"]:
    if any(ipaddress.IPv6Address(a) == want for a in c["addresses"]):
        print(c["worker"]); break' "$1"
}
