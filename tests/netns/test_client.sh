#!/usr/bin/env bash
# iphttps-client against the appliance, real kernels at both ends: it
# verifies the server's certificate and name, opens the link, bridges it to a
# kernel TUN device and configures it from the Router Advertisement (its own
# SLAAC: a random identifier, DAD through the tunnel, address and route by
# netlink; a second client made to collide gets another address); the client
# namespace pings and runs iperf3 to corp through it; `iphttps-client status` says what is going on at each step.
# A server name the certificate does not carry, and a CA that did not sign
# it, are refused before any request is sent (4.2.3). When the appliance
# restarts, the link comes back by the reconnect schedule. Then plain HTTP,
# the NULL suites offered after the encrypted ones as Windows 8+ does, and a
# client certificate for a server that wants one (none, or a revoked one: refused).
#
#   client ns: kernel IPv6 on iphttps0 (TUN) ── iphttps-client ══ TLS ══┐   (iphttps1: a second client)
#   192.0.2.2 [ext1] ─── [ext0] gw: iphttpsd (the link's router) [int0] ─── [int1] corp fd00:c0::2
. "$(dirname "$0")/../lib/netns_test.sh"

PKI=$TOPO_REPO/config/pki
CLIENT=$TOPO_REPO/build/iphttps-client
CLIENT_PID=
IPERF_PID=
cleanup_client() {
	[ -n "$CLIENT_PID" ] && kill "$CLIENT_PID" 2>/dev/null
	[ -n "$IPERF_PID" ] && kill "$IPERF_PID" 2>/dev/null
	[ -n "${SECOND_PID:-}" ] && kill "$SECOND_PID" 2>/dev/null
	netns_test_cleanup
}
trap cleanup_client EXIT
counter() { topo_telemetry /iphttps/stats "$1"; }

echo "# iphttps-client through the appliance, namespaces ${TOPO_PREFIX}{client,gw,corp}"
if [ ! -x "$CLIENT" ] || ! topo_up || ! TOPO_CONFIG=$TOPO_REPO/tests/netns/configs/sessions-none.yaml topo_start_appliance; then
	echo "FAIL: iphttps-client built, lab topology and appliance start"
	exit 1
fi

# Refusals first: no session may come of them.
sessions_before=$(counter http_requests_accepted)
out=$(topo_in client timeout 20 "$CLIENT" 192.0.2.1 --ca "$PKI/ca.crt" --server-name rogue.iphttps.test --tun probe0 --once \
	--status-file "$TOPO_STATE/rogue.json" 2>&1)
rc=$?
echo "$out" | sed 's/^/    /'
check "a certificate without the server's name is refused (exit 1)" test "$rc" -eq 1
check "and the reason names the certificate" grep -q "certificate was refused" <<<"$out"
out=$(topo_in client timeout 20 "$CLIENT" 192.0.2.1 --ca "$PKI/stranger-ca.crt" --tun probe0 --once \
	--status-file "$TOPO_STATE/refused.json" 2>&1)
rc=$?
echo "$out" | sed 's/^/    /'
check "a certificate from a CA the client does not trust is refused" \
	bash -c '[ "$1" -eq 1 ] && grep -q "certificate was refused" <<<"$2"' _ "$rc" "$out"
out=$(topo_in client "$CLIENT" status --status-file "$TOPO_STATE/refused.json")
rc=$?
echo "$out" | sed 's/^/    /'
check "status after the refusal: Disabled, the certificate's fault in words, exit 3" \
	bash -c '[ "$1" -eq 3 ] && grep -q "state:      Disabled" <<<"$2" && grep -q "why: .*certificate was refused" <<<"$2"' \
	_ "$rc" "$out"
check "neither sent a request (no request accepted)" test "$(counter http_requests_accepted)" -eq "$sessions_before"
out=$(topo_in client timeout 20 "$CLIENT" 192.0.2.1 --ca "$PKI/ca.crt" --uri /elsewhere --tun probe0 --once \
	--status-file "$TOPO_STATE/404.json" 2>&1)
echo "$out" | sed 's/^/    /'
check "a wrong URI is reported with the server's status" grep -q "answered 404" <<<"$out"

# A server port where nothing listens: LinkDown, the reason, the next attempt 30 s away (3.1.2.1).
ip netns exec "$(topo_ns client)" "$CLIENT" 192.0.2.1 --port 444 --ca "$PKI/ca.crt" --tun probe0 --seconds 30 \
	--status-file "$TOPO_STATE/down.json" > "$TOPO_STATE/down.log" 2>&1 &
DOWN_PID=$!
for _ in $(seq 1 50); do grep -q "next attempt" "$TOPO_STATE/down.log" && break; sleep 0.1; done
out=$(topo_in client "$CLIENT" status --status-file "$TOPO_STATE/down.json")
echo "$out" | sed 's/^/    /'
check "status while the server cannot be reached: LinkDown, why, and the next try in about 30 s" \
	bash -c 'grep -q "state:      LinkDown" <<<"$1" && grep -q "why: .*port 444: Connection refused" <<<"$1" &&
		 grep -Eq "next try:   in (29|30) s" <<<"$1"' _ "$out"
kill "$DOWN_PID"; wait "$DOWN_PID" 2>/dev/null
out=$(topo_in client "$CLIENT" status --status-file "$TOPO_STATE/down.json")
check "and after it stops: Disabled, stopped by a signal" grep -q "why: .*stopped by a signal" <<<"$out"

ip netns exec "$(topo_ns client)" "$CLIENT" 192.0.2.1 --ca "$PKI/ca.crt" --server-name gw.iphttps.test \
	--tun iphttps0 --seconds 120 --schedule-scale 100 --status-file "$TOPO_STATE/up.json" \
	> "$TOPO_STATE/client.log" 2>&1 &
CLIENT_PID=$!
client_addr=$(topo_tunnel_address)
check "the link is up, the certificate checked against gw.iphttps.test" grep -q '"up": true' "$TOPO_STATE/client.log"
echo "    client address: ${client_addr:-none}"
check "the client formed an address in 2001:db8:c1::/64 from the RA (its own SLAAC, through netlink)" \
	bash -c '[[ "$1" == 2001:db8:c1:0:* ]]' _ "$client_addr"
check "and the default route via the server's fe80::1, as learned from an RA" \
	bash -c 'ip netns exec "$1" ip -6 route show default | grep -q "via fe80::1 dev iphttps0 proto ra"' _ "$(topo_ns client)"
check "the kernel formed no address of its own there (one link-local, one global: the client's)" \
	test "$(topo_in client ip -6 -o addr show dev iphttps0 | wc -l)" -eq 2
for _ in $(seq 1 30); do [ "$(counter link_dad_claimed)" -ge 1 ] && break; sleep 0.1; done
check "its DAD went through the tunnel: the appliance bound the address to the session" \
	test "$(counter link_dad_claimed)" -ge 1
check "the client pings corp through the tunnel" topo_in client ping -6 -c 3 -W 2 -q fd00:c0::2
check "corp pings the client through the tunnel" topo_in corp ping -6 -c 3 -W 2 -q "$client_addr"

# A second client made to try the first one's interface identifier first:
# its DAD gets the appliance's defence, and it takes another address.
iid=$(python3 -c 'import ipaddress,sys; print(ipaddress.IPv6Address(int(ipaddress.IPv6Address(sys.argv[1])) & (2**64 - 1)))' \
	"${client_addr:-::1}")
ip netns exec "$(topo_ns client)" "$CLIENT" 192.0.2.1 --ca "$PKI/ca.crt" --server-name gw.iphttps.test \
	--tun iphttps1 --seconds 20 --first-interface-id "$iid" --status-file "$TOPO_STATE/second.json" \
	> "$TOPO_STATE/second.log" 2>&1 &
SECOND_PID=$!
for _ in $(seq 1 50); do grep -q "SLAAC: .* passed DAD" "$TOPO_STATE/second.log" && break; sleep 0.1; done
grep SLAAC "$TOPO_STATE/second.log" | sed 's/^/    /'
check "a second client trying the first one's address hears it is taken (DAD through the tunnel)" \
	grep -q "SLAAC: $client_addr is taken by another client" "$TOPO_STATE/second.log"
check "and the appliance defended it" test "$(counter link_dad_defended)" -ge 1
second_addr=$(topo_in client ip -6 -o addr show dev iphttps1 scope global | awk '{print $4}' | cut -d/ -f1)
check "the second client took another address in the prefix, which passed DAD" \
	bash -c '[[ "$1" == 2001:db8:c1:0:* && "$1" != "$2" ]] && grep -q "SLAAC: $1 passed DAD" "$3"' \
	_ "$second_addr" "$client_addr" "$TOPO_STATE/second.log"
check "the first client still pings corp" topo_in client ping -6 -c 2 -W 2 -q -I "$client_addr" fd00:c0::2
kill "$SECOND_PID"; wait "$SECOND_PID" 2>/dev/null

sleep 1.2 # the status is saved each second while LinkUp
out=$(topo_in client "$CLIENT" status --status-file "$TOPO_STATE/up.json")
rc=$?
echo "$out" | sed 's/^/    /'
check "status: LinkUp (exit 0), direct, over TLS, with the address the RA gave and the pings counted" \
	bash -c '[ "$1" -eq 0 ] && grep -q "state:      LinkUp" <<<"$2" && grep -q "via:        direct" <<<"$2" &&
		 grep -q "transport:  TLSv1" <<<"$2" && grep -q "address:    $3" <<<"$2" &&
		 grep -Eq "traffic:    [1-9][0-9]* bytes" <<<"$2"' _ "$rc" "$out" "${client_addr:-none}"

topo_in corp iperf3 -s -B fd00:c0::2 > "$TOPO_STATE/iperf3-server.log" 2>&1 &
IPERF_PID=$!
sleep 0.5
for direction in up down; do
	flag=; [ "$direction" = down ] && flag=-R
	out=$(topo_in client timeout 20 iperf3 -6 -c fd00:c0::2 -t 3 -J $flag 2>&1)
	rate=$(python3 -c 'import json,sys; r=json.loads(sys.argv[1]); print(int(r["end"]["sum_received"]["bits_per_second"]))' "$out" 2>/dev/null || echo 0)
	echo "    iperf3 $direction: $((rate / 1000000)) Mbit/s"
	check "iperf3 through the tunnel, $direction" test "$rate" -gt 0
done

kill "$IPERF_PID" 2>/dev/null; IPERF_PID=

# Every byte intact both ways through the tunnel (TUN offload: the kernel's TSO
# super-packets split upward, segments joined into GSO writes downward): an
# echo server in corp, 32 MiB each way, SHA-256 compared.
topo_in corp timeout 150 python3 "$TOPO_REPO/tests/lib/tcp_echo_server.py" fd00:c0::2 7007 > "$TOPO_STATE/echo-server.log" 2>&1 &
IPERF_PID=$!
sleep 0.5
out=$(topo_in client timeout 120 python3 "$TOPO_REPO/tests/lib/tcp_echo_client.py" fd00:c0::2 7007 32 --timeout 100)
echo "    $out"
check "32 MiB echoed intact through the tunnel both ways (SHA-256)" grep -q '"ok": true' <<<"$out"
grep '"up": true' "$TOPO_STATE/client.log" >/dev/null
kill "$IPERF_PID" 2>/dev/null; IPERF_PID=

# The appliance restarts: the client's next packet meets a TCP reset, and it
# tries again at once (3.1.5.4), after a random delay of at most 2 s (sped up
# 100 times here by --schedule-scale, a flag for tests only); should that
# attempt fail, the reconnect schedule of 3.1.2.1 takes over (30 s: 0.3 s).
topo_stop_appliance
if ! TOPO_CONFIG=$TOPO_REPO/tests/netns/configs/sessions-none.yaml topo_start_appliance; then
	echo "FAIL: appliance restart"
fi
for _ in $(seq 1 100); do
	topo_in client ping -6 -c 1 -W 1 -q fd00:c0::2 >/dev/null 2>&1 && break
	sleep 0.2
done
grep "link lost" "$TOPO_STATE/client.log" | sed 's/^/    /'
check "the client saw the link lost and tried again at once (2 s at most, scaled: 0.0 s)" \
	grep -q "LinkUp -> LinkDown: link lost: .*next attempt in 0.0 s" "$TOPO_STATE/client.log"
check "the link came up again on its own" grep -q '"link_ups": 2' "$TOPO_STATE/client.log"
check "and the client pings corp through the new session" topo_in client ping -6 -c 2 -W 2 -q fd00:c0::2

kill "$CLIENT_PID"
wait "$CLIENT_PID"
rc=$?
CLIENT_PID=
tail -2 "$TOPO_STATE/client.log" | sed 's/^/    /'
check "SIGTERM ends the client cleanly (exit 0) with its counts" \
	bash -c '[ "$1" -eq 0 ] && grep -q "\"up_packets\": [1-9]" "$2"' _ "$rc" "$TOPO_STATE/client.log"

# Plain HTTP, for a server behind a TLS-offloading front: the appliance's plain listener on 82.
brief() { # args...: one attempt that keeps the link a second, on probe0
	topo_in client timeout 20 "$CLIENT" 192.0.2.1 --ca "$PKI/ca.crt" --server-name gw.iphttps.test --tun probe0 \
		--once --seconds 1 --status-file "$TOPO_STATE/brief.json" "$@" 2>&1
}
# The same from a YAML file (deploy/iphttps-client.yaml's keys), an option overriding it.
cat > "$TOPO_STATE/client.yaml" <<YAML
server: 192.0.2.1
server_name: gw.iphttps.test
ca: $PKI/ca.crt
tun: probe0
status_file: $TOPO_STATE/from-file.json
YAML
out=$(topo_in client timeout 20 "$CLIENT" --config "$TOPO_STATE/client.yaml" --once --seconds 1 2>&1)
echo "$out" | sed 's/^/    /'
check "--config: the link comes up from the YAML file alone" grep -q '"up": true' <<<"$out"
out=$(topo_in client timeout 20 "$CLIENT" --config "$TOPO_STATE/client.yaml" --uri /elsewhere --once 2>&1)
check "an option overrides the file (--uri: the server answers 404)" grep -q "answered 404" <<<"$out"

out=$(brief --plain-http --port 82)
echo "$out" | sed 's/^/    /'
check "--plain-http: the link comes up over plain HTTP" grep -q '"up": true, .*"version": "plain HTTP"' <<<"$out"

# With the appliance's NULL switch on (TLS 1.2), a client offering the NULL
# suites after the encrypted ones, as Windows 8+ does, gets one; without the
# offer, an encrypted suite.
topo_stop_appliance
if ! TOPO_CONFIG=$TOPO_REPO/tests/netns/configs/sessions-null.yaml topo_start_appliance; then
	echo "FAIL: appliance start with tls.null_encryption"
fi
out=$(brief --offer-null)
echo "$out" | sed 's/^/    /'
check "--offer-null: the server picks NULL-SHA256 over TLS 1.2" \
	grep -q '"up": true, .*"version": "TLSv1.2", "cipher": "NULL-SHA256"' <<<"$out"
out=$(brief)
echo "$out" | sed 's/^/    /'
check "without the offer: an encrypted suite" \
	bash -c 'grep -q "\"up\": true" <<<"$1" && ! grep -q "NULL" <<<"$1"' _ "$out"

# A link MTU above 1280 (iphttps.link_mtu: 1400): the client takes the RA's
# MTU for its TUN device and its framer alike, so 1,350-byte packets go both
# ways. (Its framer once kept 1280 and ended the link at the first larger
# packet from corp: "not an IPv6 packet of the link's MTU".)
topo_stop_appliance
sed 's/^  link_mtu: 1280/  link_mtu: 1400/' tests/netns/configs/sessions-none.yaml > "$TOPO_STATE/mtu1400.yaml"
if ! TOPO_CONFIG=$TOPO_STATE/mtu1400.yaml topo_start_appliance; then
	echo "FAIL: appliance start with link_mtu 1400"
fi
ip netns exec "$(topo_ns client)" "$CLIENT" 192.0.2.1 --ca "$PKI/ca.crt" --server-name gw.iphttps.test \
	--tun iphttps0 --seconds 60 --status-file "$TOPO_STATE/mtu.json" > "$TOPO_STATE/mtu.log" 2>&1 &
CLIENT_PID=$!
client_addr=$(topo_tunnel_address)
check "with link_mtu 1400 the TUN device takes the RA's MTU" \
	bash -c 'ip netns exec "$1" ip link show iphttps0 | grep -q "mtu 1400"' _ "$(topo_ns client)"
check "1,350-byte pings from the client reach corp (-M do: not fragmented)" \
	topo_in client ping -6 -c 3 -W 2 -q -s 1302 -M do fd00:c0::2
check "1,350-byte pings from corp reach the client" \
	topo_in corp ping -6 -c 3 -W 2 -q -s 1302 -M do "$client_addr"
check "and the link stayed up" bash -c '! grep -q "not an IPv6 packet of the link" "$1"' _ "$TOPO_STATE/mtu.log"
kill "$CLIENT_PID"; wait "$CLIENT_PID" 2>/dev/null; CLIENT_PID=

# An appliance that wants client certificates (authentication: certificates).
topo_stop_appliance
if ! TOPO_CONFIG=$TOPO_REPO/tests/netns/configs/sessions-certificates.yaml topo_start_appliance; then
	echo "FAIL: appliance start in certificates mode"
fi
out=$(brief --cert "$PKI/client.crt" --key "$PKI/client.key")
echo "$out" | sed 's/^/    /'
check "--cert/--key: the link comes up where the server wants a client certificate" grep -q '"up": true' <<<"$out"
out=$(brief)
echo "$out" | sed 's/^/    /'
check "without one: refused, and the reason says the TLS handshake failed" \
	bash -c '! grep -q "\"up\": true" <<<"$1" && grep -q "Disabled: the TLS handshake failed\|Disabled: the server closed" <<<"$1"' _ "$out"
out=$(brief --cert "$PKI/revoked.crt" --key "$PKI/revoked.key")
echo "$out" | sed 's/^/    /'
check "with a revoked certificate: refused" bash -c '! grep -q "\"up\": true" <<<"$1"' _ "$out"
topo_stop_appliance
check_finish
