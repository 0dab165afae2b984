#!/usr/bin/env bash
# What deploy/ ships works as shipped: the appliance's unit and dashboard, and for the client: systemd accepts the unit
# (systemd-analyze verify, with the binary at this build's path; a unit it
# warns about fails), the unit's ExecStartPre (--check) passes on the shipped
# YAML once its CA path names a file, and --check refuses a broken file with
# file:line:col.
# usage: tests/static/test_deploy.sh [BUILD_DIR]
set -u
cd "$(dirname "$0")/../.."
build=${1:-build}
source tests/lib/check.sh

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# systemd-analyze verify on units, man pages found in this tree: passes
# only with exit 0 and not a line of warning.
check_units_verify() { # what unit-file...
	local what=$1 out rc
	shift
	out=$(MANPATH=$PWD/man: systemd-analyze verify "$@" 2>&1)
	rc=$?
	[ -n "$out" ] && echo "$out" | sed 's/^/    /'
	check "systemd-analyze verify accepts $what, without a warning" \
		bash -c '[ "$1" -eq 0 ] && [ -z "$2" ]' _ "$rc" "$out"
}
client=$PWD/$build/iphttps-client

sed "s#/usr/sbin/iphttps-client#$client#g; s#/etc/iphttps-client/iphttps-client.yaml#$tmp/client.yaml#g" \
	deploy/iphttps-client.service > "$tmp/iphttps-client.service"
check_units_verify deploy/iphttps-client.service "$tmp/iphttps-client.service"

# The sandbox systemd itself measures: the exposure deploy/README.md states.
out=$(systemd-analyze security --offline=yes "$tmp/iphttps-client.service" 2>&1 | grep "Overall exposure level")
echo "    $out"
check "systemd-analyze security rates the client's unit 2.5 or less (OK; deploy/README.md)" \
	python3 -c 'import re,sys; m=re.search(r"level for .*: ([0-9.]+) ", sys.argv[1]); sys.exit(not (m and float(m.group(1)) <= 2.5))' "$out"
check "it runs as its own user with CAP_NET_ADMIN alone" \
	bash -c 'grep -qx "User=iphttps-client" "$1" && grep -qx "CapabilityBoundingSet=CAP_NET_ADMIN" "$1" && grep -qx "AmbientCapabilities=CAP_NET_ADMIN" "$1"' \
	_ deploy/iphttps-client.service

# The appliance's unit, with this build's binaries.
sed "s#/usr/sbin/#$PWD/$build/#g" deploy/iphttpsd.service > "$tmp/iphttpsd.service"
check_units_verify deploy/iphttpsd.service "$tmp/iphttpsd.service"
# The ticket-key rotation, with this build's iphttpsctl.
sed "s#/usr/sbin/#$PWD/$build/#g" deploy/iphttpsd-ticket-keys.service > "$tmp/iphttpsd-ticket-keys.service"
cp deploy/iphttpsd-ticket-keys.timer "$tmp/"
check_units_verify "the ticket-key rotation's service and timer" "$tmp/iphttpsd-ticket-keys.service" \
	"$tmp/iphttpsd-ticket-keys.timer"
check "the timer's calendar is hourly (systemd-analyze calendar reads it)" \
	bash -c 'systemd-analyze calendar "$(sed -n "s/^OnCalendar=//p" deploy/iphttpsd-ticket-keys.timer)" | grep -q "Normalized form: \*-\*-\* \*:00:00"'
check "its ExecStartPre (iphttpsctl check) passes on the shipped example config" \
	"$PWD/$build/iphttpsctl" check config/iphttpsd.yaml
# The cluster's health glue: shellcheck on the script as shipped, systemd on its unit.
check "shellcheck finds nothing in deploy/bgp/iphttps-bgp-health" shellcheck deploy/bgp/iphttps-bgp-health
sed "s#/usr/sbin/iphttps-bgp-health#$PWD/deploy/bgp/iphttps-bgp-health#; s#/etc/iphttps/bgp-health.env#$PWD/deploy/bgp/bgp-health.env#g" \
	deploy/bgp/iphttps-bgp-health.service > "$tmp/iphttps-bgp-health.service"
check_units_verify deploy/bgp/iphttps-bgp-health.service "$tmp/iphttps-bgp-health.service"
check "the glue refuses a call without its values, saying how to call it (exit 2)" \
	bash -c 'deploy/bgp/iphttps-bgp-health --asn 65100 2>&1 >/dev/null | grep -q "^usage: iphttps-bgp-health"; [ "${PIPESTATUS[0]}" -eq 2 ]'
check "the Grafana dashboard is JSON with panels and queries" \
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(not (d["panels"] and all(t["expr"] for p in d["panels"] for t in p["targets"])))' \
	deploy/grafana-iphttps.json

sed "s#ca: /etc/iphttps-client/ca.crt#ca: $PWD/config/pki/ca.crt#" deploy/iphttps-client.yaml > "$tmp/client.yaml"
out=$("$client" --config "$tmp/client.yaml" --check 2>&1)
echo "$out" | sed 's/^/    /'
check "the unit's ExecStartPre (--check) passes on the shipped YAML" \
	grep -q "configuration OK: server gw.example.com port 443" <<<"$out"
out=$("$client" --config "$tmp/client.yaml" --check --port 8443 --proxy socks5://127.0.0.1:1080 2>&1)
check "options given on the command line override the file" \
	bash -c 'grep -q "port 8443" <<<"$1" && grep -q "way 2: socks5 127.0.0.1:1080" <<<"$1"' _ "$out"
printf 'server: x\nca: %s\nmtu: 9\n' "$PWD/config/pki/ca.crt" > "$tmp/bad.yaml"
out=$("$client" --config "$tmp/bad.yaml" --check 2>&1)
rc=$?
echo "$out" | sed 's/^/    /'
check "--check refuses a broken file (exit 2), saying file:line:col" \
	bash -c '[ "$1" -eq 2 ] && grep -q "bad.yaml:3:6: .mtu. must be between 1280 and 65535" <<<"$2"' _ "$rc" "$out"
check_finish
