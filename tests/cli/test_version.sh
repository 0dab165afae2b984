#!/usr/bin/env bash
# Issue #23: "None of the three programs knows --version." Each prints its
# name and one version, the same for all three (one generated version.c), and
# exits 0; in a git checkout the version names the commit the build is from.
# usage: tests/cli/test_version.sh [BUILD_DIR]
set -u
cd "$(dirname "$0")/../.."
build=${1:-build}
source tests/lib/check.sh

versions=()
for prog in iphttpsd iphttpsctl iphttps-client; do
	out=$("$build/$prog" --version 2>&1)
	rc=$?
	echo "    $out"
	check "$prog --version: its name and a version, exit 0" \
		bash -c '[ "$1" -eq 0 ] && [[ "$2" =~ ^$3\ [0-9]+\.[0-9]+(\+git\.[0-9a-f]+(-dirty)?)?$ ]]' _ "$rc" "$out" "$prog"
	versions+=("${out#* }")
done
check "all three name the same version" bash -c '[ "$1" = "$2" ] && [ "$2" = "$3" ]' _ "${versions[@]}"
if git rev-parse --git-dir >/dev/null 2>&1; then
	made_from=${versions[0]##*+git.}
	made_from=${made_from%-dirty}
	check "built from git: the version names a commit of this tree ($made_from)" \
		git cat-file -e "$made_from^{commit}"
fi
check_finish
