#!/usr/bin/env bash
# The control plane with real sessions: iphttpsctl on iphttpsd's control
# socket, two workers, 200 live IP-HTTPS sessions. A reload with a bad file
# and one that needs a restart change nothing and drop no one; a reload of
# limits and the server header, and a certificate rotation, apply live with
# all 200 still up; an authentication-mode change disconnects all 200 on both
# workers, after which only clients of the new mode get in; disconnect one
# client; link disable and enable; malformed control requests; shutdown after
# a drain; /health through each state; /metrics parsed by Prometheus's parser.
#
#   client ns: many_links.py (TLS sessions), curl, openssl ── [ext0] gw: iphttpsd, 2 workers ── corp
. "$(dirname "$0")/../lib/netns_test.sh"

PKI=$TOPO_REPO/config/pki
export TOPO_DEVICE=af_packet TOPO_QUEUES=2
MANY=200
SOCK=$TOPO_STATE/control.sock
CTL=$TOPO_REPO/build/iphttpsctl # for checks run through bash -c, where topo_ctl (a function) is not defined
CONFIG=$TOPO_STATE/iphttpsd.yaml
worker_counter() { topo_telemetry "/iphttps/worker_stats,$1" "$2"; }
# Sessions as iphttpsctl lists them: "how many link_up", "their ids", "how many per worker".
clients_json() { topo_ctl clients --json; }
link_up_count() { clients_json | python3 -c 'import json,sys; print(sum(c["state"] == "link_up" for c in json.load(sys.stdin)["clients"]))'; }
link_up_ids() { clients_json | python3 -c 'import json,sys; print(" ".join(sorted(str(c["id"]) for c in json.load(sys.stdin)["clients"] if c["state"] == "link_up")))'; }
workers_used() { clients_json | python3 -c 'import json,sys; print(len({c["worker"] for c in json.load(sys.stdin)["clients"]}))'; }
show_field() { topo_ctl show --json | python3 -c 'import functools,json,sys; print(functools.reduce(lambda d, k: d[k], sys.argv[1].split("."), json.load(sys.stdin)))' "$1"; }
# SESSIONS HOLD_S OUT [many_links.py options]: TLS sessions from the client namespace, in the background.
links() {
	local n=$1 hold=$2 out=$3
	shift 3
	ip netns exec "$(topo_ns client)" python3 "$TOPO_REPO/tests/lib/many_links.py" 192.0.2.1 gw.iphttps.test \
		"$PKI/ca.crt" "$n" 1 "$hold" "$@" > "$out" 2> "$out.err" &
}
wait_link_up() { # COUNT: until iphttpsctl lists COUNT sessions in LinkUp (30 s at most)
	for _ in $(seq 1 300); do
		[ "$(link_up_count 2>/dev/null || echo -1)" -eq "$1" ] && return 0
		sleep 0.1
	done
	return 1
}
# The management endpoint, from gw's own stack (the management network).
health() { ip netns exec "$(topo_ns gw)" curl -s --max-time 5 -o - -w ' %{http_code}' http://127.0.0.1:9464/health | tr -d '\n'; }
scrape() { ip netns exec "$(topo_ns gw)" curl -sf --max-time 5 http://127.0.0.1:9464/metrics > "$1"; }
wait_health() { # "WORD CODE": until /health says it (5 s at most)
	for _ in $(seq 1 50); do
		[ "$(health)" = "$1" ] && return 0
		sleep 0.1
	done
	echo "    /health says '$(health)'"
	return 1
}
json_field() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"; }
server_fingerprint() {
	topo_in client timeout 10 openssl s_client -connect 192.0.2.1:443 -servername gw.iphttps.test </dev/null 2>/dev/null |
		openssl x509 -noout -fingerprint -sha256
}

echo "# the control plane, namespaces ${TOPO_PREFIX}{client,gw,corp}"
if ! topo_up || ! TOPO_CONFIG=$TOPO_REPO/tests/netns/configs/control.yaml topo_start_appliance; then
	echo "FAIL: lab topology and appliance start"
	exit 1
fi

# Two monitors for the whole run: JSON and the human form. They end when iphttpsd does.
topo_ctl monitor --json > "$TOPO_STATE/monitor.jsonl" 2> "$TOPO_STATE/monitor.err" &
MONITOR_PID=$!
topo_ctl monitor > "$TOPO_STATE/monitor.txt" 2>&1 &
MONITOR_TEXT_PID=$!
ACCOUNTING=$TOPO_STATE/accounting.jsonl

# ---- show, and what a bare iphttpsctl prints
check "the control socket is where --control-socket put it" test -S "$SOCK"
check "bare iphttpsctl shows the state (running, auth mode none)" \
	bash -c 'out=$("$@") && grep -q "^state: *running" <<<"$out" && grep -q "^authentication: *none" <<<"$out"' _ "$CTL" -s "$SOCK"
check "show --json lists two workers" test "$(topo_ctl show --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["workers"]))')" -eq 2
check "show names the server certificate and when it expires" \
	bash -c '"$0" -s "$1" show --json | python3 -c "import json,sys; c=json.load(sys.stdin)[\"certificates\"][\"server\"]; sys.exit(not (c[\"subject\"] == \"CN=gw.iphttps.test\" and c[\"days_left\"] > 30))"' \
	"$TOPO_REPO/build/iphttpsctl" "$SOCK"

check "/health says ok (200) while clients are welcome" wait_health "ok 200"
check "/metrics answers 404 for other paths" \
	test "$(ip netns exec "$(topo_ns gw)" curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:9464/other)" = 404
check "and 405 for POST" \
	test "$(ip netns exec "$(topo_ns gw)" curl -s -o /dev/null -w '%{http_code}' -X POST -d x http://127.0.0.1:9464/metrics)" = 405

# ---- malformed requests: answered with an error, nothing disturbed
for kind in garbage oversize unknown not-object extra-key; do
	answer=$(python3 tests/lib/control_raw.py "$SOCK" "$kind")
	echo "    $kind -> $answer"
	check "a $kind request gets ok=false with a reason" \
		python3 -c 'import json,sys; a=json.loads(sys.argv[1]); sys.exit(not (a["ok"] is False and a["error"]))' "$answer"
done
# The clients table comes raw after its reply line, exactly as long as the line says.
answer=$(python3 tests/lib/control_raw.py "$SOCK" table)
echo "    table -> $answer"
check "the clients table follows its reply line raw: table_bytes bytes, a header and a row per session" \
	python3 -c 'import json,sys; a=json.loads(sys.argv[1]); sys.exit(not (a["received"] == a["table_bytes"] > 0 and a["rows"] >= a["count"] + 1 and "table" not in a))' "$answer"
check "a client that sends nothing is closed after the exchange timeout" \
	test "$(python3 tests/lib/control_raw.py "$SOCK" silent)" = closed
check "an unknown command on the command line is refused, exit 2" \
	bash -c '"$@"; test $? -eq 2' _ "$CTL" -s "$SOCK" frobnicate
check "auth-mode with a bad mode echoes it and exits 2" \
	bash -c '"$@" 2>&1 | grep -q "not '"'"'maybe'"'"'"; test ${PIPESTATUS[0]} -eq 2' _ "$CTL" -s "$SOCK" auth-mode maybe

# ---- peers that connect and say nothing cannot keep the operator out
python3 tests/lib/control_raw.py "$SOCK" hold 300 20 > "$TOPO_STATE/hold.out" 2>&1 &
HOLD_PID=$!
for _ in $(seq 1 100); do grep -q held "$TOPO_STATE/hold.out" && break; sleep 0.1; done
echo "    control socket: $(cat "$TOPO_STATE/hold.out") silent connections"
check "with hundreds of silent connections on the control socket, show still answers at once" \
	timeout 3 "$CTL" -s "$SOCK" show
kill "$HOLD_PID" 2>/dev/null
ip netns exec "$(topo_ns gw)" python3 tests/lib/control_raw.py tcp-hold 127.0.0.2 127.0.0.1 9464 100 20 \
	> "$TOPO_STATE/tcp-hold.out" 2>&1 &
HOLD_PID=$!
for _ in $(seq 1 100); do grep -q held "$TOPO_STATE/tcp-hold.out" && break; sleep 0.1; done
echo "    management HTTP: $(cat "$TOPO_STATE/tcp-hold.out") connections from 127.0.0.2"
check "with 100 connections held from one address, /health still answers another" wait_health "ok 200"
kill "$HOLD_PID" 2>/dev/null

# ---- 200 live sessions across both workers
links $MANY 120 "$TOPO_STATE/many.json"
MANY_PID=$!
check "$MANY sessions reach LinkUp" wait_link_up $MANY
check "they are spread over both workers" test "$(workers_used)" -eq 2

# ---- metrics with 200 clients, scraped and parsed by Prometheus's own parser
scrape "$TOPO_STATE/metrics.txt"
check "/metrics parses, and counts the $MANY clients, their sessions on both workers and the certificate" \
	/usr/bin/python3 tests/lib/scrape_metrics.py "$TOPO_STATE/metrics.txt" "iphttps_clients == $MANY" \
	"iphttps_session_link_up_total >= $MANY" "iphttps_session_link_up_total{worker=0} > 0" \
	"iphttps_session_link_up_total{worker=1} > 0" "iphttps_sessions >= $MANY" \
	"iphttps_state{state=running} == 1" "iphttps_authentication_mode{mode=none} == 1" \
	"iphttps_certificate_expiry_timestamp_seconds{file=server} > $(date +%s)" "iphttps_accepting_clients == 1" \
	"iphttps_build_info{version=$("$TOPO_REPO/build/iphttpsd" --version | cut -d' ' -f2)} == 1"
/usr/bin/python3 tests/lib/scrape_metrics.py "$TOPO_STATE/metrics.txt" | sed 's/^/    /'
check "the metrics carry every counter the telemetry has, once per worker (a reason is a label of its family)" \
	/usr/bin/python3 -c '
import json, sys
from prometheus_client.parser import text_string_to_metric_families
series = set()
for fam in text_string_to_metric_families(open(sys.argv[1]).read()):
    for s in fam.samples:
        if fam.type == "counter" and "worker" in s.labels:
            series.add((s.name, tuple(sorted((k, v) for k, v in s.labels.items() if k != "worker"))))
telemetry = len(json.load(open(sys.argv[2]))) - 1
print("    %d counter series per worker, %d telemetry counters" % (len(series), telemetry))
sys.exit(len(series) != telemetry)' "$TOPO_STATE/metrics.txt" \
	<(python3 tests/lib/telemetry.py "$(topo_file_prefix)" /iphttps/stats 2>/dev/null)
check "drops, HTTP responses and TLS failures are one family each, with reasons and codes as labels" \
	/usr/bin/python3 tests/lib/scrape_metrics.py "$TOPO_STATE/metrics.txt" \
	"iphttps_drops_total{reason=no_listener} >= 0" "iphttps_drops_total{layer=tcp} >= 0" \
	"iphttps_http_responses_total{code=200} >= $MANY" "iphttps_tls_handshake_failures_total{reason=timeout} >= 0" \
	"iphttps_port_link_up{port=external} == 1" "iphttps_port_link_up{port=internal} == 1" \
	"iphttps_port_packets_total{direction=rx} > 0" "iphttps_port_queue_packets_total{queue=1} > 0" \
	"iphttps_worker_busy_seconds_total > 0"
check "no metric name is one reason of many (iphttps_drop_*, iphttps_http_status_*, iphttps_tls_failed_*)" \
	bash -c '! grep -Eq "^iphttps_(drop_|http_status_|tls_failed_|busy_tsc|tls_handshake_cycles)" "$1"' _ "$TOPO_STATE/metrics.txt"
out=$(promtool check metrics < "$TOPO_STATE/metrics.txt" 2>&1)
rc=$?
[ -n "$out" ] && echo "$out" | head -20 | sed 's/^/    /'
check "promtool check metrics finds nothing to say about a live scrape (Prometheus' naming rules)" \
	bash -c '[ "$1" -eq 0 ] && [ -z "$2" ]' _ "$rc" "$out"

check "every metric deploy/grafana-iphttps.json queries is in the scrape" \
	python3 -c '
import json, re, sys
dash = json.load(open(sys.argv[1]))
scraped = {l.split("{")[0].split()[0] for l in open(sys.argv[2]) if l.startswith("iphttps_")}
wanted = {n for p in dash["panels"] for t in p["targets"] for n in re.findall(r"iphttps_[a-z0-9_]+", t["expr"])}
missing = wanted - scraped
print("    dashboard queries %d metrics; missing: %s" % (len(wanted), sorted(missing) or "none"))
sys.exit(1 if missing else 0)' deploy/grafana-iphttps.json "$TOPO_STATE/metrics.txt"

# A real Prometheus (Debian's) scraping the appliance every second, in gw; then
# each of the dashboard's queries as Grafana sends it.
mkdir -p "$TOPO_STATE/prometheus"
cat > "$TOPO_STATE/prometheus.yml" <<PROM
global: {scrape_interval: 1s, evaluation_interval: 1s}
scrape_configs:
  - job_name: iphttps
    static_configs: [{targets: ["127.0.0.1:9464"]}]
PROM
topo_in gw prometheus --config.file="$TOPO_STATE/prometheus.yml" --storage.tsdb.path="$TOPO_STATE/prometheus" \
	--web.listen-address=127.0.0.1:9090 > "$TOPO_STATE/prometheus.log" 2>&1 &
PROMETHEUS_PID=$!
out=$(topo_in gw python3 tests/lib/dashboard_queries.py deploy/grafana-iphttps.json http://127.0.0.1:9090 --wait 30 2>&1)
echo "$out" | sed 's/^/    /'
check "a real Prometheus server scraping the appliance answers every query of the dashboard with data, without error" \
	grep -q "^\([0-9]*\) of \1 queries answered with data$" <<<"$out"
kill "$PROMETHEUS_PID" 2>/dev/null; wait "$PROMETHEUS_PID" 2>/dev/null

# ---- /health says full at max_clients (203)
links 3 60 "$TOPO_STATE/fill.json" --prefix 2001:db8:c1:0:1:: # addresses of their own
FILL_PID=$!
check "three more fill the Client Table to max_clients" wait_link_up $((MANY + 3))
check "/health says full (503) at max_clients" wait_health "full 503"
ALL=$((MANY + 3))
ids_before=$(link_up_ids)

# ---- reload with a bad file: error with line and column, nothing changes
cp "$CONFIG" "$TOPO_STATE/bad.yaml"
sed -i 's/^log_level: info/log_level: loud/' "$TOPO_STATE/bad.yaml"
bad_line=$(grep -n '^log_level: loud' "$TOPO_STATE/bad.yaml" | cut -d: -f1)
topo_ctl reload "$TOPO_STATE/bad.yaml" > "$TOPO_STATE/reload-bad.out" 2>&1
rc=$?
sed 's/^/    /' "$TOPO_STATE/reload-bad.out"
check "a reload with a bad file fails (exit 1)" test "$rc" -eq 1
check "its error names the file, line $bad_line and the column" grep -q "bad.yaml:$bad_line:[0-9]*: " "$TOPO_STATE/reload-bad.out"
check "all $ALL sessions survive it, the same ones" test "$(link_up_ids)" = "$ids_before"

# ---- a change that needs a restart is refused, saying so
sed 's/port: 82$/port: 83/' "$CONFIG" > "$TOPO_STATE/restart.yaml"
check "a reload that moves a listener is refused: needs a restart" \
	bash -c '"$@" 2>&1 | grep -q "listeners.*needs a restart"' _ "$CTL" -s "$SOCK" reload "$TOPO_STATE/restart.yaml"
check "and drops no one" test "$(link_up_ids)" = "$ids_before"

# ---- live changes: limits and the server header
bad_handshake() { topo_in client timeout 5 openssl s_client -connect 192.0.2.1:443 -tls1_1 </dev/null >/dev/null 2>&1; }
bad_handshake
sleep 0.2
check "at log level info a refused handshake is logged once, with the peer and its reason (TLS 1.1: protocol_version)" \
	test "$(grep -c 'peer 192.0.2.2 port [0-9]*: TLS handshake refused (protocol_version): no TLS version in common' "$TOPO_STATE/iphttpsd.log")" -eq 1
check "and the handshakes that got through are not (a debug line)" \
	test "$(grep -c 'TLS handshake done' "$TOPO_STATE/iphttpsd.log")" -eq 0
check "before: HTTP answers carry 'Server: iphttps'" \
	bash -c 'ip netns exec "$0" curl -s --max-time 5 -D - -o /dev/null http://192.0.2.1:82/nothing | grep -qi "^server: iphttps\s*$"' "$(topo_ns client)"
sed -e 's/http_request_timeout_ms: 1500/http_request_timeout_ms: 2500/' -e "s#^control:#control:\n  accounting_file: $ACCOUNTING#" \
    -e 's/^log_level: info/log_level: debug/' \
    -e 's#^  uri: /IPHTTPS#  uri: /IPHTTPS\n  server_header: iphttps-reloaded#' "$CONFIG" > "$TOPO_STATE/live.yaml"
topo_ctl reload "$TOPO_STATE/live.yaml" > "$TOPO_STATE/reload-live.out" 2>&1
rc=$?
sed 's/^/    /' "$TOPO_STATE/reload-live.out"
check "a reload of limits and the server header applies (exit 0)" test "$rc" -eq 0
check "it reports what changed (the accounting file and the log level too, which apply live)" \
	grep -q "changed: control.accounting_file limits iphttps.server_header log_level" "$TOPO_STATE/reload-live.out"
bad_handshake
sleep 0.2
sleep 1.1 # a new second: at most 2 lines a second are written about one address, and it just had one
topo_in client timeout 5 openssl s_client -connect 192.0.2.1:443 -servername gw.iphttps.test </dev/null >/dev/null 2>&1
sleep 0.2
check "at log level debug now, a handshake that got through is logged with the peer, version and suite" \
	grep -q "peer 192.0.2.2 port [0-9]*: TLS handshake done: TLSv1.3 TLS_" "$TOPO_STATE/iphttpsd.log"
check "all $ALL sessions survive it" test "$(link_up_ids)" = "$ids_before"
check "new HTTP answers carry the new server header" \
	bash -c 'ip netns exec "$0" curl -s --max-time 5 -D - -o /dev/null http://192.0.2.1:82/nothing | grep -qi "^server: iphttps-reloaded"' "$(topo_ns client)"
check "show counts the reloads" test "$(show_field reloads)" -eq 1
check "show says which iphttpsd runs (its --version)" \
	test "$(show_field version)" = "$("$TOPO_REPO/build/iphttpsd" --version | cut -d' ' -f2)"

# ---- certificate rotation: SIGHUP after the file names the ECDSA certificate
old_fp=$(server_fingerprint)
sed -i -e 's#pki/server.crt#pki/server-ecdsa.crt#' -e 's#pki/server.key#pki/server-ecdsa.key#' "$TOPO_STATE/live.yaml"
kill -HUP "$(cat "$TOPO_STATE/iphttpsd.pid")"
for _ in $(seq 1 50); do
	[ "$(show_field reloads)" -ge 2 ] && break
	sleep 0.1
done
new_fp=$(server_fingerprint)
want_fp=$(openssl x509 -noout -fingerprint -sha256 -in "$PKI/server-ecdsa.crt")
echo "    before: $old_fp"
echo "    after:  $new_fp"
check "SIGHUP reloads (show counts it)" test "$(show_field reloads)" -eq 2
check "new handshakes see the new certificate" test "$new_fp" = "$want_fp"
check "and it is not the old one" test "$new_fp" != "$old_fp"
check "all $ALL sessions survive the rotation" test "$(link_up_ids)" = "$ids_before"
check "show names the file the appliance now runs from" test "$(show_field config)" = "$TOPO_STATE/live.yaml"
# Of the four reloads so far only the one that needs a restart was refused.
# (Every successful SIGHUP reload once logged "reload refused: " and an uninitialised buffer.)
check_equal "the successful reloads log no refusal: one 'reload refused', the restart's" 1 \
	"$(grep -c 'reload refused: ' "$TOPO_STATE/iphttpsd.log")"

# ---- a short-lived certificate from an intermediate, with an OCSP staple: the chain is sent, the
# staple is served, the log warns of the expiry; a staple for another certificate is refused
RUN_PKI=$TOPO_STATE/pki
mkdir -p "$RUN_PKI"
(
	cd "$RUN_PKI" || exit 1
	openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=iphttps lab intermediate" \
		-keyout inter.key -out inter.csr
	printf 'basicConstraints=critical,CA:true\nkeyUsage=critical,keyCertSign,cRLSign,digitalSignature\n' > inter.ext
	openssl x509 -req -in inter.csr -CA "$PKI/ca.crt" -CAkey "$PKI/ca.key" -set_serial "0x$(openssl rand -hex 8)" \
		-days 30 -extfile inter.ext -out inter.crt
	openssl req -new -newkey rsa:2048 -nodes -subj "/CN=gw.iphttps.test" -keyout leaf.key -out leaf.csr
	printf 'subjectAltName=DNS:gw.iphttps.test,IP:192.0.2.1\nextendedKeyUsage=serverAuth\n' > leaf.ext
	openssl x509 -req -in leaf.csr -CA inter.crt -CAkey inter.key -set_serial "0x$(openssl rand -hex 8)" \
		-days 10 -extfile leaf.ext -out leaf.crt
	cat leaf.crt inter.crt > chain.crt
	printf 'V\t%s\t\t%s\tunknown\t/CN=gw.iphttps.test\n' "$(date -u -d '+10 days' +%y%m%d%H%M%SZ)" \
		"$(openssl x509 -in leaf.crt -noout -serial | cut -d= -f2)" > index.txt
	openssl ocsp -issuer inter.crt -cert leaf.crt -no_nonce -reqout leaf.req
	openssl ocsp -index index.txt -rsigner inter.crt -rkey inter.key -CA inter.crt \
		-reqin leaf.req -respout leaf.ocsp -ndays 7
	: > other-index.txt
	openssl ocsp -issuer "$PKI/ca.crt" -cert "$PKI/server.crt" -no_nonce -reqout other.req
	openssl ocsp -index other-index.txt -rsigner "$PKI/ca.crt" -rkey "$PKI/ca.key" -CA "$PKI/ca.crt" \
		-reqin other.req -respout other.ocsp -ndays 7
) > "$TOPO_STATE/pki.log" 2>&1
check "the lab makes a leaf under the intermediate and OCSP responses" test -s "$RUN_PKI/leaf.ocsp" -a -s "$RUN_PKI/other.ocsp"
sed -i -e "s#^  certificate: .*#  certificate: $RUN_PKI/chain.crt#" -e "s#^  private_key: .*#  private_key: $RUN_PKI/leaf.key#" \
	-e "s#^tls:#tls:\n  ocsp_response: $RUN_PKI/other.ocsp#" "$TOPO_STATE/live.yaml"
topo_ctl reload > "$TOPO_STATE/reload-ocsp-bad.out" 2>&1
rc=$?
sed 's/^/    /' "$TOPO_STATE/reload-ocsp-bad.out"
check "a staple for another certificate is refused (exit 1), naming the file and why" \
	bash -c '[ "$1" -eq 1 ] && grep -q "tls.ocsp_response: .*other.ocsp: it holds no status for the server certificate" "$2"' _ \
	"$rc" "$TOPO_STATE/reload-ocsp-bad.out"
sed -i "s#other.ocsp#leaf.ocsp#" "$TOPO_STATE/live.yaml"
check "with the leaf's own staple the reload applies" topo_ctl reload
status=$(topo_in client timeout 10 openssl s_client -connect 192.0.2.1:443 -servername gw.iphttps.test -status -showcerts \
	</dev/null 2>/dev/null)
check "new handshakes get the whole chain (leaf, then the intermediate)" \
	bash -c 'grep -q "^ 0 s:CN = gw.iphttps.test" <<<"$1" && grep -q "^ 1 s:CN = iphttps lab intermediate" <<<"$1"' _ "$status"
check "and the OCSP staple: successful, good" \
	bash -c 'grep -q "OCSP Response Status: successful" <<<"$1" && grep -q "Cert Status: good" <<<"$1"' _ "$status"
check "the log warns that the server certificate expires within 30 days" \
	grep -q "the server certificate (CN=gw.iphttps.test) expires on .* in [0-9]* day(s): renew it" "$TOPO_STATE/iphttpsd.log"
check "show gives the days left and the staple's next update" \
	bash -c '"$0" -s "$1" show --json | python3 -c "import json,sys; c=json.load(sys.stdin)[\"certificates\"]; sys.exit(not (c[\"server\"][\"days_left\"] < 30 and c[\"ocsp_response\"][\"days_left\"] >= 6))"' \
	"$CTL" "$SOCK"
check "all $ALL sessions survive both" test "$(link_up_ids)" = "$ids_before"

# ---- authentication-mode change: everyone goes, on both workers
# A TLS session (its ticket) from mode none, saved to be offered after the
# change. Only the handshake: the Client Table is full, and no session event
# or accounting record comes of it.
for v in 1_2 1_3; do
	sleep 1 | topo_in client timeout 8 openssl s_client -connect 192.0.2.1:443 -tls$v \
		-sess_out "$TOPO_STATE/none-$v.sess" >/dev/null 2>&1
	check "mode none: a TLS ${v/_/.} session is saved" test -s "$TOPO_STATE/none-$v.sess"
done
before0=$(worker_counter 0 session_disconnected_by_operator)
before1=$(worker_counter 1 session_disconnected_by_operator)
out=$(topo_ctl --json auth-mode certificates)
echo "    $out" | tr -d '\n'; echo
check "auth-mode certificates disconnects all $ALL" \
	python3 -c 'import json,sys; r=json.loads(sys.argv[1]); sys.exit(not (r["disconnected"] == int(sys.argv[2]) and r["authentication"] == "certificates"))' "$out" "$ALL"
check "on both workers" bash -c '[ "$1" -gt "$2" ] && [ "$3" -gt "$4" ]' _ \
	"$(worker_counter 0 session_disconnected_by_operator)" "$before0" "$(worker_counter 1 session_disconnected_by_operator)" "$before1"
wait "$MANY_PID"
echo "    $(cat "$TOPO_STATE/many.json")"
check "every one of the $MANY saw the server close it" test "$(json_field "$TOPO_STATE/many.json" closed_by_server)" -eq $MANY
wait "$FILL_PID"
check "the Client Table is empty" wait_link_up 0
check "/health says ok again" wait_health "ok 200"
check "show says certificates" test "$(show_field authentication)" = certificates
links 5 1 "$TOPO_STATE/nocert.json"
wait $!
# The accounting records of the $ALL, written when they ended.
check "the accounting file has a record for each of the $ALL, reason auth_mode_change" \
	test "$(grep -c '"reason":"auth_mode_change"' "$ACCOUNTING")" -eq "$ALL"
head -1 "$ACCOUNTING" | sed 's/^/    /'
check "each record holds both ends: start, end, addresses, outer address, bytes, TLS" \
	python3 -c '
import json, sys
records = [json.loads(l) for l in open(sys.argv[1])]
ok = all(r["start"] and r["end"] > r["start"] and r["client_addresses"] and r["outer_address"] == "192.0.2.2"
         and r["rx_bytes"] > 0 and r["tx_bytes"] > 0 and r["tls_version"] == "TLSv1.3" for r in records)
sys.exit(not ok)' "$ACCOUNTING"
check "a client without a certificate is refused now" test "$(json_field "$TOPO_STATE/nocert.json" link_up)" -eq 0
# Every trust change changes what a ticket is bound to (the session-id
# context): a ticket from mode none does not resume in certificates mode,
# where it would have let a client in without a certificate.
for v in 1_2 1_3; do
	out=$(tls_session_resume "$TOPO_STATE/none-$v.sess" -tls$v)
	echo "    TLS ${v/_/.} resumption offered after the change: $(echo $out)"
	check "a TLS ${v/_/.} ticket from mode none does not resume in certificates mode, and gets no 200" \
		bash -c '! grep -q "^Reused," <<<"$1" && ! grep -q "HTTP/1.1 200" <<<"$1"' _ "$out"
done
links 5 1 "$TOPO_STATE/cert.json" --cert "$PKI/client.crt" --key "$PKI/client.key"
wait $!
check "a client with a certificate gets in" test "$(json_field "$TOPO_STATE/cert.json" link_up)" -eq 5
check "auth-mode to the mode in force changes nothing" \
	bash -c '"$@" | grep -q "already certificates"' _ "$CTL" -s "$SOCK" auth-mode certificates
check "auth-mode none back (exit 0)" topo_ctl auth-mode none

# ---- disconnect one client
links 3 60 "$TOPO_STATE/three.json"
THREE_PID=$!
check "three sessions up" wait_link_up 3
victim=$(clients_json | python3 -c 'import json,sys; print(json.load(sys.stdin)["clients"][0]["id"])')
check "disconnect $victim ends one session" bash -c '"$@" | grep -q "^1 session(s) disconnected"' _ "$CTL" -s "$SOCK" disconnect "$victim"
check "the other two stay" wait_link_up 2
check "disconnect of an id nobody has says so, exit 1" bash -c '"$@" 2>&1 | grep -q "no session matches"; test ${PIPESTATUS[0]} -eq 1' _ "$CTL" -s "$SOCK" disconnect 999999999
check "disconnect of junk echoes it, exit 1" bash -c '"$@" 2>&1 | grep -q "not-an-address"; test ${PIPESTATUS[0]} -eq 1' _ "$CTL" -s "$SOCK" disconnect not-an-address

# ---- link disable / enable (§3.2.4.2)
out=$(topo_ctl link disable)
echo "    $out"
check "link disable disconnects the two" grep -q "2 session(s) disconnected" <<<"$out"
check "show says link disabled" test "$(show_field state)" = "link disabled"
check "/health says link disabled (503)" wait_health "link disabled 503"
wait "$THREE_PID"
links 3 1 "$TOPO_STATE/disabled.json"
wait $!
check "while disabled, new clients do not get in" test "$(json_field "$TOPO_STATE/disabled.json" link_up)" -eq 0
check "and are counted as refused" test "$(topo_telemetry /iphttps/stats session_refused_not_accepting)" -ge 3
check "link enable (exit 0)" topo_ctl link enable
links 3 1 "$TOPO_STATE/enabled.json"
wait $!
check "enabled again, new clients get in" test "$(json_field "$TOPO_STATE/enabled.json" link_up)" -eq 3

# ---- shutdown after a drain (§3.2.7.3)
links 3 6 "$TOPO_STATE/drain.json"
DRAIN_PID=$!
check "three sessions up before the drain" wait_link_up 3
check "shutdown --drain 60 starts a drain" bash -c '"$@" | grep -q "^draining"' _ "$CTL" -s "$SOCK" shutdown --drain 60
check "show says draining" test "$(show_field state)" = draining
check "/health says draining (503)" wait_health "draining 503"
# A new client's SYN goes unanswered: no SYN-ACK, and no reset either, which
# an IP-HTTPS client would take as a failed attempt and wait 30 s after
# ([MS-IPHTTPS] 3.1.2.1); its kernel's retry reaches another node or the
# next process.
unanswered=$(topo_telemetry /iphttps/stats drop_tcp_syn_unanswered)
late=$(topo_in client python3 -c '
import socket
s = socket.socket()
s.settimeout(2.5)
try:
    s.connect(("192.0.2.1", 443)); print("connected")
except socket.timeout:
    print("no answer")
except ConnectionRefusedError:
    print("reset")')
check "no new client gets in during the drain: its SYN is left unanswered ($late), counted" \
	bash -c '[ "$1" = "no answer" ] && [ "$2" -gt "$3" ]' _ "$late" \
	"$(topo_telemetry /iphttps/stats drop_tcp_syn_unanswered)" "$unanswered"
wait "$DRAIN_PID"
check "the drained sessions ended on their own (not cut by the server)" \
	test "$(json_field "$TOPO_STATE/drain.json" closed_by_server)" -eq 0
pid=$(cat "$TOPO_STATE/iphttpsd.pid")
for _ in $(seq 1 100); do
	kill -0 "$pid" 2>/dev/null || break
	sleep 0.1
done
check "when the last left, iphttpsd stopped" bash -c '! kill -0 "$1" 2>/dev/null' _ "$pid"
check "its log says why" grep -q "the last session has gone" "$TOPO_STATE/iphttpsd.log"
check "and the control socket is gone" test ! -e "$SOCK"

# ---- what the monitors saw, and the accounting file over the whole run
wait "$MONITOR_PID" "$MONITOR_TEXT_PID"
count_events() { python3 -c 'import json,sys; print(sum(all(e.get(k) == v for k, v in (kv.split("=") for kv in sys.argv[2:])) for e in map(json.loads, open(sys.argv[1]))))' "$TOPO_STATE/monitor.jsonl" "$@"; }
echo "    monitor: $(wc -l < "$TOPO_STATE/monitor.jsonl") events; $(count_events event=connect) connects, $(count_events event=disconnect) disconnects"
check "monitor saw every connect (at least $((ALL + 5 + 3 + 3 + 3)))" test "$(count_events event=connect)" -ge $((ALL + 14))
check "and the $ALL disconnects of the auth-mode change, with their reason" \
	test "$(count_events event=disconnect reason=auth_mode_change)" -eq "$ALL"
check "the one disconnected by command" test "$(count_events event=disconnect reason=disconnected)" -eq 1
check "the two of link disable" test "$(count_events event=disconnect reason=link_disabled)" -eq 2
check "the three reloads applied (the refused ones are not events)" test "$(count_events event=reload)" -eq 3
check "the two auth-mode changes" test "$(count_events event=auth_mode)" -eq 2
check "link disable and enable" test "$(count_events event=link)" -eq 2
check "and the drain" test "$(count_events event=drain)" -eq 1
check "the human monitor names each disconnect and its reason" grep -q "disconnect .*: auth_mode_change after" "$TOPO_STATE/monitor.txt"
check "every session that was a client has one accounting record (as many as monitor's disconnects)" \
	test "$(wc -l < "$ACCOUNTING")" -eq "$(count_events event=disconnect)"
check "the drained clients' records say they closed themselves" \
	test "$(grep -c '"reason":"client_closed"' "$ACCOUNTING")" -ge 3
check_finish
