#!/usr/bin/env bash
# The appliance's own TCP against the Linux stack: the echo service carries
# 256 MiB each way with the SHA-256 checked end to end, over IPv4 and IPv6;
# 256 MiB each way again with 3% of the segments dropped in each direction
# (nftables numgen in the client namespace); 2,000 concurrent connections
# each echo 64 KiB intact; and a real transfer completes while 100,000
# spoofed SYNs arrive, answered with SYN cookies past the half-open limit.
#
#   client (Linux TCP, tests/lib/tcp_echo_client.py) ── ext0 [iphttpsd in gw: tcp echo :7] ── corp
#   (full diagram: tests/lib/topology.sh, docs/LAB.md)
#
# Hugepages are required here: under sustained load af_xdp over --no-huge EAL
# memory lost frames for seconds at a time (docs/LAB.md), which would make a
# TCP test measure the lab instead of the stack.
. "$(dirname "$0")/../lib/netns_test.sh"

echo "# TCP echo through the appliance, namespaces ${TOPO_PREFIX}{client,gw,corp}"
if ! topo_up || ! topo_start_appliance; then
	echo "FAIL: lab topology and appliance start"
	exit 1
fi
if [ ! -f "$TOPO_STATE/hugepages" ]; then
	echo "FAIL: hugepages could not be reserved (see docs/LAB.md); the TCP tests need them"
	exit 1
fi

echo_check() { # name host MiB [args]
	local name=$1 host=$2 mib=$3
	shift 3
	local out
	out=$(timeout 450 ip netns exec "$(topo_ns client)" python3 tests/lib/tcp_echo_client.py "$host" 7 "$mib" "$@")
	echo "    $out"
	if grep -q '"ok": true' <<<"$out"; then
		echo "PASS: $name"
	else
		echo "FAIL: $name"
		CHECK_FAILED=1
		# The appliance's side of it, for whoever reads the log.
		local c
		for c in drop_tcp_conn_limit drop_tcp_source_limit drop_tcp_bad_syncookie tcp_syncookies_sent \
			tcp_syncookies_accepted drop_tcp_rcv_memory drop_tcp_rcv_pressure drop_tcp_ooo_pressure \
			tcp_close_timeouts; do
			echo "    $c: $(topo_telemetry /iphttps/stats "$c")"
		done
	fi
}

echo_check "256 MiB echoed intact over IPv4 (SHA-256 both ways)" 192.0.2.1 256 --timeout 240
echo_check "256 MiB echoed intact over IPv6 (SHA-256 both ways)" 2001:db8:e::1 256 --timeout 240
echo_check "2,000 concurrent connections each echo 64 KiB intact" 192.0.2.1 0 --connections 2000 \
	--per-connection-kib 64 --timeout 120

# 3% random loss each way: the client's kernel drops what we send to it on input, and
# what it sends to us on output.
topo_in client nft -f - <<'NFT'
table inet loss {
	chain in { type filter hook input priority 0; tcp sport 7 numgen random mod 100 < 3 counter drop; }
	chain out { type filter hook output priority 0; tcp dport 7 numgen random mod 100 < 3 counter drop; }
}
NFT
before=$(topo_telemetry /iphttps/stats tcp_retransmits)
echo_check "256 MiB echoed intact over IPv4 with 3% loss each way" 192.0.2.1 256 --timeout 400
echo_check "256 MiB echoed intact over IPv6 with 3% loss each way" 2001:db8:e::1 256 --timeout 400
dropped=$(topo_in client nft list table inet loss | grep -o 'packets [0-9]*' | awk '{s += $2} END {print s + 0}')
check "the loss rules dropped segments ($dropped)" test "$dropped" -gt 10000
check "the appliance retransmitted what was lost" \
	test "$(topo_telemetry /iphttps/stats tcp_retransmits)" -gt "$((before + 5000))"
topo_in client nft delete table inet loss

# SYN flood (RFC 4987): 100,000 spoofed SYNs while 256 MiB is echoed.
gw_mac=$(topo_in gw cat /sys/class/net/ext0/address)
cookies_before=$(topo_telemetry /iphttps/stats tcp_syncookies_sent)
flood_start=$(date +%s.%N)
topo_in client python3 tests/lib/syn_flood.py ext1 "$gw_mac" 192.0.2.1 7 100000 --seconds 120 \
	> "$TOPO_STATE/flood.json" &
flood_pid=$!
sleep 0.5
echo_start=$(date +%s.%N)
echo_check "256 MiB echoed intact during a flood of 100,000 spoofed SYNs" 192.0.2.1 256 --timeout 240
echo_end=$(date +%s.%N)
wait "$flood_pid"
flood_rc=$?
flood_end=$(date +%s.%N)
echo "    flood: $(cat "$TOPO_STATE/flood.json"), $flood_start..$flood_end; echo $echo_start..$echo_end"
check_equal "the flood sent all 100,000 SYNs" 0 "$flood_rc"
check "the transfer ran while the flood did" \
	python3 -c "import sys; sys.exit(0 if $echo_start < $flood_end and $echo_end > $flood_start else 1)"
cookies=$(( $(topo_telemetry /iphttps/stats tcp_syncookies_sent) - cookies_before ))
check "SYN cookies answered the flood past the half-open limit ($cookies)" test "$cookies" -ge 90000
check "half-open connections stayed at the limit" \
	test "$(topo_telemetry /iphttps/stats tcp_passive_opens)" -le $((2004 + 1024 + 10))

for _ in $(seq 1 50); do
	[ "$(topo_telemetry /iphttps/stats tcp_closed)" -ge 2005 ] && break
	sleep 0.1
done
check_equal "every real connection closed in order" 2005 "$(topo_telemetry /iphttps/stats tcp_closed)"
check_equal "no real connection left but in TIME-WAIT" "" \
	"$(topo_telemetry /iphttps/tcp_connections,0 | tr ',' '\n' | grep -v -e TIME-WAIT -e SYN-RECEIVED | grep conn || true)"
check_equal "no mbuf allocation failed" 0 "$(topo_telemetry /iphttps/stats mbuf_alloc_failed)"
check_finish
