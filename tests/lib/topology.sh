#!/usr/bin/env bash
# The lab topology (DESIGN.md), shared by `make lab` and the netns tests.
#
#   ┌──────────── client ───────────┐      ┌─────────────── gw ────────────────┐      ┌──────────── corp ─────────────┐
#   │ kernel TCP/IP, curl, ping     │      │ iphttpsd (DPDK; the kernel stays   │      │ kernel IPv6 host: ping6, iperf3│
#   │ ext1 192.0.2.2/24             │ veth │ out: IPv6 off, no addresses)       │ veth │ int1 fd00:c0::2/64             │
#   │      2001:db8:e::2/64         ├──────┤ ext0 192.0.2.1  2001:db8:e::1      ├──────┤ route 2001:db8:c1::/64         │
#   │ (the appliance's gateway)     │      │ int0 fd00:c0::1                    │      │   via fd00:c0::1               │
#   └───────────────────────────────┘      └────────────────────────────────────┘      └────────────────────────────────┘
#
# Namespaces are ${TOPO_PREFIX}client, ${TOPO_PREFIX}gw, ${TOPO_PREFIX}corp: the lab uses no
# prefix (DESIGN.md's names), every test run its own, so runs never collide.
# State (pid, log, generated config, hugepages taken) lives in $TOPO_STATE.
#
# Variables: TOPO_PREFIX, TOPO_STATE (required); TOPO_QUEUES (queues per veth, default 1;
# more needs af_packet); TOPO_DEVICE af_xdp|af_packet|tap (default
# af_xdp, the steadier one here: docs/LAB.md; tap: the ports are net_tap
# devices dtap0/dtap1 in gw, each joined to its veth by a Linux bridge, the
# one PMD here that really does checksum and TSO offloads); TOPO_HUGEPAGES yes|no (default yes, falls
# back to --no-huge when pages cannot be reserved); TOPO_DEVARGS (options appended to
# every port's device string, e.g. ",busy_budget=0" or ",qdisc_bypass=1": the
# PMDs' knobs, for the benchmarks that compare them); TOPO_APPLIANCE (the iphttpsd
# binary to run, default build/iphttpsd).

TOPO_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
TOPO_DEVICE=${TOPO_DEVICE:-af_xdp}
TOPO_HUGEPAGES=${TOPO_HUGEPAGES:-yes}
TOPO_HUGEPAGE_COUNT=320   # 2 MiB pages: eal.memory_mb (512) + headroom

. "$TOPO_REPO/tests/lib/namespaces.sh"

topo_tun_address() { # tun: its global address in 'client', after up to 15 s (empty if none came)
	local addr='' _
	for _ in $(seq 1 150); do
		addr=$(topo_in client ip -6 -o addr show dev "$1" scope global 2>/dev/null |
			awk '{print $4}' | cut -d/ -f1 | head -1)
		[ -n "$addr" ] && break
		sleep 0.1
	done
	echo "$addr"
}

# The client end of a tunnel, once an IP-HTTPS client has opened its TUN
# device `iphttps0` in 'client'. iphttps-client configures it itself (its own
# SLAAC, through netlink): this only waits. With `kernel` (tun_bridge.py, or
# iphttps-client --kernel-slaac) the kernel takes the Router Advertisement
# (accept_ra=2) and forms a random interface identifier (RFC 8981 style,
# addr_gen_mode=3) at the link MTU of 1280. Prints the global address, or
# nothing after 15 s.
topo_tunnel_address() { # [kernel]
	local _
	for _ in $(seq 1 50); do topo_in client ip link show iphttps0 >/dev/null 2>&1 && break; sleep 0.1; done
	if [ "${1:-}" = kernel ]; then
		topo_in client sysctl -qw net.ipv6.conf.iphttps0.addr_gen_mode=3
		topo_in client sysctl -qw net.ipv6.conf.iphttps0.accept_ra=2
		topo_in client ip link set iphttps0 mtu 1280 up
	fi
	topo_tun_address iphttps0
}
topo_file_prefix() { echo "iphttps-${TOPO_PREFIX:-lab}" | tr -c 'a-zA-Z0-9_\n-' '-'; }

topo_up() {
	mkdir -p "$TOPO_STATE"
	local c g k ns
	c=$(topo_ns client) g=$(topo_ns gw) k=$(topo_ns corp)
	for ns in client gw corp; do topo_namespace_add "$ns" || return 1; done
	local q=${TOPO_QUEUES:-1}
	ip link add ext0 netns "$g" numtxqueues "$q" numrxqueues "$q" type veth peer name ext1 netns "$c" \
		numtxqueues "$q" numrxqueues "$q" || return 1
	ip link add int0 netns "$g" numtxqueues "$q" numrxqueues "$q" type veth peer name int1 netns "$k" \
		numtxqueues "$q" numrxqueues "$q" || return 1
	# The gw kernel must neither answer nor send on the appliance's ports
	# (nor on the bridges and tap devices of TOPO_DEVICE=tap: "default" covers
	# those made later).
	topo_in gw sysctl -qw net.ipv6.conf.default.disable_ipv6=1
	for ifname in ext0 int0; do
		topo_in gw sysctl -qw "net.ipv6.conf.$ifname.disable_ipv6=1"
		topo_veth_quiet gw "$ifname"
	done
	[ "$TOPO_DEVICE" = tap ] && { topo_tap_bridges_up || return 1; }
	topo_in client sysctl -qw net.ipv6.conf.ext1.accept_dad=0
	topo_veth_quiet client ext1
	topo_in client ip addr add 192.0.2.2/24 dev ext1
	topo_in client ip -6 addr add 2001:db8:e::2/64 dev ext1 nodad
	topo_in corp sysctl -qw net.ipv6.conf.int1.accept_dad=0
	topo_veth_quiet corp int1
	topo_in corp ip -6 addr add fd00:c0::2/64 dev int1 nodad
	topo_in corp ip -6 route add 2001:db8:c1::/64 via fd00:c0::1 dev int1
}

# TOPO_DEVICE=tap: the wire between each veth in gw and the net_tap device
# the appliance makes there (dtap0 for ext0, dtap1 for int0) is a Linux
# bridge: brext, brint. No STP, no multicast snooping (ND and RS are
# multicast), no addresses, no netfilter (where br_netfilter is loaded it
# would check IP headers and drop the malformed frames tests send on purpose):
# the bridge forwards frames and nothing else.
TOPO_TAP_PAIRS="ext0:dtap0:brext int0:dtap1:brint"
topo_tap_bridges_up() {
	local pair veth tap br family
	# The namespace's switch wins over the bridge's own (either turns it on).
	for family in iptables ip6tables arptables; do
		topo_in gw sysctl -qw "net.bridge.bridge-nf-call-$family=0" 2>/dev/null || true
	done
	for pair in $TOPO_TAP_PAIRS; do
		IFS=: read -r veth tap br <<<"$pair"
		topo_in gw ip link add "$br" type bridge stp_state 0 mcast_snooping 0 forward_delay 0 || return 1
		topo_in gw sysctl -qw "net.ipv6.conf.$br.disable_ipv6=1"
		topo_in gw ip link set "$veth" master "$br" || return 1
		topo_in gw ip link set "$br" up
	done
}
# The tap devices exist from the appliance's EAL probe on: join each to its
# bridge (again after every start: they go with the process). Bounded: 10 s.
topo_tap_join() {
	local pair veth tap br i
	for pair in $TOPO_TAP_PAIRS; do
		IFS=: read -r veth tap br <<<"$pair"
		for i in $(seq 1 100); do
			topo_in gw ip link show "$tap" >/dev/null 2>&1 && break
			sleep 0.1
		done
		topo_in gw ethtool -K "$tap" tso off gso off gro off tx off rx off >/dev/null 2>&1 || true
		# net_tap gives the kernel's side the port's own MAC; a bridge delivers
		# frames for a member's MAC to itself instead of forwarding them, so the
		# kernel's side takes another (locally administered) one.
		topo_in gw ip link set "$tap" address "02:00:00:00:00:0${tap#dtap}" || return 1
		topo_in gw ip link set "$tap" master "$br" || return 1
		topo_in gw ip link set "$tap" up || return 1
	done
}

# Reserve hugepages on top of what is already reserved (a running lab keeps its own).
topo_hugepages_take() {
	topo_hugepages_release   # a restart must not take pages twice
	[ "$TOPO_HUGEPAGES" = yes ] || return 1
	mkdir -p /dev/hugepages
	mountpoint -q /dev/hugepages || mount -t hugetlbfs nodev /dev/hugepages || return 1
	local before after free
	before=$(cat /proc/sys/vm/nr_hugepages)
	sysctl -qw vm.nr_hugepages=$((before + TOPO_HUGEPAGE_COUNT)) || return 1
	after=$(cat /proc/sys/vm/nr_hugepages)
	echo $((after - before)) > "$TOPO_STATE/hugepages"
	free=$(awk '/HugePages_Free/ {print $2}' /proc/meminfo)
	[ "$((after - before))" -ge "$TOPO_HUGEPAGE_COUNT" ] && [ "$free" -ge "$TOPO_HUGEPAGE_COUNT" ]
}

topo_hugepages_release() {
	[ -f "$TOPO_STATE/hugepages" ] || return 0
	local taken now
	taken=$(cat "$TOPO_STATE/hugepages")
	now=$(cat /proc/sys/vm/nr_hugepages)
	sysctl -qw vm.nr_hugepages=$(( now > taken ? now - taken : 0 ))
	rm -f "$TOPO_STATE/hugepages"
}

# The lab config with this run's device and absolute PKI paths; with
# TOPO_QUEUES > 1 (af_packet: af_xdp is single-queue on veth here), the
# ports get that many queue pairs.
topo_config() {
	local qpairs=
	[ "${TOPO_QUEUES:-1}" -gt 1 ] && qpairs=",qpairs=$TOPO_QUEUES"
	sed -e "s#net_af_xdp#net_$TOPO_DEVICE#" -e "s#: pki/#: $TOPO_REPO/config/pki/#" \
	    -e "s#\(device: net_tap\([0-9]\)\),iface=[a-z]*[0-9]*#\1,iface=dtap\2#" \
	    -e "s#\(device: net_af_packet[0-9]*,iface=[a-z0-9]*\)#\1$qpairs#" \
	    -e "s#\(device: net_[a-z_]*[0-9]*,iface=[a-z0-9]*[^ ]*\)#\1${TOPO_DEVARGS:-}#" \
	    "${1:-$TOPO_REPO/config/lab.yaml}" > "$TOPO_STATE/iphttpsd.yaml"
	echo "$TOPO_STATE/iphttpsd.yaml"
}

# Start iphttpsd in gw; waits (bounded) until it says it runs. Extra args pass through.
topo_start_appliance() {
	local config args=() i
	config=$(topo_config "${TOPO_CONFIG:-}")
	if topo_hugepages_take; then
		echo "hugepages: $(cat "$TOPO_STATE/hugepages") x 2 MiB reserved" >&2
	else
		topo_hugepages_release
		echo "hugepages: not available here; running EAL with --no-huge" >&2
		args+=(--no-huge)
	fi
	: > "$TOPO_STATE/iphttpsd.log"
	# Started directly (not through a shell function) so that $! is iphttpsd itself.
	ip netns exec "$(topo_ns gw)" "${TOPO_APPLIANCE:-$TOPO_REPO/build/iphttpsd}" -c "$config" --file-prefix "$(topo_file_prefix)" \
		--control-socket "$TOPO_STATE/control.sock" "${args[@]}" "$@" > "$TOPO_STATE/iphttpsd.log" 2>&1 &
	echo $! > "$TOPO_STATE/iphttpsd.pid"
	if [ "$TOPO_DEVICE" = tap ] && ! topo_tap_join; then
		echo "the tap devices did not appear in gw; the log:" >&2
		cat "$TOPO_STATE/iphttpsd.log" >&2
		return 1
	fi
	for i in $(seq 1 200); do
		grep -q "iphttpsd running" "$TOPO_STATE/iphttpsd.log" && return 0
		kill -0 "$(cat "$TOPO_STATE/iphttpsd.pid")" 2>/dev/null || break
		sleep 0.1
	done
	echo "iphttpsd did not start; its log:" >&2
	cat "$TOPO_STATE/iphttpsd.log" >&2
	return 1
}

# iphttpsctl on the run's appliance (its control socket is per run, under $TOPO_STATE).
topo_ctl() {
	"$TOPO_REPO/build/iphttpsctl" -s "$TOPO_STATE/control.sock" "$@"
}

# Stop iphttpsd with SIG (default TERM), SIGKILL after 5 s; the seconds it took go to
# $TOPO_STATE/stop_seconds.
topo_stop_appliance() {
	local sig=${1:-TERM} pid start end i
	[ -f "$TOPO_STATE/iphttpsd.pid" ] || return 0
	pid=$(cat "$TOPO_STATE/iphttpsd.pid")
	rm -f "$TOPO_STATE/iphttpsd.pid"
	kill -0 "$pid" 2>/dev/null || return 0
	start=$(date +%s.%N)
	kill "-$sig" "$pid" 2>/dev/null
	for i in $(seq 1 100); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	if kill -0 "$pid" 2>/dev/null; then
		kill -KILL "$pid" 2>/dev/null
		echo "iphttpsd ignored SIG$sig for 5 s; killed" >&2
			return 1
	fi
	end=$(date +%s.%N)
	python3 -c "print(round($end - $start, 3))" > "$TOPO_STATE/stop_seconds"
	# EAL leaves its hugepage files (for secondary processes); they hold the pages until removed.
	rm -f /dev/hugepages/"$(topo_file_prefix)"map_* 2>/dev/null || true
}

topo_telemetry() { python3 "$TOPO_REPO/tests/lib/telemetry.py" "$(topo_file_prefix)" "$@"; }

# Remove everything this run made, whatever state it is in.
topo_down() {
	topo_stop_appliance || true
	topo_namespaces_remove
	topo_hugepages_release
	local fp
	fp=$(topo_file_prefix)
	rm -rf "/var/run/dpdk/$fp"
	rm -f /dev/hugepages/"$fp"map_* 2>/dev/null || true
}
