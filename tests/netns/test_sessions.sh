#!/usr/bin/env bash
# IP-HTTPS sessions against real clients: OpenSSL s_client, GnuTLS gnutls-cli,
# curl and Python's ssl module over TLS 1.2 and 1.3; HAProxy terminating TLS
# and speaking PROXY v2 to a plain listener; PROXY v1; every HTTP error the
# appliance answers, and its two timeouts; framed IPv6 packets cut at every
# byte boundary, on one session and across 1,000 concurrent ones; a non-IPv6
# packet ends only its own session. Then certificates mode: a client
# certificate is required, must chain to the CA and not be revoked; and the
# Client Table's cap turns the third client away. Last, tls.null_encryption
# admits the NULL suites Windows 8+ prefers, and encrypted clients still work.
#
#   client ns: python/curl/openssl/gnutls-cli ──TLS──┐
#              haproxy 127.0.0.1:8443 ──PROXY v2─────┤
#                                                    ▼
#   192.0.2.2 [ext1] ═══ veth ═══ [ext0] gw: iphttpsd :443 https, :80 http+PROXYv2,
#                                            :81 http+PROXYv1, :82 http
#   The server's link address fe80::1 answers ICMPv6 echo inside the tunnel.
. "$(dirname "$0")/../lib/netns_test.sh"

PKI=$TOPO_REPO/config/pki
CLIENT=(python3 "$TOPO_REPO/tests/lib/iphttps_client.py")
REQ='POST /IPHTTPS HTTP/1.1\r\nHost: 192.0.2.1\r\nContent-Length: 18446744073709551615\r\n\r\n'
HAPROXY_PID=

cleanup_sessions() {
	[ -n "$HAPROXY_PID" ] && kill "$HAPROXY_PID" 2>/dev/null
	netns_test_cleanup
}
trap cleanup_sessions EXIT

client() { topo_in client "${CLIENT[@]}" "$@"; }
counter() { topo_telemetry /iphttps/stats "$1"; }

# check_json name 'python expression over r' command...: runs the client, shows its JSON, evaluates.
check_json() {
	local name=$1 expr=$2 out
	shift 2
	out=$("$@" 2>&1 | tail -1)
	echo "    $out"
	if python3 -c "import json,sys; r=json.loads(sys.argv[1]); sys.exit(0 if ($expr) else 1)" "$out" 2>/dev/null; then
		echo "PASS: $name"
	else
		echo "FAIL: $name"
		CHECK_FAILED=1
	fi
}

# A status line from a raw request over TLS (or --plain --port N).
status_of() { # raw [client args...]
	local raw=$1
	shift
	client request 192.0.2.1 --ca "$PKI/ca.crt" --timeout 5 --raw "$raw" "$@" 2>/dev/null |
		python3 -c "import json,sys; print(json.loads(sys.stdin.read()).get('status') or 'none')"
}

# s_client / gnutls-cli / curl: the request on stdin, a second to answer, then EOF.
openssl_post() { # extra s_client args
	(printf "$REQ"; sleep 1.5) | topo_in client timeout 8 openssl s_client -connect 192.0.2.1:443 \
		-CAfile "$PKI/ca.crt" -verify_return_error -quiet "$@" 2>&1
}
gnutls_post() { # extra gnutls-cli args
	(printf "$REQ"; sleep 1.5) | topo_in client timeout 8 gnutls-cli --x509cafile "$PKI/ca.crt" -p 443 \
		"$@" 192.0.2.1 2>&1
}
# Resumption as Windows does it: a first session saves its TLS session, a
# second resumes it. Prints "Reused" or "New" and the second's status line.
resumed_post() { # extra s_client args (version, certificate)
	local sess=$TOPO_STATE/tls-session.$RANDOM
	tls_session_save "$sess" -CAfile "$PKI/ca.crt" -verify_return_error "$@" >/dev/null
	tls_session_resume "$sess" -CAfile "$PKI/ca.crt" -verify_return_error "$@"
}
curl_post() { # extra curl args; the body never ends, so curl stops at its time limit
	topo_in client curl -s -i -m 2 --cacert "$PKI/ca.crt" -X POST \
		-H 'Content-Length: 18446744073709551615' --data-binary '' "$@" https://192.0.2.1/IPHTTPS 2>&1
}

# HAProxy in the client namespace offloading TLS on 127.0.0.1:PORT to the
# plain listener :80 with a PROXY v2 header (SERVER_OPTIONS); BIND_OPTIONS
# may ask for client certificates. Sets HAPROXY_PID.
haproxy_start() { # PORT BIND_OPTIONS SERVER_OPTIONS
	cat > "$TOPO_STATE/haproxy-$1.cfg" <<EOF
global
    maxconn 2000
defaults
    mode tcp
    timeout connect 5s
    timeout client 60s
    timeout server 60s
frontend tls_offload
    bind 127.0.0.1:$1 ssl crt $TOPO_STATE/haproxy.pem $2
    default_backend appliance
backend appliance
    server gw 192.0.2.1:80 $3
EOF
	ip netns exec "$(topo_ns client)" haproxy -db -f "$TOPO_STATE/haproxy-$1.cfg" > "$TOPO_STATE/haproxy-$1.log" 2>&1 &
	HAPROXY_PID=$!
	for _ in $(seq 1 50); do topo_in client bash -c ": </dev/tcp/127.0.0.1/$1" 2>/dev/null && break; sleep 0.1; done
}

echo "# IP-HTTPS sessions, authentication none, namespaces ${TOPO_PREFIX}{client,gw,corp}"
if ! topo_up || ! TOPO_CONFIG=$TOPO_REPO/tests/netns/configs/sessions-none.yaml topo_start_appliance; then
	echo "FAIL: lab topology and appliance start"
	exit 1
fi

# --- real clients bring the link up ---
check_json "Python ssl (TLS 1.3): 200 OK with Date and Server, every cut of a packet and a byte-per-record stream echoed" \
	'r["ok"] and r["date"] and r["server"] == "iphttps" and r["sent"] == 79' \
	client session 192.0.2.1 --ca "$PKI/ca.crt" --timeout 20
check_json "Python ssl (TLS 1.2): the same" 'r["ok"]' \
	client session 192.0.2.1 --ca "$PKI/ca.crt" --tls-max 1.2 --timeout 20
out=$(curl_post)
check "curl with Content-Length 18446744073709551615: 200 OK" grep -q '^HTTP/1.1 200 OK' <<<"$out"
check "curl: the response has Date and Server headers" \
	bash -c 'grep -q "^Date: .* GMT" <<<"$1" && grep -q "^Server: iphttps" <<<"$1"' _ "$out"
check "openssl s_client (TLS 1.3): 200 OK" grep -q '^HTTP/1.1 200 OK' <<<"$(openssl_post)"
check "openssl s_client (TLS 1.2): 200 OK" grep -q '^HTTP/1.1 200 OK' <<<"$(openssl_post -tls1_2)"
check "gnutls-cli: 200 OK" grep -q '^HTTP/1.1 200 OK' <<<"$(gnutls_post)"
check_json "authentication none: a client presenting a certificate is served (none is asked for)" 'r["ok"]' \
	client session 192.0.2.1 --ca "$PKI/ca.crt" --cert "$PKI/client.crt" --key "$PKI/client.key" --timeout 20
check_equal "authentication none: a revoked certificate is not checked either" "HTTP/1.1 200 OK" \
	"$(status_of "$REQ" --cert "$PKI/revoked.crt" --key "$PKI/revoked.key")"
check "gnutls-cli with a client certificate (authentication none): 200 OK" grep -q '^HTTP/1.1 200 OK' \
	<<<"$(gnutls_post --x509certfile "$PKI/client.crt" --x509keyfile "$PKI/client.key")"
check "gnutls-cli (TLS 1.2 only): 200 OK" grep -q '^HTTP/1.1 200 OK' \
	<<<"$(gnutls_post --priority 'NORMAL:-VERS-ALL:+VERS-TLS1.2')"
for v in 1_2 1_3; do
	out=$(resumed_post -tls$v)
	check "authentication none: a TLS ${v/_/.} session is resumed, and served" \
		bash -c 'grep -q "^Reused," <<<"$1" && grep -q "^HTTP/1.1 200" <<<"$1"' _ "$out"
done
out=$(topo_in client timeout 8 openssl s_client -connect 192.0.2.1:443 -tls1_2 -cipher NULL-SHA256@SECLEVEL=0 \
	</dev/null 2>&1)
check "a NULL-SHA256 offer is refused while tls.null_encryption is off" grep -q 'handshake failure\|no cipher' <<<"$out"
out=$(openssl_post -brief -tls1 -cipher 'DEFAULT:@SECLEVEL=0')
check "a TLS 1.0 client is refused while tls.min_version is 1.2" \
	bash -c 'grep -q "protocol version\|unsupported protocol" <<<"$1" && ! grep -q "^HTTP/1.1 200" <<<"$1"' _ "$out"

# --- every refusal ---
check_equal "404 for another path" "HTTP/1.1 404 Not Found" \
	"$(status_of 'POST /other HTTP/1.1\r\nHost: x\r\nContent-Length: 18446744073709551615\r\n\r\n')"
check_equal "the URI matches without regard to case" "HTTP/1.1 200 OK" \
	"$(status_of 'POST /iPhTtPs HTTP/1.1\r\nHost: x\r\nContent-Length: 18446744073709551615\r\n\r\n')"
check_equal "405 for another method" "HTTP/1.1 405 Method Not Allowed" \
	"$(status_of 'GET /IPHTTPS HTTP/1.1\r\nHost: x\r\n\r\n')"
check_equal "400 for HTTP/1.1 without Host" "HTTP/1.1 400 Bad Request" \
	"$(status_of 'POST /IPHTTPS HTTP/1.1\r\nContent-Length: 1\r\n\r\n')"
check_equal "400 for a malformed request line" "HTTP/1.1 400 Bad Request" \
	"$(status_of 'POST  /IPHTTPS HTTP/1.1\r\nHost: x\r\n\r\n')"
check_equal "400 for a Content-Length past 2^64-1" "HTTP/1.1 400 Bad Request" \
	"$(status_of 'POST /IPHTTPS HTTP/1.1\r\nHost: x\r\nContent-Length: 18446744073709551616\r\n\r\n')"
check_equal "411 for POST without Content-Length" "HTTP/1.1 411 Length Required" \
	"$(status_of 'POST /IPHTTPS HTTP/1.1\r\nHost: x\r\n\r\n')"
check_equal "414 for a request line over 2 KiB" "HTTP/1.1 414 URI Too Long" \
	"$(status_of "POST /$(head -c 3000 /dev/zero | tr '\0' a) HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n")"
check_equal "431 for a header section over 8 KiB" "HTTP/1.1 431 Request Header Fields Too Large" \
	"$(status_of "POST /IPHTTPS HTTP/1.1\\r\\nHost: x\\r\\nX-Pad: $(head -c 9000 /dev/zero | tr '\0' a)\\r\\n\\r\\n")"
check_equal "501 for Transfer-Encoding" "HTTP/1.1 501 Not Implemented" \
	"$(status_of 'POST /IPHTTPS HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n')"
check_equal "505 for HTTP/2.0" "HTTP/1.1 505 HTTP Version Not Supported" \
	"$(status_of 'POST /IPHTTPS HTTP/2.0\r\nHost: x\r\n\r\n')"
check_json "an error answer closes the connection and names the allowed method" \
	'r["closed"] and r["allow"] == "POST" and r["date"]' \
	client request 192.0.2.1 --ca "$PKI/ca.crt" --timeout 5 --raw 'PUT /IPHTTPS HTTP/1.1\r\nHost: x\r\n\r\n'
before=$(counter http_status_408)
check_equal "408 when the headers do not arrive within limits.http_request_timeout_ms" "HTTP/1.1 408 Request Timeout" \
	"$(status_of 'POST /IPHTTPS HTTP/1.1\r\nHost: x\r\n')"
check_equal "the 408 was counted" $((before + 1)) "$(counter http_status_408)"
before=$(counter tls_handshake_timeouts)
out=$(topo_in client python3 -c '
import socket, time
s = socket.create_connection(("192.0.2.1", 443)); t = time.time(); s.settimeout(10)
try:
    end = "closed" if s.recv(1) == b"" else "data"
except ConnectionResetError:
    end = "reset"
except socket.timeout:
    end = "still open"
print(end, round(time.time() - t, 1))')
echo "    silent TLS client: $out"
check "a client silent after TCP connect is cut off after limits.tls_handshake_timeout_ms" \
	bash -c '[[ "$1" =~ ^(reset|closed)\ (1\.[4-9]|2\.[0-9]) ]]' _ "$out"
check_equal "the handshake timeout was counted" $((before + 1)) "$(counter tls_handshake_timeouts)"

# --- framing at scale and isolation ---
check_json "1,000 concurrent sessions, all up at once, each stream cut at a different byte, every echo intact" \
	'r["ok"] and r["up_at_once"] == 1000 and r["distinct_cuts"] >= 250' \
	client concurrent 192.0.2.1 --ca "$PKI/ca.crt" --sessions 1000 --timeout 90
before=$(counter drop_framer_not_ipv6)
check_json "a non-IPv6 packet ends its own session only; another session echoes before and after" 'r["ok"]' \
	client bad 192.0.2.1 --ca "$PKI/ca.crt" --timeout 10
check_equal "the non-IPv6 packet was counted" $((before + 1)) "$(counter drop_framer_not_ipv6)"

# --- plain listeners: HAProxy offloading TLS with PROXY v2, PROXY v1 by hand, plain ---
cat "$PKI/server.crt" "$PKI/server.key" > "$TOPO_STATE/haproxy.pem"
topo_in client ip link set lo up
haproxy_start 8443 "" send-proxy-v2
check_json "through HAProxy (TLS offload, PROXY v2 to the plain listener): every cut echoed" 'r["ok"]' \
	client session 127.0.0.1 --port 8443 --ca "$PKI/ca.crt" --timeout 20
client hold 127.0.0.1 --port 8443 --ca "$PKI/ca.crt" --sessions 1 --hold-seconds 3 > /dev/null &
HOLD_PID=$!
sleep 1.5
sessions=$(topo_telemetry /iphttps/sessions,0)
echo "    $sessions"
check "the appliance took the client's address from the PROXY v2 header (127.0.0.1, not HAProxy's 192.0.2.2)" \
	grep -q 'link_up client 127.0.0.1 port [0-9]* plain' <<<"$sessions"
wait "$HOLD_PID"
client hold 192.0.2.1 --plain --port 81 --proxy-v1 'TCP4 198.51.100.7 192.0.2.1 5555 81' --sessions 1 \
	--hold-seconds 3 > "$TOPO_STATE/v1.json" &
HOLD_PID=$!
sleep 1.5
check "PROXY v1: the session is up with the client named in the header" \
	grep -q 'link_up client 198.51.100.7 port 5555 plain' <<<"$(topo_telemetry /iphttps/sessions,0)"
wait "$HOLD_PID"
check_equal "PROXY v1: 200 OK" '{"statuses": ["200"], "ok": true}' "$(cat "$TOPO_STATE/v1.json")"
before=$(counter proxy_header_rejected)
check_equal "a PROXY listener closes a connection without the header" none \
	"$(status_of "$REQ" --plain --port 80)"
check_equal "a PROXY v2 listener refuses a v1 header" none \
	"$(status_of "PROXY TCP4 1.2.3.4 192.0.2.1 1 80\\r\\n$REQ" --plain --port 80)"
check_equal "both refusals were counted" $((before + 2)) "$(counter proxy_header_rejected)"
# trusted_proxies: the PROXY header is believed only from the balancers (192.0.2.2 here).
topo_in client ip addr add 192.0.2.3/24 dev ext1
untrusted=$(counter proxy_untrusted_peer)
out=$(printf 'PROXY TCP4 198.51.100.9 192.0.2.1 6666 81\r\n'"$REQ" |
	topo_in client timeout 3 nc -s 192.0.2.3 192.0.2.1 81 2>&1)
check "a PROXY header from outside trusted_proxies is refused (no 200)" \
	bash -c '! grep -q "^HTTP/1.1 200" <<<"$1"' _ "$out"
check_equal "the untrusted peer was counted" $((untrusted + 1)) "$(counter proxy_untrusted_peer)"
out=$(printf 'PROXY TCP4 198.51.100.9 192.0.2.1 6666 81\r\n'"$REQ" |
	topo_in client timeout 3 nc -s 192.0.2.2 192.0.2.1 81 2>&1)
check "the same header from a trusted proxy is served" grep -q "^HTTP/1.1 200" <<<"$out"
check_json "the plain listener without PROXY: every cut echoed" 'r["ok"]' \
	client session 192.0.2.1 --plain --port 82 --timeout 20

check_equal "the appliance survived every client (its counters answer)" 0 "$(counter drop_session_pool_full)"
sleep 1
check_equal "every session ended removed its Client Table entry" 0 \
	"$(topo_telemetry /iphttps/clients entries)"
topo_stop_appliance

echo "# IP-HTTPS sessions, authentication certificates (CA + CRL), max_clients 2"
# The CRL is a copy, so that the test can re-issue it while the appliance runs.
cp "$PKI/ca.crl" "$TOPO_STATE/crl.pem"
sed "s#client_crl: pki/ca.crl#client_crl: $TOPO_STATE/crl.pem#" tests/netns/configs/sessions-certificates.yaml \
	> "$TOPO_STATE/certificates.yaml"
if ! TOPO_CONFIG=$TOPO_STATE/certificates.yaml topo_start_appliance; then
	echo "FAIL: appliance start in certificates mode"
	exit 1
fi
CERT=(--cert "$PKI/client.crt" --key "$PKI/client.key")
# Certificates mode behind a TLS offloader: HAProxy verifies the client
# certificate and sends its verdict and CN in PROXY v2 (send-proxy-v2-ssl-cn).
[ -n "$HAPROXY_PID" ] && kill "$HAPROXY_PID" 2>/dev/null && wait "$HAPROXY_PID" 2>/dev/null
haproxy_start 8444 "ca-file $PKI/ca.crt verify optional" send-proxy-v2-ssl-cn
check_json "through HAProxy verifying the client certificate (PROXY v2 with PP2_TYPE_SSL): every cut echoed" \
	'r["ok"]' client session 127.0.0.1 --port 8444 --ca "$PKI/ca.crt" "${CERT[@]}" --timeout 20
refused=$(counter proxy_client_cert_refused)
check_json "through HAProxy without a client certificate: no LinkUp (the offloader vouches for none)" \
	'not r.get("ok")' client session 127.0.0.1 --port 8444 --ca "$PKI/ca.crt" --timeout 5
# A PROXY v2 header with no PP2_TYPE_SSL at all, from the trusted balancer's address.
out=$(printf '\r\n\r\n\0\r\nQUIT\n\x21\x11\x00\x0c\xc6\x33\x64\x07\xc0\x00\x02\x01\x15\xb3\x00\x50'"$REQ" |
	topo_in client timeout 3 nc -s 192.0.2.2 192.0.2.1 80 2>&1)
check "a PROXY v2 header without the offloader's verdict is refused in certificates mode (no 200)" \
	bash -c '! grep -q "^HTTP/1.1 200" <<<"$1"' _ "$out"
check_equal "both refusals were counted" $((refused + 2)) "$(counter proxy_client_cert_refused)"
kill "$HAPROXY_PID" 2>/dev/null; wait "$HAPROXY_PID" 2>/dev/null; HAPROXY_PID=
sleep 0.5 # max_clients 2: the sessions through HAProxy have left
check_json "Python ssl with the client certificate: every cut echoed" 'r["ok"]' \
	client session 192.0.2.1 --ca "$PKI/ca.crt" "${CERT[@]}" --timeout 20
check_json "Python ssl (TLS 1.2) with the client certificate" 'r["ok"]' \
	client session 192.0.2.1 --ca "$PKI/ca.crt" "${CERT[@]}" --tls-max 1.2 --timeout 20
missing=$(counter tls_failed_client_certificate_missing)
suppressed_before=$(counter log_peer_suppressed)
lines_before=$(grep -c "TLS handshake refused (client_certificate_" "$TOPO_STATE/iphttpsd.log")
revoked=$(counter tls_failed_client_certificate_revoked)
unknown_ca=$(counter tls_failed_client_certificate_unknown_ca)
check_equal "Python ssl without a certificate: refused" none "$(status_of "$REQ")"
check_equal "Python ssl with a revoked certificate: refused" none \
	"$(status_of "$REQ" --cert "$PKI/revoked.crt" --key "$PKI/revoked.key")"
check_equal "Python ssl with a certificate from an untrusted CA: refused" none \
	"$(status_of "$REQ" --cert "$PKI/stranger.crt" --key "$PKI/stranger.key")"
check_equal "Python ssl (TLS 1.2) with a revoked certificate: refused" none \
	"$(status_of "$REQ" --cert "$PKI/revoked.crt" --key "$PKI/revoked.key" --tls-max 1.2)"
check "curl with the client certificate: 200 OK" grep -q '^HTTP/1.1 200 OK' \
	<<<"$(curl_post --cert "$PKI/client.crt" --key "$PKI/client.key")"
check "curl without a certificate: no 200" bash -c '! grep -q "^HTTP/1.1 200" <<<"$1"' _ "$(curl_post)"
check "curl with the revoked certificate: no 200" bash -c '! grep -q "^HTTP/1.1 200" <<<"$1"' _ \
	"$(curl_post --cert "$PKI/revoked.crt" --key "$PKI/revoked.key")"
check "openssl s_client with the client certificate: 200 OK" grep -q '^HTTP/1.1 200 OK' \
	<<<"$(openssl_post -cert "$PKI/client.crt" -key "$PKI/client.key")"
check "openssl s_client with the revoked certificate: no 200" bash -c '! grep -q "^HTTP/1.1 200" <<<"$1"' _ \
	"$(openssl_post -cert "$PKI/revoked.crt" -key "$PKI/revoked.key")"
check "openssl s_client without a certificate: no 200" bash -c '! grep -q "^HTTP/1.1 200" <<<"$1"' _ \
	"$(openssl_post)"
check "gnutls-cli with the client certificate: 200 OK" grep -q '^HTTP/1.1 200 OK' \
	<<<"$(gnutls_post --x509certfile "$PKI/client.crt" --x509keyfile "$PKI/client.key")"
check "gnutls-cli without a certificate: no 200" bash -c '! grep -q "^HTTP/1.1 200" <<<"$1"' _ "$(gnutls_post)"
check "gnutls-cli with the revoked certificate: no 200" bash -c '! grep -q "^HTTP/1.1 200" <<<"$1"' _ \
	"$(gnutls_post --x509certfile "$PKI/revoked.crt" --x509keyfile "$PKI/revoked.key")"
check_equal "the 4 refusals without a certificate are counted as client_certificate_missing" $((missing + 4)) \
	"$(counter tls_failed_client_certificate_missing)"
check_equal "the 5 with the revoked one as client_certificate_revoked" $((revoked + 5)) \
	"$(counter tls_failed_client_certificate_revoked)"
check_equal "the one from an untrusted CA as client_certificate_unknown_ca" $((unknown_ca + 1)) \
	"$(counter tls_failed_client_certificate_unknown_ca)"
check "the refusals are info lines naming the reason and the certificate's subject and issuer" \
	bash -c 'grep -q "TLS handshake refused (client_certificate_revoked): the client certificate is revoked (tls.client_crl); presented subject=CN = revoked.*; issuer=CN = " "$1" &&
		grep -q "TLS handshake refused (client_certificate_missing): the client presented no certificate" "$1"' \
	_ "$TOPO_STATE/iphttpsd.log"
lines=$(( $(grep -c "TLS handshake refused (client_certificate_" "$TOPO_STATE/iphttpsd.log") - lines_before ))
check "each of the 10 is a line, or counted as suppressed (at most 2 lines a second about one address): $lines lines" \
	test $(( lines + $(counter log_peer_suppressed) - suppressed_before )) -ge 10
check_equal "a certificate under a revoked intermediate CA: refused (the whole chain is checked)" none \
	"$(status_of "$REQ" --cert "$PKI/sub-client-chain.crt" --key "$PKI/sub-client.key")"
check "openssl s_client under the revoked intermediate: no 200" bash -c '! grep -q "^HTTP/1.1 200" <<<"$1"' _ \
	"$(openssl_post -cert "$PKI/sub-client.crt" -cert_chain "$PKI/sub-ca.crt" -key "$PKI/sub-client.key")"
for v in 1_2 1_3; do
	sleep 0.3 # max_clients 2: the sessions before have left
	out=$(resumed_post -tls$v -cert "$PKI/client.crt" -key "$PKI/client.key")
	check "certificates mode: a TLS ${v/_/.} session with a client certificate is resumed, and served" \
		bash -c 'grep -q "^Reused," <<<"$1" && grep -q "^HTTP/1.1 200" <<<"$1"' _ "$out"
done
sleep 0.5
full=$(counter client_table_full)
check_json "with max_clients 2, two clients are served and the third is disconnected" \
	'r["statuses"] == ["200", "200", "closed"]' \
	client hold 192.0.2.1 --ca "$PKI/ca.crt" "${CERT[@]}" --sessions 3
check_equal "the refusal was counted as a full Client Table" $((full + 1)) "$(counter client_table_full)"
sleep 0.5
check_json "once they left, a client is served again" 'r["statuses"] == ["200"]' \
	client hold 192.0.2.1 --ca "$PKI/ca.crt" "${CERT[@]}" --sessions 1
# A CRL re-issued while the appliance runs is taken for new handshakes
# (tls_watch.c), and a session established before keeps its link.
sleep 0.5
client hold 192.0.2.1 --ca "$PKI/ca.crt" "${CERT[@]}" --sessions 1 --hold-seconds 6 --echo-after \
	> "$TOPO_STATE/held.json" &
HOLD_PID=$!
for v in 1_2 1_3; do
	check "certificates mode: a TLS ${v/_/.} session with client.crt is served and saved, before the new CRL" \
		bash -c 'grep -q "HTTP/1.1 200" <<<"$1"' _ \
		"$(tls_session_save "$TOPO_STATE/cert-$v.sess" -tls$v -cert "$PKI/client.crt" -key "$PKI/client.key")"
	sleep 0.3 # max_clients 2, with the held session: this one has left
done
tests/lib/reissue-crl.sh "$PKI" "$PKI/client.crt" "$TOPO_STATE/crl.pem"
refused=none
for _ in $(seq 1 10); do
	sleep 0.5
	refused=$(status_of "$REQ" "${CERT[@]}")
	[ "$refused" = none ] && break
done
check_equal "after the CRL is re-issued revoking client.crt, its new handshakes are refused" none "$refused"
check "the appliance logged the reload" grep -q "TLS: .*crl.pem changed" "$TOPO_STATE/iphttpsd.log"
# A client revoked by the new CRL kept resuming its ticket from before it.
for v in 1_2 1_3; do
	out=$(tls_session_resume "$TOPO_STATE/cert-$v.sess" -tls$v -cert "$PKI/client.crt" -key "$PKI/client.key")
	echo "    TLS ${v/_/.} resumption offered after the CRL: $(echo $out)"
	check "a TLS ${v/_/.} ticket from before the CRL that revokes client.crt does not resume, and gets no 200" \
		bash -c '! grep -q "^Reused," <<<"$1" && ! grep -q "HTTP/1.1 200" <<<"$1"' _ "$out"
done
wait "$HOLD_PID"
check_equal "the session established before the new CRL kept its link (an echo after the reload)" \
	'{"statuses": ["200"], "ok": true, "echoed_after_hold": [true]}' "$(cat "$TOPO_STATE/held.json")"
topo_stop_appliance

echo "# tls.null_encryption: the Windows 8+ NULL suites admitted"
if ! TOPO_CONFIG=$TOPO_REPO/tests/netns/configs/sessions-null.yaml topo_start_appliance; then
	echo "FAIL: appliance start with NULL suites"
	exit 1
fi
# Windows 8+ lists TLS_RSA_WITH_NULL_SHA256 and _SHA first, encrypted suites after.
out=$(openssl_post -brief -cipher 'NULL-SHA256:NULL-SHA:ECDHE-RSA-AES128-GCM-SHA256@SECLEVEL=0')
echo "$out" | grep -E 'Protocol|Ciphersuite' | sed 's/^/    /'
check "a client offering NULL-SHA256 first gets it, over TLS 1.2" \
	bash -c 'grep -q "^Ciphersuite: NULL-SHA256" <<<"$1" && grep -q "^Protocol version: TLSv1.2" <<<"$1"' _ "$out"
check "and its request is answered 200 OK" grep -q '^HTTP/1.1 200 OK' <<<"$out"
# Windows 10's published order: the ECDHE AES-GCM suites first, the NULL ones
# near the end. A Windows server with NULL enabled picks NULL: so must we.
out=$(openssl_post -brief -cipher \
	'ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256:AES256-GCM-SHA384:AES128-GCM-SHA256:AES256-SHA256:AES128-SHA256:NULL-SHA256:NULL-SHA@SECLEVEL=0')
check "a client offering the encrypted suites first and NULL last (Windows 8+) gets NULL-SHA256" \
	grep -q "^Ciphersuite: NULL-SHA256" <<<"$out"
# The switch admits the two NULL suites and lowers nothing else: a client that
# accepts only SHA-1 signatures (below security level 1) is still refused.
out=$(openssl_post -brief -sigalgs RSA+SHA1 -cipher 'ECDHE-RSA-AES128-GCM-SHA256@SECLEVEL=0')
check "with NULL on, SHA-1 signatures stay refused (the security level is not lowered)" \
	bash -c '! grep -q "^HTTP/1.1 200" <<<"$1"' _ "$out"
out=$(openssl_post -brief -cipher 'NULL-SHA@SECLEVEL=0')
check "NULL-SHA is admitted too" grep -q "^Ciphersuite: NULL-SHA$" <<<"$out"
out=$(openssl_post -brief)
check "a client that offers only encrypted suites (Windows 7) still gets an encrypted one" \
	bash -c 'grep -q "^Ciphersuite: ECDHE-RSA-AES" <<<"$1" && grep -q "^HTTP/1.1 200 OK" <<<"$1"' _ "$out"
check_json "Python ssl (encrypted suites only): every cut echoed over TLS 1.2" 'r["ok"]' \
	client session 192.0.2.1 --ca "$PKI/ca.crt" --timeout 20
# tls.min_version "1.0" (this config): Windows 7 speaks TLS 1.0 by default,
# with CBC-SHA suites that the default tls.ciphers (AEAD only) lacks. They
# are admitted for TLS 1.0 and 1.1 connections only (tls_security.h).
for v in 1 1_1; do
	out=$(openssl_post -brief -tls$v -cipher 'DEFAULT:@SECLEVEL=0')
	echo "$out" | grep -E 'Protocol|Ciphersuite' | sed 's/^/    /'
	check "tls.min_version 1.0: a TLS ${v/_/.} client (openssl s_client -tls$v) gets an ECDHE CBC-SHA suite and 200 OK" \
		bash -c 'grep -q "^Ciphersuite: ECDHE-RSA-AES...-SHA$" <<<"$1" && grep -q "^HTTP/1.1 200 OK" <<<"$1"' _ "$out"
done
# Windows 7's TLS 1.0 offer, in its order (ECDHE AES-CBC first, then RSA key exchange, RC4, 3DES).
out=$(openssl_post -brief -tls1 -cipher 'ECDHE-RSA-AES256-SHA:ECDHE-RSA-AES128-SHA:AES256-SHA:AES128-SHA:DES-CBC3-SHA:@SECLEVEL=0')
check "Windows 7's TLS 1.0 suite list is served, with ECDHE" \
	bash -c 'grep -q "^Ciphersuite: ECDHE-RSA-AES" <<<"$1" && grep -q "^HTTP/1.1 200 OK" <<<"$1"' _ "$out"
out=$(openssl_post -brief -tls1_2 -cipher 'ECDHE-RSA-AES128-SHA:AES128-SHA')
check "the CBC-SHA suites are not chosen for TLS 1.2: a TLS 1.2 client offering only them is refused" \
	bash -c '! grep -q "^HTTP/1.1 200" <<<"$1"' _ "$out"
out=$(openssl_post -brief -tls1_2)
check "a TLS 1.2 client still gets an AEAD suite" grep -q '^Ciphersuite: .*GCM\|^Ciphersuite: NULL' <<<"$out"
topo_stop_appliance
check_finish
