#!/usr/bin/env bash
# make bench-tcp: the appliance's TCP against the Linux kernel's, same run,
# same veths, same offloads (off), same cores (server on core 1, load on
# core 0). Three rounds each; medians and ratios printed.
#
#   client (echo_bench, core 0) ── ext0 ── gw: iphttpsd tcp echo :7 (worker on core 1)
#                                          then: kernel_echo :7 on the gw kernel (core 1)
#
# Figures: single-connection echo throughput (Gbit/s each way), transaction
# rate of 2,000 connections (64-byte request/reply), and the appliance's
# memory per idle established connection, buffers excluded.
set -u
cd "$(dirname "$0")/.."
TOPO_PREFIX="b$$-"
. bench/lib.sh
ROUNDS=${ROUNDS:-3}
STREAM_MIB=${STREAM_MIB:-512}
RR_CONNS=${RR_CONNS:-2000}
RR_SECONDS=${RR_SECONDS:-5}
kernel_pid=""

bench_before_down() { [ -n "$kernel_pid" ] && kill "$kernel_pid" 2>/dev/null; }

run_load() { # label host -> sets STREAM and RR medians
	local host=$1 i s r streams="" rrs=""
	for i in $(seq 1 "$ROUNDS"); do
		s=$(topo_in client taskset -c 0 build/echo_bench stream "$host" 7 "$STREAM_MIB") || { echo "stream failed: $s" >&2; return 1; }
		r=$(topo_in client taskset -c 0 build/echo_bench rr "$host" 7 "$RR_CONNS" "$RR_SECONDS") || { echo "rr failed: $r" >&2; return 1; }
		streams+="$(field gbit_per_s <<<"$s")"$'\n'
		rrs+="$(field per_second <<<"$r")"$'\n'
		echo "    round $i: stream $(field gbit_per_s <<<"$s") Gbit/s, rr $(field per_second <<<"$r") /s" >&2
		sleep 1 # let TIME-WAIT and close traffic settle
	done
	STREAM=$(printf '%s' "$streams" | median)
	RR=$(printf '%s' "$rrs" | median)
}

topo_up || exit 1
topo_start_appliance || exit 1
[ -f "$TOPO_STATE/hugepages" ] || { echo "bench-tcp: hugepages are needed (docs/LAB.md)"; exit 1; }
echo "appliance (iphttpsd, af_xdp, one worker on lcore 1):" >&2
run_load 192.0.2.1 || exit 1
APP_STREAM=$STREAM APP_RR=$RR
# Memory per connection, measured: the appliance's mbufs in use and heap
# before and while RR_CONNS idle established connections are open.
sleep 2 # the load's connections have left TIME-WAIT's mbufs behind
MBUFS_BEFORE=$(topo_telemetry /iphttps/runtime mbufs_in_use)
HEAP_BEFORE=$(topo_telemetry /iphttps/runtime heap_in_use_bytes)
topo_in client python3 - "$RR_CONNS" > /dev/null <<'PY' &
import socket, sys, time
conns = [socket.create_connection(("192.0.2.1", 7)) for _ in range(int(sys.argv[1]))]
time.sleep(4)
PY
idle_pid=$!
sleep 3
OPEN=$(topo_telemetry /iphttps/tcp_memory open_connections)
MBUFS_AFTER=$(topo_telemetry /iphttps/runtime mbufs_in_use)
HEAP_AFTER=$(topo_telemetry /iphttps/runtime heap_in_use_bytes)
MBUF_BYTES=$(topo_telemetry /iphttps/tcp_memory mbuf_truesize_bytes)
SLOT_SHARE=$(topo_telemetry /iphttps/tcp_memory bytes_per_connection)
STRUCT=$(topo_telemetry /iphttps/tcp_memory tcp_conn_struct_bytes)
wait "$idle_pid"
# What the open connections added, per connection (a negative delta, a pool
# cache drained meanwhile, counts as nothing).
ADDED=$(python3 - "$MBUFS_BEFORE" "$MBUFS_AFTER" "$HEAP_BEFORE" "$HEAP_AFTER" "$MBUF_BYTES" "$OPEN" <<'PY'
import sys
mbufs_before, mbufs_after, heap_before, heap_after, mbuf_bytes, conns = (int(x) for x in sys.argv[1:])
added = max(0, mbufs_after - mbufs_before) * mbuf_bytes + max(0, heap_after - heap_before)
print(round(added / max(conns, 1)))
PY
)
MEM_PER_CONN=$((SLOT_SHARE + ADDED))
topo_stop_appliance

# The same veth end, now the gw kernel's.
topo_in gw sysctl -qw net.ipv6.conf.ext0.disable_ipv6=0
topo_in gw ip addr add 192.0.2.1/24 dev ext0
ip netns exec "$(topo_ns gw)" taskset -c 1 build/kernel_echo 7 &
kernel_pid=$!
sleep 0.5
echo "kernel (Linux TCP, epoll echo, one thread on core 1):" >&2
run_load 192.0.2.1 || exit 1
KERNEL_STREAM=$STREAM KERNEL_RR=$RR

python3 - "$APP_STREAM" "$KERNEL_STREAM" "$APP_RR" "$KERNEL_RR" "$MEM_PER_CONN" "$STRUCT" <<'PY'
import sys
a_s, k_s, a_r, k_r, mem, struct = (float(x) for x in sys.argv[1:])
print(f"bench-tcp  (medians of rounds; ratio = appliance / kernel; target >= 0.80)")
print(f"  echo throughput, 1 connection : appliance {a_s:.3f} Gbit/s   kernel {k_s:.3f} Gbit/s   ratio {a_s / k_s:.2f}")
print(f"  transactions, 2000 connections: appliance {a_r:.0f}/s   kernel {k_r:.0f}/s   ratio {a_r / k_r:.2f}")
print(f"  memory per idle established connection: {mem:.0f} bytes   target < 2048")
PY
echo "    = $SLOT_SHARE bytes of connection table per slot, allocated at start-up (tcp_conn $STRUCT + flow and source tables)"
echo "    + $ADDED bytes measured per connection while $OPEN were open: mbufs in use $MBUFS_BEFORE -> $MBUFS_AFTER (x $MBUF_BYTES bytes), heap $HEAP_BEFORE -> $HEAP_AFTER bytes"
