#!/usr/bin/env bash
# A full-handshake flood from one source against the admission budget
# (limits.full_handshakes_per_second, here 2 a second, and a handshake
# deadline of 10 s, so that the queue is long): one host keeps 100
# handshakes waiting at all times (many_links.py, 1,000 in all) while a
# client from another address of the same network connects five times.
# The held handshakes take turns by source (session_timers.c), so each of the
# other client's handshakes waits a turn or two behind the flood's, not the
# flood's whole queue (which, at 2 a second, would outlast the handshake
# deadline and reset it: so it was before the queues were per source).
# When the flood's host goes, its kernel's FINs free the places it held at
# once, and its address is served too.
#
#   client ns: many_links.py from 192.0.2.2, curl from 192.0.2.3 ── [ext0] gw: iphttpsd
. "$(dirname "$0")/../lib/netns_test.sh"

PKI=$TOPO_REPO/config/pki
counter() { topo_telemetry /iphttps/stats "$1"; }

echo "# a handshake flood from one source, namespaces ${TOPO_PREFIX}{client,gw,corp}"
sed -e 's/^limits:/limits:\n  full_handshakes_per_second: 2/' -e 's/tls_handshake_timeout_ms: 1500/tls_handshake_timeout_ms: 10000/' \
	tests/netns/configs/sessions-none.yaml \
	> "$TOPO_STATE/flood.yaml"
if ! topo_up || ! TOPO_CONFIG=$TOPO_STATE/flood.yaml topo_start_appliance; then
	echo "FAIL: lab topology and appliance start"
	exit 1
fi
topo_in client ip addr add 192.0.2.3/24 dev ext1
deferred_before=$(counter tls_full_handshakes_deferred)

ip netns exec "$(topo_ns client)" bash -c 'ulimit -n 4096 && exec python3 "$@"' _ \
	"$TOPO_REPO/tests/lib/many_links.py" 192.0.2.1 gw.iphttps.test "$PKI/ca.crt" 1000 0 0 \
	> "$TOPO_STATE/flood.json" 2> "$TOPO_STATE/flood.err" &
FLOOD_PID=$!
# Until the flood holds a queue.
for _ in $(seq 1 100); do
	[ "$(counter tls_full_handshakes_deferred)" -ge $((deferred_before + 100)) ] && break
	sleep 0.1
done
check "the flood holds handshakes over the budget (deferred)" \
	test "$(counter tls_full_handshakes_deferred)" -ge $((deferred_before + 100))

ok=0 slowest=0
for try in 1 2 3 4 5; do
	d0=$(counter tls_full_handshakes_deferred)
	out=$(topo_in client curl -s -o /dev/null --interface 192.0.2.3 --max-time 5 --cacert "$PKI/ca.crt" \
		--resolve gw.iphttps.test:443:192.0.2.1 -w '%{http_code} %{time_appconnect}' https://gw.iphttps.test/)
	echo "    try $try from 192.0.2.3: HTTP status and seconds to the end of the handshake: $out (deferred $d0 -> $(counter tls_full_handshakes_deferred))"
	read -r code took <<<"$out"
	if [ "${code:-000}" != 000 ] && python3 -c 'import sys; sys.exit(not float(sys.argv[1]) < 2.0)' "${took:-9}"; then
		ok=$((ok + 1))
	fi
	slowest=$(python3 -c 'import sys; print(max(float(sys.argv[1]), float(sys.argv[2])))' "$slowest" "${took:-9}")
	sleep 0.5
done
flood_running=no
kill -0 "$FLOOD_PID" 2>/dev/null && flood_running=yes
check "each of the other source's 5 handshakes got through within 2 s (a turn is 0.5 s), during the flood ($ok of 5, slowest $slowest s; flood still on: $flood_running)" \
	test "$ok" -eq 5 -a "$flood_running" = yes
kill "$FLOOD_PID" 2>/dev/null
wait "$FLOOD_PID" 2>/dev/null
# The flood's host gone, its kernel closes the held connections (FIN): each
# leaves its queue at once, so the flooding address is served like anyone,
# without waiting out the handshake deadline.
check "the flood's held handshakes left their queue when their client closed them (session_held_handshake_abandoned)" \
	bash -c 'for _ in $(seq 1 30); do [ "$(python3 "$1" "$2" /iphttps/stats session_held_handshake_abandoned)" -ge 50 ] && exit 0; sleep 0.1; done; exit 1' \
	_ "$TOPO_REPO/tests/lib/telemetry.py" "$(topo_file_prefix)"
check "then the flooding address gets in too, at once" \
	bash -c 'ip netns exec "$1" curl -s -o /dev/null --max-time 3 --cacert "$2" --resolve gw.iphttps.test:443:192.0.2.1 -w "%{http_code}" https://gw.iphttps.test/ | grep -qv "^000$"' \
	_ "$(topo_ns client)" "$PKI/ca.crt"
topo_stop_appliance
check_finish
