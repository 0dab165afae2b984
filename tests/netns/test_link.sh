#!/usr/bin/env bash
# The IP-HTTPS link end to end, with real kernels at both ends: a kernel TUN
# device in the client namespace bridged to a session (tests/lib/tun_bridge.py,
# standing in for iphttps-client), so the client's own IPv6 stack solicits
# the router, forms its address from the Router Advertisement's prefix,
# resolves and probes the router (NUD) and gets its NA, and
# routes through the appliance to corp: ping both ways, iperf3 (TCP over
# IPv6) both ways, and a 1,400-byte packet from corp that gets Packet Too Big
# and then gets through by path-MTU discovery; and the mode-none rules as the
# client's kernel breaks them (a source off the link, link-local unicast to
# another host, a multicast flood). Linux performs no DAD on a TUN device:
# DAD over the link, and two clients, are covered by test_session.
#
#   client ns: kernel IPv6 on iphttps0 (TUN) ── tun_bridge.py ══ TLS ══┐
#   192.0.2.2 [ext1] ─── [ext0] gw: iphttpsd (the link's router) [int0] ─── [int1] corp fd00:c0::2
#                                          route 2001:db8:c1::/64 via fd00:c0::1 (topology.sh)
. "$(dirname "$0")/../lib/netns_test.sh"

PKI=$TOPO_REPO/config/pki
BRIDGE_PID=
IPERF_PID=
cleanup_link() {
	[ -n "$BRIDGE_PID" ] && kill "$BRIDGE_PID" 2>/dev/null
	[ -n "$IPERF_PID" ] && kill "$IPERF_PID" 2>/dev/null
	netns_test_cleanup
}
trap cleanup_link EXIT
counter() { topo_telemetry /iphttps/stats "$1"; }

echo "# the IP-HTTPS link and router, namespaces ${TOPO_PREFIX}{client,gw,corp}"
if ! topo_up || ! TOPO_CONFIG=$TOPO_REPO/tests/netns/configs/sessions-none.yaml topo_start_appliance; then
	echo "FAIL: lab topology and appliance start"
	exit 1
fi
ip netns exec "$(topo_ns client)" python3 tests/lib/tun_bridge.py 192.0.2.1 --ca "$PKI/ca.crt" --tun iphttps0 --seconds 120 \
	> "$TOPO_STATE/bridge.log" 2>&1 &
BRIDGE_PID=$!
client_addr=$(topo_tunnel_address kernel)
check "the session is up" grep -q '"up": true' "$TOPO_STATE/bridge.log"
echo "    client address: ${client_addr:-none}"
check "the client formed an address in the advertised prefix 2001:db8:c1::/64" \
	bash -c '[[ "$1" == 2001:db8:c1:0:* ]]' _ "$client_addr"
check "its default route is the server's link-local address from the RA" \
	bash -c 'ip netns exec "$1" ip -6 route show default | grep -q "via fe80::1 dev iphttps0"' _ "$(topo_ns client)"
check "the Router Solicitation was answered" test "$(counter link_ra_sent)" -ge 1

# The router answers for itself (RFC 4861 7.2.4, 7.3): address resolution and
# NUD of fe80::1 from the client's kernel (a raw ICMPv6 socket: the kernel
# sets the source and the checksum), each an NA with the Router and
# Solicited flags and no option.
check_router_answers_ns iphttps0 "mode none"
check "both were counted" test "$(counter link_neighbor_solicitations_answered)" -ge 2

check "the client pings corp through the tunnel" topo_in client ping -6 -c 3 -W 2 -q fd00:c0::2
check "corp pings the client through the tunnel" topo_in corp ping -6 -c 3 -W 2 -q "$client_addr"
check "both ways were routed (client to internal, internal to client)" \
	bash -c '[ "$1" -ge 3 ] && [ "$2" -ge 3 ]' _ "$(counter link_forwarded_to_internal)" \
	"$(counter link_forwarded_to_client)"

topo_in corp iperf3 -s -B fd00:c0::2 > "$TOPO_STATE/iperf3-server.log" 2>&1 &
IPERF_PID=$!
sleep 0.5
for direction in up down; do
	flag=; [ "$direction" = down ] && flag=-R
	out=$(topo_in client timeout 20 iperf3 -6 -c fd00:c0::2 -t 3 -J $flag 2>&1)
	rate=$(python3 -c 'import json,sys; r=json.loads(sys.argv[1]); print(int(r["end"]["sum_received"]["bits_per_second"]))' "$out" 2>/dev/null || echo 0)
	echo "    iperf3 $direction: $((rate / 1000000)) Mbit/s"
	check "iperf3 (TCP over IPv6) through the tunnel, client $( [ $direction = up ] && echo to || echo from ) corp" \
		test "$rate" -gt 0
done

# Path MTU: a 1,400-byte packet from corp gets Packet Too Big (the link MTU is
# 1280); corp's kernel learns the path MTU and fragments the next ones.
too_big=$(counter link_packet_too_big)
out=$(topo_in corp ping -6 -c 4 -i 0.5 -W 2 -s 1352 -M want "$client_addr" 2>&1)
echo "$out" | tail -2 | sed 's/^/    /'
check "a 1,400-byte packet from corp got Packet Too Big" test "$(counter link_packet_too_big)" -gt "$too_big"
check "and path-MTU discovery then got the large pings through" \
	bash -c 'grep -Eq "[1-9][0-9]* received" <<<"$1"' _ "$out"
check "corp's kernel learned the path MTU of 1280" \
	bash -c 'ip netns exec "$1" ip -6 route get "$2" | grep -q "mtu 1280"' _ "$(topo_ns corp)" "$client_addr"
# Mode none (§3.2.5.2.2), played by the client's kernel: a source off the
# link, link-local unicast to another host, a multicast flood. Each dropped
# and counted; the tunnel carries on.
spoofed=$(counter drop_link_spoofed_source) link_local=$(counter drop_link_link_local)
multicast=$(counter drop_link_multicast)
topo_in client ip -6 addr add 2001:db8:dead::1/128 dev iphttps0 nodad
topo_in client ping -6 -c 3 -i 0.2 -W 1 -q -I 2001:db8:dead::1 fd00:c0::2 >/dev/null 2>&1
check "a source address off the link is dropped (spoofed)" \
	test "$(counter drop_link_spoofed_source)" -ge $((spoofed + 3))
topo_in client ip -6 addr del 2001:db8:dead::1/128 dev iphttps0 # or the kernel may pick it as a source
topo_in client ping -6 -c 3 -i 0.2 -W 1 -q fe80::5%iphttps0 >/dev/null 2>&1
check "link-local unicast to another host is dropped" test "$(counter drop_link_link_local)" -ge $((link_local + 3))
topo_in client ping -6 -c 300 -i 0.005 -W 1 -q ff02::1%iphttps0 >/dev/null 2>&1
check "a multicast flood is dropped (300 echo requests to ff02::1)" \
	test "$(counter drop_link_multicast)" -ge $((multicast + 300))
check "and the tunnel still carries the client's traffic" topo_in client ping -6 -c 2 -W 2 -q fd00:c0::2
topo_stop_appliance
check_finish
