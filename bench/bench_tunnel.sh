#!/usr/bin/env bash
# make bench-tunnel: one iperf3 TCP stream over IPv6 from client to corp through
# the IP-HTTPS tunnel, both directions, with AES-128-GCM (TLS 1.3) and with
# NULL-SHA256 (TLS 1.2), beside the lab's DPDK ceiling measured in the same run:
# the same stream between the same namespaces bridged by dpdk-testpmd io
# forwarding on the same virtual devices (af_xdp), veths and offloads (none).
# Also the round-trip time through the tunnel, idle and under the stream, beside
# the ceiling path's.
#
#   ceiling: client [ext1 fd00:c0::9] ── ext0 ═ testpmd io ═ int0 ── [int1 fd00:c0::2] corp
#   tunnel:  client [TUN iphttps0] ═ TLS ═ ext0 [iphttpsd: the link's router] int0 ── corp
#
# The client end of the tunnel is build/iphttps-client (OpenSSL and a kernel TUN
# device); CLIENT_END=python runs the Python stand-in tests/lib/tun_bridge.py
# instead (ROUNDS, RUN_SECONDS to change the run).
#
# The PMDs' own knobs, applied alike to the ceiling and the appliance (the
# issue asks for both): DEVICE af_xdp|af_packet|tap, DEVARGS appended to every
# port's device string (",busy_budget=0", ",qdisc_bypass=1,framesz=4096"),
# TESTPMD_BURST (testpmd's --burst), APPLIANCE_BURST (the appliance's
# WORKER_RX_BURST, 32: another value builds its own binary in build/burstN).
# CEILING_ONLY=1 stops after the ceiling, AES_ONLY=1 skips NULL-SHA256.
# bench/bench_pmd_options.sh sweeps them.
#
# DEVICE=tap (net_tap, which does the checksums and TSO for the appliance)
# runs af_xdp first and then tap, AES-128-GCM only, and prints the two side
# by side with the worker's TSC cycles per tunnel byte: what the offloads
# take off the worker's core.
set -u
cd "$(dirname "$0")/.."
TOPO_PREFIX="b$$-"
TOPO_DEVICE=${DEVICE:-af_xdp}
TOPO_DEVARGS=${DEVARGS:-}
if [ -n "${APPLIANCE_BURST:-}" ] && [ "$APPLIANCE_BURST" != 32 ]; then
	make --no-print-directory BUILD="build/burst$APPLIANCE_BURST" CFLAGS="-DIPHTTPS_WORKER_BURST=$APPLIANCE_BURST" \
		"build/burst$APPLIANCE_BURST/iphttpsd" > /dev/null || exit 1
	TOPO_APPLIANCE=$PWD/build/burst$APPLIANCE_BURST/iphttpsd
fi
if [ "$TOPO_DEVICE" = tap ] && [ -z "${BENCH_TUNNEL_ONE_DEVICE:-}" ]; then
	figures=$(mktemp -d)
	for device in af_xdp tap; do
		echo "== bench-tunnel on $device" >&2
		DEVICE=$device AES_ONLY=1 BENCH_TUNNEL_ONE_DEVICE=1 bench/bench_tunnel.sh > "$figures/$device" || exit 1
		cat "$figures/$device"
	done
	python3 - "$figures/af_xdp" "$figures/tap" <<'PY'
import sys
def figures(path):
    line = next(l for l in open(path) if l.startswith("figures "))
    return dict(kv.split("=") for kv in line.split()[1:])
x, t = figures(sys.argv[1]), figures(sys.argv[2])
print("bench-tunnel, af_xdp beside tap in this run (AES-128-GCM; cycles: the worker's busy TSC cycles per tunnel byte)")
print(f"  {'':8s} {'ceiling up':>11s} {'down':>7s} {'tunnel up':>10s} {'down':>7s} {'ratio up':>9s} {'down':>6s} {'cycles/B up':>12s} {'down':>6s}")
for name, f in (("af_xdp", x), ("tap", t)):
    cu, cd, tu, td = (float(f[k]) for k in ("ceil_up", "ceil_down", "up", "down"))
    print(f"  {name:8s} {cu:11.3f} {cd:7.3f} {tu:10.3f} {td:7.3f} {tu / cu:9.2f} {td / cd:6.2f} {float(f['cycles_up']):12.2f} {float(f['cycles_down']):6.2f}")
for way in ("up", "down"):
    print(f"  {way}: tap's worker spends {float(t['cycles_' + way]) / float(x['cycles_' + way]):.2f}x af_xdp's cycles per byte")
PY
	rm -rf "$figures"
	exit 0
fi
. bench/lib.sh
ROUNDS=${ROUNDS:-3}
# Not SECONDS: bash counts the script's own run time in that name.
SECONDS_PER_RUN=${RUN_SECONDS:-5}
PKI=$PWD/config/pki
case ${CLIENT_END:-c} in
c) CLIENT_CMD=("$PWD/build/iphttps-client") CLIENT_NAME="build/iphttps-client (C, OpenSSL)" SLAAC=client ;;
python) CLIENT_CMD=(python3 tests/lib/tun_bridge.py) CLIENT_NAME="tests/lib/tun_bridge.py (Python stand-in)" SLAAC=kernel ;;
*) echo "CLIENT_END is c or python" >&2; exit 2 ;;
esac
testpmd_pid="" bridge_pid=""
bench_before_down() {
	[ -n "$testpmd_pid" ] && kill "$testpmd_pid" 2>/dev/null
	[ -n "$bridge_pid" ] && kill "$bridge_pid" 2>/dev/null
	ip netns pids "$(topo_ns corp)" 2>/dev/null | xargs -r kill 2>/dev/null
	true
}

# Every stream uses CUBIC, Debian's default, whatever this host's default is:
# under BBR (v1) a single stream keeps sending into a full queue and loses a
# quarter of its packets at any bottleneck (the tunnel's send queue, as a
# router's interface queue), so the figure would measure BBR, not the path.
# iperf3 gets -C; the client's outer TLS socket follows the host's default,
# which bench_pin_cubic (bench/lib.sh) sets to CUBIC for the run.
CC=${CC:-cubic}
iperf_rate() { # [iperf3 args]: Gbit/s received
	topo_in client timeout $((SECONDS_PER_RUN + 15)) iperf3 -6 -c fd00:c0::2 -t "$SECONDS_PER_RUN" -C "$CC" -J "$@" 2>/dev/null |
		iperf_received 1e9 3
}
rtt_ms() { # median RTT of 20 pings to corp, ms
	topo_in client ping -6 -c 20 -i 0.05 -W 1 fd00:c0::2 2>/dev/null |
		awk -F'time=' '/time=/ {split($2, a, " "); print a[1]}' | median
}
# Where the worker's core goes (PROFILE=0 skips it; needs perf): one more
# stream, with 3 s of `perf record` on lcore 1 in its middle. Prints the rate
# and the share of lcore 1's samples spent in the kernel: on veth, af_xdp's
# copy-mode TX runs the receiving peer's whole stack inside the worker's
# sendto, and its RX copies every frame on that core too. So the kernel's
# share is the lab's device at work, the rest is the forwarder (testpmd or
# the appliance) itself.
core1_kernel_share() { # [iperf3 args] -> "rate kernel_share"
	local data=$TOPO_STATE/perf-$$.data rate
	if [ "${PROFILE:-1}" = 0 ] || ! command -v perf >/dev/null; then
		echo "0 0"
		return
	fi
	topo_in client timeout 20 iperf3 -6 -c fd00:c0::2 -t 6 -C "$CC" -J "$@" > "$TOPO_STATE/profiled.json" 2>/dev/null &
	sleep 1.5
	perf record -q -C 1 -o "$data" -- sleep 3 >/dev/null 2>&1
	wait $!
	rate=$(iperf_received 1e9 3 < "$TOPO_STATE/profiled.json")
	echo "$rate $(perf report -q -i "$data" --sort dso --stdio 2>/dev/null |
		awk '/\[kernel/ {gsub("%", "", $1); k += $1} END {printf "%.3f", k / 100}')"
	rm -f "$data"
}

# One direction's median over ROUNDS.
measure() { median_of_rounds iperf_rate "$@"; } # [iperf3 args]

# CPU time the hypervisor took from this VM over the run (/proc/stat "steal"):
# on a shared host it moves every figure; printed so a reader can tell.
cpu_ticks() { awk '/^cpu / {print $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9, $9}' /proc/stat; }
read -r TICKS0 STEAL0 < <(cpu_ticks)
bench_pin_cubic
topo_up || exit 1
topo_in corp iperf3 -s -D -B fd00:c0::2 || exit 1

echo "ceiling: dpdk-testpmd io forwarding between ext0 and int0 ($TOPO_DEVICE$TOPO_DEVARGS, lcore 1):" >&2
topo_hugepages_take || echo "bench-tunnel: no hugepages; testpmd runs with --no-huge" >&2
huge=(-m 512)
[ -f "$TOPO_STATE/hugepages" ] || huge=(--no-huge -m 512)
topo_in client ip -6 addr add fd00:c0::9/64 dev ext1 nodad
# On tap, testpmd's ports are net_tap devices bridged to the veths, as the appliance's are.
ceil_ext=ext0 ceil_int=int0
[ "$TOPO_DEVICE" = tap ] && ceil_ext=dtap0 ceil_int=dtap1
ip netns exec "$(topo_ns gw)" taskset -c 1 dpdk-testpmd -l 0,1 --no-pci --file-prefix "b$$-testpmd" "${huge[@]}" \
	--vdev "net_${TOPO_DEVICE}0,iface=$ceil_ext$TOPO_DEVARGS" --vdev "net_${TOPO_DEVICE}1,iface=$ceil_int$TOPO_DEVARGS" -- \
	--forward-mode=io --auto-start --burst="${TESTPMD_BURST:-32}" --stats-period 60 > "$TOPO_STATE/testpmd.log" 2>&1 &
testpmd_pid=$!
[ "$TOPO_DEVICE" = tap ] && { topo_tap_join || exit 1; }
for _ in $(seq 1 100); do topo_in client ping -6 -c 1 -W 1 -q fd00:c0::2 >/dev/null 2>&1 && break; sleep 0.2; done
CEIL_RTT=$(rtt_ms)
CEIL_UP=$(measure)
CEIL_DOWN=$(measure -R)
CEIL_PROFILE=("$(core1_kernel_share)" "$(core1_kernel_share -R)")
echo "    up $CEIL_UP Gbit/s, down $CEIL_DOWN Gbit/s, rtt $CEIL_RTT ms" >&2
kill "$testpmd_pid"; wait "$testpmd_pid" 2>/dev/null; testpmd_pid=""
rm -f /dev/hugepages/"b$$-testpmd"map_* 2>/dev/null
topo_in client ip -6 addr del fd00:c0::9/64 dev ext1
if [ "${CEILING_ONLY:-0}" = 1 ]; then
	echo "bench-tunnel ceiling ($TOPO_DEVICE$TOPO_DEVARGS, burst ${TESTPMD_BURST:-32}): up $CEIL_UP Gbit/s, down $CEIL_DOWN Gbit/s, rtt $CEIL_RTT ms"
	exit 0
fi

# The worker's busy TSC cycles per TCP payload byte the appliance moved (in
# and out: the tunnel's TLS stream), over a measurement.
cycles_per_byte_begin() {
	CPB0=($(topo_telemetry /iphttps/stats busy_tsc_cycles) $(topo_telemetry /iphttps/stats tcp_rx_bytes) \
		$(topo_telemetry /iphttps/stats tcp_tx_bytes))
}
cycles_per_byte_end() {
	local now=($(topo_telemetry /iphttps/stats busy_tsc_cycles) $(topo_telemetry /iphttps/stats tcp_rx_bytes) \
		$(topo_telemetry /iphttps/stats tcp_tx_bytes))
	python3 -c 'import sys; c, r, t = (int(b) - int(a) for a, b in zip(sys.argv[1:4], sys.argv[4:7])); print(f"{c / max(r + t, 1):.2f}")' \
		"${CPB0[@]}" "${now[@]}"
}

tunnel() { # config bridge-args... -> sets UP DOWN RTT LOADED_RTT SUITE CYCLES_UP CYCLES_DOWN
	local config=$1 addr
	shift
	TOPO_CONFIG=$config topo_start_appliance || return 1
	ip netns exec "$(topo_ns client)" "${CLIENT_CMD[@]}" 192.0.2.1 --ca "$PKI/ca.crt" --tun iphttps0 \
		--seconds 3600 "$@" > "$TOPO_STATE/bridge.log" 2>&1 &
	bridge_pid=$!
	addr=$(topo_tunnel_address "$SLAAC")
	for _ in $(seq 1 150); do
		[ -n "$addr" ] && topo_in client ping -6 -c 1 -W 1 -q fd00:c0::2 >/dev/null 2>&1 && break
		sleep 0.1
	done
	SUITE=$(python3 -c 'import json,sys; r=json.loads(next(l for l in open(sys.argv[1]) if l.startswith("{"))); print(r["version"], r["cipher"])' \
		"$TOPO_STATE/bridge.log")
	RTT=$(rtt_ms)
	cycles_per_byte_begin
	UP=$(measure)
	CYCLES_UP=$(cycles_per_byte_end)
	cycles_per_byte_begin
	DOWN=$(measure -R)
	CYCLES_DOWN=$(cycles_per_byte_end)
	PROFILED=("$(core1_kernel_share)" "$(core1_kernel_share -R)")
	topo_in client iperf3 -6 -c fd00:c0::2 -t 4 -C "$CC" >/dev/null 2>&1 &
	sleep 1
	LOADED_RTT=$(rtt_ms)
	wait $! 2>/dev/null
	kill "$bridge_pid"; wait "$bridge_pid" 2>/dev/null; bridge_pid=""
	topo_stop_appliance
	echo "    $SUITE: up $UP Gbit/s, down $DOWN Gbit/s, rtt $RTT ms idle, $LOADED_RTT ms under the stream;" \
		"worker cycles per byte up $CYCLES_UP, down $CYCLES_DOWN" >&2
}

echo "tunnel, AES-128-GCM over TLS 1.3 (iphttpsd, $TOPO_DEVICE$TOPO_DEVARGS, one worker on lcore 1):" >&2
tunnel tests/netns/configs/sessions-none.yaml || exit 1
AES=("$SUITE" "$UP" "$DOWN" "$RTT" "$LOADED_RTT")
AES_CYCLES="cycles_up=$CYCLES_UP cycles_down=$CYCLES_DOWN"
AES_PROFILE=("${PROFILED[@]}")
NUL=()
if [ "${AES_ONLY:-0}" != 1 ]; then
	echo "tunnel, NULL-SHA256 over TLS 1.2:" >&2
	tunnel tests/netns/configs/sessions-null.yaml --tls-max 1.2 --ciphers 'NULL-SHA256:@SECLEVEL=0' || exit 1
	NUL=("$SUITE" "$UP" "$DOWN" "$RTT" "$LOADED_RTT")
fi

read -r TICKS1 STEAL1 < <(cpu_ticks)
STEAL_PCT=$(( (STEAL1 - STEAL0) * 100 / (TICKS1 - TICKS0 > 0 ? TICKS1 - TICKS0 : 1) ))
python3 - "$CLIENT_NAME" "$CC" "$STEAL_PCT" "$TOPO_DEVICE$TOPO_DEVARGS" "${CEIL_PROFILE[@]}" "${AES_PROFILE[@]}" "$CEIL_UP" "$CEIL_DOWN" "$CEIL_RTT" "${AES[@]}" "${NUL[@]}" <<'PY'
import sys
client, cc, steal, device = sys.argv[1:5]
profiles = [tuple(map(float, p.split())) for p in sys.argv[5:9]]  # ceiling up, down; AES up, down: (rate, kernel share)
a = sys.argv[9:]
ceil_up, ceil_down, ceil_rtt = float(a[0]), float(a[1]), float(a[2])
print("bench-tunnel  (medians; ratio = tunnel / the testpmd ceiling measured in this run; target >= 0.80)")
print(f"  ceiling (testpmd io forwarding, {device}, MTU 1500): up {ceil_up:.3f} Gbit/s, down {ceil_down:.3f} Gbit/s, rtt {ceil_rtt:.3f} ms")
for i in range(3, len(a), 5):
    suite, up, down, rtt, loaded = a[i], float(a[i + 1]), float(a[i + 2]), float(a[i + 3]), float(a[i + 4])
    print(f"  {suite:32s} up {up:.3f} Gbit/s (ratio {up / ceil_up:.2f})   down {down:.3f} Gbit/s (ratio {down / ceil_down:.2f})")
    print(f"  {'':32s} rtt idle {rtt:.3f} ms (+{rtt - ceil_rtt:.3f} over the ceiling path), under the stream {loaded:.3f} ms")
print(f"  (client end: {client}; every stream {cc}; the hypervisor took {steal}% of this VM's CPU time during the run)")
if all(rate > 0 and share > 0 for rate, share in profiles):
    print("where the worker's core (lcore 1) goes, perf, one more stream each (AES-128-GCM for the tunnel):")
    for i, way in enumerate(("up", "down")):
        (c_rate, c_k), (t_rate, t_k) = profiles[i], profiles[2 + i]
        ceil = (ceil_up, ceil_down)[i]
        # With the forwarder's own work at zero, lcore 1 would carry only the device's kernel work:
        # the tunnel's rate then is its rate over its kernel share.
        print(f"  {way:4s} ceiling {c_rate:.3f} Gbit/s, kernel {c_k:.0%} of lcore 1 ({c_k / c_rate:.3f} of the core per Gbit/s);"
              f" tunnel {t_rate:.3f} Gbit/s, kernel {t_k:.0%}, appliance {1 - t_k:.0%} ({t_k / t_rate:.3f} per Gbit/s)")
        print(f"       the device's work alone caps the tunnel at {t_rate / t_k:.2f} Gbit/s: ratio {t_rate / t_k / ceil:.2f}"
              f" even if the appliance cost nothing")
PY
# One line for a reader that compares runs (DEVICE=tap prints two side by side).
echo "figures device=$TOPO_DEVICE$TOPO_DEVARGS ceil_up=$CEIL_UP ceil_down=$CEIL_DOWN up=${AES[1]} down=${AES[2]} $AES_CYCLES"
