#!/usr/bin/env bash
# Two appliances behind BGP (issue #24, "Out"), shared by `make lab-cluster`
# and tests/netns/test_cluster.sh. FRR (Debian frr) routes on both sides; each
# appliance host runs a bgpd of its own and deploy/bgp/iphttps-bgp-health,
# which turns the appliance's /health into announcements:
#
#   client ── outer (FRR, AS 65000) ══ ECMP to 198.51.100.10 ══╦══ gwa: iphttpsd A ══╗
#   192.0.2.2   192.0.2.254              via 10.1.1.1, 10.1.2.1  ╚══ gwb: iphttpsd B ══╩══ inner (FRR, AS 65001) ── corp
#                                                                                     2001:db8:c1::/64 via A      fd00:c0::2
#                                                                                     2001:db8:c2::/64 via B
#   mgmt: a bridge joining the kernels of outer (10.9.0.254, fd09::254), inner
#   (.253), gwa (.1) and gwb (.2): the BGP sessions. The appliances' own ports
#   are DPDK's (net_af_packet on veths); a host's bgpd speaks from its
#   management address and names the appliance's data address as next hop,
#   as a real appliance host does (DPDK owns the NIC, BGP runs beside it).
#
# Namespaces ${TOPO_PREFIX}{client,outer,gwa,gwb,inner,corp,mgmt}; state in
# $TOPO_STATE (pids, logs, configs, the shared ticket key file).
# Variables: TOPO_PREFIX, TOPO_STATE (required).

TOPO_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CLUSTER_VIP=198.51.100.10
CLUSTER_ASN=65100
declare -A CLUSTER_EXT=([a]=10.1.1.1 [b]=10.1.2.1) CLUSTER_INT=([a]=fd00:a::1 [b]=fd00:b::1)
declare -A CLUSTER_PREFIX=([a]=2001:db8:c1::/64 [b]=2001:db8:c2::/64) CLUSTER_MGMT=([a]=1 [b]=2)

. "$TOPO_REPO/tests/lib/namespaces.sh"
cluster_file_prefix() { echo "iphttps-${TOPO_PREFIX:-lab}$1" | tr -c 'a-zA-Z0-9_\n-' '-'; } # node

cluster_up() {
	local n
	mkdir -p "$TOPO_STATE"
	chmod 755 "$TOPO_STATE" # FRR's daemons run as frr: their sockets and logs are under it
	for n in client outer gwa gwb inner corp mgmt; do topo_namespace_add "$n" || return 1; done
	# client ── outer
	ip link add ext1 netns "$(topo_ns client)" type veth peer name oc0 netns "$(topo_ns outer)" || return 1
	topo_veth_quiet client ext1
	topo_veth_quiet outer oc0
	topo_in client ip addr add 192.0.2.2/24 dev ext1
	topo_in client ip route add default via 192.0.2.254
	topo_in outer ip addr add 192.0.2.254/24 dev oc0
	# outer ── each appliance's external port; each internal port ── inner
	for n in a b; do
		ip link add "o${n}0" netns "$(topo_ns outer)" type veth peer name ext0 netns "$(topo_ns "gw$n")" || return 1
		ip link add "i${n}0" netns "$(topo_ns inner)" type veth peer name int0 netns "$(topo_ns "gw$n")" || return 1
		topo_in "gw$n" sysctl -qw net.ipv6.conf.default.disable_ipv6=1
		for ifname in ext0 int0; do
			topo_in "gw$n" sysctl -qw "net.ipv6.conf.$ifname.disable_ipv6=1"
			topo_veth_quiet "gw$n" "$ifname"
		done
		topo_veth_quiet outer "o${n}0"
		topo_in outer ip addr add "${CLUSTER_EXT[$n]%.1}.254/24" dev "o${n}0"
		topo_veth_quiet inner "i${n}0"
		topo_in inner sysctl -qw "net.ipv6.conf.i${n}0.accept_dad=0"
		topo_in inner ip -6 addr add "${CLUSTER_INT[$n]%1}2/64" dev "i${n}0" nodad
	done
	# inner ── corp
	ip link add ic0 netns "$(topo_ns inner)" type veth peer name int1 netns "$(topo_ns corp)" || return 1
	topo_veth_quiet inner ic0
	topo_veth_quiet corp int1
	topo_in inner sysctl -qw net.ipv6.conf.ic0.accept_dad=0
	topo_in corp sysctl -qw net.ipv6.conf.int1.accept_dad=0
	topo_in inner ip -6 addr add fd00:c0::1/64 dev ic0 nodad
	topo_in corp ip -6 addr add fd00:c0::2/64 dev int1 nodad
	topo_in corp ip -6 route add default via fd00:c0::1
	# The management bridge, for BGP.
	topo_in mgmt ip link add br0 type bridge stp_state 0 forward_delay 0
	topo_in mgmt ip link set br0 up
	for n in outer:254 inner:253 gwa:1 gwb:2; do
		ip link add m0 netns "$(topo_ns "${n%:*}")" type veth peer name "${n%:*}" netns "$(topo_ns mgmt)" || return 1
		topo_in mgmt ip link set "${n%:*}" master br0 up
		topo_in "${n%:*}" sysctl -qw net.ipv6.conf.m0.disable_ipv6=0 net.ipv6.conf.m0.accept_dad=0
		topo_in "${n%:*}" ip addr add "10.9.0.${n#*:}/24" dev m0
		topo_in "${n%:*}" ip -6 addr add "fd09::${n#*:}/64" dev m0 nodad
		topo_in "${n%:*}" ip link set m0 up
	done
	# The routers forward; the outer one spreads flows by their 5-tuple, as a
	# router's hardware does. Not policy 1: for a packet that comes with a
	# hash (a veth keeps the client socket's, which TCP draws anew after a
	# retransmission) it uses that one, and a flow would jump between the
	# appliances; policy 3 hashes the fields named (addresses, protocol, ports).
	topo_in outer sysctl -qw net.ipv4.ip_forward=1 net.ipv4.fib_multipath_hash_policy=3 \
		net.ipv4.fib_multipath_hash_fields=0x0037 net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
	topo_in inner sysctl -qw net.ipv6.conf.all.forwarding=1
	# One ticket key file for both appliances: a client resumes on either.
	"$TOPO_REPO/build/iphttpsctl" ticket-keys new "$TOPO_STATE/ticket-keys" >/dev/null || return 1
}

# FRR daemons of namespace NS: zebra (unless "nozebra": a speaker that
# installs nothing) and bgpd, their sockets and logs under $TOPO_STATE/frr-NS.
cluster_frr_start() { # ns config-text [nozebra]
	local dir=$TOPO_STATE/frr-$1 d
	mkdir -p "$dir"
	printf '%s\n' "$2" > "$dir/bgpd.conf"
	: > "$dir/zebra.conf"
	chown frr:frr "$dir"
	if [ "${3:-}" != nozebra ]; then
		topo_in "$1" /usr/lib/frr/zebra -d -f "$dir/zebra.conf" -i "$dir/zebra.pid" \
			-z "$dir/zserv.api" --vty_socket "$dir" -u frr -g frr --log "file:$dir/zebra.log" || return 1
		for _ in $(seq 1 50); do [ -S "$dir/zserv.api" ] && break; sleep 0.1; done
		d=
	else
		d=-Z
	fi
	# shellcheck disable=SC2086 # $d is one option or none
	topo_in "$1" /usr/lib/frr/bgpd -d $d -f "$dir/bgpd.conf" -i "$dir/bgpd.pid" \
		-z "$dir/zserv.api" --vty_socket "$dir" -u frr -g frr --log "file:$dir/bgpd.log" || return 1
	for _ in $(seq 1 50); do [ -S "$dir/bgpd.vty" ] && return 0; sleep 0.1; done
	echo "bgpd in $1 did not start; its log:" >&2
	cat "$dir/bgpd.log" >&2
	return 1
}

cluster_vtysh() { # ns vtysh-args...
	local ns=$1
	shift
	topo_in "$ns" vtysh --vty_socket "$TOPO_STATE/frr-$ns" "$@"
}

cluster_routers_start() {
	cluster_frr_start outer "hostname outer
router bgp 65000
 bgp router-id 10.9.0.254
 no bgp ebgp-requires-policy
 timers bgp 1 3
 neighbor appliances peer-group
 neighbor appliances remote-as $CLUSTER_ASN
 neighbor appliances timers connect 1
 neighbor 10.9.0.1 peer-group appliances
 neighbor 10.9.0.2 peer-group appliances
 address-family ipv4 unicast
  maximum-paths 8
 exit-address-family" || return 1
	cluster_frr_start inner "hostname inner
router bgp 65001
 bgp router-id 10.9.0.253
 no bgp ebgp-requires-policy
 no bgp default ipv4-unicast
 timers bgp 1 3
 neighbor appliances peer-group
 neighbor appliances remote-as $CLUSTER_ASN
 neighbor appliances timers connect 1
 neighbor fd09::1 peer-group appliances
 neighbor fd09::2 peer-group appliances
 address-family ipv6 unicast
  neighbor appliances activate
 exit-address-family"
}

# Node n's BGP speaker: announces nothing until the health glue says so;
# names the appliance's own data addresses as next hops.
cluster_speaker_start() { # a|b
	local n=$1
	cluster_frr_start "gw$n" "hostname gw$n
router bgp $CLUSTER_ASN
 bgp router-id 10.9.0.${CLUSTER_MGMT[$n]}
 no bgp ebgp-requires-policy
 no bgp network import-check
 no bgp default ipv4-unicast
 timers bgp 1 3
 neighbor 10.9.0.254 remote-as 65000
 neighbor 10.9.0.254 timers connect 1
 neighbor fd09::253 remote-as 65001
 neighbor fd09::253 timers connect 1
 address-family ipv4 unicast
  neighbor 10.9.0.254 activate
  neighbor 10.9.0.254 route-map to-outer out
 exit-address-family
 address-family ipv6 unicast
  neighbor fd09::253 activate
  neighbor fd09::253 route-map to-inner out
 exit-address-family
route-map to-outer permit 10
 set ip next-hop ${CLUSTER_EXT[$n]}
route-map to-inner permit 10
 set ipv6 next-hop global ${CLUSTER_INT[$n]}" nozebra
}

cluster_config() { # a|b: the node's appliance config, written to $TOPO_STATE/iphttpsd-n.yaml
	local n=$1
	cat > "$TOPO_STATE/iphttpsd-$n.yaml" <<EOF
# Cluster node $n (tests/lib/cluster.sh): the anycast service address $CLUSTER_VIP, routed here by BGP.
eal:
  main_lcore: 0
  worker_lcores: [1]
  memory_mb: 512
  hugepages: false
  mbufs: 16384
workers:
  idle_sleep_us: 100
ports:
  external:
    device: net_af_packet0,iface=ext0
    ipv4: ${CLUSTER_EXT[$n]}/24
    ipv4_gateway: ${CLUSTER_EXT[$n]%.1}.254
    service_addresses: [$CLUSTER_VIP/32]
  internal:
    device: net_af_packet1,iface=int0
    ipv6: [${CLUSTER_INT[$n]}/64]
    ipv6_gateway: ${CLUSTER_INT[$n]%1}2
    routes:
      - prefix: fd00::/8
        via: ${CLUSTER_INT[$n]%1}2
listeners:
  - protocol: https
    port: 443
iphttps:
  authentication: none
  client_prefix: ${CLUSTER_PREFIX[$n]}
  link_mtu: 1280
tls:
  certificate: $TOPO_REPO/config/pki/server.crt
  private_key: $TOPO_REPO/config/pki/server.key
  ticket_keys_file: $TOPO_STATE/ticket-keys
limits:
  max_connections_per_source: 8192
control:
  socket: $TOPO_STATE/control-$n.sock
  http_listen: 127.0.0.1:9100
log_level: info
EOF
	echo "$TOPO_STATE/iphttpsd-$n.yaml"
}

cluster_ctl() { local n=$1; shift; "$TOPO_REPO/build/iphttpsctl" -s "$TOPO_STATE/control-$n.sock" "$@"; }
cluster_telemetry() { local n=$1; shift; python3 "$TOPO_REPO/tests/lib/telemetry.py" "$(cluster_file_prefix "$n")" "$@"; }

cluster_appliance_start() { # a|b
	local n=$1 config _
	config=$(cluster_config "$n")
	: > "$TOPO_STATE/iphttpsd-$n.log"
	ip netns exec "$(topo_ns "gw$n")" "$TOPO_REPO/build/iphttpsd" -c "$config" --file-prefix "$(cluster_file_prefix "$n")" \
		--control-socket "$TOPO_STATE/control-$n.sock" --no-huge > "$TOPO_STATE/iphttpsd-$n.log" 2>&1 &
	echo $! > "$TOPO_STATE/iphttpsd-$n.pid"
	disown $! # a kill -9 of it is a test's doing, not news for the shell
	for _ in $(seq 1 200); do
		grep -q "iphttpsd running" "$TOPO_STATE/iphttpsd-$n.log" && return 0
		kill -0 "$(cat "$TOPO_STATE/iphttpsd-$n.pid")" 2>/dev/null || break
		sleep 0.1
	done
	echo "iphttpsd $n did not start; its log:" >&2
	cat "$TOPO_STATE/iphttpsd-$n.log" >&2
	return 1
}

cluster_appliance_stop() { # a|b [signal]
	local n=$1 pid _
	[ -f "$TOPO_STATE/iphttpsd-$n.pid" ] || return 0
	pid=$(cat "$TOPO_STATE/iphttpsd-$n.pid")
	rm -f "$TOPO_STATE/iphttpsd-$n.pid"
	kill "-${2:-TERM}" "$pid" 2>/dev/null
	for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
	kill -KILL "$pid" 2>/dev/null || true
	rm -rf "/var/run/dpdk/$(cluster_file_prefix "$n")"
}

# The glue beside node n's appliance: /health into its bgpd.
cluster_health_start() { # a|b
	local n=$1
	ip netns exec "$(topo_ns "gw$n")" "$TOPO_REPO/deploy/bgp/iphttps-bgp-health" \
		--health http://127.0.0.1:9100/health --asn "$CLUSTER_ASN" --service "$CLUSTER_VIP/32" \
		--client-prefix "${CLUSTER_PREFIX[$n]}" --interval 0.2 --fall 2 --rise 2 \
		--vtysh "vtysh --vty_socket $TOPO_STATE/frr-gw$n" \
		> "$TOPO_STATE/health-$n.log" 2>&1 &
	echo $! > "$TOPO_STATE/health-$n.pid"
}

cluster_health_stop() { # a|b
	[ -f "$TOPO_STATE/health-$1.pid" ] || return 0
	kill "$(cat "$TOPO_STATE/health-$1.pid")" 2>/dev/null
	rm -f "$TOPO_STATE/health-$1.pid"
}

# The next hops the outer router's kernel has for the service address.
cluster_vip_nexthops() { topo_in outer ip -4 route show "$CLUSTER_VIP" | grep -oE 'via [0-9.]+' | awk '{print $2}' | sort | tr '\n' ' '; }
# Whether the inner router's kernel routes node n's client prefix (to it).
cluster_inner_routes() { topo_in inner ip -6 route show "${CLUSTER_PREFIX[$1]}" | grep -q "via ${CLUSTER_INT[$1]}"; }

cluster_up_all() {
	cluster_up && cluster_routers_start && cluster_speaker_start a && cluster_speaker_start b &&
		cluster_appliance_start a && cluster_appliance_start b && cluster_health_start a && cluster_health_start b
}

cluster_down() {
	local n f
	for n in a b; do
		cluster_health_stop "$n"
		cluster_appliance_stop "$n"
	done
	for f in "$TOPO_STATE"/frr-*/*.pid; do
		[ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null
	done
	topo_namespaces_remove
}
