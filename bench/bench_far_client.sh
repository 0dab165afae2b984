#!/usr/bin/env bash
# make bench-far-client: one iperf3 TCP stream each way through the tunnel from
# a client far away (RTT_MS, default 40, kept by tests/lib/delay_line.py: this
# kernel has no netem), with the appliance's TCP windows and send queues that
# grow (the defaults) beside the same appliance with both fixed at their
# starting 256 KiB, measured in the same run. A fixed window bounds one
# client's upstream to window / RTT, and a fixed send queue its downstream:
# 256 KiB over 40 ms is 52 Mbit/s, whatever the path could carry.
#
#   far [far0 192.0.2.5, TUN iphttps0] ── far1 ═ delay line (client ns) ═ ext1 ── ext0 [iphttpsd] int0 ── corp
#
# The delay line is Python and shares core 0 with the client, iperf3 and the
# kernels' TCP: what it can carry is the ceiling of the grown figures here.
# ROUNDS, RUN_SECONDS, RTT_MS change the run.
set -u
cd "$(dirname "$0")/.."
TOPO_PREFIX="b$$-"
. bench/lib.sh
ROUNDS=${ROUNDS:-3}
SECONDS_PER_RUN=${RUN_SECONDS:-8}
RTT_MS=${RTT_MS:-40}
PKI=$PWD/config/pki
FAR=$(topo_ns far)
CC=cubic # as bench_tunnel.sh: the host's default may be BBR
client_pid="" line_pid=""
bench_before_down() {
	[ -n "$client_pid" ] && kill "$client_pid" 2>/dev/null
	[ -n "$line_pid" ] && kill "$line_pid" 2>/dev/null
	ip netns pids "$(topo_ns corp)" 2>/dev/null | xargs -r kill 2>/dev/null
	true
}

iperf_rate() { # [iperf3 args]: Mbit/s received
	ip netns exec "$FAR" timeout $((SECONDS_PER_RUN + 20)) iperf3 -6 -c fd00:c0::2 -t "$SECONDS_PER_RUN" -C "$CC" \
		-J "$@" 2>/dev/null | iperf_received 1e6 1
}
measure() { median_of_rounds iperf_rate "$@"; } # [iperf3 args]

bench_pin_cubic
topo_up || exit 1
topo_in corp iperf3 -s -D -B fd00:c0::2 || exit 1
# The far client's namespace, behind the delay line in the client namespace.
ip netns add "$FAR" || exit 1
echo "$FAR" >> "$TOPO_STATE/namespaces"
ip -n "$FAR" link set lo up
ip link add far0 netns "$FAR" type veth peer name far1 netns "$(topo_ns client)" || exit 1
topo_veth_quiet far far0
topo_veth_quiet client far1
topo_in client sysctl -qw net.ipv6.conf.far1.disable_ipv6=1 # the client kernel stays off this wire
topo_in client ip link set far1 promisc on
topo_in client ip link set ext1 promisc on
ip -n "$FAR" addr add 192.0.2.5/24 dev far0
ip netns exec "$(topo_ns client)" python3 tests/lib/delay_line.py ext1 far1 "$((RTT_MS / 2))" --seconds 1800 \
	> "$TOPO_STATE/delay_line.log" 2>&1 &
line_pid=$!

# limits as given (the defaults: both grow), or fixed at their start.
config_with() { # name limits-lines...
	local name=$1
	shift
	awk -v extra="$(printf '  %s\n' "$@")" '{print} /^limits:/ {print extra}' tests/netns/configs/sessions-none.yaml \
		> "$TOPO_STATE/$name.yaml"
	echo "$TOPO_STATE/$name.yaml"
}

run() { # config -> sets UP DOWN PATH_RTT
	TOPO_CONFIG=$1 topo_start_appliance || return 1
	ip netns exec "$FAR" "$PWD/build/iphttps-client" 192.0.2.1 --ca "$PKI/ca.crt" --tun iphttps0 --seconds 3600 \
		> "$TOPO_STATE/client.log" 2>&1 &
	client_pid=$!
	for _ in $(seq 1 200); do
		ip -n "$FAR" -6 addr show dev iphttps0 scope global 2>/dev/null | grep -q inet6 &&
			ip netns exec "$FAR" ping -6 -c 1 -W 1 -q fd00:c0::2 > /dev/null 2>&1 && break
		sleep 0.1
	done
	PATH_RTT=$(ip netns exec "$FAR" ping -c 5 -i 0.2 -W 2 192.0.2.1 2>/dev/null |
		awk -F'time=' '/time=/ {split($2, a, " "); print a[1]}' | median)
	UP=$(measure)
	DOWN=$(measure -R)
	GROWN="$(topo_telemetry /iphttps/stats tcp_recv_window_grown 2>/dev/null || echo 0) $(topo_telemetry /iphttps/stats tcp_send_queue_grown 2>/dev/null || echo 0)"
	kill "$client_pid"; wait "$client_pid" 2>/dev/null; client_pid=""
	topo_stop_appliance
}

echo "fixed: TCP receive windows and send queues at 256 KiB (the appliance before either grew):" >&2
run "$(config_with fixed "tcp_recv_queue_max_bytes: 262144" "tcp_send_queue_max_bytes: 262144")" || exit 1
FIXED=("$UP" "$DOWN" "$PATH_RTT" $GROWN)
echo "    up ${FIXED[0]} Mbit/s, down ${FIXED[1]} Mbit/s; path RTT ${FIXED[2]} ms" >&2
echo "send queues grow, receive windows fixed at 256 KiB:" >&2
run "$(config_with sendonly "tcp_recv_queue_max_bytes: 262144")" || exit 1
SEND=("$UP" "$DOWN" "$PATH_RTT" $GROWN)
echo "    up ${SEND[0]} Mbit/s, down ${SEND[1]} Mbit/s; path RTT ${SEND[2]} ms" >&2
echo "both grow (the defaults: tcp_recv_queue_max_bytes and tcp_send_queue_max_bytes 4 MiB):" >&2
run tests/netns/configs/sessions-none.yaml || exit 1
GROW=("$UP" "$DOWN" "$PATH_RTT" $GROWN)
echo "    up ${GROW[0]} Mbit/s, down ${GROW[1]} Mbit/s; path RTT ${GROW[2]} ms" >&2
kill "$line_pid" 2>/dev/null; wait "$line_pid" 2>/dev/null; line_pid=""

python3 - "$RTT_MS" "${FIXED[@]}" "${SEND[@]}" "${GROW[@]}" "$(tail -1 "$TOPO_STATE/delay_line.log")" <<'PY'
import json, sys
rtt = float(sys.argv[1])
rows = [list(map(float, sys.argv[2 + 5 * i:7 + 5 * i])) for i in range(3)]  # up, down, path rtt, grown counters
try:
    line = json.loads(sys.argv[17])
except (ValueError, IndexError):
    line = {}
f_up, f_down, f_rtt = rows[0][:3]
bound = 256 * 1024 * 8 / (f_rtt / 1000) / 1e6 if f_rtt > 0 else 0
print(f"bench-far-client  (one stream each way through the tunnel, medians; RTT {rtt:.0f} ms kept by a delay line;"
      f" 256 KiB / the path's {f_rtt:.1f} ms = {bound:.0f} Mbit/s)")
labels = ("both fixed at 256 KiB (baseline)", "send queues grow, windows fixed", "both grow (the defaults)")
for label, (up, down, path, windows, queues) in zip(labels, rows):
    print(f"  {label:34s} up {up:6.1f} Mbit/s ({up / f_up if f_up else 0:5.2f})   down {down:6.1f} Mbit/s"
          f" ({down / f_down if f_down else 0:5.2f})   windows grown {windows:.0f}, send queues grown {queues:.0f}")
print(f"  (ratios against the baseline; the delay line carried {line.get('carried', '?')} frames and dropped"
      f" {line.get('dropped', '?')}: it is Python on the core the client and the kernels share, so it bounds"
      " the grown figures)")
PY
