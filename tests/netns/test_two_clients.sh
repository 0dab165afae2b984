#!/usr/bin/env bash
# Two iphttps-clients behind two different kernels reach each other through
# the appliance: client-to-client routing inside the prefix ([MS-IPHTTPS]
# 3.2.5.2; the RA's on-link flag is clear, so every packet goes through the
# router). The second client lives in a namespace of its own behind the first
# one's, which routes for it (IPv4, as a home router would), so the two
# sessions come from different addresses. Each forms its own address by
# SLAAC, each pings the other and corp, and the appliance counts the packets
# it routed to clients.
#
#   client2 ns 198.51.100.2 ── [c2a 198.51.100.1] client ns 192.0.2.2 [ext1] ── [ext0] gw: iphttpsd ── corp
#   (iphttps-client, TUN iphttps0)                 (iphttps-client, TUN iphttps0)
. "$(dirname "$0")/../lib/netns_test.sh"

PKI=$TOPO_REPO/config/pki
CLIENT=$TOPO_REPO/build/iphttps-client
# The clients run in the namespaces: topo_down ends them with everything else there.
counter() { topo_telemetry /iphttps/stats "$1"; }

echo "# two clients through the appliance, namespaces ${TOPO_PREFIX}{client,client2,gw,corp}"
if [ ! -x "$CLIENT" ] || ! topo_up || ! TOPO_CONFIG=$TOPO_REPO/tests/netns/configs/sessions-none.yaml topo_start_appliance; then
	echo "FAIL: iphttps-client built, lab topology and appliance start"
	exit 1
fi
c2=$(topo_ns client2)
ip netns add "$c2" && echo "$c2" >> "$TOPO_STATE/namespaces"
ip link add c2a netns "$(topo_ns client)" type veth peer name c2b netns "$c2"
topo_in client ip addr add 198.51.100.1/24 dev c2a
topo_in client ip link set c2a up
topo_in client sysctl -qw net.ipv4.ip_forward=1
ip -n "$c2" link set lo up
ip -n "$c2" addr add 198.51.100.2/24 dev c2b
ip -n "$c2" link set c2b up
ip -n "$c2" route add default via 198.51.100.1
check "the second namespace reaches the appliance through the first (IPv4 routed)" \
	ip netns exec "$c2" ping -c 1 -W 2 -q 192.0.2.1

start_client() { # ns status-name
	ip netns exec "$1" "$CLIENT" 192.0.2.1 --ca "$PKI/ca.crt" --server-name gw.iphttps.test --tun iphttps0 \
		--seconds 120 --status-file "$TOPO_STATE/$2.json" > "$TOPO_STATE/$2.log" 2>&1 &
}
address_in() { # ns: the global address on iphttps0, waited for
	local a= _
	for _ in $(seq 1 100); do
		a=$(ip -n "$1" -6 -o addr show dev iphttps0 scope global 2>/dev/null | awk '{print $4}' | cut -d/ -f1 | head -1)
		[ -n "$a" ] && break
		sleep 0.1
	done
	echo "$a"
}
start_client "$(topo_ns client)" one
start_client "$c2" two
one=$(address_in "$(topo_ns client)")
two=$(address_in "$c2")
echo "    client one: ${one:-none}, client two: ${two:-none}"
check "both clients formed addresses in 2001:db8:c1::/64, different ones" \
	bash -c '[[ "$1" == 2001:db8:c1:0:* && "$2" == 2001:db8:c1:0:* && "$1" != "$2" ]]' _ "$one" "$two"
check "the appliance holds two sessions" test "$(counter http_requests_accepted)" -ge 2

to_clients=$(counter link_forwarded_to_client)
check "client one pings client two through the appliance" topo_in client ping -6 -c 3 -W 2 -q "${two:-::1}"
check "client two pings client one" ip netns exec "$c2" ping -6 -c 3 -W 2 -q "${one:-::1}"
check "the appliance routed those client to client (6 echo requests and 6 replies at least)" \
	test "$(counter link_forwarded_to_client)" -ge $((to_clients + 12))
check "and both still reach corp" \
	bash -c 'ip netns exec "$1" ping -6 -c 2 -W 2 -q fd00:c0::2 && ip netns exec "$2" ping -6 -c 2 -W 2 -q fd00:c0::2' \
	_ "$(topo_ns client)" "$c2"
check_finish
