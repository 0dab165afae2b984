# Sourced by each bench/bench_*.sh after it sets TOPO_PREFIX: the lab topology
# with a per-run state directory, a teardown that runs however the benchmark
# ends (a script may define bench_before_down to stop what it started), and
# the helpers every benchmark prints its medians with.
TOPO_STATE=$(mktemp -d /tmp/iphttps-bench-XXXXXX)
. tests/lib/topology.sh

bench_cleanup() {
	declare -F bench_before_down > /dev/null && bench_before_down
	topo_down
	rm -rf "$TOPO_STATE"
}
trap bench_cleanup EXIT
trap 'exit 130' INT TERM

median() { sort -g | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
field() { python3 -c "import json, sys; print(json.loads(sys.stdin.read())['$1'])"; }
