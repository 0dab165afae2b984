#!/usr/bin/env bash
# make lab-cluster / make lab-cluster-down: two appliances behind BGP (FRR on
# both sides), the anycast service address 198.51.100.10 reached by ECMP, and
# a tunnel from cl-client to cl-corp through whichever appliance the outer
# router picks. Diagram and parts: tests/lib/cluster.sh, docs/LAB.md.
# Namespaces carry the prefix "cl-", so the cluster lab runs beside `make lab`.
set -u
TOPO_PREFIX="cl-"
TOPO_STATE=/run/iphttps-lab-cluster
. "$(dirname "$0")/lib/cluster.sh"

case "${1:-}" in
up)
	if [ -d "$TOPO_STATE" ]; then
		echo "lab-cluster: already up (state in $TOPO_STATE); run 'make lab-cluster-down' first" >&2
		exit 1
	fi
	if ! cluster_up_all; then
		echo "lab-cluster: setup failed; removing what was made" >&2
		cluster_down
		rm -rf "$TOPO_STATE"
		exit 1
	fi
	for _ in $(seq 1 150); do [ "$(cluster_vip_nexthops)" = "10.1.1.1 10.1.2.1 " ] && break; sleep 0.1; done
	echo "lab-cluster: the outer router reaches $CLUSTER_VIP via $(cluster_vip_nexthops)"
	ip netns exec cl-client "$TOPO_REPO/build/iphttps-client" "$CLUSTER_VIP" --server-name gw.iphttps.test \
		--ca "$TOPO_REPO/config/pki/ca.crt" --tun iphttps0 > "$TOPO_STATE/tunnel.log" 2>&1 &
	echo $! > "$TOPO_STATE/tunnel.pid"
	addr=
	for _ in $(seq 1 150); do
		addr=$(ip netns exec cl-client ip -6 -o addr show dev iphttps0 scope global 2>/dev/null | awk '{print $4}' | cut -d/ -f1 | head -1)
		[ -n "$addr" ] && break
		sleep 0.1
	done
	if [ -n "$addr" ] && ip netns exec cl-client ping -6 -c 2 -W 2 -q fd00:c0::2 >/dev/null 2>&1; then
		case "$addr" in 2001:db8:c1:*) node=A ;; *) node=B ;; esac
		echo "lab-cluster: tunnel up through appliance $node: client $addr pings corp fd00:c0::2"
	else
		echo "lab-cluster: the tunnel did not come up (see $TOPO_STATE/tunnel.log)" >&2
	fi
	cat <<EOT

The cluster lab is up: iphttpsd A in cl-gwa and B in cl-gwb (logs: $TOPO_STATE/iphttpsd-{a,b}.log), each
with its BGP speaker and health glue ($TOPO_STATE/health-{a,b}.log); FRR routers in cl-outer and cl-inner.
Try:
  ip netns exec cl-client ping -6 -c 3 fd00:c0::2                  # corp, through the tunnel
  ip netns exec cl-outer vtysh --vty_socket $TOPO_STATE/frr-outer -c 'show ip route $CLUSTER_VIP'
  ip netns exec cl-inner vtysh --vty_socket $TOPO_STATE/frr-inner -c 'show bgp ipv6 unicast'
  build/iphttpsctl -s $TOPO_STATE/control-a.sock clients          # A's sessions (control-b.sock: B's)
  build/iphttpsctl -s $TOPO_STATE/control-a.sock shutdown --drain 30   # drain A: the service address is
                                                                  # withdrawn at once, A's prefix when it stops
  kill -9 \$(cat $TOPO_STATE/iphttpsd-a.pid)                         # or kill it: the client comes back on B
  ip netns exec cl-client build/iphttps-client status             # which way, which address (B's prefix after a move), link ups
Stop it with: make lab-cluster-down
EOT
	;;
down)
	if [ ! -d "$TOPO_STATE" ]; then
		echo "lab-cluster: not up"
		exit 0
	fi
	[ -f "$TOPO_STATE/tunnel.pid" ] && kill "$(cat "$TOPO_STATE/tunnel.pid")" 2>/dev/null
	cluster_down
	rm -rf "$TOPO_STATE"
	echo "lab-cluster: removed"
	;;
*)
	echo "usage: lab_cluster.sh up|down" >&2
	exit 2
	;;
esac
