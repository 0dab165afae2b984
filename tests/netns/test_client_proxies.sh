#!/usr/bin/env bash
# iphttps-client through the proxies of a network that blocks direct HTTPS:
# squid asking for Basic credentials, squid asking for Digest ones, and a
# SOCKS5 server (dante), without and with a user name. nftables in the client namespace rejects port 443
# for the client's own connections (uid 0), not for the proxies' (they run as
# other users), so every link here that comes up came through a proxy, and
# the proxy's log says so. Wrong or missing credentials are refused with the
# reason in words; https_proxy is honoured; the ways are tried in order
# (direct, web proxy, SOCKS5), falling through to the next when one fails.
#
#   client ns: iphttps-client ── 127.0.0.1:3128 squid (Basic) ──┐
#                             ── 127.0.0.1:3129 squid (Digest) ─┼── 192.0.2.2 [ext1] ── gw: iphttpsd 192.0.2.1:443
#                             ── 127.0.0.1:1080 danted ─────────┤
#                             ── 127.0.0.1:1081 danted (users) ─┘
. "$(dirname "$0")/../lib/netns_test.sh"

PKI=$TOPO_REPO/config/pki
CLIENT=$TOPO_REPO/build/iphttps-client
PROXY_DIR=$TOPO_STATE/proxies
CLIENT_PID=
# dante checks SOCKS user names and passwords against the system's accounts:
# one is made for this run and removed, whatever happens.
SOCKS_USER=iphttps-socks-$$
cleanup_proxies() {
	[ -n "$CLIENT_PID" ] && kill "$CLIENT_PID" 2>/dev/null
	netns_test_cleanup # topo_down stops every process in the namespaces: squid, danted
	userdel "$SOCKS_USER" 2>/dev/null || true
}
trap cleanup_proxies EXIT

echo "# iphttps-client through squid and dante, namespaces ${TOPO_PREFIX}{client,gw,corp}"
for tool in squid danted; do
	if ! command -v "$tool" >/dev/null; then
		echo "FAIL: $tool is not installed (tests/lib/install-deps.sh installs it)"
		exit 1
	fi
done
if [ ! -x "$CLIENT" ] || ! topo_up || ! TOPO_CONFIG=$TOPO_REPO/tests/netns/configs/sessions-none.yaml topo_start_appliance; then
	echo "FAIL: iphttps-client built, lab topology and appliance start"
	exit 1
fi

# The proxies run as their own users and write their logs here.
chmod 755 "$TOPO_STATE"
mkdir -p "$PROXY_DIR"
printf 'alice:%s\n' "$(openssl passwd -apr1 s3cret)" > "$PROXY_DIR/basic.passwd"
printf 'alice:s3cret\n' > "$PROXY_DIR/digest.passwd"
chown -R proxy "$PROXY_DIR"

squid_config() { # name port auth-lines...
	local name=$1 port=$2
	shift 2
	cat <<CONF
http_port 127.0.0.1:$port
pid_filename $PROXY_DIR/$name.pid
access_log stdio:$PROXY_DIR/$name-access.log
cache_log $PROXY_DIR/$name-cache.log
cache_store_log none
coredump_dir $PROXY_DIR
cache deny all
cache_effective_user proxy
shutdown_lifetime 0 seconds
visible_hostname proxy.iphttps.test
$(printf '%s\n' "$@")
acl users proxy_auth REQUIRED
acl CONNECT method CONNECT
acl https_port port 443
http_access deny CONNECT !https_port
http_access allow users
http_access deny all
CONF
}
squid_config basic 3128 \
	"auth_param basic program /usr/lib/squid/basic_ncsa_auth $PROXY_DIR/basic.passwd" \
	"auth_param basic realm iphttps-test" > "$PROXY_DIR/basic.conf"
squid_config digest 3129 \
	"auth_param digest program /usr/lib/squid/digest_file_auth $PROXY_DIR/digest.passwd" \
	"auth_param digest realm iphttps-test" > "$PROXY_DIR/digest.conf"
danted_config() { # name port socksmethod
	cat <<CONF
logoutput: $PROXY_DIR/$1.log
internal: 127.0.0.1 port = $2
external: 192.0.2.2
socksmethod: $3
clientmethod: none
user.privileged: root
user.unprivileged: nobody
client pass { from: 127.0.0.0/8 to: 0.0.0.0/0 }
socks pass {
	from: 127.0.0.0/8 to: 0.0.0.0/0
	command: connect
	log: connect
}
CONF
}
danted_config danted 1080 none > "$PROXY_DIR/danted.conf"
danted_config danted-users 1081 username > "$PROXY_DIR/danted-users.conf"

useradd --no-create-home --shell /usr/sbin/nologin "$SOCKS_USER" &&
	echo "$SOCKS_USER:s0cks-pass" | chpasswd

topo_in client ip link set lo up
for name in basic digest; do
	topo_in client squid -N -f "$PROXY_DIR/$name.conf" > "$PROXY_DIR/$name.out" 2>&1 &
done
for name in danted danted-users; do
	topo_in client danted -f "$PROXY_DIR/$name.conf" -p "$PROXY_DIR/$name.pid" > "$PROXY_DIR/$name.out" 2>&1 &
done
listening() { topo_in client ss -Htln "sport = :$1" | grep -q .; }
for _ in $(seq 1 100); do
	listening 3128 && listening 3129 && listening 1080 && listening 1081 && break
	sleep 0.1
done
check "squid (Basic) listens on 3128" listening 3128
check "squid (Digest) listens on 3129" listening 3129
check "danted (SOCKS5) listens on 1080" listening 1080
check "danted (SOCKS5 with user names) listens on 1081" listening 1081

# The network: the client's own HTTPS (uid 0) is refused; the proxies' is not.
topo_in client nft -f - <<'NFT'
table inet firewall {
	chain out { type filter hook output priority 0; tcp dport 443 meta skuid 0 counter reject with tcp reset; }
}
NFT
blocked() { topo_in client nft list chain inet firewall out | awk '/packets/ {for (i = 1; i < NF; i++) if ($i == "packets") print $(i + 1)}'; }

# One attempt: the link comes up (or not) and the client stops after a second.
attempt() { # args...: prints the client's output; exit status is the client's
	topo_in client timeout 30 "$CLIENT" 192.0.2.1 --ca "$PKI/ca.crt" --server-name gw.iphttps.test \
		--tun probe0 --once --seconds 1 --connect-timeout 2 --status-file "$TOPO_STATE/attempt.json" "$@" 2>&1
}
came_up_via() { # output way
	grep -q "\"up\": true.*\"via\": \"$2" <<<"$1"
}

out=$(attempt)
echo "$out" | sed 's/^/    /'
check "direct HTTPS is blocked here: no proxy, no link (exit 1)" \
	bash -c '! grep -q "\"up\": true" <<<"$1"' _ "$out"
check "and the reason names the refused connection" grep -q "direct: connect to 192.0.2.1 port 443" <<<"$out"
check "the firewall refused it" test "$(blocked)" -gt 0

out=$(attempt --proxy http://alice:s3cret@127.0.0.1:3128)
echo "$out" | sed 's/^/    /'
check "through squid with Basic credentials, after the direct attempt failed" \
	came_up_via "$out" "http proxy 127.0.0.1:3128"
check "squid logged the tunnel for alice" grep -q "CONNECT 192.0.2.1:443 alice" "$PROXY_DIR/basic-access.log"

out=$(attempt --proxy http://alice:s3cret@127.0.0.1:3129)
echo "$out" | sed 's/^/    /'
check "through squid with Digest credentials (the only scheme it offers)" \
	came_up_via "$out" "http proxy 127.0.0.1:3129"
check "squid logged the tunnel for alice" grep -q "CONNECT 192.0.2.1:443 alice" "$PROXY_DIR/digest-access.log"

for port in 3128 3129; do
	out=$(attempt --proxy "http://alice:wrong@127.0.0.1:$port")
	echo "$out" | sed 's/^/    /'
	check "a wrong password on $port is refused, in words" \
		bash -c '! grep -q "\"up\": true" <<<"$1" && grep -q "refused the user name or password (407)" <<<"$1"' _ "$out"
done
out=$(attempt --proxy http://127.0.0.1:3128)
echo "$out" | sed 's/^/    /'
check "no credentials: the 407 is reported as such" grep -q "asks for credentials (407) and none were given" <<<"$out"

out=$(https_proxy=http://alice:s3cret@127.0.0.1:3128 attempt)
echo "$out" | sed 's/^/    /'
check "https_proxy names the web proxy when --proxy does not" came_up_via "$out" "http proxy 127.0.0.1:3128"

out=$(attempt --proxy socks5://127.0.0.1:1080)
echo "$out" | sed 's/^/    /'
check "through dante (SOCKS5)" came_up_via "$out" "socks5 127.0.0.1:1080"
check "dante logged the connection to the server" grep -q "192.0.2.1.443" "$PROXY_DIR/danted.log"

out=$(attempt --proxy "socks5://$SOCKS_USER:s0cks-pass@127.0.0.1:1081")
echo "$out" | sed 's/^/    /'
check "through dante with a user name and password (RFC 1929)" came_up_via "$out" "socks5 127.0.0.1:1081"
out=$(attempt --proxy "socks5://$SOCKS_USER:wrong@127.0.0.1:1081")
echo "$out" | sed 's/^/    /'
check "a wrong SOCKS password is refused, in words" \
	bash -c '! grep -q "\"up\": true" <<<"$1" && grep -q "refused the user name or password" <<<"$1"' _ "$out"
out=$(attempt --proxy socks5://127.0.0.1:1081)
echo "$out" | sed 's/^/    /'
check "no SOCKS credentials where they are wanted: said so" grep -q "wants credentials and none were given" <<<"$out"

# The order: direct, then the web proxy, then SOCKS5, each failure said.
out=$(attempt --proxy http://alice:s3cret@127.0.0.1:3999 --proxy socks5://127.0.0.1:1080)
echo "$out" | sed 's/^/    /'
check "a web proxy that is down falls through to SOCKS5" came_up_via "$out" "socks5 127.0.0.1:1080"
check "and both failures before it are named" \
	bash -c 'grep -q "direct: connect" <<<"$1" && grep -q "http proxy 127.0.0.1:3999: connect" <<<"$1"' _ "$out"
topo_in client nft delete table inet firewall
out=$(attempt --proxy http://alice:s3cret@127.0.0.1:3128 --proxy socks5://127.0.0.1:1080)
echo "$out" | sed 's/^/    /'
check "with HTTPS open again, direct comes first" came_up_via "$out" "direct"

# A whole tunnel through the Digest proxy: ping corp.
topo_in client nft -f - <<'NFT'
table inet firewall {
	chain out { type filter hook output priority 0; tcp dport 443 meta skuid 0 counter reject with tcp reset; }
}
NFT
ip netns exec "$(topo_ns client)" "$CLIENT" 192.0.2.1 --ca "$PKI/ca.crt" --server-name gw.iphttps.test \
	--tun iphttps0 --seconds 60 --connect-timeout 2 --proxy http://alice:s3cret@127.0.0.1:3129 \
	--status-file "$TOPO_STATE/client.json" \
	> "$TOPO_STATE/client.log" 2>&1 &
CLIENT_PID=$!
client_addr=$(topo_tunnel_address)
check "a lasting link through squid (Digest)" grep -q '"via": "http proxy 127.0.0.1:3129"' "$TOPO_STATE/client.log"
check "the client pings corp through the proxy and the tunnel" topo_in client ping -6 -c 3 -W 2 -q fd00:c0::2
check "corp pings the client back" topo_in corp ping -6 -c 3 -W 2 -q "${client_addr:-::1}"
kill "$CLIENT_PID" 2>/dev/null
wait "$CLIENT_PID" 2>/dev/null
CLIENT_PID=

check_finish
