#!/usr/bin/env bash
# Two appliances behind BGP (issue #24, "Out"): tests/lib/cluster.sh's
# topology, FRR routing on both sides, each appliance's /health turned into
# its announcements by deploy/bgp/iphttps-bgp-health. 1,000 clients of the
# load generator (bench/iphttps_load.c) reach the anycast 198.51.100.10,
# spread by the outer router's ECMP, and ping corp through their tunnels:
#   - both appliances take a share, and each client's echo comes back through
#     its own appliance's client prefix (the inner router's BGP route);
#   - appliance A is killed (SIGKILL): its health glue withdraws the service
#     address and A's prefix within seconds; A's clients come back on B at
#     once (their retry), resuming their tickets (one key file for both),
#     with B's prefix, and ping corp through it; B's own clients lose nothing
#     (no session of B ends, the generator's only losses are A's);
#   - B drained (iphttpsctl shutdown --drain): the service address is
#     withdrawn while B still runs and its prefix is still routed; when B
#     stops, the prefix goes too.
set -u
cd "$(dirname "$0")/../.."
TOPO_PREFIX="t$$-"
TOPO_STATE=$(mktemp -d /tmp/iphttps-test-XXXXXX)
CHECK_LOG=$TOPO_STATE/check.log
. tests/lib/cluster.sh
. tests/lib/check.sh
LOAD_PID=
cleanup_cluster() {
	[ -n "$LOAD_PID" ] && kill "$LOAD_PID" 2>/dev/null
	cluster_down
	rm -rf "$TOPO_STATE"
}
trap cleanup_cluster EXIT
trap 'exit 130' INT TERM

LOAD=$TOPO_REPO/build/iphttps_load
CLIENTS=1000
entries() { cluster_telemetry "$1" /iphttps/clients entries 2>/dev/null || echo 0; }
counter() { cluster_telemetry "$1" /iphttps/stats "$2"; }
json() { python3 -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2"; }
line_of() { grep "\"event\": \"$2\"" "$1" | sed -n "${3:-1}p"; }
vip_via() { [ "$(cluster_vip_nexthops)" = "$1" ]; }
no_inner_route() { ! cluster_inner_routes "$1"; }

echo "# a cluster of two appliances behind FRR, namespaces ${TOPO_PREFIX}{client,outer,gwa,gwb,inner,corp,mgmt}"
if [ ! -x "$LOAD" ] || ! command -v vtysh >/dev/null || ! cluster_up_all; then
	echo "FAIL: build/iphttps_load, FRR (Debian frr), the topology, both appliances and their BGP speakers start"
	exit 1
fi
took=$(wait_until 30 vip_via "10.1.1.1 10.1.2.1 ")
check "the outer router reaches $CLUSTER_VIP by ECMP through both appliances (announced ${took:-never} s after the start)" \
	test -n "$took"
inner_both() { cluster_inner_routes a && cluster_inner_routes b; }
check "the inner router routes each appliance's client prefix to it" test -n "$(wait_until 30 inner_both)"
for i in $(seq 16 23); do topo_in client ip addr add "192.0.2.$i/24" dev ext1; done

out=$TOPO_STATE/load.jsonl
ip netns exec "$(topo_ns client)" "$LOAD" --sessions "$CLIENTS" --sources 192.0.2.16/8 --keepalive 1 --hold 300 \
	--reconnect --ping fd00:c0::2 --processes 1 --in-flight 500 "$CLUSTER_VIP" > "$out" 2> "$TOPO_STATE/load.err" &
LOAD_PID=$!
for _ in $(seq 1 900); do [ -n "$(line_of "$out" up)" ] && break; sleep 0.1; done
up=$(line_of "$out" up)
echo "    $up"
check "all $CLIENTS came up through the anycast address (TLS, 200, RS/RA, DAD, an echo from corp)" \
	test "$(json "$up" up) $(json "$up" failed)" = "$CLIENTS 0"
sleep 1
na=$(entries a) nb=$(entries b)
echo "    appliance A holds $na sessions, B $nb"
check "ECMP spread them: each appliance holds a share (at least a fifth), $CLIENTS in all" \
	bash -c '[ "$1" -ge $(($3 / 5)) ] && [ "$2" -ge $(($3 / 5)) ] && [ $(($1 + $2)) -eq "$3" ]' _ "$na" "$nb" "$CLIENTS"
closed_b=$(counter b session_closed)
sleep 2

# ---- A is killed.
cluster_appliance_stop a KILL
withdrawn=$(wait_until 10 vip_via "10.1.2.1 ")
check "A's health glue withdrew the service address: the outer router goes to B alone (${withdrawn:-never} s after the kill)" \
	test -n "$withdrawn"
gone=$(wait_until 10 no_inner_route a)
check "and A's client prefix left the inner router (${gone:-never} s)" test -n "$gone"
grep "iphttps-bgp-health" "$TOPO_STATE/health-a.log" | tail -1 | sed 's/^/    /'
all_on_b() { [ "$(entries b)" -eq "$CLIENTS" ]; }
back=$(wait_until 60 all_on_b)
check "all $CLIENTS are on B again (${back:-not} within 60 s of the kill)" test -n "$back"
sleep 3
# B's sessions that ended: none of its own, before the generator's end closes them all.
closed_b_after=$(counter b session_closed)
kill -USR1 "$LOAD_PID"
for _ in $(seq 1 100); do [ -n "$(line_of "$out" hold)" ] && break; sleep 0.1; done
hold=$(line_of "$out" hold)
echo "    $hold"
check "the generator lost exactly A's $na clients, and each came back (reconnected): $CLIENTS up" \
	test "$(json "$hold" closed_by_server) $(json "$hold" reconnected) $(json "$hold" still_up)" = "$na $na $CLIENTS"
check "each resumed its ticket on B (the shared ticket key file): no full handshake" \
	test "$(json "$hold" reconnected_resumed)" = "$na"
check "the longest from a loss to LinkUp on B: $(json "$hold" reconnect_ms_max) ms, within 10 s" \
	python3 -c 'import sys; sys.exit(not float(sys.argv[1]) < 10000)' "$(json "$hold" reconnect_ms_max)"
check "all $CLIENTS now have addresses in B's prefix, and their echoes to corp come back through it" \
	python3 -c 'import json,sys; r=json.loads(sys.argv[1]); sys.exit(not (r["prefixes"] == {"2001:db8:c2::/64": int(sys.argv[2])} and r["replies"] > 0))' \
	"$hold" "$CLIENTS"
check "B's own clients lost nothing: no session of B ended" test "$closed_b_after" = "$closed_b"
# An echo sent to A just before the kill dies with A's connection (lost_on_closed); every
# other, on B's connections and on the moved clients' new ones, is answered.
echo "    echoes lost with A's connections: $(json "$hold" lost_on_closed)"
check "and no echo went unanswered on a connection that stayed up (B's own, the moved clients' on B)" \
	test "$(json "$hold" lost)" = 0

# ---- B drains: the service address goes first, the prefix when B stops
# (the drain ends when its last client leaves: a hundred stay meanwhile).
kill "$LOAD_PID" 2>/dev/null
wait "$LOAD_PID" 2>/dev/null
ip netns exec "$(topo_ns client)" "$LOAD" --sessions 100 --sources 192.0.2.16/8 --keepalive 1 --hold 60 \
	--processes 1 "$CLUSTER_VIP" > "$TOPO_STATE/load2.jsonl" 2>&1 &
LOAD_PID=$!
for _ in $(seq 1 300); do [ -n "$(line_of "$TOPO_STATE/load2.jsonl" up)" ] && break; sleep 0.1; done
cluster_ctl b shutdown --drain 3 > "$TOPO_STATE/drain.out" 2>&1 &
drain_pid=$!
drained=$(wait_until 3 vip_via "")
b_runs=no b_routed=no
kill -0 "$(cat "$TOPO_STATE/iphttpsd-b.pid")" 2>/dev/null && b_runs=yes
cluster_inner_routes b && b_routed=yes
check "B draining: its glue withdrew the service address (${drained:-never} s), while B runs ($b_runs) and its prefix is routed ($b_routed)" \
	test -n "$drained" -a "$b_runs" = yes -a "$b_routed" = yes
wait "$drain_pid"
sed 's/^/    /' "$TOPO_STATE/drain.out" | head -2
stopped=$(wait_until 15 no_inner_route b)
check "B stopped: its client prefix is withdrawn too (${stopped:-never} s)" test -n "$stopped"
kill "$LOAD_PID" 2>/dev/null
wait "$LOAD_PID" 2>/dev/null
LOAD_PID=
[ -s "$TOPO_STATE/load.err" ] && sed 's/^/    stderr: /' "$TOPO_STATE/load.err" | head -5
check_finish
