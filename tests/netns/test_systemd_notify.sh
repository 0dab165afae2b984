#!/usr/bin/env bash
# iphttpsd under systemd's notify protocol (the unit's Type=notify and
# WatchdogSec=), with this test playing systemd: a datagram socket named by
# NOTIFY_SOCKET (tests/lib/notify_socket.py) and WATCHDOG_USEC=2 s.
# - READY=1 comes once the appliance answers: the moment it arrives, a TCP
#   connection from the client namespace to port 443 is taken (one attempt).
# - STATUS= says the state and the client count, and follows a LinkUp client.
# - WATCHDOG=1 every second while the worker loops; none while the worker is
#   held (ptrace stops that one thread, tests/lib/hold_thread.py), with a log
#   line naming it; the pings come back when it runs again.
# - a reload: RELOADING=1, then READY=1.
# - SIGTERM with control.stop_drain_s 2: STOPPING=1 saying it drains, /health
#   says draining (503) while the LinkUp client is still served, and the
#   client is disconnected only when the 2 s are up.
#
#   client ns: notify socket, probe, a TLS session ── [ext0] gw: iphttpsd ── corp
. "$(dirname "$0")/../lib/netns_test.sh"

PKI=$TOPO_REPO/config/pki
NOTIFY=$TOPO_STATE/notify.sock
MESSAGES=$TOPO_STATE/notify.jsonl
export TOPO_DEVICE=af_packet
# The messages as "t KEY=VALUE" lines, one per field; since T (monotonic s) when given.
fields() {
	python3 -c 'import json,sys
since = float(sys.argv[2]) if len(sys.argv) > 2 else 0
for line in open(sys.argv[1]):
    m = json.loads(line)
    if m["t"] >= since:
        for k, v in m.get("fields", {}).items(): print("%.3f %s=%s" % (m["t"], k, v))
        if "probe" in m: print("%.3f PROBE=%s" % (m["t"], m["probe"]))' "$MESSAGES" "$@"
}
export -f fields
export MESSAGES
now() { python3 -c 'import time; print("%.3f" % time.monotonic())'; }
count() { fields "${2:-0}" | grep -c " $1\$"; } # FIELD=VALUE [SINCE]
count_between() { fields "$2" | awk -v end="$3" -v f="$1" '$1 <= end && $2 == f' | grep -c .; } # FIELD=VALUE FROM TO
health() { topo_in gw curl -s --max-time 2 -o - -w ' %{http_code}' http://127.0.0.1:9464/health | tr -d '\n'; }
wait_for() { # FIELD=VALUE SINCE SECONDS
	for _ in $(seq 1 $(( $3 * 10 ))); do
		[ "$(count "$1" "$2")" -gt 0 ] && return 0
		sleep 0.1
	done
	return 1
}

echo "# systemd's notify protocol, namespaces ${TOPO_PREFIX}{client,gw,corp}"
if ! topo_up; then
	echo "FAIL: lab topology"
	exit 1
fi
topo_in client python3 tests/lib/notify_socket.py "$NOTIFY" "$MESSAGES" 120 --probe 192.0.2.1:443 &
notify_pid=$!
for _ in $(seq 1 50); do [ -S "$NOTIFY" ] && break; sleep 0.1; done
export NOTIFY_SOCKET=$NOTIFY WATCHDOG_USEC=2000000
TOPO_CONFIG=$TOPO_REPO/tests/netns/configs/systemd.yaml topo_start_appliance
started=$?
unset NOTIFY_SOCKET WATCHDOG_USEC
if [ "$started" -ne 0 ]; then
	echo "FAIL: appliance start"
	exit 1
fi
pid=$(cat "$TOPO_STATE/iphttpsd.pid")
wait_for READY=1 0 15
fields | head -5 | sed 's/^/    /'
check "READY=1 comes" test "$(count READY=1)" -eq 1
check "and the moment it does, the listener takes a TCP connection (one attempt, from the client namespace)" \
	test "$(count PROBE=connected)" -eq 1
check "STATUS= says the state and the clients: 'running: 0 clients (LinkUp) on 1 worker'" \
	bash -c 'fields | grep -q " STATUS=running: 0 clients (LinkUp) on 1 worker$"'
check "MAINPID= is iphttpsd's" bash -c 'fields | grep -q " MAINPID=$1$"' _ "$pid"

# A LinkUp client, held for the rest of the test (the drain below must keep it 2 s).
topo_in client python3 tests/lib/many_links.py 192.0.2.1 gw.iphttps.test "$PKI/ca.crt" 1 1 60 \
	> "$TOPO_STATE/link.json" 2> "$TOPO_STATE/link.err" &
link_pid=$!
t=$(now)
wait_for "STATUS=running: 1 client (LinkUp) on 1 worker" "$t" 10
check "STATUS= follows the client count: 'running: 1 client (LinkUp) on 1 worker'" \
	test "$(count "STATUS=running: 1 client (LinkUp) on 1 worker" "$t")" -ge 1

t=$(now)
sleep 5
pings=$(count WATCHDOG=1 "$t")
check "WATCHDOG=1 about every second (half of WATCHDOG_USEC) while the worker loops: $pings in 5 s" \
	test "$pings" -ge 4 -a "$pings" -le 6

tid=""
for task in /proc/"$pid"/task/*; do
	grep -q '^rte-worker-' "$task/comm" 2>/dev/null && tid=$(basename "$task") && break
done
check "the worker is a thread of its own (DPDK's rte-worker-N: $tid)" test -n "$tid"
python3 tests/lib/hold_thread.py "$tid" 4 > "$TOPO_STATE/hold.out" 2>&1
sed 's/^/    /' "$TOPO_STATE/hold.out"
t_held=$(awk '$1 == "held" {print $3}' "$TOPO_STATE/hold.out")
t_released=$(awk '$1 == "released" {print $3}' "$TOPO_STATE/hold.out")
fields "$(python3 -c "print(${t_held:-0} - 1.5)")" | grep -E "WATCHDOG" | sed 's/^/    /'
held_pings=$(count_between WATCHDOG=1 "$(python3 -c "print(${t_held:-0} + 1.1)")" "${t_released:-0}")
check "no WATCHDOG=1 while the worker is held (4 s; the first second excepted: it looped before): $held_pings" \
	bash -c 'grep -q "^held" "$1" && [ "$2" -eq 0 ]' _ "$TOPO_STATE/hold.out" "$held_pings"
check "the log names the worker that holds the ping back" \
	grep -q "worker 0 has made no progress for 1000 ms: the systemd watchdog is not pinged" "$TOPO_STATE/iphttpsd.log"
wait_for WATCHDOG=1 "$t_released" 4
check "the pings come back once it runs again" test "$(count WATCHDOG=1 "$t_released")" -ge 1
check "and the log says so" grep -q "worker 0 makes progress again" "$TOPO_STATE/iphttpsd.log"
check "the process was not stopped (the client's session is still up)" \
	bash -c 'kill -0 "$1" && kill -0 "$2"' _ "$pid" "$link_pid"

t=$(now)
topo_ctl reload > /dev/null
sleep 0.3
check "a reload: RELOADING=1, then READY=1" \
	bash -c 'fields "$1" | grep -E " (RELOADING|READY)=1$" | awk "{print \$2}" | tr "\n" " " | grep -q "^RELOADING=1 READY=1 $"' _ "$t"

t=$(now)
kill -TERM "$pid"
wait_for STOPPING=1 "$t" 5
sleep 0.5
h=$(health)
check "SIGTERM with stop_drain_s 2: STOPPING=1, STATUS= says it drains first" \
	bash -c 'fields "$1" | grep -q " STATUS=draining for at most 2 s before stopping$"' _ "$t"
check "meanwhile /health says draining (503), and the client is still served" \
	bash -c '[ "$1" = "draining 503" ] && kill -0 "$2"' _ "$h" "$link_pid"
for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
t_gone=$(now)
drained=$(python3 -c "print(round($t_gone - $t, 1))")
check "it stops once the 2 s are up, not before ($drained s), with STATUS= saying it disconnects everyone" \
	bash -c '! kill -0 "$1" 2>/dev/null && python3 -c "import sys; sys.exit(not 2.0 <= $2 <= 5.0)" &&
		fields "$3" | grep -q " STATUS=disconnecting every client, then stopping$"' _ "$pid" "$drained" "$t"
check "the log says it drained" grep -q "signal 15: draining for at most 2 s (control.stop_drain_s), then stopping" \
	"$TOPO_STATE/iphttpsd.log"
wait "$link_pid" 2>/dev/null
kill "$notify_pid" 2>/dev/null
wait "$notify_pid" 2>/dev/null
check_finish
