#!/usr/bin/env bash
# Sourced by every tests/netns/test_*.sh: a per-run namespace prefix and state
# directory, the topology and check helpers, and a teardown that runs however
# the test ends.
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
TOPO_PREFIX="t$$-"
TOPO_STATE=$(mktemp -d /tmp/iphttps-test-XXXXXX)
CHECK_LOG=$TOPO_STATE/check.log
. tests/lib/topology.sh
. tests/lib/check.sh

netns_test_cleanup() {
	# KEEP_LOG=FILE keeps the appliance's log of a run for reading afterwards.
	[ -n "${KEEP_LOG:-}" ] && cp "$TOPO_STATE/iphttpsd.log" "$KEEP_LOG" 2>/dev/null
	topo_down
	rm -rf "$TOPO_STATE"
}
trap netns_test_cleanup EXIT
trap 'exit 130' INT TERM

# The router answers for itself (RFC 4861 7.2.4, 7.3): address resolution and
# NUD of fe80::1 from the client's kernel through TUN (tests/lib/nd_probe.py),
# each an NA from fe80::1 with the Router, Solicited and Override flags and
# no option (the link has no link-layer addresses).
check_router_answers_ns() { # tun what: one check per mode
	local mode out
	for mode in resolve nud; do
		out=$(topo_in client python3 tests/lib/nd_probe.py "$1" fe80::1 --mode "$mode" 2>&1)
		echo "    $out"
		check "$2: an NS for fe80::1 ($mode) gets the router's NA: Router and Solicited set, from fe80::1, no option" \
			python3 -c 'import json,sys; r=json.loads(sys.argv[1]); sys.exit(0 if r["answered"] and r["router"] and r["solicited"] and r["override"] and not r["options"] and r["source"] == "fe80::1" else 1)' "$out"
	done
}

# TLS resumption as Windows does it, in two steps so that something can
# change between them: the IP-HTTPS POST over a new session saved to FILE,
# then the same offered for resumption. Extra s_client args follow (the
# version, a certificate). The second prints "Reused," or "New," and its
# status line, if any.
TLS_POST='POST /IPHTTPS HTTP/1.1\r\nHost: 192.0.2.1\r\nContent-Length: 18446744073709551615\r\n\r\n'
tls_session_post() { # s_client-args...: the POST, then 1.5 s to answer; "Reused,"/"New," and the status
	(printf "$TLS_POST"; sleep 1.5) | topo_in client timeout 8 openssl s_client -connect 192.0.2.1:443 "$@" 2>&1 |
		grep -oE '^(Reused|New),|HTTP/1.1 [0-9]{3}' # TLS 1.3 tickets' dumps can share a line with the status
}
tls_session_save() { local file=$1; shift; tls_session_post -sess_out "$file" "$@"; }  # FILE s_client-args...
tls_session_resume() { local file=$1; shift; tls_session_post -sess_in "$file" "$@"; } # FILE s_client-args...
