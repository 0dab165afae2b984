#!/usr/bin/env bash
# Runs each libFuzzer harness for SECONDS from its seed corpus (tests/fuzz/corpus/<name>),
# with new inputs kept in a scratch directory, and prints one PASS/FAIL line per
# harness. A crash leaves its input as crash-* in the scratch directory, named in the log.
# usage: tests/fuzz/run.sh SECONDS build/fuzz_...
set -u
cd "$(dirname "$0")/../.."
seconds=${1:?usage: run.sh SECONDS HARNESS...}
shift
failed=0
for bin in "$@"; do
	name=${bin##*/fuzz_}
	work=$(mktemp -d /tmp/iphttps-fuzz-XXXXXX)
	out=$("$bin" -max_total_time="$seconds" -timeout=5 -rss_limit_mb=1024 -artifact_prefix="$work/" \
		-print_final_stats=1 "$work" "tests/fuzz/corpus/$name" 2>&1)
	rc=$?
	runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' <<<"$out" | grep -o '[0-9]*$')
	if [ "$rc" -eq 0 ] && [ "${runs:-0}" -gt 0 ]; then
		echo "PASS: fuzz $name: ${runs} inputs in ${seconds} s, no crash"
		rm -rf "$work"
	else
		echo "FAIL: fuzz $name (exit $rc; inputs and crash kept in $work)"
		tail -30 <<<"$out"
		failed=1
	fi
done
exit "$failed"
