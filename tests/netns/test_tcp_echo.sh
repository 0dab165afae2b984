#!/usr/bin/env bash
# The appliance's own TCP against the Linux stack: the echo service carries
# 256 MiB each way with the SHA-256 checked end to end, over IPv4 and IPv6;
# 32 MiB each way again with 3% of the segments dropped in each direction
# (nftables numgen in the client namespace); and 2,000 concurrent
# connections each echo 64 KiB intact.
#
#   client (Linux TCP, tests/lib/tcp_echo_client.py) ── ext0 [iphttpsd in gw: tcp echo :7] ── corp
#   (full diagram: tests/lib/topology.sh, docs/LAB.md)
#
# Hugepages are required here: under sustained load af_xdp over --no-huge EAL
# memory lost frames for seconds at a time (docs/LAB.md), which would make a
# TCP test measure the lab instead of the stack.
set -u
cd "$(dirname "$0")/../.."
TOPO_PREFIX="t$$-"
TOPO_STATE=$(mktemp -d /tmp/iphttps-test-XXXXXX)
CHECK_LOG=$TOPO_STATE/check.log
. tests/lib/topology.sh
. tests/lib/check.sh

cleanup() {
	topo_down
	rm -rf "$TOPO_STATE"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

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
	out=$(timeout 300 ip netns exec "$(topo_ns client)" python3 tests/lib/tcp_echo_client.py "$host" 7 "$mib" "$@")
	echo "    $out"
	grep -q '"ok": true' <<<"$out" && echo "PASS: $name" || { echo "FAIL: $name"; CHECK_FAILED=1; }
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
echo_check "32 MiB echoed intact over IPv4 with 3% loss each way" 192.0.2.1 32 --timeout 200
echo_check "32 MiB echoed intact over IPv6 with 3% loss each way" 2001:db8:e::1 32 --timeout 200
dropped=$(topo_in client nft list table inet loss | grep -o 'packets [0-9]*' | awk '{s += $2} END {print s + 0}')
check "the loss rules dropped segments ($dropped)" test "$dropped" -gt 1000
check "the appliance retransmitted what was lost" \
	test "$(topo_telemetry /iphttps/stats tcp_retransmits)" -gt "$((before + 500))"
topo_in client nft delete table inet loss

for _ in $(seq 1 50); do
	[ "$(topo_telemetry /iphttps/stats tcp_closed)" -ge 2004 ] && break
	sleep 0.1
done
check_equal "every connection closed in order" 2004 "$(topo_telemetry /iphttps/stats tcp_closed)"
check_equal "no connection left but TIME-WAIT" "" \
	"$(topo_telemetry /iphttps/tcp_connections,0 | tr ',' '\n' | grep -v TIME-WAIT | grep conn || true)"
check_equal "no mbuf allocation failed" 0 "$(topo_telemetry /iphttps/stats mbuf_alloc_failed)"
check_finish
