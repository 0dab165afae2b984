#!/usr/bin/env bash
# limits.sessions_per_subject (issue #24: "the most sessions per client
# certificate subject, as ocserv's max-same-clients"), in certificates mode
# with two workers and real iphttps-client hosts behind TUN devices:
#   - limit 1, action replace_oldest (the default): a host holding the
#     certificate client1 is frozen (SIGSTOP: its TCP lives on in its kernel,
#     as a laptop's old session does on the appliance after its link was
#     cut); a second host with the same certificate comes up, and the
#     appliance ends the first one's session for it, on whichever worker
#     holds it (started again until the two sessions were on different
#     workers once: the order crosses through the owner's inbox);
#   - client2's session is another subject's, untouched throughout;
#   - reloaded with action refuse (live): a third host with client1 is
#     answered 503 and says why; the one up stays.
#
#   client ns: iphttps0/1/2/9 (TUN) ── iphttps-client x 4 ══ TLS ══ [ext0] gw: iphttpsd, workers 1 and 2
. "$(dirname "$0")/../lib/netns_test.sh"

. "$(dirname "$0")/../lib/cert_clients.sh"
export TOPO_DEVICE=af_packet TOPO_QUEUES=2
trap 'cert_clients_stop_all; netns_test_cleanup' EXIT
counter() { topo_telemetry /iphttps/stats "$1"; }
clients_json() { topo_ctl clients --json > "$TOPO_STATE/clients.json" 2>/dev/null; }
sessions_of() { # subject-substring: the LinkUp sessions whose certificate subject has it (not those closing)
	clients_json
	python3 -c '
import json, sys
print(sum(1 for c in json.load(open(sys.argv[2]))["clients"]
          if sys.argv[1] in c["certificate_subject"] and c["state"] == "link_up"))' \
		"$1" "$TOPO_STATE/clients.json"
}
wait_sessions() { # subject-substring count: until that many, at most 10 s
	local _
	for _ in $(seq 1 100); do [ "$(sessions_of "$1")" = "$2" ] && return 0; sleep 0.1; done
	return 1
}

echo "# sessions per certificate subject, two workers, namespaces ${TOPO_PREFIX}{client,gw,corp}"
ACCOUNTING=$TOPO_STATE/accounting.jsonl
sed -e 's/^limits:/limits:\n  sessions_per_subject: 1/' -e "s#^control:#control:\n  accounting_file: $ACCOUNTING#" \
	tests/netns/configs/two-workers-certificates.yaml > "$TOPO_STATE/subject.yaml"
if [ ! -x "$CERT_CLIENT" ] || ! topo_up || ! TOPO_CONFIG=$TOPO_STATE/subject.yaml topo_start_appliance; then
	echo "FAIL: iphttps-client built, lab topology and appliance start"
	exit 1
fi
cert_client_start iphttps9 client2
a9=$(topo_tun_address iphttps9)
check "client2's host is up" test -n "$a9"

# ---- replace_oldest: the second host of client1 takes the first one's place.
replaced_ok=0 crossed=0 tries=0 replaced_before=$(counter session_subject_replaced)
for tries in $(seq 1 10); do
	cert_client_start iphttps0 client
	a0=$(topo_tun_address iphttps0)
	w0=$(worker_of_address "$a0")
	kill -STOP "${CERT_CLIENT_PID[iphttps0]}"
	cert_client_start iphttps1 client
	a1=$(topo_tun_address iphttps1)
	w1=$(worker_of_address "$a1")
	# The first host's session is gone, the second's is the subject's one.
	if wait_sessions client1 1 && [ -n "$w0" ] && [ -n "$(worker_of_address "$a1")" ] &&
	   { [ "$a0" = "$a1" ] || [ -z "$(worker_of_address "$a0")" ]; }; then
		replaced_ok=$((replaced_ok + 1))
	fi
	echo "    try $tries: first host $a0 on worker $w0, second $a1 on worker $w1; client1 sessions: $(sessions_of client1)"
	cert_client_stop iphttps0
	cert_client_stop iphttps1
	wait_sessions client1 0
	[ -n "$w0" ] && [ -n "$w1" ] && [ "$w0" != "$w1" ] && { crossed=1; break; }
done
check "each time, a second host of one certificate ended the first's session: one session for the subject ($replaced_ok of $tries)" \
	test "$replaced_ok" -eq "$tries"
check "once with the two sessions on different workers (the order crossed to the owner's inbox)" test "$crossed" -eq 1
check "counted: session_subject_replaced went up by each time" \
	test "$(counter session_subject_replaced)" -ge $((replaced_before + tries))
check "no order was lost (session_end_order_lost)" test "$(counter session_end_order_lost)" -eq 0
check "the accounting records each replaced session of client1 with its reason: replaced" \
	python3 -c '
import json, sys
n = sum(1 for l in open(sys.argv[1]) if json.loads(l)["reason"] == "replaced"
        and "client1" in json.loads(l)["certificate_subject"])
sys.exit(0 if n >= int(sys.argv[2]) else 1)' "$ACCOUNTING" "$tries"
check "client2's session (another subject) is untouched, and pings corp" \
	bash -c '[ "$1" = 1 ] && ip netns exec "$2" ping -6 -c 2 -W 2 -q -I "$3" fd00:c0::2 >/dev/null' \
	_ "$(sessions_of client2)" "$(topo_ns client)" "$a9"

# ---- refuse, live: a third host of client1 is answered 503 and says why.
cert_client_start iphttps0 client
a0=$(topo_tun_address iphttps0)
check "a host of client1 is up again" test -n "$a0"
# Several clients on one host: packets from iphttps0's address leave by iphttps0, by rule.
topo_in client ip -6 rule add from "$a0" table 100
topo_in client ip -6 route add default via fe80::1 dev iphttps0 table 100
sed 's/^limits:/limits:\n  sessions_per_subject_action: refuse/' "$TOPO_STATE/iphttpsd.yaml" > "$TOPO_STATE/refuse.yaml"
topo_ctl reload "$TOPO_STATE/refuse.yaml" > "$TOPO_STATE/reload.out" 2>&1
check "the action changes live (reload)" test $? -eq 0
refused_before=$(counter session_subject_refused) status_before=$(counter http_status_503)
cert_client_start iphttps2 client
for _ in $(seq 1 100); do grep -q "503" "$TOPO_STATE/iphttps2.log" && break; sleep 0.1; done
grep 503 "$TOPO_STATE/iphttps2.log" | head -1 | sed 's/^/    /'
check "the third host is refused with 503, and its client says why" \
	grep -q "503 Service Unavailable: it has as many sessions of this client certificate" "$TOPO_STATE/iphttps2.log"
check "counted: session_subject_refused and http_status_503" \
	bash -c '[ "$1" -gt "$2" ] && [ "$3" -gt "$4" ]' _ "$(counter session_subject_refused)" "$refused_before" \
	"$(counter http_status_503)" "$status_before"
check "the appliance's log names the subject and the limit" \
	grep -q "refused with 503: CN=client1.iphttps.test has 1 sessions already (limits.sessions_per_subject)" \
	"$TOPO_STATE/iphttpsd.log"
check "the one up stays: client1 has one session, still at $a0, and it pings corp" \
	bash -c '[ "$1" = 1 ] && [ -n "$2" ] && ip netns exec "$3" ping -6 -c 2 -W 2 -q -I "$4" fd00:c0::2 >/dev/null' \
	_ "$(sessions_of client1)" "$(worker_of_address "$a0")" "$(topo_ns client)" "$a0"
cert_clients_stop_all
topo_stop_appliance
check_finish
