#!/usr/bin/env bash
# iphttpsctl as an operator meets it: exit codes, messages on stderr, prefixes.
set -u
cd "$(dirname "$0")/../.."
. tests/lib/check.sh
ctl=build/iphttpsctl
tmp=$(mktemp -d)
trap 'rm -rf "$tmp" config/legacy-tls.test.yaml' EXIT

for f in config/*.yaml; do
	check "check $f exits 0" "$ctl" check "$f"
done
printf 'ports: {}\nbogus: 1\n' > "$tmp/bad.yaml"
"$ctl" check "$tmp/bad.yaml" > "$tmp/out" 2> "$tmp/err"
check_equal "check of a bad file exits 1" 1 "$?"
check_equal "errors go to stderr, nothing to stdout" "" "$(cat "$tmp/out")"
check_equal "every error is printed, in file order" \
"$tmp/bad.yaml:1:1: missing required key 'listeners'
$tmp/bad.yaml:1:1: missing required key 'iphttps'
$tmp/bad.yaml:1:8: missing required key 'external' in 'ports'
$tmp/bad.yaml:1:8: missing required key 'internal' in 'ports'
$tmp/bad.yaml:2:1: unknown key 'bogus' at top level" "$(cat "$tmp/err")"
"$ctl" ch config/lab.yaml > "$tmp/out" 2>&1
check_equal "a unique command prefix is accepted" "0 config/lab.yaml: ok" "$? $(cat "$tmp/out")"
"$ctl" frobnicate > /dev/null 2> "$tmp/err"
check_equal "an unknown command exits 2" 2 "$?"
check "an unknown command names itself" grep -q "unknown command 'frobnicate'" "$tmp/err"
"$ctl" check > /dev/null 2>&1
check_equal "check without a file exits 2" 2 "$?"
# tls.min_version "1.0" is valid, for Windows 7, and check says what it admits.
sed 's/min_version: "1.2"/min_version: "1.0"/' config/lab.yaml > config/legacy-tls.test.yaml
"$ctl" check config/legacy-tls.test.yaml > "$tmp/out" 2> "$tmp/err"
check_equal "check of tls.min_version 1.0 exits 0" "0 config/legacy-tls.test.yaml: ok" "$? $(cat "$tmp/out")"
check "and warns that it is for legacy clients" grep -q \
	"^config/legacy-tls.test.yaml: warning: 'tls.min_version' below \"1.2\" is for legacy clients" "$tmp/err"
rm -f config/legacy-tls.test.yaml
"$ctl" check config/lab.yaml > /dev/null 2> "$tmp/err"
check_equal "the lab's config (1.2) gets no warning" "" "$(cat "$tmp/err")"
check_finish
