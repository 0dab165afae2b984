#!/usr/bin/env bash
# make bench-control: the control plane's two figures (issue: control plane).
#
#  1. Scraping /metrics at 10 Hz while one iperf3 TCP stream runs from client
#     to corp through the tunnel (build/iphttps-client): the stream's rate with
#     and without the scraping, ROUNDS interleaved pairs, medians and their
#     ratio. Target: under 1% lost. The scraper is one keep-alive connection
#     (bench/scrape_loop.py), as a Prometheus server's is.
#  2. An authentication-mode change with SESSIONS (10,000) LinkUp sessions:
#     from the command to the last session closed (the Client Table empty,
#     every connection gone, and the last client having seen its close),
#     beside the time the same sessions took to come up in this run.
#
#   client ns: iphttps-client, iperf3, many_links.py ══ ext0 [iphttpsd, 1 worker] int0 ── corp
set -u
cd "$(dirname "$0")/.."
TOPO_PREFIX="c$$-"
. bench/lib.sh
ROUNDS=${ROUNDS:-5}
SESSIONS=${SESSIONS:-10000}
RUN_SECONDS=${RUN_SECONDS:-5}
PKI=$PWD/config/pki
client_pid=""
bench_before_down() {
	[ -n "$client_pid" ] && kill "$client_pid" 2>/dev/null
	ip netns pids "$(topo_ns corp)" 2>/dev/null | xargs -r kill 2>/dev/null
	true
}
ctl() { "$PWD/build/iphttpsctl" -s "$TOPO_STATE/control.sock" "$@"; }
show() { ctl show --json | python3 -c 'import functools,json,sys; print(functools.reduce(lambda d, k: d[k], sys.argv[1].split("."), json.load(sys.stdin)))' "$1"; }
now() { date +%s.%N; }

# The test's control config with one worker (the lab's), room for the sessions, the metrics endpoint.
sed -e 's/worker_lcores: \[1, 2\]/worker_lcores: [1]/' -e "s/max_clients: 203 .*/max_clients: $((SESSIONS + 100))/" \
	-e "s/max_connections_per_source: 8192/max_connections_per_source: $((SESSIONS + 100))/" \
	-e 's/mbufs: 16384/mbufs: 32768/' tests/netns/configs/control.yaml > "$TOPO_STATE/bench-control.yaml"
# Python holds a descriptor per session.
if [ "$(ulimit -Hn)" != unlimited ] && [ "$(ulimit -Hn)" -lt $((SESSIONS + 200)) ]; then
	echo "bench-control: $SESSIONS sessions need $((SESSIONS + 200)) open files; the hard limit here is $(ulimit -Hn)" >&2
	exit 1
fi
topo_up || exit 1
TOPO_CONFIG=$TOPO_STATE/bench-control.yaml topo_start_appliance || exit 1
topo_in corp iperf3 -s -D -B fd00:c0::2 || exit 1

# ---- 1. the stream with and without scraping at 10 Hz
ip netns exec "$(topo_ns client)" "$PWD/build/iphttps-client" 192.0.2.1 --ca "$PKI/ca.crt" --tun iphttps0 \
	--seconds 3600 > "$TOPO_STATE/client.log" 2>&1 &
client_pid=$!
addr=$(topo_tunnel_address)
for _ in $(seq 1 150); do
	[ -n "$addr" ] && topo_in client ping -6 -c 1 -W 1 -q fd00:c0::2 >/dev/null 2>&1 && break
	sleep 0.1
done
stream() { # Gbit/s of one RUN_SECONDS stream
	topo_in client timeout $((RUN_SECONDS + 15)) iperf3 -6 -c fd00:c0::2 -t "$RUN_SECONDS" -J 2>/dev/null |
		iperf_received 1e9 4
}
plain="" scraped="" scrape_out=""
echo "stream through the tunnel, $ROUNDS pairs of ${RUN_SECONDS} s (without, then with scraping at 10 Hz):" >&2
for i in $(seq 1 "$ROUNDS"); do
	a=$(stream)
	ip netns exec "$(topo_ns gw)" python3 bench/scrape_loop.py 127.0.0.1 9464 10 $((RUN_SECONDS + 1)) \
		> "$TOPO_STATE/scrape.json" &
	scraper=$!
	sleep 0.5
	b=$(stream)
	wait "$scraper"
	scrape_out=$(cat "$TOPO_STATE/scrape.json")
	echo "    round $i: $a Gbit/s without, $b Gbit/s with ($scrape_out)" >&2
	plain+="$a"$'\n' scraped+="$b"$'\n'
done
PLAIN=$(printf '%s' "$plain" | median)
SCRAPED=$(printf '%s' "$scraped" | median)
PAIR_RATIOS=$(paste <(printf '%s' "$plain") <(printf '%s' "$scraped") | awk '{printf "%.4f\n", $2 / $1}' | tr '\n' ' ')
kill "$client_pid"; wait "$client_pid" 2>/dev/null; client_pid=""

# What the scraping costs the appliance itself: the main lcore's CPU time (schedstat,
# ns) over SCRAPE_SECONDS with and without scraping at 10 Hz, no stream running.
SCRAPE_SECONDS=${SCRAPE_SECONDS:-10}
pid=$(cat "$TOPO_STATE/iphttpsd.pid")
main_ns() { cut -d' ' -f1 "/proc/$pid/task/$pid/schedstat"; }
a=$(main_ns); sleep "$SCRAPE_SECONDS"; b=$(main_ns)
ip netns exec "$(topo_ns gw)" python3 bench/scrape_loop.py 127.0.0.1 9464 10 "$SCRAPE_SECONDS" > "$TOPO_STATE/scrape-cpu.json" &
scraper=$!
c=$(main_ns); wait "$scraper"; d=$(main_ns)
SCRAPES=$(field scrapes < "$TOPO_STATE/scrape-cpu.json")
IDLE_NS=$((b - a)) SCRAPE_NS=$((d - c))
echo "    main lcore: $IDLE_NS ns idle, $SCRAPE_NS ns with $SCRAPES scrapes, over $SCRAPE_SECONDS s each" >&2

# ---- 2. an auth-mode change with SESSIONS sessions
echo "opening $SESSIONS sessions (many_links.py, 100 handshakes in flight):" >&2
start=$(now)
ip netns exec "$(topo_ns client)" bash -c 'ulimit -n "$(ulimit -Hn)" && exec python3 "$@"' _ tests/lib/many_links.py \
	192.0.2.1 gw.iphttps.test "$PKI/ca.crt" "$SESSIONS" 1 900 > "$TOPO_STATE/many.json" 2> "$TOPO_STATE/many.err" &
many=$!
up_at=""
for _ in $(seq 1 3000); do
	if [ "$(show sessions.clients 2>/dev/null || echo 0)" -ge "$SESSIONS" ]; then up_at=$(now); break; fi
	sleep 0.1
done
if [ -z "$up_at" ]; then
	echo "bench-control: only $(show sessions.clients) of $SESSIONS sessions came up" >&2
	exit 1
fi
SETUP_S=$(python3 -c "print(round($up_at - $start, 3))")
echo "    all up in $SETUP_S s" >&2
l0=$(now)
ctl --json clients > "$TOPO_STATE/clients.json"
l1=$(now)
LISTED=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["clients"]))' "$TOPO_STATE/clients.json")
LIST_MS=$(python3 -c "print(round(($l1 - $l0) * 1000))")
echo "    iphttpsctl clients listed $LISTED sessions in $LIST_MS ms" >&2
t0=$(now)
ctl --json auth-mode certificates > "$TOPO_STATE/auth.json"
t1=$(now)
gone_at=""
for _ in $(seq 1 6000); do
	if [ "$(show sessions.open)" -eq 0 ]; then gone_at=$(now); break; fi
	sleep 0.01
done
wait "$many"
MANY=$(cat "$TOPO_STATE/many.json")
echo "    $(tr -d '\n ' < "$TOPO_STATE/auth.json")" >&2
echo "    clients: $MANY" >&2

python3 - "$PLAIN" "$SCRAPED" "$scrape_out" "$SESSIONS" "$SETUP_S" "$t0" "$t1" "${gone_at:-0}" "$MANY" "$TOPO_STATE/auth.json" "$ROUNDS" \
	"$PAIR_RATIOS" "$IDLE_NS" "$SCRAPE_NS" "$SCRAPES" "$SCRAPE_SECONDS" "$LISTED" "$LIST_MS" <<'PY'
import json, sys
plain, scraped, scrape = float(sys.argv[1]), float(sys.argv[2]), json.loads(sys.argv[3] or "{}")
sessions, setup_s, t0, t1, gone, many = int(sys.argv[4]), float(sys.argv[5]), float(sys.argv[6]), float(sys.argv[7]), float(sys.argv[8]), json.loads(sys.argv[9])
auth = json.load(open(sys.argv[10]))
rounds = int(sys.argv[11])
pairs = sorted(float(x) for x in sys.argv[12].split())
idle_ns, scrape_ns, scrapes, window = int(sys.argv[13]), int(sys.argv[14]), int(sys.argv[15]), float(sys.argv[16])
print(f"bench-control  (medians of {rounds}; baselines measured in this run)")
ratio = pairs[len(pairs) // 2]
print(f"  tunnel stream, no scraping:          {plain:.3f} Gbit/s")
print(f"  tunnel stream, /metrics at 10 Hz:    {scraped:.3f} Gbit/s ({scrape.get('median_bytes', 0):.0f} bytes per scrape, "
      f"{scrape.get('median_ms')} ms each)")
print(f"    ratio with/without, median of the {rounds} interleaved pairs: {ratio:.3f} "
      f"(pairs from {pairs[0]:.3f} to {pairs[-1]:.3f}: the run-to-run noise here)")
per_scrape_us = (scrape_ns - idle_ns) / max(scrapes, 1) / 1000
share = (scrape_ns - idle_ns) / (window * 1e9) * 100
print(f"    the appliance's cost: {per_scrape_us:.0f} us of main-lcore CPU per scrape, {share:.2f}% of one core at 10 Hz "
      f"(main lcore {idle_ns / window / 1e6:.2f} ms/s idle, {scrape_ns / window / 1e6:.2f} ms/s scraped)")
# The stream is CPU-bound on this 2-core lab: what the scraping can take from it is the CPU the
# appliance spends on it. The pair ratios show the machine's noise, far wider than 1%.
print(f"  target under 1% lost: {'met' if share < 1 else 'NOT met'} by the appliance's CPU cost ({share:.2f}% of one core); "
      f"the throughput pairs cannot resolve 1% here (median {ratio:.3f}, spread {pairs[0]:.2f}-{pairs[-1]:.2f})")
last = many.get("last_closed_by_server_unix", 0)
print(f"  auth-mode change with {sessions} sessions ({auth.get('disconnected')} disconnected):")
print(f"    command returned (every session closed on every worker): {(t1 - t0) * 1000:.0f} ms "
      f"({(t1 - t0) * 1e6 / sessions:.1f} us per session)")
if gone:
    print(f"    every connection gone (FIN answered):                    {(gone - t0) * 1000:.0f} ms")
if last:
    print(f"    the last client saw its close:                          {(last - t0) * 1000:.0f} ms "
          f"({many['closed_by_server']} of {many['link_up']} saw it)")
print(f"    (before it: iphttpsctl clients listed {sys.argv[17]} sessions in {sys.argv[18]} ms, in chunks of 1,024 per worker command)")
print(f"    baseline, the same sessions coming up:                    {setup_s * 1000:.0f} ms "
      f"(teardown/setup ratio {(t1 - t0) / setup_s:.3f})")
ok = auth.get("disconnected") == sessions and many.get("closed_by_server") == sessions and int(sys.argv[17]) >= sessions
sys.exit(0 if ok else 1)
PY
