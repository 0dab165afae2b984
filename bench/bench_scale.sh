#!/usr/bin/env bash
# make bench-scale: many sessions on one worker (issue: scale up and out).
#
#   client ns: bench/iphttps_load (core 0, 128 outer addresses 198.18.0.0-127)
#      ══ ext0 [iphttpsd, 1 worker on core 1] int0 ── corp
#
# For each N of SCALE_SIZES (10,000, 50,000, 100,000), from an empty appliance:
#   - N clients brought to LinkUp as Windows clients come up (TLS 1.3, ECDSA
#     P-256 certificate, X25519), 400 in flight, the per-source cap on (1,024);
#     the time to bring them up and the full handshakes per second
#   - held idle, each pinging the router every KEEPALIVE_S (30) s, and over
#     WINDOW_S (20) s: the worker thread's CPU (its schedstat run time) beside
#     the same with no session at all (the baseline, this run), the memory per
#     session (OpenSSL's heap, DPDK's heap and buffers in use, measured as
#     growth, plus the session and TCP slots each one takes), the echo round
#     trips p50/p99, and how long `iphttpsctl clients` and `show` take
#   - at the smallest N, every link then cut and every client back, resuming
#     its own ticket: the storm's time and handshakes per second resumed,
#     beside the same clients' first (full) wave
# Then the smallest N again with a ticket key file, and the appliance
# restarted under them: the time from the stop until every client is back at
# LinkUp (they retry at once, and resume), beside the new process's own start.
# Then an appliance with the RSA-2048 certificate and NULL-SHA256 (TLS 1.2, the
# Windows 8 and later path: RSA key transport): RSA_SESSIONS full handshakes,
# beside `openssl speed rsa2048` (the private-key operations per second on the
# worker's core: the bound a single worker cannot pass). The TLS 1.3 rate is
# beside OpenSSL's own server handshake in memory on that core
# (bench/tls_memory_handshake.c), as in make bench-tls.
# The window opens no sooner than 205 s after the first LinkUp, so that it
# holds the unsolicited RAs (each session's every 200 s), and lasts longer
# than KEEPALIVE_S, so that every client pings in it.
# Targets: memory <= 16 KiB per idle session and linear in N; the idle
# sessions' work at most 5% of the worker at 100,000 (over the same worker
# with none: it polls its ports and backs off); clients and show within a second.
set -u
cd "$(dirname "$0")/.."
TOPO_PREFIX="sc$$-"
. bench/lib.sh
SCALE_SIZES=${SCALE_SIZES:-10000 50000 100000}
RSA_SESSIONS=${RSA_SESSIONS:-10000}
KEEPALIVE_S=${KEEPALIVE_S:-30}
WINDOW_S=${WINDOW_S:-40}
SOURCES=128
LOAD=$PWD/build/iphttps_load
load_pid=""
bench_before_down() { [ -n "$load_pid" ] && kill "$load_pid" 2>/dev/null; true; }
ctl() { "$PWD/build/iphttpsctl" -s "$TOPO_STATE/control.sock" "$@"; }
rt() { topo_telemetry /iphttps/runtime "$1"; }
stat_of() { topo_telemetry /iphttps/stats "$1"; }
now() { date +%s.%N; }
line_of() { grep "\"event\": \"$2\"" "$1" | sed -n "${3:-1}p"; }
wait_line() { # file event nth seconds
	local _
	for _ in $(seq 1 $(($4 * 10))); do [ -n "$(line_of "$1" "$2" "$3")" ] && return 0; sleep 0.1; done
	return 1
}
# The worker thread's /proc task directory (DPDK names it rte-worker-N).
worker_task() {
	local pid t
	pid=$(cat "$TOPO_STATE/iphttpsd.pid")
	for t in /proc/"$pid"/task/*; do
		if grep -q '^rte-worker' "$t/comm" 2>/dev/null; then echo "$t"; return; fi
	done
}
# Its run time in ns; 0 when there is no worker thread.
worker_ns() { local t; t=$(worker_task); if [ -n "$t" ]; then cut -d' ' -f1 "$t/schedstat"; else echo 0; fi; }
# Its user time in clock ticks: the appliance's own work, apart from the
# kernel's (the sleeps, and AF_XDP's kicks, which on a veth run the peer
# namespace's receive path on the worker's core: a cost no NIC has).
worker_user_ticks() { local t; t=$(worker_task); if [ -n "$t" ]; then awk '{print $14}' "$t/stat"; else echo 0; fi; }
TICK=$(getconf CLK_TCK)
memory_now() { # heap + DPDK heap + buffers in use, bytes
	echo $(( $(rt heap_in_use_bytes) + $(rt dpdk_heap_in_use_bytes) + $(rt mbufs_in_use) * $(rt mbuf_bytes) ))
}
took_ms() { local t0 t1; t0=$(now); "$@" > /dev/null; t1=$(now); python3 -c "print(round(($t1 - $t0) * 1000))"; }
drained() { # every session of the last run gone
	local _
	for _ in $(seq 1 1200); do
		[ "$(ctl show --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["sessions"]["open"])')" = 0 ] && return 0
		sleep 0.1
	done
	return 1
}

largest=0
for n in $SCALE_SIZES; do [ "$n" -gt "$largest" ] && largest=$n; done
smallest=$(tr ' ' '\n' <<<"$SCALE_SIZES" | sort -n | head -1)

echo "openssl speed on core 1 (the worker's core):" >&2
speed=$(taskset -c 1 openssl speed -seconds 2 -mr rsa2048 ecdsap256 2>/dev/null)
RSA_SIGN_PER_S=$(grep '^+F2:' <<<"$speed" | cut -d: -f4)
ECDSA_SIGN_PER_S=$(grep '^+F4:' <<<"$speed" | cut -d: -f4)
MEM_HS_US=$(taskset -c 1 build/tls_memory_handshake config/pki/server-ecdsa.crt config/pki/server-ecdsa.key 2000 |
	field server_us_per_handshake)
echo "    RSA-2048 private $RSA_SIGN_PER_S/s, ECDSA P-256 sign $ECDSA_SIGN_PER_S/s;" \
	"OpenSSL's own TLS 1.3 server handshake in memory $MEM_HS_US us" >&2

# No admission budget (limits.full_handshakes_per_second): the handshake rates
# and storm times below are what the worker can do.
scale_config() { # cert key [extra-sed] -> config file
	local extra=()
	[ -n "${3:-}" ] && extra=(-e "$3")
	sed -e "s#pki/server.crt#$1#" -e "s#pki/server.key#$2#" \
		-e "s/max_connections_per_source: 8192.*/max_connections_per_source: 1024   # the default: the cap stays on/" \
		-e "s/^limits:/limits:\n  max_clients: $((largest + 1000))\n  full_handshakes_per_second: 0/" "${extra[@]}" \
		config/lab.yaml
}
scale_config pki/server-ecdsa.crt pki/server-ecdsa.key > "$TOPO_STATE/scale-ecdsa.yaml"
scale_config pki/server.crt pki/server.key 's/null_encryption: false/null_encryption: true\n  max_version: "1.2"/' \
	> "$TOPO_STATE/scale-rsa.yaml"

topo_up || exit 1
for i in $(seq 0 $((SOURCES - 1))); do topo_in client ip addr add "198.18.0.$i/32" dev ext1 || exit 1; done
TOPO_CONFIG=$TOPO_STATE/scale-ecdsa.yaml topo_start_appliance || exit 1
HZ=$(rt tsc_hz)
SLOT=$(rt session_slot_bytes)
TCP_SLOT=$(rt tcp_connection_slot_bytes)

sleep 2
w0=$(worker_ns) u0=$(worker_user_ticks); sleep "$WINDOW_S"; w1=$(worker_ns) u1=$(worker_user_ticks)
IDLE0=$(python3 -c "print(($w1 - $w0) / ($WINDOW_S * 1e9))")
USER0=$(python3 -c "print(($u1 - $u0) / ($WINDOW_S * $TICK))")
echo "baseline: the worker with no session is $(python3 -c "print(round($IDLE0 * 100, 2))")% busy" >&2

results=$TOPO_STATE/results.jsonl
: > "$results"
for n in $SCALE_SIZES; do
	echo "$n sessions (TLS 1.3 ECDSA):" >&2
	drained || { echo "bench-scale: the last run's sessions did not go" >&2; exit 1; }
	mem0=$(memory_now)
	out=$TOPO_STATE/load-$n.jsonl
	again=""
	[ "$n" = "$smallest" ] && again=--again
	ip netns exec "$(topo_ns client)" taskset -c 0 "$LOAD" --sessions "$n" --sources "198.18.0.0/$SOURCES" \
		--in-flight 400 --keepalive "$KEEPALIVE_S" --hold 3600 $again 192.0.2.1 > "$out" 2> "$TOPO_STATE/load-$n.err" &
	load_pid=$!
	launched=$(now)
	wait_line "$out" up 1 1800 || { echo "bench-scale: $n never came up: $(cat "$TOPO_STATE/load-$n.err")" >&2; exit 1; }
	up=$(line_of "$out" up)
	echo "    $up" >&2
	sleep 5 # the last handshakes' buffers released, the first keep-alives under way
	mem1=$(memory_now)
	wait_s=$(python3 -c "print(max(0, round($launched + 205 - $(now))))")
	echo "    the window opens in $wait_s s (the first unsolicited RAs)" >&2
	sleep "$wait_s"
	entries=$(topo_telemetry /iphttps/clients entries)
	ra0=$(stat_of link_ra_sent) b0=$(stat_of busy_tsc_cycles) w0=$(worker_ns) u0=$(worker_user_ticks)
	sleep "$WINDOW_S"
	ra1=$(stat_of link_ra_sent) b1=$(stat_of busy_tsc_cycles) w1=$(worker_ns) u1=$(worker_user_ticks)
	clients_ms=$(took_ms ctl clients)
	json_ms=$(took_ms ctl clients --json)
	show_ms=$(took_ms ctl show)
	echo "    clients $clients_ms ms (--json $json_ms ms), show $show_ms ms" >&2
	kill -USR1 "$load_pid"
	wait_line "$out" hold 1 60
	hold=$(line_of "$out" hold)
	echo "    $hold" >&2
	storm="" storm_hold=""
	if [ -n "$again" ]; then
		wait_line "$out" again 1 600
		storm=$(line_of "$out" again)
		echo "    the links cut, every client back: $storm" >&2
		kill -USR1 "$load_pid"
		wait_line "$out" hold 2 60
		storm_hold=$(line_of "$out" hold 2)
	fi
	wait "$load_pid"
	load_pid=""
	python3 - "$n" "$up" "$hold" "$mem0" "$mem1" "$entries" "$w0" "$w1" "$b0" "$b1" "$ra0" "$ra1" "$clients_ms" \
		"$json_ms" "$show_ms" "$WINDOW_S" "$HZ" "${storm:-{\}}" "${storm_hold:-{\}}" "$u0" "$u1" "$TICK" >> "$results" <<'PY'
import json, sys
a = sys.argv
n = int(a[1])
user = (int(a[21]) - int(a[20])) / (float(a[16]) * int(a[22]))
print(json.dumps({"n": n, "up": json.loads(a[2]), "hold": json.loads(a[3]), "memory_growth": int(a[5]) - int(a[4]),
                  "entries": int(a[6]), "worker_share": (int(a[8]) - int(a[7])) / (float(a[16]) * 1e9),
                  "busy_share": (int(a[10]) - int(a[9])) / (float(a[16]) * float(a[17])),
                  "ras_per_s": (int(a[12]) - int(a[11])) / float(a[16]), "clients_ms": int(a[13]),
                  "clients_json_ms": int(a[14]), "show_ms": int(a[15]), "storm": json.loads(a[18]),
                  "storm_hold": json.loads(a[19]), "user_share": user}))
PY
done
topo_stop_appliance

# The appliance restarted under the smallest N (issue #24: every client back
# in 5 s, resuming): a ticket key file, so the new process opens the old
# tickets; the clients retry a lost link at once (--reconnect), and the storm
# is timed from the stop to the last client at LinkUp, beside the new
# process's own start.
echo "$smallest sessions, the appliance restarted (TLS 1.3 ECDSA, tls.ticket_keys_file):" >&2
build/iphttpsctl ticket-keys new "$TOPO_STATE/ticket-keys" > /dev/null
scale_config pki/server-ecdsa.crt pki/server-ecdsa.key "s#^tls:#tls:\n  ticket_keys_file: $TOPO_STATE/ticket-keys#" \
	> "$TOPO_STATE/scale-restart.yaml"
TOPO_CONFIG=$TOPO_STATE/scale-restart.yaml topo_start_appliance || exit 1
out=$TOPO_STATE/load-restart.jsonl
ip netns exec "$(topo_ns client)" taskset -c 0 "$LOAD" --sessions "$smallest" --sources "198.18.0.0/$SOURCES" \
	--in-flight 400 --keepalive "$KEEPALIVE_S" --hold 3600 --reconnect 192.0.2.1 > "$out" 2> "$TOPO_STATE/load-restart.err" &
load_pid=$!
wait_line "$out" up 1 600 || { echo "bench-scale: the restart run never came up" >&2; exit 1; }
echo "    $(line_of "$out" up)" >&2
sleep 5
stopped=$(now)
topo_stop_appliance
started=$(now)
TOPO_CONFIG=$TOPO_STATE/scale-restart.yaml topo_start_appliance || exit 1
running=$(now)
for _ in $(seq 1 1200); do
	[ "$(topo_telemetry /iphttps/clients entries 2>/dev/null || echo 0)" -ge "$smallest" ] && break
	sleep 0.1
done
back=$(now)
kill -USR1 "$load_pid"
wait_line "$out" hold 1 60
RESTART_HOLD=$(line_of "$out" hold)
echo "    $RESTART_HOLD" >&2
wait "$load_pid"
load_pid=""
RESTART_TIMES=$(python3 -c "print(f'{$back - $stopped:.2f} {$running - $started:.2f} {$started - $stopped:.2f}')")
topo_stop_appliance

echo "$RSA_SESSIONS sessions (TLS 1.2 RSA-2048 NULL-SHA256):" >&2
TOPO_CONFIG=$TOPO_STATE/scale-rsa.yaml topo_start_appliance || exit 1
RSA_OUT=$(ip netns exec "$(topo_ns client)" taskset -c 0 "$LOAD" --sessions "$RSA_SESSIONS" --sources "198.18.0.0/$SOURCES" \
	--in-flight 400 --tls tls12-null --hold 1 192.0.2.1 | grep '"event": "up"')
echo "    $RSA_OUT" >&2
topo_stop_appliance

python3 - "$results" "$RSA_OUT" "$RSA_SIGN_PER_S" "$MEM_HS_US" "$IDLE0" "$SLOT" "$TCP_SLOT" "$KEEPALIVE_S" "$USER0" \
	"$RESTART_HOLD" "$RESTART_TIMES" "$smallest" <<'PY'
import json, sys
user0 = float(sys.argv[9])
restart_hold, (restart_all, restart_start, restart_stop), restart_n = json.loads(sys.argv[10]), \
    [float(x) for x in sys.argv[11].split()], int(sys.argv[12])
rows = [json.loads(l) for l in open(sys.argv[1])]
rsa = json.loads(sys.argv[2])
rsa_bound, mem_hs_us, idle0 = float(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
slot, tcp, keepalive = int(sys.argv[6]), int(sys.argv[7]), sys.argv[8]
print()
print(f"bench-scale  (one worker; every client pings every {keepalive} s; baselines measured in this run)")
print(f"  {'sessions':>9} {'all up':>8} {'full hs/s':>9} {'bytes/session':>13} {'worker busy':>11} {'over idle':>9} "
      f"{'per session':>11} {'RTT p50':>8} {'RTT p99':>8} {'clients':>8} {'--json':>7} {'show':>6} {'RAs/s':>6}")
per = {}
ok = True
for r in rows:
    n, up, hold = r["n"], r["up"], r["hold"]
    complete = up["up"] == n and hold["still_up"] == n and hold["lost"] == 0 and r["entries"] == n
    ok = ok and complete
    b = r["memory_growth"] / n + slot + tcp
    per[n] = b
    extra = r["worker_share"] - idle0
    print(f"  {n:>9,} {up['seconds_to_up']:>7.1f}s {up['handshakes_per_s']:>9.0f} {b:>13,.0f} {r['worker_share'] * 100:>10.2f}% "
          f"{extra * 100:>8.2f}% {extra / n * 1e9:>8.0f} ns/s {hold['rtt_ms_p50']:>6.2f}ms {hold['rtt_ms_p99']:>6.2f}ms "
          f"{r['clients_ms']:>6}ms {r['clients_json_ms']:>5}ms {r['show_ms']:>4}ms {r['ras_per_s']:>6.0f}"
          + ("" if complete else f"   INCOMPLETE: {up['up']} up, {hold['still_up']} held, {hold['lost']} echoes lost"))
print(f"  the worker with no session at all: {idle0 * 100:.2f}% busy (polling and backing off)")
largest = max(per)
smallest = min(per)
b = per[largest]
print(f"  memory per idle session at {largest:,}: {b:,.0f} bytes ({slot} session slot + {tcp} TCP slot + the rest grown "
      f"in OpenSSL's heap, DPDK's heap and buffers)   target <= 16,384: {'met' if b <= 16384 else 'NOT met'}")
print(f"    linear: {b / per[smallest]:.3f} times the figure at {smallest:,} (1.0 is linear)")
top = [r for r in rows if r["n"] == largest][0]
extra = top['worker_share'] - idle0
print(f"  the idle sessions' work at {largest:,}: {extra * 100:.2f}% of the worker's core over the same worker with none "
      f"({top['worker_share'] * 100:.2f}% in all, {idle0 * 100:.2f}% with none)   target <= 5%: {'met' if extra <= 0.05 else 'NOT met'}")
user_extra = top['user_share'] - user0
print(f"    of which in user space, the appliance's own work: {user_extra * 100:.2f}% over none "
      f"({top['user_share'] * 100:.2f}% in all, {user0 * 100:.2f}% with none); the rest is the kernel's: the sleeps, "
      f"and AF_XDP's TX kicks, which on a veth run the client namespace's receive path on the worker's core")
slow = max(max(r["clients_ms"], r["show_ms"]) for r in rows if r["n"] == largest)
print(f"  iphttpsctl clients and show at {largest:,}: {top['clients_ms']} ms and {top['show_ms']} ms   target <= 1000 ms: "
      f"{'met' if slow <= 1000 else 'NOT met'}   (clients --json: {top['clients_json_ms']} ms, every field parsed)")
storm = [r for r in rows if r["storm"]]
if storm:
    s = storm[0]
    print(f"  the links of {s['n']:,} cut, every client back: {s['storm']['seconds_to_up']:.2f} s resuming "
          f"({s['storm']['resumed']:,} of {s['storm']['handshakes']:,} resumed, {s['storm']['handshakes_per_s']:.0f}/s), "
          f"beside {s['up']['seconds_to_up']:.2f} s of full handshakes ({s['up']['handshakes_per_s']:.0f}/s): "
          f"ratio {s['storm']['seconds_to_up'] / s['up']['seconds_to_up']:.2f}")
    ok = ok and s["storm"]["up"] == s["n"]
back = restart_hold["reconnected"]
print(f"  the appliance restarted under {restart_n:,}: all back in {restart_all:.2f} s from the stop "
      f"(the stop {restart_stop:.2f} s, the new process's start {restart_start:.2f} s), {back:,} came back, "
      f"{restart_hold['reconnected_resumed']:,} resuming   target <= 5 s: {'met' if restart_all <= 5 else 'NOT met'}")
ok = ok and back == restart_n and restart_hold["still_up"] == restart_n
print(f"  full handshakes TLS 1.3 ECDSA P-256 + X25519: {top['up']['handshakes_per_s']:.0f}/s   "
      f"(OpenSSL's own server handshake in memory: {1e6 / mem_hs_us:.0f}/s on the core, ratio "
      f"{top['up']['handshakes_per_s'] * mem_hs_us / 1e6:.2f})")
print(f"  full handshakes TLS 1.2 RSA-2048 NULL-SHA256 (Windows 8+): {rsa['handshakes_per_s']:.0f}/s over {rsa['up']:,} clients   "
      f"(RSA-2048 private operations alone: {rsa_bound:.0f}/s on the core, ratio {rsa['handshakes_per_s'] / rsa_bound:.2f})")
ok = ok and rsa["up"] == rsa["sessions"]
sys.exit(0 if ok else 1)
PY
