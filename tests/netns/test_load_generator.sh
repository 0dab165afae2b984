#!/usr/bin/env bash
# The C load generator of make bench-scale (bench/iphttps_load.c) against the
# appliance, at a size make test can afford: 2,000 clients from 8 outer
# addresses, each brought to LinkUp as a Windows client comes up (TLS, the
# POST, RS, RA, DAD, an echo to the router), kept alive by an echo a second;
# then every link cut and each client back, resuming its own ticket, its RS
# answered as soon as its stale old session is gone. Meanwhile
# a ninth address opens 400 with the per-source cap at 300: 300 come up, the
# rest are refused (counted), and the 2,000 lose nothing.
#
#   client ns: iphttps_load (192.0.2.16-23, and 192.0.2.40) ── gw: iphttpsd (1 worker) ── corp
. "$(dirname "$0")/../lib/netns_test.sh"

LOAD=$TOPO_REPO/build/iphttps_load
CLIENTS=2000 SOURCES=8 CAP=300
counter() { topo_telemetry /iphttps/stats "$1"; }
table() { topo_telemetry /iphttps/clients "$1"; }
json() { python3 -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2"; }
line_of() { grep "\"event\": \"$2\"" "$1" | sed -n "${3:-1}p"; } # file event [nth]
wait_line() { # file event nth seconds: until that line is there
	local _
	for _ in $(seq 1 $(($4 * 10))); do [ -n "$(line_of "$1" "$2" "$3")" ] && return 0; sleep 0.1; done
	return 1
}

echo "# the load generator: $CLIENTS clients from $SOURCES addresses, namespaces ${TOPO_PREFIX}{client,gw,corp}"
sed -e "s/max_connections_per_source: 8192.*/max_connections_per_source: $CAP/" \
	"$TOPO_REPO/config/lab.yaml" > "$TOPO_STATE/load.yaml"
if [ ! -x "$LOAD" ] || ! topo_up || ! TOPO_CONFIG=$TOPO_STATE/load.yaml topo_start_appliance; then
	echo "FAIL: build/iphttps_load built (make test builds it), lab topology and appliance start"
	exit 1
fi
for i in $(seq 16 $((16 + SOURCES - 1))) 40; do topo_in client ip addr add "192.0.2.$i/24" dev ext1; done

out=$TOPO_STATE/load.jsonl
# ip netns exec execs the generator: $! is its pid, for the SIGUSR1 that ends a hold.
ip netns exec "$(topo_ns client)" "$LOAD" --sessions "$CLIENTS" --sources "192.0.2.16/$SOURCES" --keepalive 1 --processes 2 --in-flight 2000 \
	--mark 7 --hold 120 --again 192.0.2.1 > "$out" 2> "$TOPO_STATE/load.err" &
LOAD_PID=$!
wait_line "$out" up 1 120
up=$(line_of "$out" up)
echo "    $up"
check "all $CLIENTS came up (TLS, 200, RS/RA, DAD, first echo answered), none failed" \
	test "$(json "$up" up)" = "$CLIENTS" -a "$(json "$up" failed)" = 0
# The storm is shaped (limits.full_handshakes_per_second, the lab's default
# of 500 a second per worker, a burst of 51): the rest wait their turn, and
# the clients already through get the worker's attention meanwhile.
BUDGET=500
echo "    appliance: tls_full_handshakes_admitted $(counter tls_full_handshakes_admitted), deferred $(counter tls_full_handshakes_deferred), link_rs_received $(counter link_rs_received), link_ra_sent $(counter link_ra_sent)"
check "the storm was held to the budget: full handshakes waited their turn (counted)" \
	test "$(counter tls_full_handshakes_deferred)" -gt 0 -a "$(counter tls_full_handshakes_admitted)" = "$CLIENTS"
check "and came no faster than $BUDGET a second (a 20% allowance for the generator's clock)" \
	python3 -c 'import sys; sys.exit(not float(sys.argv[1]) <= 1.2 * int(sys.argv[2]))' "$(json "$up" handshakes_per_s)" "$BUDGET"
check "while they waited, every RS was answered at the first try (RFC 4861 solicits again after 4 s): none retransmitted" \
	test "$(json "$up" rs_retransmitted)" = 0
check "and every RS that reached the appliance got its RA" \
	test "$(counter link_rs_received)" = "$CLIENTS" -a "$(counter link_ra_sent)" = "$CLIENTS"
sleep 1
check "the Client Table holds the $CLIENTS (250 per source, under the cap of $CAP)" test "$(table entries)" -eq "$CLIENTS"
check "and two addresses each: the link-local of its RS and the global it claimed by DAD" \
	test "$(table addresses)" -eq $((2 * CLIENTS))

# A ninth address over the cap, while the 2,000 are held.
refused0=$(counter drop_tcp_source_limit)
over=$(topo_in client "$LOAD" --sessions 400 --sources 192.0.2.40/1 --keepalive 1 --hold 1 --timeout 4 192.0.2.1 |
	grep '"event": "up"')
echo "    one address, 400 clients: $over"
check "one address over the per-source cap: $CAP of 400 come up" test "$(json "$over" up)" = "$CAP"
check "the other 100 are refused at connect, and the appliance counts the refused SYNs" \
	test "$(json "$over" failed)" = 100 -a "$(counter drop_tcp_source_limit)" -ge $((refused0 + 100))

sleep 2
# The cut: the first connections' FINs are lost (their resets, which the probes draw, are not).
topo_in client nft -f - <<'NFT'
table inet cut {
	chain out {
		type filter hook output priority 0;
		meta mark 7 tcp flags & (fin | rst) == fin drop
	}
}
NFT
probed0=$(counter link_holder_probed) deferred0=$(counter tls_full_handshakes_deferred)
kill -USR1 "$LOAD_PID" # the first hold ends: its figures, then every link is cut and comes back
wait_line "$out" hold 1 20
hold=$(line_of "$out" hold)
echo "    $hold"
check "while the other address was refused, none of the $CLIENTS was closed" \
	test "$(json "$hold" closed_by_server)" = 0 -a "$(json "$hold" still_up)" = "$CLIENTS"
check "every echo on the held links was answered (none lost)" \
	test "$(json "$hold" lost)" = 0 -a "$(json "$hold" replies)" = "$(json "$hold" pings)" -a "$(json "$hold" pings)" -ge "$CLIENTS"

wait_line "$out" again 1 120
again=$(line_of "$out" again)
echo "    $again"
check "after the cut, all $CLIENTS are back at LinkUp" test "$(json "$again" up)" = "$CLIENTS" -a "$(json "$again" failed)" = 0
check "their old sessions, which no FIN ended, were probed as stale holders (RS and DAD met them)" \
	test "$(counter link_holder_probed)" -ge $((probed0 + CLIENTS))
echo "    appliance: link_holder_probed $(counter link_holder_probed), link_holder_gone_ra_sent $(counter link_holder_gone_ra_sent), link_holder_wait_expired $(counter link_holder_wait_expired)"
check "the clients whose RS met a stale holder got their RA once it went (link_holder_gone_ra_sent)" \
	test "$(counter link_holder_gone_ra_sent)" -gt 0
check "so none had to solicit again 4 s later (RFC 4861's retransmission): none retransmitted" \
	test "$(json "$again" rs_retransmitted)" = 0
check "each resumed its own session ticket (no full handshake)" test "$(json "$again" resumed)" = "$CLIENTS"
check "and none of the resumptions waited for the full-handshake budget" \
	test "$(counter tls_full_handshakes_deferred)" = "$deferred0"
sleep 1
check "the Client Table holds the $CLIENTS again, the cut links' entries gone" test "$(table entries)" -eq "$CLIENTS"
kill -USR1 "$LOAD_PID"
wait "$LOAD_PID"
rc=$?
check "the generator says every client came up every time (exit 0)" test "$rc" = 0
hold2=$(line_of "$out" hold 2)
echo "    $hold2"
check "the resumed links answer their echoes too" test "$(json "$hold2" lost)" = 0 -a "$(json "$hold2" closed_by_server)" = 0
[ -s "$TOPO_STATE/load.err" ] && sed 's/^/    stderr: /' "$TOPO_STATE/load.err"
check_finish
