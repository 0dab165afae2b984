#!/usr/bin/env bash
# iphttps-client when the link goes wrong (issue #22, item 6).
#
# Its Router Advertisement rules, against a stand-in server that sends what
# the test says (tests/lib/ra_server.py): RAs from another source than the
# router that answered at LinkUp are ignored and counted (one "router" on a
# tunnel's other end is another client); RFC 4862 5.5.3(e)'s two-hour rule
# keeps an address an RA tries to end in one second; router lifetime 0
# removes the default route (RFC 4861 6.3.4).
#
# Then against the appliance, real time (no --schedule-scale): a quiet link
# probes its router (NS to fe80::1, answered: the link stays); a connection
# killed under it (ss -K) is back at LinkUp within 5 s, as 3.1.5.4's MUST
# asks, not 30 s later; and a path blackholed with nftables is declared lost
# within the liveness time (25 s by default, 30 s at most), and comes back
# once the path does, its address checked again by DAD (RFC 4862 5.4).
# In certificates mode a client's addresses are held for its certificate's
# subject when it goes (iphttps.address_grace_s): another subject cannot take
# them, and it has them back when it returns.
#
#   client ns: iphttps-client ══ TLS ══ 192.0.2.2:4443 ra_server.py        (first part)
#   client ns: iphttps-client ══ TLS ══ [ext0] gw: iphttpsd [int0] ── corp (second part)
. "$(dirname "$0")/../lib/netns_test.sh"

PKI=$TOPO_REPO/config/pki
CLIENT=$TOPO_REPO/build/iphttps-client
CLIENT_PID=
SERVER_PID=
cleanup_loss() {
	exec 7>&- 2>/dev/null
	[ -n "$CLIENT_PID" ] && kill "$CLIENT_PID" 2>/dev/null
	[ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null
	netns_test_cleanup
}
trap cleanup_loss EXIT
counter() { topo_telemetry /iphttps/stats "$1"; }
wait_for() { # tenths file pattern: wait until pattern is in file
	local _
	for _ in $(seq 1 "$1"); do grep -q "$3" "$2" 2>/dev/null && return 0; sleep 0.1; done
	return 1
}
default_route() { topo_in client ip -6 route show default dev iphttps0 2>/dev/null; }
valid_lft() { # the global address's valid lifetime, in seconds
	topo_in client ip -6 addr show dev iphttps0 scope global | grep -oE 'valid_lft [0-9]+' | awk '{print $2}' | head -1
}

echo "# iphttps-client's RA rules, liveness and reconnect, namespaces ${TOPO_PREFIX}{client,gw,corp}"
if [ ! -x "$CLIENT" ] || ! topo_up; then
	echo "FAIL: iphttps-client built and lab topology"
	exit 1
fi

FIFO=$TOPO_STATE/ra-commands
mkfifo "$FIFO"
topo_in client python3 tests/lib/ra_server.py 192.0.2.2 4443 --cert "$PKI/server.crt" --key "$PKI/server.key" \
	--commands "$FIFO" --seconds 60 > "$TOPO_STATE/ra-server.log" 2>&1 &
SERVER_PID=$!
wait_for 50 "$TOPO_STATE/ra-server.log" listening
ip netns exec "$(topo_ns client)" "$CLIENT" 192.0.2.2 --port 4443 --ca "$PKI/ca.crt" --server-name gw.iphttps.test \
	--tun iphttps0 --liveness off --seconds 60 --status-file "$TOPO_STATE/ra.json" > "$TOPO_STATE/ra-client.log" 2>&1 &
CLIENT_PID=$!
wait_for 100 "$TOPO_STATE/ra-server.log" '^up'
exec 7> "$FIFO"
send() { echo "$*" >&7; wait_for 50 "$TOPO_STATE/ra-server.log" "sent $*"; sleep 0.5; }
export -f valid_lft default_route topo_in topo_ns; export TOPO_PREFIX # for the checks' bash -c
send ra fe80::1 1800 2592000 604800
check "the first RA after LinkUp names the router: an address and the default route via fe80::1" \
	bash -c '[ -n "$(valid_lft)" ] && default_route | grep -q "via fe80::1"'
echo "    valid_lft $(valid_lft) s"

send ra fe80::bad 0 1 0
check "an RA from another source (router lifetime 0, valid lifetime 1 s) is ignored: the route stays" \
	bash -c 'default_route | grep -q "via fe80::1"'
check "and the address keeps its lifetime (weeks, not 1 s)" test "$(valid_lft)" -gt 86400
check "the client says so in its log" grep -q "an RA from fe80::bad ignored: the link's router is fe80::1" \
	"$TOPO_STATE/ra-client.log"
sleep 1.1 # the status is saved each second while LinkUp
out=$(topo_in client "$CLIENT" status --status-file "$TOPO_STATE/ra.json")
echo "$out" | sed 's/^/    /'
check "status: the router, and 1 RA from others ignored" grep -q "router:     fe80::1; 1 RAs from others ignored" <<<"$out"

send ra fe80::1 1800 1 0
lft=$(valid_lft)
echo "    valid_lft after the router's own RA with valid lifetime 1 s: ${lft:-none} s"
check "RFC 4862 5.5.3(e): the router's own RA with 1 s shortens the valid lifetime to two hours, no less" \
	bash -c '[ -n "$1" ] && [ "$1" -ge 7100 ] && [ "$1" -le 7200 ]' _ "$lft"

send ra fe80::1 0 2592000 604800
check "RFC 4861 6.3.4: router lifetime 0 from the router removes the default route" \
	bash -c '[ -z "$(default_route)" ]'
check "and the address stays" test -n "$(valid_lft)"
echo close >&7
exec 7>&-
kill "$CLIENT_PID" 2>/dev/null; wait "$CLIENT_PID" 2>/dev/null; CLIENT_PID=
wait "$SERVER_PID" 2>/dev/null; SERVER_PID=

# The appliance, and real time.
if ! TOPO_CONFIG=$TOPO_REPO/tests/netns/configs/sessions-none.yaml topo_start_appliance; then
	echo "FAIL: appliance start"
	exit 1
fi
ip netns exec "$(topo_ns client)" "$CLIENT" 192.0.2.1 --ca "$PKI/ca.crt" --server-name gw.iphttps.test \
	--tun iphttps0 --seconds 150 --status-file "$TOPO_STATE/up.json" > "$TOPO_STATE/client.log" 2>&1 &
CLIENT_PID=$!
check "the link is up" wait_for 100 "$TOPO_STATE/client.log" '"link_ups": 1'
answered_before=$(counter link_neighbor_solicitations_answered)
sleep 16 # quiet: the first probe at 10 s, answered
out=$(topo_in client "$CLIENT" status --status-file "$TOPO_STATE/up.json")
echo "$out" | sed 's/^/    /'
check "a quiet link probes the router (liveness: NS to fe80::1)" grep -Eq "liveness:   [1-9][0-9]* probes sent" <<<"$out"
check "the appliance answered them" test "$(counter link_neighbor_solicitations_answered)" -gt "$answered_before"
check "and the link stayed up: answered probes are life" \
	bash -c 'grep -q "state:      LinkUp" <<<"$1" && grep -q "link ups:   1" <<<"$1"' _ "$out"

killed_at=$(date +%s.%N)
topo_in client ss -K dst 192.0.2.1 dport = :443 >/dev/null 2>&1
if wait_for 60 "$TOPO_STATE/client.log" '"link_ups": 2'; then
	back=$(python3 -c "import time,sys; print(f'{time.time() - float(sys.argv[1]):.1f}')" "$killed_at")
else
	back=never
fi
grep "link lost" "$TOPO_STATE/client.log" | sed 's/^/    /'
echo "    killed connection: back at LinkUp after $back s"
check "3.1.5.4 (MUST attempt to establish the HTTPS connection): a killed connection is back at LinkUp within 5 s" \
	bash -c '[ "$1" != never ] && python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) <= 5 else 1)" "$1"' _ "$back"
check "the lost link was retried at once, not on the 30 s timer" \
	grep -Eq "link lost: .*; next attempt in [0-2]\.[0-9] s" "$TOPO_STATE/client.log"
check "the client pings corp through the new session" topo_in client ping -6 -c 2 -W 2 -q fd00:c0::2

sleep 11 # a link that lived 10 s is stable: its loss is retried at once
topo_in client nft -f - <<'NFT'
table inet blackhole {
	chain out { type filter hook output priority 0; ip daddr 192.0.2.1 tcp dport 443 drop; }
	chain in { type filter hook input priority 0; ip saddr 192.0.2.1 tcp sport 443 drop; }
}
NFT
holed_at=$(date +%s.%N)
if wait_for 400 "$TOPO_STATE/client.log" "link lost: nothing from the server"; then
	found=$(python3 -c "import time,sys; print(f'{time.time() - float(sys.argv[1]):.1f}')" "$holed_at")
else
	found=never
fi
topo_in client nft delete table inet blackhole
grep "link lost: nothing" "$TOPO_STATE/client.log" | sed 's/^/    /'
echo "    blackholed path: declared lost after $found s"
check "a blackholed path is declared lost within the liveness time (30 s at most with the defaults)" \
	bash -c '[ "$1" != never ] && python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) <= 30 else 1)" "$1"' _ "$found"
check "and the link is back once the path is" wait_for 300 "$TOPO_STATE/client.log" '"link_ups": 3'
for _ in $(seq 1 30); do [ "$(grep -Ec "passed DAD|is taken" "$TOPO_STATE/client.log")" -ge 3 ] && break; sleep 0.1; done
grep SLAAC "$TOPO_STATE/client.log" | sed 's/^/    /'
# (After the blackhole the old session may still hold the address on the
# appliance, which has not noticed its path died: the new one's DAD then
# hears it is taken, and the client takes another, which works. Without the
# DAD it kept the address, and its packets were dropped as spoofed.)
check "the reconnected client ran DAD again at each LinkUp (RFC 4862 5.4)" \
	test "$(grep -Ec "passed DAD|is taken by another client" "$TOPO_STATE/client.log")" -ge 3
check "and pings corp from the address it has now" topo_in client ping -6 -c 2 -W 2 -q fd00:c0::2
kill "$CLIENT_PID"; wait "$CLIENT_PID" 2>/dev/null; CLIENT_PID=
topo_stop_appliance

# Certificates mode: a client's addresses are held for its certificate's
# subject after it goes (iphttps.address_grace_s). Client A (client1) takes an
# address and stops; client B (client2), made to try the same identifier,
# hears it is taken; A comes back and has it again.
if ! TOPO_CONFIG=$TOPO_REPO/tests/netns/configs/sessions-certificates.yaml topo_start_appliance; then
	echo "FAIL: appliance start in certificates mode"
	exit 1
fi
run_as() { # cert tun log: a client with that certificate, trying ::a:b:c:d first
	ip netns exec "$(topo_ns client)" "$CLIENT" 192.0.2.1 --ca "$PKI/ca.crt" --server-name gw.iphttps.test \
		--cert "$PKI/$1.crt" --key "$PKI/$1.key" --tun "$2" --first-interface-id ::a:b:c:d --seconds 60 \
		--status-file "$TOPO_STATE/$2.json" > "$TOPO_STATE/$3" 2>&1 &
	CLIENT_PID=$!
}
run_as client iphttps0 a1.log
check "client A (client1.iphttps.test) takes 2001:db8:c1:0:a:b:c:d" \
	wait_for 100 "$TOPO_STATE/a1.log" "SLAAC: 2001:db8:c1:0:a:b:c:d passed DAD"
kill "$CLIENT_PID"; wait "$CLIENT_PID" 2>/dev/null; CLIENT_PID=
for _ in $(seq 1 30); do [ "$(counter link_address_held)" -ge 1 ] && break; sleep 0.1; done
check "A went: its address is held for its subject" test "$(counter link_address_held)" -ge 1
run_as client2 iphttps1 b.log
wait_for 100 "$TOPO_STATE/b.log" "passed DAD"
grep SLAAC "$TOPO_STATE/b.log" | sed 's/^/    /'
check "client B (client2.iphttps.test) trying it hears it is taken, and takes another" \
	bash -c 'grep -q "2001:db8:c1:0:a:b:c:d is taken by another client" "$1" &&
		 grep "passed DAD" "$1" | grep -vq "2001:db8:c1:0:a:b:c:d passed"' _ "$TOPO_STATE/b.log"
check "the appliance refused it for B (link_address_hold_refused)" test "$(counter link_address_hold_refused)" -ge 1
# B goes (its default route through iphttps1 would stand in A's way: one
# default route per gateway and metric), and A comes back.
kill "$CLIENT_PID" 2>/dev/null; wait "$CLIENT_PID" 2>/dev/null
run_as client iphttps0 a2.log
check "A, back within the grace period, has its address again" \
	wait_for 100 "$TOPO_STATE/a2.log" "SLAAC: 2001:db8:c1:0:a:b:c:d passed DAD"
check "the appliance returned it (link_address_hold_returned)" test "$(counter link_address_hold_returned)" -ge 1
check "A pings corp from it" topo_in client ping -6 -c 2 -W 2 -q -I 2001:db8:c1:0:a:b:c:d fd00:c0::2
kill "$CLIENT_PID" 2>/dev/null; wait "$CLIENT_PID" 2>/dev/null; CLIENT_PID=
topo_stop_appliance
check_finish
