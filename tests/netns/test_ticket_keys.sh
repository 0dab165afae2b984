#!/usr/bin/env bash
# The session-ticket key file (tls.ticket_keys_file, HAProxy's tls-ticket-keys
# format): tickets resume across a restart (and so on any node given the
# same file), which keys drawn by the process do not; a live rotation keeps
# the last current key opening its tickets for one more rotation; a file
# that does not read refuses the start and the reload, and when it changes
# later is logged with the keys in use kept. Then 500 clients of the load
# generator through a restart: all back at LinkUp, every one resumed.
#
#   client ns: openssl s_client, iphttps_load ── gw: iphttpsd (restarted) ── corp
. "$(dirname "$0")/../lib/netns_test.sh"

CTL=$TOPO_REPO/build/iphttpsctl
LOAD=$TOPO_REPO/build/iphttps_load
KEYS=$TOPO_STATE/ticket-keys
NAME=(-servername gw.iphttps.test)
log_has() { grep -q "$1" "$TOPO_STATE/iphttpsd.log"; }
restart() { topo_stop_appliance && TOPO_CONFIG=$1 topo_start_appliance; }

echo "# session-ticket keys from a file, namespaces ${TOPO_PREFIX}{client,gw,corp}"
out=$("$CTL" ticket-keys new "$KEYS" 2>&1)
echo "    $out"
check "iphttpsctl ticket-keys new writes three keys, mode 0600" \
	bash -c '[ "$(stat -c %a "$1")" = 600 ] && [ "$(grep -vc "^#" "$1")" = 3 ]' _ "$KEYS"
out=$("$CTL" ticket-keys new "$KEYS" 2>&1)
check "and refuses to replace a file whose keys may be in use ($out)" grep -q "exists: its keys may be in use" <<<"$out"

sed -e "s#^  null_encryption: false#  null_encryption: false\n  ticket_keys_file: $KEYS#" -e "s#: pki/#: $TOPO_REPO/config/pki/#" config/lab.yaml > "$TOPO_STATE/keys.yaml"
check "the config names the file (iphttpsctl check accepts it)" "$CTL" check "$TOPO_STATE/keys.yaml"
if ! topo_up || ! TOPO_CONFIG=$TOPO_STATE/keys.yaml topo_start_appliance; then
	echo "FAIL: lab topology and appliance start"
	exit 1
fi
check "the appliance says where its keys come from" log_has "session ticket keys from $KEYS"

# ---- a restart: the file's keys open the tickets of the process before
tls_session_save "$TOPO_STATE/s13" -tls1_3 "${NAME[@]}" > /dev/null
tls_session_save "$TOPO_STATE/s12" -tls1_2 "${NAME[@]}" > /dev/null
restart "$TOPO_STATE/keys.yaml" || { echo "FAIL: restart"; exit 1; }
r13=$(tls_session_resume "$TOPO_STATE/s13" -tls1_3 "${NAME[@]}" | xargs)
r12=$(tls_session_resume "$TOPO_STATE/s12" -tls1_2 "${NAME[@]}" | xargs)
check "after a restart a TLS 1.3 ticket resumes, and the session reaches its 200 ($r13)" test "$r13" = "Reused, HTTP/1.1 200"
check "and a TLS 1.2 ticket ($r12)" test "$r12" = "Reused, HTTP/1.1 200"

# The same without the file: the keys died with the process (the test can fail).
restart config/lab.yaml || { echo "FAIL: restart"; exit 1; }
tls_session_save "$TOPO_STATE/d13" -tls1_3 "${NAME[@]}" > /dev/null
restart config/lab.yaml || { echo "FAIL: restart"; exit 1; }
d13=$(tls_session_resume "$TOPO_STATE/d13" -tls1_3 "${NAME[@]}" | xargs)
check "without the file, a ticket from before a restart makes a full handshake ($d13)" test "$d13" = "New, HTTP/1.1 200"

# ---- live rotation
restart "$TOPO_STATE/keys.yaml" || { echo "FAIL: restart"; exit 1; }
tls_session_save "$TOPO_STATE/t0" -tls1_3 "${NAME[@]}" > /dev/null
out=$("$CTL" ticket-keys rotate "$KEYS" 2>&1)
echo "    $out"
sleep 2 # the watch looks every second
check "the appliance reads the rotated file again, live" log_has "keys read again from $KEYS"
r=$(tls_session_resume "$TOPO_STATE/t0" -tls1_3 "${NAME[@]}" | xargs)
check "a ticket sealed before one rotation still resumes (its key is now the previous) ($r)" test "$r" = "Reused, HTTP/1.1 200"
tls_session_save "$TOPO_STATE/t1" -tls1_3 "${NAME[@]}" > /dev/null
"$CTL" ticket-keys rotate "$KEYS" > /dev/null && sleep 1.5 && "$CTL" ticket-keys rotate "$KEYS" > /dev/null
sleep 2
r=$(tls_session_resume "$TOPO_STATE/t0" -tls1_3 "${NAME[@]}" | xargs)
check "after three rotations it makes a full handshake ($r)" test "$r" = "New, HTTP/1.1 200"

# ---- files that do not read
tls_session_save "$TOPO_STATE/t2" -tls1_3 "${NAME[@]}" > /dev/null
cp "$KEYS" "$TOPO_STATE/keys.good"
printf '%s\nnot a key\n%s\n' "$(sed -n 3p "$KEYS")" "$(sed -n 4p "$KEYS")" > "$KEYS"
sleep 2
check "a file rewritten badly is logged, naming the line" log_has "$KEYS:2: not a key"
r=$(tls_session_resume "$TOPO_STATE/t2" -tls1_3 "${NAME[@]}" | xargs)
check "and the keys in use stay: a ticket from before still resumes ($r)" test "$r" = "Reused, HTTP/1.1 200"
out=$(topo_ctl reload "$TOPO_STATE/keys.yaml" 2>&1)
check "a reload with the bad file is refused, nothing applied ($out)" \
	bash -c 'grep -q "nothing applied" <<<"$1" && grep -q "ticket-keys:2: not a key" <<<"$1"' _ "$out"
topo_stop_appliance
TOPO_CONFIG=$TOPO_STATE/keys.yaml topo_start_appliance > /dev/null 2>&1
grep -i "ticket" "$TOPO_STATE/iphttpsd.log" | tail -3 | sed 's/^/    log: /'
check "iphttpsd will not start with it, and says why" \
	bash -c '! kill -0 "$(cat "$1/iphttpsd.pid" 2>/dev/null)" 2>/dev/null && grep -q "ticket-keys:2: not a key.*; not starting" "$1/iphttpsd.log"' _ "$TOPO_STATE"
topo_stop_appliance
cp "$TOPO_STATE/keys.good" "$KEYS"

# ---- 500 clients through a restart (a cut at every client), the file shared by both processes
TOPO_CONFIG=$TOPO_STATE/keys.yaml topo_start_appliance || { echo "FAIL: start"; exit 1; }
for i in $(seq 16 19); do topo_in client ip addr add "192.0.2.$i/24" dev ext1; done
ip netns exec "$(topo_ns client)" "$LOAD" --sessions 500 --sources 192.0.2.16/4 --keepalive 1 --hold 120 --again \
	192.0.2.1 > "$TOPO_STATE/load.jsonl" 2> "$TOPO_STATE/load.err" &
LOAD_PID=$!
for _ in $(seq 1 600); do grep -q '"event": "up"' "$TOPO_STATE/load.jsonl" && break; sleep 0.1; done
up=$(grep '"event": "up"' "$TOPO_STATE/load.jsonl")
echo "    $up"
check "500 clients up" python3 -c 'import json,sys; r=json.loads(sys.argv[1]); sys.exit(r["up"] != 500)' "$up"
restart "$TOPO_STATE/keys.yaml" || { echo "FAIL: restart"; exit 1; }
kill -USR1 "$LOAD_PID" # the hold ends: every client comes back
for _ in $(seq 1 600); do grep -q '"event": "again"' "$TOPO_STATE/load.jsonl" && break; sleep 0.1; done
hold=$(grep '"event": "hold"' "$TOPO_STATE/load.jsonl" | head -1)
again=$(grep '"event": "again"' "$TOPO_STATE/load.jsonl")
echo "    $hold"
echo "    $again"
check "the restart closed every client's session (the old process said goodbye)" \
	python3 -c 'import json,sys; r=json.loads(sys.argv[1]); sys.exit(r["closed_by_server"] != 500)' "$hold"
check "all 500 back at LinkUp on the new process, every one resuming its ticket, within 5 s" \
	python3 -c 'import json,sys; r=json.loads(sys.argv[1]); sys.exit(not (r["up"] == 500 and r["resumed"] == 500 and r["seconds_to_up"] <= 5))' "$again"
kill -USR1 "$LOAD_PID"
wait "$LOAD_PID"
check_finish
