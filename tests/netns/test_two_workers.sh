#!/usr/bin/env bash
# Two workers: veths with two queues and net_af_packet with qpairs=2 spread
# flows over both workers (PACKET_FANOUT by flow hash). A client's session
# lives on one worker; packets for it that arrive on the other (here, pings
# from corp from 16 source addresses, hashed over both queues) cross to the
# owner through its inbox ring, and all are answered.
#
#   client ns: kernel IPv6 on iphttps0 (TUN) ── tun_bridge.py ══ TLS ══┐
#   [ext1] ══ 2 queues ══ [ext0] gw: iphttpsd, workers 1 and 2 [int0] ══ 2 queues ══ [int1] corp
. "$(dirname "$0")/../lib/netns_test.sh"

PKI=$TOPO_REPO/config/pki
export TOPO_DEVICE=af_packet TOPO_QUEUES=2
BRIDGE_PID=
cleanup_two() {
	[ -n "$BRIDGE_PID" ] && kill "$BRIDGE_PID" 2>/dev/null
	netns_test_cleanup
}
trap cleanup_two EXIT
counter() { topo_telemetry /iphttps/stats "$1"; }
worker_counter() { topo_telemetry "/iphttps/worker_stats,$1" "$2"; }

echo "# two workers, namespaces ${TOPO_PREFIX}{client,gw,corp}"
if ! topo_up || ! TOPO_CONFIG=$TOPO_REPO/tests/netns/configs/two-workers.yaml topo_start_appliance; then
	echo "FAIL: lab topology and appliance start"
	exit 1
fi
check "the appliance runs two workers" grep -q "2 worker(s)" "$TOPO_STATE/iphttpsd.log"
ip netns exec "$(topo_ns client)" python3 tests/lib/tun_bridge.py 192.0.2.1 --ca "$PKI/ca.crt" --tun iphttps0 --seconds 120 \
	> "$TOPO_STATE/bridge.log" 2>&1 &
BRIDGE_PID=$!
client_addr=$(topo_tunnel_address kernel)
check "the client has its address from the RA" test -n "$client_addr"
check "the client pings corp (its address is learned by the router)" topo_in client ping -6 -c 2 -W 2 -q fd00:c0::2
sessions0=$(worker_counter 0 session_link_up) sessions1=$(worker_counter 1 session_link_up)
echo "    the session is on worker $([ "$sessions0" = 1 ] && echo 0 || echo 1)"
check "the session lives on exactly one worker" test $((sessions0 + sessions1)) -eq 1
answered=0
for i in $(seq 16 31); do
	topo_in corp ip -6 addr add "fd00:c0::$i/64" dev int1 nodad
	topo_in corp ping -6 -c 1 -W 2 -q -I "fd00:c0::$i" "$client_addr" >/dev/null 2>&1 && answered=$((answered + 1))
done
check_equal "all 16 pings from corp's 16 addresses were answered" 16 "$answered"
handed=$(counter link_handed_over) received=$(counter link_handover_received)
echo "    handed over $handed, received $received"
check "some arrived on the other worker and crossed to the owner through its ring" test "$handed" -ge 1
check_equal "every packet handed over was received by the owner" "$handed" "$received"
topo_stop_appliance
check_finish
