#!/usr/bin/env bash
# Packet capture on the appliance's DPDK ports, which tcpdump cannot see:
# dpdk-dumpcap (a secondary process with the appliance's EAL file prefix)
# captures on the external port during a ping from the client, and the file
# it writes reads back with tcpdump -r: the echo requests to the appliance
# and its replies. Then the same on the internal port for corp's pings.
#
#   client ns ── [ext0] gw: iphttpsd (dpdk-dumpcap attached) [int0] ── corp
. "$(dirname "$0")/../lib/netns_test.sh"

export TOPO_DEVICE=${1:-af_packet}
echo "# packet capture on $TOPO_DEVICE ports, namespaces ${TOPO_PREFIX}{client,gw,corp}"
if ! topo_up || ! topo_start_appliance; then
	echo "FAIL: lab topology and appliance start"
	exit 1
fi
if grep -q -- "--no-huge" "$TOPO_STATE/iphttpsd.log" || ! [ -f "$TOPO_STATE/hugepages" ]; then
	echo "FAIL: no hugepages here: a secondary process (dpdk-dumpcap) cannot attach to a --no-huge appliance"
	exit 1
fi
out=$(timeout 20 dpdk-dumpcap --file-prefix="$(topo_file_prefix)" -D 2>&1)
echo "$out" | sed 's/^/    /'
check "dpdk-dumpcap attaches to the running appliance and lists its two ports" \
	bash -c '[ "$(grep -c "^[0-9]\. " <<<"$1")" -eq 2 ]' _ "$out"

capture() { # port-index file count
	timeout 30 dpdk-dumpcap --file-prefix="$(topo_file_prefix)" -i "$1" -w "$2" -c "$3" -q > "$2.log" 2>&1 &
}
capture 0 "$TOPO_STATE/external.pcapng" 10
dumpcap=$!
sleep 2 # its EAL init and the capture's start
topo_in client ping -c 10 -i 0.2 -W 1 192.0.2.1 > "$TOPO_STATE/ping.out" 2>&1
wait "$dumpcap"
rc=$?
sed 's/^/    /' "$TOPO_STATE/external.pcapng.log"
check "a capture on the external port during a ping ends (10 packets)" test "$rc" -eq 0
out=$(tcpdump -nn -r "$TOPO_STATE/external.pcapng" 2>/dev/null)
echo "$out" | head -4 | sed 's/^/    /'
check "tcpdump -r reads it: the client's echo requests to the appliance" \
	bash -c '[ "$(grep -c "192.0.2.2 > 192.0.2.1: ICMP echo request" <<<"$1")" -ge 3 ]' _ "$out"
check "and the appliance's replies, from its own DPDK port" \
	bash -c '[ "$(grep -c "192.0.2.1 > 192.0.2.2: ICMP echo reply" <<<"$1")" -ge 3 ]' _ "$out"

capture 1 "$TOPO_STATE/internal.pcapng" 6
dumpcap=$!
sleep 2
topo_in corp ping -6 -c 6 -i 0.2 -W 1 fd00:c0::1 > "$TOPO_STATE/ping6.out" 2>&1
wait "$dumpcap"
out=$(tcpdump -nn -r "$TOPO_STATE/internal.pcapng" 2>/dev/null)
echo "$out" | head -2 | sed 's/^/    /'
check "the same on the internal port: corp's ICMPv6 echo and the appliance's replies" \
	bash -c 'grep -q "fd00:c0::2 > fd00:c0::1: ICMP6, echo request" <<<"$1" && grep -q "fd00:c0::1 > fd00:c0::2: ICMP6, echo reply" <<<"$1"' _ "$out"
check "the appliance still answers after the captures detached" topo_in client ping -c 2 -W 1 192.0.2.1
check_finish
