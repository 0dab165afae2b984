#!/usr/bin/env bash
# What the operator finds when a client fails (docs/TROUBLESHOOTING.md): each
# refusal the appliance can see, provoked with a real client (openssl s_client,
# Python's ssl, curl), is counted under its reason (telemetry and /metrics'
# iphttps_tls_handshake_failures_total{reason}) and has an info line naming the
# client's outer address, the reason and, for a certificate, its subject and
# issuer. The Windows error each one shows on the client is in the check's name.
#
#   client ns: the clients ── [ext0] gw: iphttpsd (certificates mode) ── corp
. "$(dirname "$0")/../lib/netns_test.sh"

PKI=$TOPO_REPO/config/pki
export TOPO_DEVICE=af_packet
LOG=$TOPO_STATE/iphttpsd.log
REQ='POST /IPHTTPS HTTP/1.1\r\nHost: gw.iphttps.test\r\nContent-Length: 18446744073709551615\r\n\r\n'
counter() { topo_telemetry /iphttps/stats "$1"; }
s_client() { # s_client args...: the POST, then 1.5 s for the answer
	(printf "$REQ"; sleep 1.5) | topo_in client timeout 8 openssl s_client -connect 192.0.2.1:443 \
		-servername gw.iphttps.test -quiet "$@" > "$TOPO_STATE/s_client.out" 2>&1
}
# REASON_COUNTER LOG_PATTERN DESCRIPTION COMMAND...: the command is one refused client; its counter
# rises by exactly one and the log gains a line from the client's address matching the pattern.
refused() {
	local name=$1 pattern=$2 what=$3 before lines_before after lines_after
	shift 3
	before=$(counter "$name")
	lines_before=$(grep -c "peer 192.0.2.2 port [0-9]*: $pattern" "$LOG")
	"$@"
	sleep 0.3
	after=$(counter "$name")
	lines_after=$(grep -c "peer 192.0.2.2 port [0-9]*: $pattern" "$LOG")
	check "$what: counted as $name ($before -> $after)" test "$after" -eq $((before + 1))
	check "  and logged at info from its address: '$pattern'" test "$lines_after" -gt "$lines_before"
}

# Certificates the lab PKI has not: an expired client certificate, and an
# expired server certificate for gw.iphttps.test (both from the lab CA).
mkdir -p "$TOPO_STATE/ca"
cat > "$TOPO_STATE/ca/ca.cnf" <<CNF
[ca]
default_ca = lab
[lab]
database = $TOPO_STATE/ca/index.txt
new_certs_dir = $TOPO_STATE/ca
serial = $TOPO_STATE/ca/serial
default_md = sha256
policy = any
copy_extensions = copy
[any]
commonName = supplied
CNF
: > "$TOPO_STATE/ca/index.txt"
echo 1000 > "$TOPO_STATE/ca/serial"
expired() { # name cn [extension]
	openssl req -new -newkey rsa:2048 -nodes -subj "/CN=$2" ${3:+-addext "$3"} -keyout "$TOPO_STATE/$1.key" \
		-out "$TOPO_STATE/$1.csr" 2>/dev/null &&
	openssl ca -batch -config "$TOPO_STATE/ca/ca.cnf" -cert "$PKI/ca.crt" -keyfile "$PKI/ca.key" \
		-startdate 20200101000000Z -enddate 20200201000000Z -in "$TOPO_STATE/$1.csr" -out "$TOPO_STATE/$1.crt" 2>/dev/null
}
expired expired-client expired.iphttps.test "extendedKeyUsage=clientAuth"
expired expired-server gw.iphttps.test "subjectAltName=DNS:gw.iphttps.test,IP:192.0.2.1"

echo "# refused clients, namespaces ${TOPO_PREFIX}{client,gw,corp}"
if ! topo_up || ! TOPO_CONFIG=$TOPO_REPO/tests/netns/configs/sessions-certificates.yaml topo_start_appliance; then
	echo "FAIL: lab topology and appliance start"
	exit 1
fi
# The operator's view while it happens: iphttpsctl monitor, for the whole test.
topo_ctl monitor > "$TOPO_STATE/monitor.txt" 2>&1 &
MONITOR_PID=$!
sleep 0.3

# ---- the appliance refuses the client: Windows shows 0x80090326 (SEC_E_ILLEGAL_MESSAGE)
refused tls_failed_client_certificate_missing \
	"TLS handshake refused (client_certificate_missing): the client presented no certificate" \
	"0x80090326: no client certificate (s_client)" s_client -CAfile "$PKI/ca.crt"
refused tls_failed_client_certificate_revoked \
	"TLS handshake refused (client_certificate_revoked): .*presented subject=CN = revoked.iphttps.test; issuer=CN = iphttps lab CA" \
	"0x80090326: a revoked machine certificate" s_client -CAfile "$PKI/ca.crt" -cert "$PKI/revoked.crt" -key "$PKI/revoked.key"
refused tls_failed_client_certificate_unknown_ca \
	"TLS handshake refused (client_certificate_unknown_ca): .*presented subject=CN = stranger.iphttps.test; issuer=CN = stranger CA" \
	"0x80090326: a certificate from another CA" s_client -CAfile "$PKI/ca.crt" -cert "$PKI/stranger.crt" -key "$PKI/stranger.key"
refused tls_failed_client_certificate_expired \
	"TLS handshake refused (client_certificate_expired): .*presented subject=CN = expired.iphttps.test" \
	"0x80090326: an expired machine certificate" \
	s_client -CAfile "$PKI/ca.crt" -cert "$TOPO_STATE/expired-client.crt" -key "$TOPO_STATE/expired-client.key"
refused tls_failed_protocol_version "TLS handshake refused (protocol_version): no TLS version in common" \
	"0x80090326: TLS 1.1 only (tls.min_version 1.2)" s_client -tls1_1
refused tls_failed_no_shared_cipher "TLS handshake refused (no_shared_cipher)" \
	"0x80090326: only suites the server has not (ECDSA suites, an RSA certificate)" \
	s_client -tls1_2 -cipher ECDHE-ECDSA-AES128-GCM-SHA256
refused tls_failed_not_tls "TLS handshake refused (not_tls): the client does not speak TLS" \
	"plain HTTP to port 443" topo_in client curl -s -m 3 -o /dev/null http://192.0.2.1:443/IPHTTPS

# ---- the client refuses the appliance's certificate
refused tls_failed_client_alert_unknown_ca \
	"TLS handshake refused (client_alert_unknown_ca): the client does not trust the CA of the server certificate" \
	"0x800b0109 (CERT_E_UNTRUSTEDROOT): a client that does not trust the lab CA" \
	s_client -CAfile "$PKI/stranger-ca.crt" -verify_return_error -cert "$PKI/client.crt" -key "$PKI/client.key"
refused tls_failed_client_alert_bad_certificate "TLS handshake refused (client_alert_bad_certificate)" \
	"0x103 (no usable certificate): a client that wants another name" \
	s_client -CAfile "$PKI/ca.crt" -verify_return_error -verify_hostname da.example.com -cert "$PKI/client.crt" -key "$PKI/client.key"
# Windows checks the certificate after the handshake, then closes without a word: so does this client.
gone_before_request() {
	topo_in client python3 -c '
import socket, ssl, sys
ctx = ssl.create_default_context()
ctx.check_hostname, ctx.verify_mode = False, ssl.CERT_NONE
ctx.load_cert_chain(sys.argv[1], sys.argv[2])
with socket.create_connection(("192.0.2.1", 443), timeout=5) as raw, ctx.wrap_socket(raw) as s:
    s.do_handshake()' "$PKI/client.crt" "$PKI/client.key"
}
refused session_closed_before_request "the client closed the connection after the TLS handshake, before its HTTP request" \
	"0x800b0109, 0x800b0101, 0x80092013 or 0x103 from a Windows client (it checks after the handshake, then closes)" \
	gone_before_request

# 0x800b0101 (CERT_E_EXPIRED): the appliance's own certificate has run out.
sed -e "s#certificate: .*/server.crt#certificate: $TOPO_STATE/expired-server.crt#" \
    -e "s#private_key: .*/server.key#private_key: $TOPO_STATE/expired-server.key#" \
    "$TOPO_STATE/iphttpsd.yaml" > "$TOPO_STATE/expired.yaml"
topo_ctl reload "$TOPO_STATE/expired.yaml" > "$TOPO_STATE/reload.out" 2>&1
sed 's/^/    /' "$TOPO_STATE/reload.out"
refused tls_failed_client_alert_certificate_expired \
	"TLS handshake refused (client_alert_certificate_expired): the client says the server certificate has expired" \
	"0x800b0101 (CERT_E_EXPIRED): the server certificate expired" \
	s_client -CAfile "$PKI/ca.crt" -verify_return_error -cert "$PKI/client.crt" -key "$PKI/client.key"
check "  and the reload put it in force, the log saying it has expired" \
	bash -c 'grep -q "tls" "$1" && grep -q "TLS: the server certificate (CN=gw.iphttps.test) expired on 2020-02-01 00:00 UTC: renew it now" "$2"' \
	_ "$TOPO_STATE/reload.out" "$LOG"
check "  and show says so" bash -c '"$1" -s "$2" show | grep -q "server .*CN=gw.iphttps.test, expires 2020-02-01.*<< EXPIRED: renew it now"' _ \
	"$TOPO_REPO/build/iphttpsctl" "$TOPO_STATE/control.sock"
topo_ctl reload "$TOPO_STATE/iphttpsd.yaml" > /dev/null 2>&1

# ---- a wrong URI: the client's IP-HTTPS URL names another path
before=$(counter http_status_404)
topo_in client curl -s -m 3 -o /dev/null --cacert "$PKI/ca.crt" --cert "$PKI/client.crt" --key "$PKI/client.key" \
	-X POST -H 'Content-Length: 0' https://gw.iphttps.test/Other --resolve gw.iphttps.test:443:192.0.2.1
sleep 0.3
check "a wrong URI (the client's URL): answered 404 and counted" test "$(counter http_status_404)" -eq $((before + 1))
check "  and logged at info with the status" grep -q "peer 192.0.2.2 port [0-9]*: HTTP request refused with 404" "$LOG"

# ---- one client failing in a loop hides no other: at most 2 lines a second about one address
flood() { # source count: TLS 1.1 handshakes (refused: protocol_version), as fast as Python makes them
	topo_in client python3 -c '
import socket, ssl, sys, warnings
warnings.simplefilter("ignore")
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.check_hostname, ctx.verify_mode = False, ssl.CERT_NONE
ctx.minimum_version = ctx.maximum_version = ssl.TLSVersion.TLSv1_1
ctx.set_ciphers("ALL:@SECLEVEL=0")
for _ in range(int(sys.argv[2])):
    try:
        with socket.create_connection(("192.0.2.1", 443), timeout=3, source_address=(sys.argv[1], 0)) as raw:
            ctx.wrap_socket(raw).close()
    except (OSError, ssl.SSLError):
        pass' "$1" "$2" 2>/dev/null
}
topo_in client ip addr add 192.0.2.3/24 dev "$(topo_in client ip -o -4 addr show | awk '$4 == "192.0.2.2/24" {print $2}')"
lines_before=$(grep -c "peer 192.0.2.2 port [0-9]*: TLS handshake refused (protocol_version)" "$LOG")
refused_before=$(counter tls_failed_protocol_version)
suppressed_before=$(counter log_peer_suppressed)
start=$(date +%s.%N)
flood 192.0.2.2 30
flood 192.0.2.3 1
elapsed=$(python3 -c "import math; print(math.ceil($(date +%s.%N) - $start))")
sleep 0.3
lines=$(( $(grep -c "peer 192.0.2.2 port [0-9]*: TLS handshake refused (protocol_version)" "$LOG") - lines_before ))
refused=$(( $(counter tls_failed_protocol_version) - refused_before ))
check "30 refused handshakes from one address in ${elapsed} s: all counted ($refused), at most 2 lines a second logged ($lines)" \
	test "$refused" -eq 31 -a "$lines" -le $(( 2 * (elapsed + 1) )) -a "$lines" -ge 1
check "the rest are counted as suppressed lines" test "$(counter log_peer_suppressed)" -gt "$suppressed_before"
check "and the refusal from another address right after is logged all the same" \
	grep -q "peer 192.0.2.3 port [0-9]*: TLS handshake refused (protocol_version)" "$LOG"

# ---- the monitor saw them as they happened
kill "$MONITOR_PID" 2>/dev/null; wait "$MONITOR_PID" 2>/dev/null
grep refused "$TOPO_STATE/monitor.txt" | head -3 | sed 's/^/    /'
check "monitor shows each refusal with the address, the reason and the presented certificate" \
	bash -c 'grep -q "refused    192.0.2.2:[0-9]* on worker 0: client_certificate_revoked: the client certificate is revoked (tls.client_crl); presented subject=CN = revoked.iphttps.test; issuer=CN = iphttps lab CA" "$1" &&
		grep -q "refused    192.0.2.2:[0-9]* on worker 0: client_alert_unknown_ca: " "$1" &&
		grep -q "refused    192.0.2.2:[0-9]* on worker 0: closed_before_request: " "$1" &&
		grep -q "refused    192.0.2.2:[0-9]* on worker 0: http_404: " "$1"' _ "$TOPO_STATE/monitor.txt"
check "one line for each of the 12 refusals, and the 31 of the flood (within 100 a second)" \
	test "$(grep -c " refused " "$TOPO_STATE/monitor.txt")" -eq 43

# ---- the same counts in /metrics, one family with the reason as its label
topo_in gw curl -s --max-time 5 http://127.0.0.1:9464/metrics > "$TOPO_STATE/metrics.txt"
check "/metrics has them as iphttps_tls_handshake_failures_total{reason}" \
	/usr/bin/python3 tests/lib/scrape_metrics.py "$TOPO_STATE/metrics.txt" \
	"iphttps_tls_handshake_failures_total{reason=client_certificate_revoked} == 1" \
	"iphttps_tls_handshake_failures_total{reason=client_alert_unknown_ca} == 1" \
	"iphttps_tls_handshake_failures_total{reason=protocol_version} == 32" \
	"iphttps_http_responses_total{code=404} == 1" "iphttps_session_closed_before_request_total >= 1"
check_finish
