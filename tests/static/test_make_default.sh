#!/usr/bin/env bash
# A newcomer's first command: a bare `make` in a clean copy of the tree builds
# the three programs (the first rule in the Makefile once was
# print-layer-flags, and a bare make printed compiler flags and built nothing).
# The copy is of the tracked files as they are now, so the test sees
# uncommitted edits too; its build stays in the copy.
# usage: tests/static/test_make_default.sh [BUILD_DIR]
set -u
cd "$(dirname "$0")/../.."
source tests/lib/check.sh

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
git ls-files -z | xargs -0 cp --parents -t "$tmp" 2>/dev/null
check "the copy has no build/ to start from" test ! -e "$tmp/build"
CHECK_LOG="$tmp/make.log" check "a bare make succeeds" make -C "$tmp" -j2 --no-print-directory
for program in iphttpsd iphttpsctl iphttps-client; do
	check "a bare make leaves build/$program" test -x "$tmp/build/$program"
done
check "and prints no compiler flags alone (print-layer-flags is not the default)" \
	bash -c "! grep -qx -- '-std=gnu11.*' '$tmp/make.log'"
check_finish
