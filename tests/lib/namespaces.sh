#!/usr/bin/env bash
# Sourced by tests/lib/topology.sh and tests/lib/cluster.sh: network
# namespaces named with this run's prefix, recorded in
# $TOPO_STATE/namespaces so that one teardown removes them however the run
# ended. Variables: TOPO_PREFIX (a per-run prefix; empty in `make lab`),
# TOPO_STATE (required).

topo_ns() { echo "${TOPO_PREFIX}$1"; }
topo_in() { local ns; ns=$(topo_ns "$1"); shift; ip netns exec "$ns" "$@"; }

topo_namespace_add() { # name: made, recorded for topo_namespaces_remove, loopback up
	local ns
	ns=$(topo_ns "$1")
	ip netns add "$ns" || return 1
	echo "$ns" >> "$TOPO_STATE/namespaces"
	ip netns exec "$ns" ip link set lo up
}

topo_veth_quiet() { # ns ifname: no offloads (whole frames, full checksums), link up
	topo_in "$1" ethtool -K "$2" tso off gso off gro off tx off rx off >/dev/null 2>&1 || true
	topo_in "$1" ip link set "$2" up
}

topo_namespaces_remove() { # every namespace topo_namespace_add recorded
	[ -f "$TOPO_STATE/namespaces" ] || return 0
	# A process left in a namespace (an iperf3 server, a client whose test
	# failed) would keep it alive unnamed after the delete: end them first.
	local ns
	while read -r ns; do
		ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null || true
		ip netns del "$ns" 2>/dev/null || true
	done < "$TOPO_STATE/namespaces"
	rm -f "$TOPO_STATE/namespaces"
}
