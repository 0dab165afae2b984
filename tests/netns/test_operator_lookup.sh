#!/usr/bin/env bash
# The operator's lookups on a running appliance (certificates mode, two
# workers): `clients` filtered by address, certificate subject, state and a
# limit, with the filtering done on the workers; `disconnect --subject` for a
# stolen laptop ends every session of that certificate and no other;
# `log-level` changes the level at once and a reload puts the file's back;
# `show config` prints the configuration in force by the loader's schema.
#
#   client ns: many_links.py sessions (client1 x1, client2 x2) ── [ext0] gw: iphttpsd, 2 workers
. "$(dirname "$0")/../lib/netns_test.sh"

PKI=$TOPO_REPO/config/pki
export TOPO_DEVICE=af_packet TOPO_QUEUES=2
CTL=$TOPO_REPO/build/iphttpsctl
LOG=$TOPO_STATE/iphttpsd.log
clients_count() { topo_ctl clients --json "$@" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["clients"]))'; }
links() { # name sessions cert: sessions held 60 s, in the background
	ip netns exec "$(topo_ns client)" python3 tests/lib/many_links.py 192.0.2.1 gw.iphttps.test "$PKI/ca.crt" "$2" 1 60 \
		--prefix "2001:db8:c1:0:$4::" --cert "$PKI/$3.crt" --key "$PKI/$3.key" > "$TOPO_STATE/$1.json" 2>&1 &
}

echo "# the operator's lookups, namespaces ${TOPO_PREFIX}{client,gw,corp}"
if ! topo_up || ! TOPO_CONFIG=$TOPO_REPO/tests/netns/configs/two-workers-certificates.yaml topo_start_appliance; then
	echo "FAIL: lab topology and appliance start"
	exit 1
fi
links one 1 client 1
ONE=$!
links two 2 client2 2
TWO=$!
for _ in $(seq 1 100); do [ "$(clients_count --state link_up)" = 3 ] && break; sleep 0.1; done
topo_ctl clients | sed 's/^/    /'
check "three sessions reach LinkUp (client1 once, client2 twice)" test "$(clients_count --state link_up)" -eq 3
# The table is the daemon's rendering (control/clients_table.c), --json the fields: the same sessions.
table_ids=$(topo_ctl clients | awk 'NR > 1 && $1 ~ /^[0-9]+$/ {print $1}' | sort | xargs)
json_ids=$(topo_ctl clients --json | python3 -c 'import json,sys; print(" ".join(sorted(str(c["id"]) for c in json.load(sys.stdin)["clients"])))')
check "the table lists the sessions --json lists ($table_ids)" test -n "$table_ids" -a "$table_ids" = "$json_ids"
check "and each certificate under its row" test "$(topo_ctl clients | grep -c ' certificate CN=client[12].iphttps.test$')" -eq 3
check "clients --subject CN=client2.iphttps.test lists the two of client2" \
	test "$(clients_count --subject CN=client2.iphttps.test)" -eq 2
check "clients --subject CN=client1.iphttps.test lists the one of client1" \
	test "$(clients_count --subject CN=client1.iphttps.test)" -eq 1
check "a subject no one has lists none (and says so)" \
	bash -c '"$1" -s "$2" clients --subject CN=nobody | grep -q "(no sessions)"' _ "$CTL" "$TOPO_STATE/control.sock"
check "clients --address 192.0.2.2 (their outer address) lists all three" test "$(clients_count --address 192.0.2.2)" -eq 3
inner=$(topo_ctl clients --json --subject CN=client1.iphttps.test |
	python3 -c 'import json,sys; print(json.load(sys.stdin)["clients"][0]["addresses"][-1])')
check "clients --address $inner (client1's inner address) lists client1 alone" \
	bash -c '[ "$("$1" -s "$2" clients --json --address "$3" | python3 -c "import json,sys; c=json.load(sys.stdin)[\"clients\"]; print(len(c), c[0][\"certificate_subject\"])")" = "1 CN=client1.iphttps.test" ]' \
	_ "$CTL" "$TOPO_STATE/control.sock" "$inner"
check "clients --state link_up --limit 2 lists two" test "$(clients_count --state link_up --limit 2)" -eq 2
check "clients --state http_request lists none" test "$(clients_count --state http_request)" -eq 0
out=$(topo_ctl clients --state sleeping 2>&1)
check "an unknown state is refused, naming the states there are ($out)" \
	grep -q "\"state\" 'sleeping' is none of: tls_handshake proxy_header http_request link_up closing" <<<"$out"
out=$(topo_ctl clients --limit 0 2>&1)
check "a limit of 0 is refused ($out)" grep -q "limit: '0' is not a number from 1" <<<"$out"

# ---- a stolen laptop: every session of its certificate, and no other
out=$(topo_ctl disconnect --subject CN=client2.iphttps.test 2>&1)
echo "    $out"
check "disconnect --subject CN=client2.iphttps.test ends its two sessions" grep -q "^2 session(s) disconnected" <<<"$out"
sleep 0.5
check "client1's session stays" test "$(clients_count --subject CN=client1.iphttps.test --state link_up)" -eq 1
check "client2 has none left" test "$(clients_count --subject CN=client2.iphttps.test)" -eq 0
check "the log names it" grep -q "disconnect CN=client2.iphttps.test: 2 session(s) ended" "$LOG"
out=$(topo_ctl disconnect --subject CN=client2.iphttps.test 2>&1)
check "a second time there is no session of it: said so ($out)" grep -q "no session matches 'CN=client2.iphttps.test'" <<<"$out"

# ---- the log level, at once, until the next reload
check "log-level says the level in force and the file's" \
	bash -c '"$1" -s "$2" log-level | grep -qx "log level info (the file says info)"' _ "$CTL" "$TOPO_STATE/control.sock"
check "log-level debug sets it, until the next reload" \
	bash -c '"$1" -s "$2" log-level debug | grep -qx "log level debug (was info) until the next reload"' _ "$CTL" "$TOPO_STATE/control.sock"
check "and says so in the log" grep -q "log level debug (was info) until the next reload, by iphttpsctl" "$LOG"
topo_in client timeout 5 openssl s_client -connect 192.0.2.1:443 -servername gw.iphttps.test \
	-cert "$PKI/client.crt" -key "$PKI/client.key" </dev/null >/dev/null 2>&1
sleep 0.3
check "a debug line appears at once (a handshake that got through, with the certificate)" \
	grep -q "TLS handshake done: TLSv1.3 .*presented subject=CN = client1.iphttps.test" "$LOG"
topo_ctl reload > /dev/null
check "after a reload the file's level is back" \
	bash -c '"$1" -s "$2" log-level | grep -qx "log level info (the file says info)"' _ "$CTL" "$TOPO_STATE/control.sock"
out=$(topo_ctl log-level loud 2>&1)
check "an unknown level is refused ($out)" grep -q "'loud'; it must be error, warning, info or debug" <<<"$out"

# ---- show config: the configuration in force, by the loader's schema
topo_ctl show config > "$TOPO_STATE/show-config.txt"
head -12 "$TOPO_STATE/show-config.txt" | sed 's/^/    /'
check "show config prints the configuration in force, the file's values and the defaults" \
	python3 -c '
import json, sys
text = open(sys.argv[1]).read()
c = json.loads(text[text.index("{"):])
ok = (c["iphttps"]["authentication"] == "certificates" and c["iphttps"]["uri"] == "/IPHTTPS"
      and c["eal"]["worker_lcores"] == [1, 2] and c["listeners"][0]["port"] == 443
      and c["iphttps"]["client_prefix"] == "2001:db8:c1::/64" and c["limits"]["idle_session_timeout_s"] == 3600
      and c["ports"]["external"]["ipv4"] == "192.0.2.1/24" and c["control"]["socket_mode"] == "0660"
      and c["log_level"] == "info" and c["tls"]["private_key"].endswith("server.key"))
sys.exit(0 if ok else 1)' "$TOPO_STATE/show-config.txt"
check "with every key of the schema's sections (eal, ports, listeners, iphttps, tls, limits, control)" \
	python3 -c '
import json, sys
text = open(sys.argv[1]).read()
c = json.loads(text[text.index("{"):])
sys.exit(0 if all(k in c for k in ("eal", "workers", "ports", "listeners", "iphttps", "tls", "limits", "control", "log_level")) else 1)' \
	"$TOPO_STATE/show-config.txt"
kill "$ONE" "$TWO" 2>/dev/null
wait "$ONE" "$TWO" 2>/dev/null
check_finish
