#!/usr/bin/env bash
# Assertions for the netns tests. Each prints one "PASS: name" or "FAIL: name"
# line; tests/run.sh counts those lines. A test script exits non-zero if any
# check failed (check_finish).

CHECK_FAILED=0

check() { # name command...: passes when the command succeeds
	local name=$1
	shift
	if "$@" > "${CHECK_LOG:-/dev/null}" 2>&1; then
		echo "PASS: $name"
	else
		echo "FAIL: $name (command: $*)"
		[ -n "${CHECK_LOG:-}" ] && sed 's/^/    | /' "$CHECK_LOG" | tail -20
		CHECK_FAILED=1
	fi
}

check_equal() { # name expected actual
	if [ "$2" = "$3" ]; then
		echo "PASS: $1"
	else
		echo "FAIL: $1 (expected '$2', got '$3')"
		CHECK_FAILED=1
	fi
}

wait_until() { # seconds command...: until the command holds; prints how long it took (s), or fails after seconds
	local limit=$1 start end
	shift
	start=$(date +%s.%N)
	end=$(python3 -c "print($start + $limit)")
	while ! "$@" 2>/dev/null; do
		python3 -c "import sys,time; sys.exit(time.time() < $end)" && return 1
		sleep 0.1
	done
	python3 -c "import time; print(round(time.time() - $start, 2))"
}

check_finish() {
	return "$CHECK_FAILED"
}
