#!/usr/bin/env bash
# What the link's Router Advertisements configure besides the address, read by
# real consumers: rdisc6 (ndisc6) prints the RDNSS, DNSSL and Route
# Information options it reads from the TUN device; iphttps-client installs
# the split tunnel's routes through netlink and gives the DNS servers and
# domains to a real systemd-resolved (tests/lib/resolved.sh), which resolvectl
# then shows for the link. A reload changes them on the running client within
# seconds (what it takes away goes at once, with lifetime 0, not 30 minutes
# later), a reload back to a full tunnel gives the default route back, and
# LinkDown undoes the DNS settings. Without resolved, the client says so.
#
#   client ns: iphttps0 (TUN) ── iphttps-client ══ TLS ══┐     systemd-resolved on a private bus
#   192.0.2.2 [ext1] ─── [ext0] gw: iphttpsd [int0] ─── [int1] corp fd00:c0::2
. "$(dirname "$0")/../lib/netns_test.sh"
. tests/lib/resolved.sh
. tests/lib/unbound.sh

PKI=$TOPO_REPO/config/pki
CLIENT=$TOPO_REPO/build/iphttps-client
CLIENT_PID=
BUSLESS_PID=
cleanup_link_options() {
	[ -n "$CLIENT_PID" ] && kill "$CLIENT_PID" 2>/dev/null
	[ -n "$BUSLESS_PID" ] && kill "$BUSLESS_PID" 2>/dev/null
	resolved_stop
	unbound_stop
	netns_test_cleanup
}
trap cleanup_link_options EXIT
counter() { topo_telemetry /iphttps/stats "$1"; }
routes() { topo_in client ip -6 route show dev "${1:-iphttps0}"; }
# The lab's appliance with these lines under iphttps: (after link_mtu).
config_with() { # FILE LINE...
	local out=$1
	shift
	awk -v extra="$(printf '%s\n' "$@")" '{ print } /^  link_mtu:/ { print extra }' \
		"$TOPO_REPO/tests/netns/configs/sessions-none.yaml" > "$out"
}
resolved_link_has() { resolvectl_in client status iphttps0 2>&1 | grep -q "$1"; }
resolved_link_lacks() { ! resolved_link_has "$1"; }

config_with "$TOPO_STATE/split.yaml" \
	"  dns_servers: [fd00:c0::2]" "  dns_search: [corp.test]" "  client_routes: [fd00:c0::/64, 2001:db8:c1::/64]"
echo "# the RAs' DNS and routes, namespaces ${TOPO_PREFIX}{client,gw,corp}"
if [ ! -x "$CLIENT" ] || ! topo_up || ! TOPO_CONFIG=$TOPO_STATE/split.yaml topo_start_appliance; then
	echo "FAIL: iphttps-client built, lab topology and appliance start"
	exit 1
fi
check "a systemd-resolved of the test's own runs in the client namespace" resolved_start client
check "corp's DNS server (Unbound) serves corp.test" unbound_start corp fd00:c0::2 \
	'local-zone: "corp.test." static' 'local-data: "intranet.corp.test. AAAA fd00:c0::2"' 

ip netns exec "$(topo_ns client)" env "$(resolved_env)" "$CLIENT" 192.0.2.1 --ca "$PKI/ca.crt" \
	--server-name gw.iphttps.test --tun iphttps0 --seconds 170 --status-file "$TOPO_STATE/up.json" \
	> "$TOPO_STATE/client.log" 2>&1 &
CLIENT_PID=$!
client_addr=$(topo_tunnel_address)
check "the link is up and the client has an address" bash -c '[[ "$1" == 2001:db8:c1:0:* ]]' _ "$client_addr"

# ---- rdisc6 reads the RA from the TUN device (the client passes RAs on to it)
out=$(topo_in client timeout 10 rdisc6 -1 -r 3 -w 2000 iphttps0 2>&1)
echo "$out" | sed 's/^/    /'
check "rdisc6: the RA names the DNS server (RFC 8106 RDNSS)" grep -Eq "Recursive DNS server +: fd00:c0::2$" <<<"$out"
check "rdisc6: and the search domain (RFC 8106 DNSSL)" grep -Eq "DNS search list +: corp.test" <<<"$out"
check "rdisc6: and both routes (RFC 4191 Route Information)" \
	bash -c 'grep -Eq "Route +: fd00:c0::/64" <<<"$1" && grep -Eq "Route +: 2001:db8:c1::/64" <<<"$1"' _ "$out"
check "rdisc6: a split tunnel's router lifetime is 0: not a default router (RFC 4861 4.2)" \
	grep -Eq "Router lifetime +: +0 " <<<"$out"

# ---- the client installs the routes, and no default route
wait_until 10 bash -c 'ip netns exec "$1" ip -6 route show dev iphttps0 | grep -q "^fd00:c0::/64 via fe80::1"' _ "$(topo_ns client)" > /dev/null
routes | sed 's/^/    /'
check "the client routes fd00:c0::/64 via fe80::1 on iphttps0, as learned from an RA" \
	bash -c 'grep -Eq "^fd00:c0::/64 via fe80::1 proto ra metric 1024" <<<"$1"' _ "$(routes)"
check "and the client prefix: the other clients are reached through the router" \
	bash -c 'grep -q "^2001:db8:c1::/64 via fe80::1" <<<"$1"' _ "$(routes)"
check "no default route through the tunnel (split tunnel)" \
	bash -c '! ip netns exec "$1" ip -6 route show default | grep -q iphttps0' _ "$(topo_ns client)"
check "corp is reached through the split tunnel's route" topo_in client ping -6 -c 2 -W 2 -q fd00:c0::2

# ---- DNS: systemd-resolved holds the server and the domain for the link
wait_until 10 bash -c 'grep -q "DNS: fd00:c0::2 " "$1"' _ "$TOPO_STATE/client.log" > /dev/null
out=$(resolvectl_in client status iphttps0 2>&1)
echo "$out" | sed 's/^/    /'
check "resolved: iphttps0's DNS server is the RA's (SetLinkDNS)" grep -Eq "DNS Servers: fd00:c0::2$" <<<"$out"
check "resolved: its domain is corp.test (SetLinkDomains): names under it go through the tunnel" \
	grep -Eq "DNS Domain: corp.test" <<<"$out"
check "resolved: not the default DNS route in a split tunnel (SetLinkDefaultRoute no)" \
	grep -Eq "Protocols: -DefaultRoute" <<<"$out"
sleep 1.2
out=$(topo_in client "$CLIENT" status --status-file "$TOPO_STATE/up.json")
echo "$out" | sed 's/^/    /'
check "status shows the DNS settings and who took them" grep -q "dns: .*fd00:c0::2 corp.test (systemd-resolved)" <<<"$out"
check "status shows the split tunnel's routes" grep -q "routes: .*fd00:c0::/64 2001:db8:c1::/64 (split tunnel)" <<<"$out"
# Split DNS: a name under corp.test is resolved through the tunnel by corp's Unbound; another is not sent there.
out=$(resolvectl_in client query --cache=no intranet.corp.test 2>&1)
echo "$out" | sed 's/^/    /'
check "resolved resolves intranet.corp.test through the tunnel: Unbound's answer (fd00:c0::2, via iphttps0)" \
	bash -c 'grep -q "intranet.corp.test: fd00:c0::2" <<<"$1" && grep -q "link: iphttps0" <<<"$1"' _ "$out"
check "Unbound saw the query come through the tunnel, from the client's address" \
	grep -q "$client_addr intranet.corp.test. AAAA IN" "$TOPO_STATE/unbound/unbound.log"
# A name elsewhere goes to the host's own DNS (unreachable here); it must not reach corp.
ip netns exec "$(topo_ns client)" env "$(resolved_env)" timeout 8 "$RESOLVED_DIR/usr/bin/resolvectl" query --cache=no \
	www.elsewhere.example > /dev/null 2>&1
check "a name outside corp.test never reaches corp's DNS server (split DNS: the link is no default DNS route)" \
	bash -c '! grep -q "elsewhere.example" "$1"' _ "$TOPO_STATE/unbound/unbound.log"
# A second client that has no resolver to talk to: its bus does not exist. (Its
# routes are the first one's, of the same metric: the kernel keeps the first's.)
ip netns exec "$(topo_ns client)" env DBUS_SYSTEM_BUS_ADDRESS=unix:path=$TOPO_STATE/no-bus "$CLIENT" 192.0.2.1 \
	--ca "$PKI/ca.crt" --server-name gw.iphttps.test --tun iphttps1 --seconds 60 \
	--status-file "$TOPO_STATE/busless.json" > "$TOPO_STATE/busless.log" 2>&1 &
BUSLESS_PID=$!
wait_until 10 grep -q "DNS: the tunnel's DNS settings are not applied" "$TOPO_STATE/busless.log" > /dev/null
grep "DNS" "$TOPO_STATE/busless.log" | sed 's/^/    /'
check "without a resolver, the client says the DNS settings are not applied, and why" \
	grep -q "DNS: the tunnel's DNS settings are not applied: systemd-resolved: connecting to the system bus" \
	"$TOPO_STATE/busless.log"
check "and its link is up all the same, with an address; the first client's routes untouched" \
	bash -c '[[ "$1" == 2001:db8:c1:0:* ]] && ip netns exec "$2" ip -6 route show dev iphttps0 | grep -q "^fd00:c0::/64 via fe80::1"' \
	_ "$(topo_tun_address iphttps1)" "$(topo_ns client)"
kill "$BUSLESS_PID"; wait "$BUSLESS_PID" 2>/dev/null; BUSLESS_PID=

# ---- a reload changes them on the running client
refreshes=$(counter link_ra_refreshes)
config_with "$TOPO_STATE/changed.yaml" \
	"  dns_servers: [fd00:c0::54]" "  dns_search: [corp.test, eng.corp.test]" "  client_routes: [fd00:c1::/64]"
out=$(topo_ctl reload "$(topo_config "$TOPO_STATE/changed.yaml")" 2>&1)
echo "    $out"
took=$(wait_until 15 bash -c 'r=$(ip netns exec "$1" ip -6 route show dev iphttps0); grep -q "^fd00:c1::/64" <<<"$r" && ! grep -q "^fd00:c0::/64" <<<"$r"' \
	_ "$(topo_ns client)")
routes | sed 's/^/    /'
check "after the reload the new route is there and the old one gone, in ${took:-more than 15} s (within 12: LINK_RA_REFRESH_MS, not its 1800 s lifetime)" \
	bash -c 'r=$(ip netns exec "$1" ip -6 route show dev iphttps0); grep -q "^fd00:c1::/64 via fe80::1" <<<"$r" && ! grep -q "^fd00:c0::/64" <<<"$r" && [ -n "$2" ] && python3 -c "import sys; sys.exit(not float(sys.argv[1]) <= 12)" "$2"' \
	_ "$(topo_ns client)" "$took"
check "the appliance counted one refresh of the RA's options" test "$(counter link_ra_refreshes)" -eq $((refreshes + 1))
wait_until 5 bash -c 'grep -q "DNS: fd00:c0::54 corp.test eng.corp.test" "$1"' _ "$TOPO_STATE/client.log" > /dev/null
out=$(resolvectl_in client status iphttps0 2>&1)
echo "$out" | sed 's/^/    /'
check "resolved: the new DNS server, and not the withdrawn one (RFC 8106: lifetime 0, no longer used)" \
	bash -c 'grep -Eq "DNS Servers: fd00:c0::54" <<<"$1" && ! grep -q "fd00:c0::2$" <<<"$1"' _ "$out"
check "resolved: both domains" grep -Eq "DNS Domain: corp.test eng.corp.test" <<<"$out"

# ---- back to a full tunnel: the default route returns, and resolved takes the link for every name
config_with "$TOPO_STATE/full.yaml" "  dns_servers: [fd00:c0::54]"
topo_ctl reload "$(topo_config "$TOPO_STATE/full.yaml")" > /dev/null 2>&1
wait_until 15 bash -c 'ip netns exec "$1" ip -6 route show default | grep -q "via fe80::1 dev iphttps0"' _ "$(topo_ns client)" > /dev/null
routes | sed 's/^/    /'
check "a full tunnel again: the default route via fe80::1, and the split route withdrawn" \
	bash -c 'ip netns exec "$1" ip -6 route show default | grep -q "via fe80::1 dev iphttps0" && ! ip netns exec "$1" ip -6 route show dev iphttps0 | grep -q "^fd00:c1::/64"' \
	_ "$(topo_ns client)"
wait_until 5 resolved_link_has "Protocols: +DefaultRoute" > /dev/null
out=$(resolvectl_in client status iphttps0 2>&1)
echo "$out" | sed 's/^/    /'
check "resolved: the link is the default DNS route now, its domains withdrawn" \
	bash -c 'grep -q "Protocols: +DefaultRoute" <<<"$1" && ! grep -q "DNS Domain" <<<"$1"' _ "$out"

# ---- LinkDown undoes the DNS settings
topo_stop_appliance
wait_until 20 grep -q "LinkUp -> LinkDown" "$TOPO_STATE/client.log" > /dev/null
wait_until 5 resolved_link_lacks "DNS Servers" > /dev/null
out=$(resolvectl_in client status iphttps0 2>&1)
echo "$out" | sed 's/^/    /'
check "at LinkDown the link's DNS settings are undone (RevertLink): resolved knows the link, without servers" \
	bash -c 'grep -q "(iphttps0)" <<<"$1" && ! grep -q "DNS Servers" <<<"$1" && grep -q "DNS: undone" "$2"' \
	_ "$out" "$TOPO_STATE/client.log"
check_finish
