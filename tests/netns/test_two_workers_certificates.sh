#!/usr/bin/env bash
# Certificates mode with two workers (issue #22): every client is
# authenticated and still no router, and "all other clients" (§3.2.5.2.2)
# means the clients of both workers. Three iphttps-client instances (real
# Linux hosts behind TUN devices; certificates client1, client2, client1),
# spread so that both workers have one (a client is started again until
# the flow hash puts it on the other worker):
#   - a multicast ping from one reaches the others, on both workers;
#   - a client made to try an address a client of the other worker holds
#     hears it is taken (answered on its own worker; the probe is handed to
#     the holder's worker for the holder);
#   - a client's RA (valid lifetime 1 s, MTU 65535) reaches nobody: the
#     others keep their addresses and MTU (RFC 6105 RA guard);
#   - a client's NA for another client's address reaches nobody;
#   - the router's addresses and the subnet-router anycast cannot be taken;
#   - nothing with a link-local source reaches corp.
#
#   client ns: iphttps0/1/2 (TUN) ── 3 x iphttps-client ══ TLS ══ [ext0] gw: iphttpsd, workers 1 and 2
. "$(dirname "$0")/../lib/netns_test.sh"

. "$(dirname "$0")/../lib/cert_clients.sh"
export TOPO_DEVICE=af_packet TOPO_QUEUES=2
trap 'cert_clients_stop_all; netns_test_cleanup' EXIT
counter() { topo_telemetry /iphttps/stats "$1"; }
start() { # tun cert [first-interface-id]: a client, its log in $TOPO_STATE/tun.log
	local extra=()
	[ -n "${3:-}" ] && extra=(--first-interface-id "$3")
	cert_client_start "$1" "$2" "${extra[@]}"
}

echo "# certificates mode, two workers, namespaces ${TOPO_PREFIX}{client,gw,corp}"
if [ ! -x "$CERT_CLIENT" ] || ! topo_up ||
   ! TOPO_CONFIG=$TOPO_REPO/tests/netns/configs/two-workers-certificates.yaml topo_start_appliance; then
	echo "FAIL: iphttps-client built, lab topology and appliance start"
	exit 1
fi
start iphttps0 client
a0=$(topo_tun_address iphttps0)
w0=$(worker_of_address "$a0")
start iphttps1 client2
a1=$(topo_tun_address iphttps1)
w1=$(worker_of_address "$a1")
# iphttps2 on the worker iphttps1 is not on (each start is a new flow hash).
for _ in $(seq 1 12); do
	start iphttps2 client
	a2=$(topo_tun_address iphttps2)
	w2=$(worker_of_address "$a2")
	[ -n "$w2" ] && [ -n "$w1" ] && [ "$w2" != "$w1" ] && break
done
echo "    iphttps0 $a0 on worker $w0, iphttps1 $a1 on worker $w1, iphttps2 $a2 on worker $w2"
check "three clients up, and both workers have one" \
	bash -c '[ -n "$1" ] && [ -n "$2" ] && [ -n "$3" ] && [ "$2" != "$3" ]' _ "$w0" "$w1" "$w2"

# The router answers for itself in this mode too (RFC 4861 7.2.4, 7.3).
check_router_answers_ns iphttps0 "certificates mode"

# A multicast ping from iphttps2: the others' kernels receive it, on both workers.
for tun in iphttps0 iphttps1; do
	topo_in client timeout 10 tcpdump -l -n -i "$tun" -c 1 'icmp6 and ip6[40] == 128 and ip6 dst ff02::1' \
		> "$TOPO_STATE/$tun.pcap.txt" 2>/dev/null &
done
sleep 1
handed_before=$(counter link_multicast_handed_over)
topo_in client ping -6 -c 3 -i 0.3 -W 1 -I iphttps2 ff02::1 >/dev/null 2>&1
wait_captures() { local _; for _ in $(seq 1 50); do [ -s "$TOPO_STATE/iphttps0.pcap.txt" ] && [ -s "$TOPO_STATE/iphttps1.pcap.txt" ] && return; sleep 0.1; done; }
wait_captures
check "a client's multicast reaches the client of the other worker (§3.2.5.2.2: all other clients)" \
	test -s "$TOPO_STATE/iphttps1.pcap.txt"
check "and the client of its own worker" test -s "$TOPO_STATE/iphttps0.pcap.txt"
check "it crossed through the other worker's inbox (link_multicast_handed_over)" \
	test "$(counter link_multicast_handed_over)" -gt "$handed_before"

# iphttps2 again, made to try iphttps1's identifier first: iphttps1 is on the
# other worker (or was: started until it is).
received_before=$(counter link_multicast_received)
iid=$(python3 -c 'import ipaddress,sys; print(ipaddress.IPv6Address(int(ipaddress.IPv6Address(sys.argv[1])) & (2**64 - 1)))' "$a1")
for _ in $(seq 1 12); do
	start iphttps2 client "$iid"
	a2=$(topo_tun_address iphttps2)
	wait_for_dad() { local _; for _ in $(seq 1 50); do grep -q "passed DAD" "$TOPO_STATE/iphttps2.log" && return; sleep 0.1; done; }
	wait_for_dad
	w2=$(worker_of_address "$a2")
	[ -n "$w2" ] && [ "$w2" != "$w1" ] && break
done
grep SLAAC "$TOPO_STATE/iphttps2.log" | sed 's/^/    /'
check "a client on the other worker trying iphttps1's address hears it is taken, and takes another" \
	bash -c '[ "$1" != "$2" ] && grep -q "SLAAC: $2 is taken by another client" "$3"' _ "$w2" "$a1" "$TOPO_STATE/iphttps2.log"
# Three clients on one host: each default route is iphttps-client's, and the
# first one wins; packets from iphttps1's address leave by iphttps1 by rule.
topo_in client ip -6 rule add from "$a1" table 101
topo_in client ip -6 route add default via fe80::1 dev iphttps1 table 101
check "the probe crossed to the holder's worker too (link_multicast_received)" \
	test "$(counter link_multicast_received)" -gt "$received_before"
check "iphttps1 still pings corp from its address" topo_in client ping -6 -c 2 -W 2 -q -I "$a1" fd00:c0::2

# A client's RA and its NA for another's address reach nobody.
guard_before=$(counter drop_link_ra_guard) na_before=$(counter drop_link_nd_not_own_target)
mtu_before=$(topo_in client cat /sys/class/net/iphttps1/mtu)
topo_in client python3 tests/lib/nd_send.py iphttps2 ra
topo_in client python3 tests/lib/nd_send.py iphttps2 na "$a1"
sleep 1
check "a client's RA is dropped (RA guard), on both workers' behalf" test "$(counter drop_link_ra_guard)" -gt "$guard_before"
check "the others never saw it: iphttps1's MTU and address stay, no RA from another source logged" \
	bash -c '[ "$(ip netns exec "$1" cat /sys/class/net/iphttps1/mtu)" = "$2" ] &&
		 ip netns exec "$1" ip -6 -o addr show dev iphttps1 scope global | grep -q "$3" &&
		 ! grep -q "RA from .* ignored" "$4" "$5"' \
	_ "$(topo_ns client)" "$mtu_before" "$a1" "$TOPO_STATE/iphttps0.log" "$TOPO_STATE/iphttps1.log"
check "a client's NA for another client's address is dropped" \
	test "$(counter drop_link_nd_not_own_target)" -gt "$na_before"
check "and iphttps1 still pings corp" topo_in client ping -6 -c 2 -W 2 -q -I "$a1" fd00:c0::2
# The router's own addresses and the subnet-router anycast are nobody's: a
# client made to try 2001:db8:c1::1, then 2001:db8:c1:: (all-zero identifier),
# hears each is taken.
for iid in ::1 ::; do
	start iphttps2 client "$iid"
	for _ in $(seq 1 50); do grep -q "passed DAD" "$TOPO_STATE/iphttps2.log" && break; sleep 0.1; done
	want=$(python3 -c 'import ipaddress,sys; print(ipaddress.IPv6Address(int(ipaddress.IPv6Address("2001:db8:c1::")) | int(ipaddress.IPv6Address(sys.argv[1]))))' "$iid")
	grep SLAAC "$TOPO_STATE/iphttps2.log" | sed 's/^/    /'
	check "a client cannot take $want (the router's, RFC 4291 2.6.1): DAD answered, another taken" \
		bash -c 'grep -q "SLAAC: $1 is taken by another client" "$2" && grep -q "passed DAD" "$2"' \
		_ "$want" "$TOPO_STATE/iphttps2.log"
done

# Nothing with a link-local source leaves the link (RFC 4291 2.5.6): a UDP
# datagram to corp from iphttps0's link-local address goes nowhere.
ll0=$(topo_in client ip -6 -o addr show dev iphttps0 scope link | awk '{print $4}' | cut -d/ -f1 | head -1)
topo_in corp timeout 4 tcpdump -l -n -i int1 'ip6 src net fe80::/10 and udp port 9' > "$TOPO_STATE/corp-ll.txt" 2>/dev/null &
DUMP_PID=$!
sleep 1
ll_before=$(counter drop_link_link_local_source)
topo_in client python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.bind((sys.argv[1], 0, 0, socket.if_nametoindex("iphttps0")))
for _ in range(3):
    s.sendto(b"from a link-local source", ("fd00:c0::2", 9))
' "$ll0"
wait "$DUMP_PID"
check "a client's packets from its link-local address ($ll0) to corp are dropped" \
	test "$(counter drop_link_link_local_source)" -ge $((ll_before + 3))
check "and corp saw none of them" bash -c '! grep -q "fe80" "$1"' _ "$TOPO_STATE/corp-ll.txt"
cert_clients_stop_all
topo_stop_appliance
check_finish
