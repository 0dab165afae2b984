#!/usr/bin/env bash
# make lab / make lab-down: DESIGN.md's lab with its plain namespace names
# (client, gw, corp) and iphttpsd running in gw. Diagram: docs/LAB.md.
set -u
TOPO_PREFIX=""
TOPO_STATE=/run/iphttps-lab
. "$(dirname "$0")/lib/topology.sh"

case "${1:-}" in
up)
	if [ -d "$TOPO_STATE" ]; then
		echo "lab: already up (state in $TOPO_STATE); run 'make lab-down' first" >&2
		exit 1
	fi
	if ! topo_up || ! topo_start_appliance; then
		echo "lab: setup failed; removing what was made" >&2
		topo_down
		rm -rf "$TOPO_STATE"
		exit 1
	fi
	# The client end of the tunnel: iphttps-client bridges a kernel TUN device in
	# 'client' to a session, the server's certificate checked against its name,
	# and configures the device from the Router Advertisement itself (SLAAC
	# with DAD through the tunnel; address and route through netlink).
	ip netns exec client "$TOPO_REPO/build/iphttps-client" 192.0.2.1 --server-name gw.iphttps.test \
		--ca "$TOPO_REPO/config/pki/ca.crt" --tun iphttps0 \
		> "$TOPO_STATE/tunnel.log" 2>&1 &
	echo $! > "$TOPO_STATE/tunnel.pid"
	tunnel_addr=$(topo_tunnel_address)
	if [ -n "$tunnel_addr" ] && ip netns exec client ping -6 -c 2 -W 2 -q fd00:c0::2 >/dev/null 2>&1; then
		echo "lab: tunnel up: client ${tunnel_addr} pings corp fd00:c0::2 through the appliance"
	else
		echo "lab: the tunnel did not come up (see $TOPO_STATE/tunnel.log)" >&2
	fi
	cat <<EOT

The lab is up: iphttpsd runs in namespace 'gw' (log: $TOPO_STATE/iphttpsd.log), and a tunnel runs
from 'client' (TUN device iphttps0, address ${tunnel_addr:-none} from the router's advertisement) to 'corp'.
Try:
  ip netns exec client ping -6 -c 3 fd00:c0::2         # corp, through the IP-HTTPS tunnel
  ip netns exec client build/iphttps-client status     # the client: state, way, address, traffic
  ip netns exec corp iperf3 -s -D && ip netns exec client iperf3 -6 -c fd00:c0::2 -t 5   # iperf3 through it
  ip netns exec client ping -c 3 192.0.2.1            # the appliance's external IPv4
  ip netns exec client ping -6 -c 3 2001:db8:e::1     # its external IPv6
  ip netns exec corp ping -6 -c 3 fd00:c0::1          # its internal IPv6
  echo hello | ip netns exec client nc -N 192.0.2.1 7    # the appliance's own TCP: echo service
  ip netns exec client curl -i -m 2 --cacert config/pki/ca.crt -X POST \
      -H 'Content-Length: 18446744073709551615' --data-binary '' https://192.0.2.1/IPHTTPS   # 200 OK, then the tunnel
  ip netns exec client python3 tests/lib/iphttps_client.py session 192.0.2.1 --ca config/pki/ca.crt
                                                        # a session: framed pings to fe80::1 echoed
  build/iphttpsctl -s $TOPO_STATE/control.sock          # the appliance: state, load, rates, certificates
  build/iphttpsctl -s $TOPO_STATE/control.sock clients  # every session (also: monitor, disconnect, reload, ...)
  ip netns exec gw curl -s http://127.0.0.1:9464/metrics | grep iphttps_clients    # Prometheus; /health too
  python3 tests/lib/telemetry.py $(topo_file_prefix) /iphttps/sessions,0  # sessions and their clients
  python3 tests/lib/telemetry.py $(topo_file_prefix) /iphttps/stats      # counters
  python3 tests/lib/telemetry.py $(topo_file_prefix) /iphttps/nexthops   # resolved gateways
  python3 tests/lib/telemetry.py $(topo_file_prefix) /iphttps/ports      # ports and offloads
Stop it with: make lab-down
EOT
	;;
down)
	if [ ! -d "$TOPO_STATE" ]; then
		echo "lab: not up"
		exit 0
	fi
	[ -f "$TOPO_STATE/tunnel.pid" ] && kill "$(cat "$TOPO_STATE/tunnel.pid")" 2>/dev/null
	ip netns pids corp 2>/dev/null | xargs -r kill 2>/dev/null || true # what was started in corp (iperf3 -D)
	topo_down
	rm -rf "$TOPO_STATE"
	echo "lab: removed"
	;;
*)
	echo "usage: lab.sh up|down" >&2
	exit 2
	;;
esac
