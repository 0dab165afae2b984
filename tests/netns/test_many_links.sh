#!/usr/bin/env bash
# One host opens 1,000 IP-HTTPS links at once (a hostile peer with 1,000
# connections, DESIGN.md): each reaches LinkUp, claims 17 addresses by DAD
# (the appliance holds 16 per client: the 17th takes the place of the least
# recently used, counted, so the index never holds more), and pings the
# server's link address. While they are held, a real client still comes up by
# SLAAC and pings corp; when they go, every Client Table entry and address
# they held is gone with them. Then aging, set live to 2 s: the real client's
# unused address leaves the Neighbor Cache, and is learned again when used.
#
#   client ns: many_links.py (1,000 TLS sessions) + iphttps-client ── gw: iphttpsd ── corp
. "$(dirname "$0")/../lib/netns_test.sh"

PKI=$TOPO_REPO/config/pki
CLIENT=$TOPO_REPO/build/iphttps-client
MANY=1000
# Everything runs in the namespaces: topo_down ends it with them.
counter() { topo_telemetry /iphttps/stats "$1"; }
clients() { topo_telemetry /iphttps/clients "$1"; }

echo "# $MANY links from one host, namespaces ${TOPO_PREFIX}{client,gw,corp}"
if [ ! -x "$CLIENT" ] || ! topo_up || ! TOPO_CONFIG=$TOPO_REPO/tests/netns/configs/sessions-none.yaml topo_start_appliance; then
	echo "FAIL: iphttps-client built, lab topology and appliance start"
	exit 1
fi
evicted_before=$(counter link_address_evicted)
claimed_before=$(counter link_dad_claimed)

# Python needs a descriptor per session.
ip netns exec "$(topo_ns client)" bash -c 'ulimit -n 4096 && exec python3 "$@"' _ \
	"$TOPO_REPO/tests/lib/many_links.py" 192.0.2.1 gw.iphttps.test "$PKI/ca.crt" "$MANY" 17 25 \
	> "$TOPO_STATE/many.json" 2> "$TOPO_STATE/many.err" &
MANY_PID=$!
for _ in $(seq 1 600); do
	[ "$(counter link_dad_claimed 2>/dev/null || echo 0)" -ge $((claimed_before + MANY * 17)) ] && break
	sleep 0.1
done
echo "    Client Table: $(clients entries) entries, $(clients addresses) addresses"
check "all $MANY links are up in the Client Table" test "$(clients entries)" -eq "$MANY"
check "each holds sixteen addresses ($((MANY * 16)) in the index, no more)" test "$(clients addresses)" -eq $((MANY * 16))
check "the 17th claim of each took the place of its least recently used (counted)" \
	test "$(counter link_address_evicted)" -ge $((evicted_before + MANY))
check "the claims were counted" test "$(counter link_dad_claimed)" -ge $((claimed_before + MANY * 17))

# A real client while they are held.
ip netns exec "$(topo_ns client)" "$CLIENT" 192.0.2.1 --ca "$PKI/ca.crt" --server-name gw.iphttps.test \
	--tun iphttps0 --seconds 60 --status-file "$TOPO_STATE/real.json" > "$TOPO_STATE/real.log" 2>&1 &
real_addr=$(topo_tunnel_address)
check "a real client still comes up and forms its address" bash -c '[[ "$1" == 2001:db8:c1:0:* ]]' _ "$real_addr"
check "and pings corp through the tunnel while the $MANY are held" \
	topo_in client ping -6 -c 3 -W 2 -q fd00:c0::2
real_addresses=$(( $(clients addresses) - MANY * 16 )) # its link-local and global, as the appliance learned them

wait "$MANY_PID"
out=$(cat "$TOPO_STATE/many.json")
echo "    $out"
check "the $MANY reached LinkUp, none refused or failed" \
	python3 -c 'import json,sys; r=json.loads(sys.argv[1]); sys.exit(not (r["link_up"] == r["sessions"] and not r["refused"] and not r["failed"]))' "$out"
check "their echo requests to the server were answered (at least 95% of 20 each)" \
	python3 -c 'import json,sys; r=json.loads(sys.argv[1]); sys.exit(not r["echo_replies"] >= 0.95 * 20 * r["sessions"])' "$out"
for _ in $(seq 1 100); do
	[ "$(clients entries)" -eq 1 ] && [ "$(clients addresses)" -eq "$real_addresses" ] && break
	sleep 0.1
done
echo "    Client Table after: $(clients entries) entries, $(clients addresses) addresses"
check "when they closed, their entries and addresses went with them (the real client's remain)" \
	bash -c '[ "$1" -eq 1 ] && [ "$2" -eq "$3" ] && [ "$3" -ge 1 ]' _ "$(clients entries)" "$(clients addresses)" \
	"$real_addresses"
check "the real client still pings corp" topo_in client ping -6 -c 2 -W 2 -q fd00:c0::2

# Aging, live: iphttps.address_idle_timeout_s down to 2 s by reload. The real
# client's global address, unused for a few seconds, leaves the Neighbor
# Cache (its link-local stays while its liveness probes use it, or goes too);
# used again, it is learned again.
sed 's/^  link_mtu: 1280/  link_mtu: 1280\n  address_idle_timeout_s: 2/' "$TOPO_STATE/iphttpsd.yaml" > "$TOPO_STATE/aging.yaml"
aged_before=$(counter link_address_aged_out)
check "a reload sets address_idle_timeout_s to 2 s, live" topo_ctl reload "$TOPO_STATE/aging.yaml"
for _ in $(seq 1 80); do [ "$(counter link_address_aged_out)" -gt "$aged_before" ] && break; sleep 0.1; done
echo "    after 2 s unused: $(clients addresses) addresses in the index, $(( $(counter link_address_aged_out) - aged_before )) aged out"
check "the real client's unused address aged out of the Neighbor Cache" \
	bash -c '[ "$1" -gt "$2" ] && [ "$3" -lt "$4" ]' _ "$(counter link_address_aged_out)" "$aged_before" \
	"$(clients addresses)" "$real_addresses"
check "used again, it is learned again: the client pings corp" topo_in client ping -6 -c 2 -W 2 -q fd00:c0::2
check "their 2,000 LinkUp and end events all reached the control plane (none dropped at the ring's 65,536)" \
	test "$(counter session_events_dropped)" -eq 0
check_finish
