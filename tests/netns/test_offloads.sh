#!/usr/bin/env bash
# The offload paths on a port that really does them: net_tap (DPDK's tap PMD
# cuts TSO frames with its own software GSO, fills in TX checksums, and checks
# RX checksums for the appliance). Each of the appliance's ports is a tap
# device in gw, bridged to its veth (TOPO_DEVICE=tap, tests/lib/topology.sh).
#
# What must hold, seen from the client's kernel and tcpdump rather than from
# the appliance's word: 256 MiB echoed intact over IPv4 and IPv6 (TSO on IPv4;
# net_tap cuts IPv6 TSO frames wrongly, so the appliance segments IPv6
# itself); no segment on the wire larger than the MSS, every checksum correct;
# the tunnel (TLS records through TSO) carries iperf3 and 256 MiB both ways
# with an IPv4 and an IPv6 outer. The wrong checksums the port finds are
# counted and dropped: test_appliance_answers.sh tap.
#
#   client 192.0.2.2 [ext1] ─ [ext0]─brext─dtap0 gw: iphttpsd net_tap0 │ net_tap1 dtap1─brint─[int0] ─ [int1] corp
export TOPO_DEVICE=tap
. "$(dirname "$0")/../lib/netns_test.sh"

PKI=$TOPO_REPO/config/pki
CLIENT=$TOPO_REPO/build/iphttps-client
CLIENT_PID=
HELPER_PIDS=
cleanup_offloads() {
	[ -n "$CLIENT_PID" ] && kill "$CLIENT_PID" 2>/dev/null
	for pid in $HELPER_PIDS; do kill "$pid" 2>/dev/null; done
	netns_test_cleanup
}
trap cleanup_offloads EXIT
counter() { topo_telemetry /iphttps/stats "$1"; }
since() { echo $(( $(counter "$1") - $2 )); } # counter before: its growth

echo "# offloads on net_tap, namespaces ${TOPO_PREFIX}{client,gw,corp}"
# The sessions lab (authentication none, every listener) with the TCP echo service on port 7.
{ cat "$TOPO_REPO/tests/netns/configs/sessions-none.yaml"; printf '\ntcp_services:\n  echo_port: 7\n'; } \
	> "$TOPO_STATE/offloads.yaml"
if [ ! -x "$CLIENT" ] || ! topo_up || ! TOPO_CONFIG=$TOPO_STATE/offloads.yaml topo_start_appliance; then
	echo "FAIL: iphttps-client built, tap lab topology and appliance start"
	exit 1
fi
log=$TOPO_STATE/iphttpsd.log
check "the external port asked net_tap for RX checksums and TX checksums and TSO" \
	grep -q "external port (net_tap): rx offloads: ipv4 checksum yes, tcp checksum yes; tx offloads: ipv4 checksum yes, tcp checksum yes, tso yes" "$log"
check "and says net_tap's TSO is used for IPv4 only, in frames within the MTU" \
	grep -q "external port net_tap0: net_tap's TSO: IPv4 only (IPv6 segmented here), segments cut to frames of at most 1500 bytes" "$log"

# A capture in the client of what SOURCE.PORT sends while COMMAND runs: tcpdump's
# own checksum verdicts (-vv), and the largest segment; bounded to 20,000 packets.
captured() { # name source port command...: the summary JSON on stdout, the command's output in $TOPO_STATE/name.out
	local name=$1 source=$2 port=$3 pid
	shift 3
	topo_in client timeout 300 tcpdump -i ext1 -n -s 0 -U -c 20000 -w "$TOPO_STATE/$name.pcap" \
		"tcp and src host $source and src port $port" 2>"$TOPO_STATE/$name.tcpdump" &
	pid=$!
	for _ in $(seq 1 50); do grep -q "listening on" "$TOPO_STATE/$name.tcpdump" && break; sleep 0.1; done
	"$@" > "$TOPO_STATE/$name.out" 2>&1
	sleep 0.5
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	tcpdump -r "$TOPO_STATE/$name.pcap" -n -vv 2>/dev/null | python3 "$TOPO_REPO/tests/lib/tcpdump_segments.py" "$source" "$port"
}
# Segments as a kernel must receive them: no larger than the MSS (1460 at MTU
# 1500, 1448 with timestamps), in packets no larger than the MTU, checksums correct.
check_segments() { # what summary-json
	echo "    $2"
	check "$1: tcpdump saw at least 1,000 data segments" \
		python3 -c 'import json,sys; sys.exit(0 if json.loads(sys.argv[1])["with_data"] >= 1000 else 1)' "$2"
	check "$1: none larger than the MSS, in packets within the MTU (1500)" \
		python3 -c 'import json,sys; r=json.loads(sys.argv[1]); sys.exit(0 if 0 < r["largest_payload"] <= 1460 and r["largest_ip_packet"] <= 1500 else 1)' "$2"
	check "$1: every TCP checksum correct, as tcpdump checks them" \
		python3 -c 'import json,sys; r=json.loads(sys.argv[1]); sys.exit(0 if r["checksum_incorrect"] == 0 and r["checksum_correct"] == r["segments"] else 1)' "$2"
}

# --- the appliance's own TCP: 256 MiB echoed (port 7), each family ---
for family in 4 6; do
	addr=192.0.2.1; [ "$family" = 6 ] && addr=2001:db8:e::1
	frames=$(counter tcp_tso_frames); segments=$(counter tcp_tso_segments)
	rx_verified=$(counter tcp_rx_checksum_verified_by_port); refused=$(counter drop_port_offload_refused)
	summary=$(captured "echo$family" "$addr" 7 \
		topo_in client timeout 300 python3 "$TOPO_REPO/tests/lib/tcp_echo_client.py" "$addr" 7 256 --timeout 240)
	out=$(cat "$TOPO_STATE/echo$family.out")
	echo "    $out"
	check "256 MiB echoed intact over IPv$family on net_tap (SHA-256 both ways)" grep -q '"ok": true' <<<"$out"
	check_segments "the echo's segments over IPv$family" "$summary"
	frames=$(since tcp_tso_frames "$frames"); segments=$(since tcp_tso_segments "$segments")
	echo "    IPv$family: $frames TSO frames carrying $segments segments; $(since tcp_rx_checksum_verified_by_port "$rx_verified") RX TCP checksums verified by the port"
	if [ "$family" = 4 ]; then
		check "IPv4: segments went out in TSO frames the port cut (at least 2 segments a frame)" \
			bash -c '[ "$1" -gt 100 ] && [ "$2" -ge $(( $1 * 2 )) ]' _ "$frames" "$segments"
	else
		check "IPv6: no TSO frame (net_tap's IPv6 TSO is not used: the appliance cuts its segments)" test "$frames" -eq 0
	fi
	check "IPv$family: the port verified the RX TCP checksums (at least one per 2 KiB received)" \
		test "$(since tcp_rx_checksum_verified_by_port "$rx_verified")" -ge $(( 256 * 512 ))
	check "IPv$family: the port refused no offloaded frame" test "$(since drop_port_offload_refused "$refused")" -eq 0
done
check "the port verified RX IPv4 header checksums" test "$(counter ipv4_rx_checksum_verified_by_port)" -gt 1000

# --- the tunnel: TLS records through TSO, an IPv4 and an IPv6 outer ---
corp_echo() { # port: an echo server in corp for one connection, bounded to 300 s
	topo_in corp timeout 300 python3 "$TOPO_REPO/tests/lib/tcp_echo_server.py" fd00:c0::2 "$1" > "$TOPO_STATE/echo-server-$1.log" 2>&1 &
	HELPER_PIDS="$HELPER_PIDS $!"
	sleep 0.5
}
topo_in corp timeout 600 iperf3 -s -B fd00:c0::2 > "$TOPO_STATE/iperf3-server.log" 2>&1 &
HELPER_PIDS="$HELPER_PIDS $!"
echo_port=7100
for outer in 192.0.2.1 2001:db8:e::1; do
	family=4; [[ "$outer" == *:* ]] && family=6
	ip netns exec "$(topo_ns client)" "$CLIENT" "$outer" --ca "$PKI/ca.crt" --server-name gw.iphttps.test \
		--tun iphttps0 --seconds 400 --status-file "$TOPO_STATE/tunnel$family.json" \
		> "$TOPO_STATE/client$family.log" 2>&1 &
	CLIENT_PID=$!
	client_addr=$(topo_tunnel_address)
	check "IPv$family outer ($outer): the link is up and the client has an address ($client_addr)" \
		bash -c '[[ "$1" == 2001:db8:c1:0:* ]]' _ "$client_addr"
	for direction in up down; do
		flag=; [ "$direction" = down ] && flag=-R
		frames=$(counter tcp_tso_frames)
		out=$(topo_in client timeout 30 iperf3 -6 -c fd00:c0::2 -t 3 -J $flag 2>&1)
		rate=$(python3 -c 'import json,sys; r=json.loads(sys.argv[1]); print(int(r["end"]["sum_received"]["bits_per_second"]))' "$out" 2>/dev/null || echo 0)
		echo "    iperf3 $direction, IPv$family outer: $((rate / 1000000)) Mbit/s, $(since tcp_tso_frames "$frames") TSO frames"
		check "iperf3 through the tunnel, $direction, IPv$family outer" test "$rate" -gt 0
	done
	echo_port=$((echo_port + 1))
	corp_echo "$echo_port"
	frames=$(counter tcp_tso_frames)
	summary=$(captured "tunnel$family" "$outer" 443 \
		topo_in client timeout 300 python3 "$TOPO_REPO/tests/lib/tcp_echo_client.py" fd00:c0::2 "$echo_port" 256 --timeout 240)
	out=$(cat "$TOPO_STATE/tunnel$family.out")
	echo "    $out"
	check "256 MiB echoed intact through the tunnel over an IPv$family outer (SHA-256 both ways)" grep -q '"ok": true' <<<"$out"
	check_segments "the tunnel's TLS segments over IPv$family" "$summary"
	frames=$(since tcp_tso_frames "$frames")
	if [ "$family" = 4 ]; then
		check "IPv4 outer: the TLS records went out in TSO frames ($frames)" test "$frames" -gt 100
	else
		check "IPv6 outer: no TSO frame ($frames)" test "$frames" -eq 0
	fi
	kill "$CLIENT_PID"
	wait "$CLIENT_PID"
	rc=$?
	CLIENT_PID=
	check "the client ends cleanly (exit 0)" test "$rc" -eq 0
done
check "through it all the port refused no offloaded frame" test "$(counter drop_port_offload_refused)" -eq 0
check_finish
