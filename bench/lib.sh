# Sourced by each bench/bench_*.sh after it sets TOPO_PREFIX: the lab topology
# with a per-run state directory, a teardown that runs however the benchmark
# ends (a script may define bench_before_down to stop what it started), and
# the helpers every benchmark prints its medians with.
TOPO_STATE=$(mktemp -d /tmp/iphttps-bench-XXXXXX)
. tests/lib/topology.sh

bench_cleanup() {
	declare -F bench_before_down > /dev/null && bench_before_down
	topo_down
	[ -f "$TOPO_STATE/host_cc" ] && sysctl -qw net.ipv4.tcp_congestion_control="$(cat "$TOPO_STATE/host_cc")"
	rm -rf "$TOPO_STATE"
}

# Every kernel TCP socket of the run uses CUBIC, the default of Debian and of
# the Windows clients in the field, whatever this host's default is (one of
# these machines defaults to BBR, whose single stream keeps sending into a
# full queue). A namespace may not choose its own, so the host's default is
# set for the run and put back by bench_cleanup. iperf3 streams also get -C.
bench_pin_cubic() {
	local now
	now=$(sysctl -n net.ipv4.tcp_congestion_control)
	[ "$now" = cubic ] && return 0
	echo "$now" > "$TOPO_STATE/host_cc"
	sysctl -qw net.ipv4.tcp_congestion_control=cubic
}
trap bench_cleanup EXIT
trap 'exit 130' INT TERM

median() { sort -g | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
# The median of ROUNDS runs of a command that prints one number.
median_of_rounds() {
	local i rates=""
	for i in $(seq 1 "$ROUNDS"); do
		rates+="$("$@")"$'\n'
	done
	printf '%s' "$rates" | median
}
# The receiver's rate in iperf3 -J output on stdin, in bits/s over $1 (1e9:
# Gbit/s), rounded to $2 places; 0 when the run gave none.
iperf_received() {
	python3 -c 'import json,sys; r = json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"]
print(round(r / float(sys.argv[1]), int(sys.argv[2])))' "$1" "$2" 2>/dev/null || echo 0
}
field() { python3 -c "import json, sys; print(json.loads(sys.stdin.read())['$1'])"; }
