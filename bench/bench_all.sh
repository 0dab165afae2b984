#!/usr/bin/env bash
# make bench: every benchmark in turn, each one's output kept in LOG_DIR/<name>.log,
# then each same-run ratio beside its record (bench/compare_ratios.py,
# bench/ratios.tsv): a figure that fell by more than a third does not pass
# silently. Exits non-zero if a benchmark failed or a ratio was flagged.
# usage: bench/bench_all.sh LOG_DIR BENCH...   (make bench passes tcp tls tunnel ...)
set -u
cd "$(dirname "$0")/.."
log_dir=$1
shift
mkdir -p "$log_dir"
status=0
for bench in "$@"; do
	rm -f "$log_dir/$bench.log"
	make --no-print-directory "bench-$bench" 2>&1 | tee "$log_dir/$bench.log"
	if [ "${PIPESTATUS[0]}" -ne 0 ]; then
		echo "bench-$bench failed" | tee -a "$log_dir/$bench.log"
		status=1
	fi
done
echo
bench/compare_ratios.py bench/ratios.tsv "$log_dir" || status=1
exit "$status"
