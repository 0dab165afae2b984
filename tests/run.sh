#!/usr/bin/env bash
# Runs every test tier and ends with one line: "N passed, M failed".
#   unit:  each CUnit binary build/test_* (its tests are counted)
#   asan:  the same, built with ASan and UBSan: build/asan/test_*
#   fuzz:  each libFuzzer harness build/fuzz_* for FUZZ_TEST_SECONDS (15)
#   cli:   each tests/cli/test_*.sh (iphttpsctl as an operator uses it)
#   static: each tests/static/test_*.sh (the layers: includes, compiler, link)
#   package: tests/package/test_*.sh: the Debian packages built, installed, purged
#   netns: each tests/netns/test_*.sh, on af_xdp, and the appliance test on
#          af_packet too, stopped with SIGINT, and on tap (net_tap: the port
#          checks checksums); each PASS/FAIL line is counted
# usage: tests/run.sh [--unit-only] BUILD_DIR
set -u
cd "$(dirname "$0")/.."
unit_only=0
if [ "${1:-}" = --unit-only ]; then unit_only=1; shift; fi
build=${1:-build}
passed=0
failed=0

run_unit() {
	local bin=$1 out summary
	out=$("$bin" 2>&1)
	local rc=$?
	echo "$out"
	summary=$(awk '$1 == "tests" {print $3, $4, $5}' <<<"$out" | tail -1)
	if [ -z "$summary" ]; then
		echo "FAIL: $bin printed no CUnit summary (exit $rc)"
		failed=$((failed + 1))
		return
	fi
	read -r ran ok bad <<<"$summary"
	passed=$((passed + ok))
	failed=$((failed + bad))
	if [ "$rc" -ne 0 ] && [ "$bad" -eq 0 ]; then
		echo "FAIL: $bin exited $rc"
		failed=$((failed + 1))
	fi
}

# The test namespaces (tests/lib/netns_test.sh names them t<pid>-...) that
# exist now, one per line.
test_namespaces() { ip netns list 2>/dev/null | awk '$1 ~ /^t[0-9]+-/ {print $1}' | sort; }

run_script() {
	local script=$1 out rc p f before left
	shift
	echo "== $script $*"
	before=$(test_namespaces)
	out=$(timeout 600 "$script" "$@" 2>&1)
	rc=$?
	echo "$out"
	p=$(grep -c '^PASS:' <<<"$out")
	f=$(grep -c '^FAIL:' <<<"$out")
	passed=$((passed + p))
	failed=$((failed + f))
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "FAIL: $script $* exited $rc without naming a failure"
		failed=$((failed + 1))
	fi
	# A test that leaves its namespaces behind is named, and they are removed
	# so that the next test does not inherit them.
	left=$(comm -13 <(echo "$before") <(test_namespaces) | xargs)
	if [ -n "$left" ]; then
		echo "FAIL: $script $* left namespaces behind: $left"
		failed=$((failed + 1))
		for ns in $left; do
			ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null
			ip netns del "$ns" 2>/dev/null
		done
	fi
}

for bin in "$build"/test_*; do
	[ -x "$bin" ] || continue
	echo "== $bin"
	run_unit "$bin"
done

# The sanitizer tier: the same CUnit tests built with ASan and UBSan (make
# unit-asan). Full stacks on malloc so that the one excused OpenSSL
# allocation (tests/unit/lsan.supp) is matched by name and nothing else is.
asan_tests=("$build"/asan/test_*)
if [ -x "${asan_tests[0]}" ]; then
	for bin in "${asan_tests[@]}"; do
		echo "== $bin (ASan, UBSan)"
		ASAN_OPTIONS=fast_unwind_on_malloc=0:detect_leaks=1 \
			LSAN_OPTIONS=suppressions=tests/unit/lsan.supp UBSAN_OPTIONS=print_stacktrace=1 run_unit "$bin"
	done
else
	echo "FAIL: no sanitizer build in $build/asan (make unit-asan)"
	failed=$((failed + 1))
fi

# Each parser's libFuzzer harness, briefly (make fuzz runs them longer).
fuzzers=("$build"/fuzz_*)
if [ -x "${fuzzers[0]}" ]; then
	run_script tests/fuzz/run.sh "${FUZZ_TEST_SECONDS:-15}" "${fuzzers[@]}"
else
	echo "FAIL: no fuzz harnesses in $build (make fuzz-build)"
	failed=$((failed + 1))
fi

for script in tests/cli/test_*.sh; do
	run_script "$script"
done

# The layers of DESIGN.md, checked on the tree and on the build's objects.
for script in tests/static/test_*.sh; do
	run_script "$script" "$build"
done

if [ "$unit_only" -eq 0 ]; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "FAIL: the netns tests need root (network namespaces, DPDK); run make test as root"
		failed=$((failed + 1))
	else
		for script in tests/package/test_*.sh tests/netns/test_*.sh; do
			run_script "$script"
		done
		run_script tests/netns/test_appliance_answers.sh af_packet INT
		run_script tests/netns/test_appliance_answers.sh tap
	fi
	# Namespaces of a run that was killed before this one began are not this
	# run's: run_script names any test of this run that leaves its own.
	stale=$(test_namespaces | xargs)
	[ -n "$stale" ] && echo "note: namespaces from before this run, not removed: $stale"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
