#!/usr/bin/env bash
# Installs, by Debian package name, what building, the lab and the tests need,
# when any of it is missing (root, Debian 12). Shared by .ci/run and `make lab`,
# so a newcomer's first `make lab` on a fresh machine works as CI's does.
set -euo pipefail
packages=(
	build-essential pkg-config make
	libdpdk-dev dpdk dpdk-dev          # DPDK 22.11: EAL, ethdev, af_xdp/af_packet PMDs, telemetry
	libssl-dev openssl                 # OpenSSL 3: the appliance's TLS, the lab PKI, s_client
	clang libclang-rt-14-dev           # libFuzzer harnesses (-fsanitize=fuzzer,address,undefined)
	curl gnutls-bin haproxy            # real clients and a TLS-offloading front in the session tests
	libyaml-dev                        # config loader
	libjansson-dev                     # JSON: the client's status file, the control protocol
	libmnl-dev                         # rtnetlink: the client's own SLAAC (address, route, TUN settings)
	libmicrohttpd-dev                  # the appliance's management HTTP: /metrics (Prometheus) and /health
	python3-prometheus-client          # the tests parse /metrics with Prometheus's own parser
	prometheus                         # promtool check metrics, and a real server running the dashboard's queries
	systemd                            # systemd-analyze verifies deploy/iphttps-client.service
	libsystemd-dev                     # sd_notify: the appliance's Type=notify and watchdog
	squid dante-server                 # the web proxy (Basic, Digest) and SOCKS5 server the client goes through
	frr                                # BGP on both sides of the cluster (tests/lib/cluster.sh, make lab-cluster)
	shellcheck                         # deploy/bgp/iphttps-bgp-health is checked as shipped
	libcunit1-dev                      # unit tests
	dpkg-dev debhelper lintian         # the Debian packages (debian/), built and checked by tests/package/
	unbound                            # the intranet's DNS server in the tests (tests/lib/unbound.sh); never started as the host's
	ndisc6                             # rdisc6: a real reader of the RAs' RDNSS, DNSSL and Route Information
	dbus-daemon                        # a private system bus for the tests' systemd-resolved (tests/lib/resolved.sh)
	iproute2 ethtool nftables iputils-ping tcpdump iperf3 python3 procps util-linux netcat-openbsd
)
# systemd-resolved, the client's DNS consumer, is unpacked for the tests and not
# installed: installing it points /etc/resolv.conf at its stub, which on a
# machine without systemd as init (a container, CI) nobody serves, and on a
# newcomer's machine changes how the whole host resolves names.
RESOLVED_DIR=${RESOLVED_DIR:-/var/cache/iphttps-tests/systemd-resolved}
unpack_resolved() {
	local tmp
	[ -x "$RESOLVED_DIR/lib/systemd/systemd-resolved" ] && return 0
	tmp=$(mktemp -d)
	(cd "$tmp" && apt-get download -q systemd-resolved >/dev/null 2>&1) ||
		{ apt-get update -q && (cd "$tmp" && apt-get download -q systemd-resolved); }
	mkdir -p "$RESOLVED_DIR"
	dpkg-deb -x "$tmp"/systemd-resolved_*.deb "$RESOLVED_DIR"
	rm -rf "$tmp"
	# Its user, as the package's sysusers.d line would make it.
	systemd-sysusers "$RESOLVED_DIR/usr/lib/sysusers.d/systemd-resolve.conf"
}
missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -eq 0 ]; then
	[ "$(id -u)" -eq 0 ] && unpack_resolved
	exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: missing packages (${missing[*]}); run as root to install them" >&2
	exit 1
fi
echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# No service the packages bring (unbound, squid, haproxy, frr) is started on the
# host: the tests run their own, in namespaces. policy-rc.d is Debian's switch
# for that (a container has one already; it is left as it is).
made_policy=
if [ ! -e /usr/sbin/policy-rc.d ]; then
	printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
	chmod 755 /usr/sbin/policy-rc.d
	made_policy=1
fi
apt-get install -y -q --no-install-recommends "${missing[@]}" || { [ -n "$made_policy" ] && rm -f /usr/sbin/policy-rc.d; exit 1; }
[ -n "$made_policy" ] && rm -f /usr/sbin/policy-rc.d
unpack_resolved
