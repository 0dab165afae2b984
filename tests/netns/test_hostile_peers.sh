#!/usr/bin/env bash
# Hostile peers, played with raw packets from the client namespace
# (tests/lib/hostile_peer.py), against the lab appliance:
#   - a peer whose window is shut from its SYN on, sent a refusal the server
#     then closes on: the connection is gone by the close deadline;
#   - 32 connections grow their send queues with their congestion windows
#     (past limits.tcp_send_queue_bytes), then stop acknowledging: TCP stays
#     within its budget, the reserve holds, a fresh client still gets in;
#   - 16 connections grow their receive windows (window-bound senders to the
#     discard port, past limits.tcp_recv_queue_bytes), then fill them out of
#     order behind a one-byte hole: the same bounds hold;
#   - 1,024 connections from one source each send 256 one-byte segments
#     beyond a one-byte gap, first in one run (collapsed into few mbufs),
#     then a byte apart (each its own mbuf): during the attack a fresh client
#     completes a TLS handshake and an echo, ping is answered, and the mbuf
#     pool never runs out (TCP stays within its budget, the reserve holds);
#   - four spoofed ACKs with an old sequence number and a timestamp far ahead
#     against a live connection: its echo still comes;
#   - a SYN to ff02::1 and to the solicited-node group: no answer.
#
#   client ns: hostile_peer.py (raw, from 192.0.2.77/.78: nobody's address, so
#              the client kernel stays out), iphttps_client.py, ping ──┐
#   192.0.2.2 [ext1] ═══ veth ═══ [ext0] gw: iphttpsd :443 https, :82 http, :7 echo, :9 discard
. "$(dirname "$0")/../lib/netns_test.sh"

PKI=$TOPO_REPO/config/pki
counter() { topo_telemetry /iphttps/stats "$1"; }
memory() { topo_telemetry /iphttps/tcp_memory "$1"; }
hostile() { topo_in client python3 tests/lib/hostile_peer.py ext1 "$GW_MAC" "$@"; }

echo "# hostile peers, namespaces ${TOPO_PREFIX}{client,gw,corp}"
if ! topo_up || ! TOPO_CONFIG=$TOPO_REPO/tests/netns/configs/hostile.yaml topo_start_appliance; then
	echo "FAIL: lab topology and appliance start"
	exit 1
fi
GW_MAC=$(topo_in gw cat /sys/class/net/ext0/address)
POOL=$(memory mbuf_pool_size)
RESERVE=$(memory mbuf_reserve)
HARD_LIMIT=$(memory mbuf_hard_limit)
echo "    pool $POOL mbufs, reserve $RESERVE, TCP's hard limit $HARD_LIMIT"
check "the pool keeps a reserve beside what TCP may hold" test "$((RESERVE + HARD_LIMIT))" -le "$POOL"

sample_memory() { # writes the highest mbufs_in_use and queued_mbufs seen until the file $1 exists
	local max_in_use=0 max_queued=0 in_use queued
	while [ ! -f "$1" ]; do
		in_use=$(topo_telemetry /iphttps/runtime mbufs_in_use 2>/dev/null || echo 0)
		queued=$(memory queued_mbufs 2>/dev/null || echo 0)
		[ "$in_use" -gt "$max_in_use" ] && max_in_use=$in_use
		[ "$queued" -gt "$max_queued" ] && max_queued=$queued
		sleep 0.1
	done
	echo "$max_in_use $max_queued"
}

# A held attack in the background: the memory sampled while it lasts, its one line awaited.
attack_start() { # name seconds hostile-args... (sets attacker, sampler, queued_before)
	local name=$1 seconds=$2
	shift 2
	queued_before=$(memory queued_mbufs)
	sample_memory "$TOPO_STATE/attack-done-$name" > "$TOPO_STATE/memory-$name" &
	sampler=$!
	hostile "$@" > "$TOPO_STATE/attack-$name" 2>&1 &
	attacker=$!
	for _ in $(seq 1 $((seconds * 10))); do
		[ -s "$TOPO_STATE/attack-$name" ] && break
		sleep 0.1
	done
	echo "    $(cat "$TOPO_STATE/attack-$name")"
}
fresh_client_gets_in() { # while-what
	local out
	out=$(topo_in client python3 tests/lib/iphttps_client.py session 192.0.2.1 --ca "$PKI/ca.crt" --timeout 20 2>&1 |
		tail -1)
	echo "    $out"
	check "$1, a fresh client completes a TLS handshake and its echo" \
		python3 -c 'import json,sys; sys.exit(0 if json.loads(sys.argv[1])["ok"] else 1)' "$out"
}
# The highest the attack made memory reach, against the bounds.
attack_memory_bounded() { # name
	local max_in_use max_queued
	touch "$TOPO_STATE/attack-done-$1"
	wait "$sampler"
	read -r max_in_use max_queued < "$TOPO_STATE/memory-$1"
	echo "    highest mbufs in use $max_in_use of $POOL; highest held by TCP $max_queued (hard limit $HARD_LIMIT)"
	check "TCP never held more than its hard limit" test "$max_queued" -le "$HARD_LIMIT"
	check "the pool never ran dry (at least half of TCP_MEMORY_RESERVE_MBUFS stayed free)" \
		test "$max_in_use" -le $((POOL - 256))
}
# The memory bounds, then what TCP holds once the attacker has reset its
# connections (when its hold ends).
attack_end() { # name who
	attack_memory_bounded "$1"
	wait "$attacker" 2>/dev/null
	for _ in $(seq 1 50); do
		[ "$(memory queued_mbufs)" -le "$queued_before" ] && break
		sleep 0.2
	done
	check "once $2 reset, TCP holds no more than before them" test "$(memory queued_mbufs)" -le "$queued_before"
}

# --- send queues grown with the congestion window, then stalled ---
# A send queue may grow past limits.tcp_send_queue_bytes with its cwnd (up to
# tcp_send_queue_max_bytes): peers that grow theirs and then stop reading
# must still find the worker's budget and the pool's reserve in force.
echo "# 32 connections grow their send queues with their congestion windows, then stop acknowledging"
grown_before=$(counter tcp_send_queue_grown)
attack_start grow 150 grow-stall --src 192.0.2.79 --port 7 --conns 32 --grow-bytes 200000 --hold 30
check "32 connections each had 200 kB echoed and acknowledged, then stalled" \
	grep -q '"connections": 32, "grown": 32' "$TOPO_STATE/attack-grow"
grown=$(( $(counter tcp_send_queue_grown) - grown_before ))
check "their send queues outgrew limits.tcp_send_queue_bytes with their congestion windows ($grown of 32 counted)" \
	test "$grown" -ge 16
sleep 2 # the stall's data lands in the queues
fresh_client_gets_in "with the stalled queues held"
check "and the appliance answers ping" topo_in client ping -c 2 -W 2 -q 192.0.2.1
attack_end grow "the stalled peers"

# --- receive windows grown by window-bound senders, then filled out of order ---
# A receive window may grow past limits.tcp_recv_queue_bytes (up to
# tcp_recv_queue_max_bytes) when the peer fills it each RTT: peers that grow
# theirs and then fill them behind a hole must meet the same bounds.
echo "# 16 connections grow their receive windows to 1 MiB, then fill them out of order behind a one-byte hole"
grown_before=$(counter tcp_recv_window_grown)
pruned_before=$(( $(counter tcp_ooo_pruned) + $(counter drop_tcp_ooo_pressure) ))
# One segment in 4,999 is lost on the way (as any may be on a busy machine): the senders go back to
# the server's acknowledgement, and the windows grow all the same. Sixteen: the window grows only while
# the peer fills it each round trip, and one Python sender keeps sixteen 1 MiB windows full on a slow
# machine where it could not keep 32; their 16 MiB beyond the hole are still more than TCP's high-water
# mark (three quarters of its hard limit of mbufs, ~12 MB of segments here).
attack_start window 150 grow-ooo --src 192.0.2.76 --port 9 --conns 16 --window-bytes 1048576 --lose-every 4999 --hold 30
check "16 connections were offered windows of 1 MiB or more, and filled them out of order" \
	grep -q '"connections": 16, "grown": 16' "$TOPO_STATE/attack-window"
grown=$(( $(counter tcp_recv_window_grown) - grown_before ))
check "their receive windows outgrew limits.tcp_recv_queue_bytes ($grown of 16 counted)" test "$grown" -eq 16
sleep 2 # the flood lands
pruned=$(( $(counter tcp_ooo_pruned) + $(counter drop_tcp_ooo_pressure) - pruned_before ))
check "the out-of-order flood met the high-water mark: $pruned segments refused or pruned" test "$pruned" -gt 0
fresh_client_gets_in "with the grown windows filled"
attack_end window "those peers"

# --- a zero-window peer after the server closes (the deadline is checked at the end) ---
out=$(hostile zero-window --src 192.0.2.78 --port 82)
echo "    $out"
check "the zero-window peer is connected and refused" grep -q '"connected": true' <<<"$out"
zero_window_start=$(date +%s)

# --- 1,024 connections from one source, one-byte out-of-order segments ---
for spacing in 1 2; do
	echo "# one-byte segments beyond a gap, ${spacing} byte(s) apart"
	# The attack has sent its segments when the tool prints its line (it then holds the connections).
	attack_start "$spacing" 60 ooo --src 192.0.2.77 --port 7 --conns 1024 --segments 256 --spacing "$spacing" \
		--first-port $((20000 + spacing * 2000)) --hold 25
	check "the attacker opened 1,024 connections and sent its segments" \
		grep -q '"connections": 1024, "segments_sent": 262144' "$TOPO_STATE/attack-$spacing"
	fresh_client_gets_in "during the attack"
	check "during the attack the appliance answers ping" topo_in client ping -c 2 -W 2 -q 192.0.2.1
	check "during the attack the appliance answers ping6" topo_in client ping -6 -c 2 -W 2 -q 2001:db8:e::1
	attack_memory_bounded "$spacing"
	kill "$attacker" 2>/dev/null
	wait "$attacker" 2>/dev/null
done
check "the contiguous run was collapsed: out-of-order segments were kept, not refused" \
	test "$(counter tcp_ooo_segments)" -gt 0
check "the spaced segments met the pool limit: refused past the high-water mark (counted)" \
	test "$(counter drop_tcp_ooo_pressure)" -gt 0
check "and their holders were pruned (counted)" test "$(counter tcp_ooo_pruned)" -gt 0

# --- spoofed old-sequence ACKs against a live connection ---
out=$(hostile paws --port 7)
echo "    $out"
check "after four spoofed old-sequence ACKs with a timestamp far ahead, the connection still echoes" \
	python3 -c 'import json,sys; r=json.loads(sys.argv[1]); sys.exit(0 if r["before"] == "one" and r["after"] == "two" else 1)' "$out"

# --- SYN to multicast groups ---
before=$(counter drop_tcp_multicast_destination)
out=$(hostile mcast-syn --port 443)
echo "    $out"
check "a SYN to ff02::1 or the solicited-node group gets no answer" grep -q '"answers": 0' <<<"$out"
check_equal "both were counted as TCP to a multicast destination" $((before + 2)) \
	"$(counter drop_tcp_multicast_destination)"

# --- the zero-window peer's deadline ---
for _ in $(seq 1 90); do
	[ "$(counter tcp_close_timeouts)" -ge 1 ] && break
	sleep 1
done
elapsed=$(( $(date +%s) - zero_window_start ))
check "the closed connection held by a zero window was reset by its deadline (${elapsed} s)" \
	test "$(counter tcp_close_timeouts)" -ge 1
check "and within the 60 s close deadline (and a margin)" test "$elapsed" -le 75
# The attackers' connections stay open (a raw peer sends no FIN); what they hold
# stays under the high-water mark, where new out-of-order data is refused and
# pruned, so in-order data and new handshakes keep their room.
check "what the idle attackers still hold is under the high-water mark" \
	test "$(memory queued_mbufs)" -le "$(memory mbuf_high_water)"

topo_stop_appliance
check_finish
