#!/usr/bin/env bash
# make bench-tls: the appliance's TLS sessions, against the cost of their
# crypto measured by `openssl speed` in the same run on the same core.
#
#   client (bench/tls_bench, core 0) ── ext0 ── gw: iphttpsd :443 (worker on core 1)
#
# Figures (medians of ROUNDS):
#   - full TLS 1.3 handshakes per second (ECDSA P-256 certificate, X25519),
#     and the worker's CPU time per handshake (its busy TSC cycles over the
#     handshakes it completed) against one ECDSA P-256 sign plus two X25519
#     operations from `openssl speed` (target: within 1.5x)
#   - memory per idle session at LinkUp (OpenSSL's heap, the session slot and
#     the TCP connection; target: under 16 KiB)
#   - bulk: 1,280-byte packets echoed through one session, AES-128-GCM (TLS
#     1.3) and NULL-SHA256 (TLS 1.2), with the worker's cycles per byte
#     against `openssl speed` for the record crypto (each byte is decrypted
#     once on the way up and encrypted once on the way down).
set -u
cd "$(dirname "$0")/.."
TOPO_PREFIX="bt$$-"
. bench/lib.sh
ROUNDS=${ROUNDS:-3}
HS_SECONDS=${HS_SECONDS:-5}
HS_CONCURRENCY=${HS_CONCURRENCY:-32}
IDLE_SESSIONS=${IDLE_SESSIONS:-2000}
BULK_SECONDS=${BULK_SECONDS:-5}

stat_of() { topo_telemetry /iphttps/stats "$1"; }

# --- the crypto alone, on the worker's core, before the appliance runs ---
echo "openssl speed on core 1 (the worker's core):" >&2
speed=$(taskset -c 1 openssl speed -seconds 2 -mr ecdsap256 ecdhx25519 2>/dev/null)
SIGN_PER_S=$(grep '^+F4:' <<<"$speed" | cut -d: -f4)
X25519_PER_S=$(grep '^+F5:' <<<"$speed" | cut -d: -f4)
GCM_BPS=$(taskset -c 1 openssl speed -seconds 2 -mr -bytes 16384 -evp aes-128-gcm 2>/dev/null | grep '^+F:' | cut -d: -f4)
HMAC_BPS=$(taskset -c 1 openssl speed -seconds 2 -mr -bytes 16384 -hmac sha256 2>/dev/null | grep '^+F:' | cut -d: -f4)
echo "    ECDSA P-256 sign $SIGN_PER_S/s, X25519 $X25519_PER_S/s, AES-128-GCM $GCM_BPS B/s, HMAC-SHA256 $HMAC_BPS B/s" >&2
mem_hs=""
for i in $(seq 1 "$ROUNDS"); do
	mem_hs+="$(taskset -c 1 build/tls_memory_handshake config/pki/server-ecdsa.crt config/pki/server-ecdsa.key 2000 |
		field server_us_per_handshake)"$'\n'
done
MEM_HS_US=$(printf '%s' "$mem_hs" | median)
echo "    OpenSSL's own server handshake in memory (no network): $MEM_HS_US us" >&2

# --- an appliance with the ECDSA certificate ---
# No admission budget (limits.full_handshakes_per_second): the figure is what the worker can do.
sed -e 's#pki/server.crt#pki/server-ecdsa.crt#' -e 's#pki/server.key#pki/server-ecdsa.key#' \
	-e 's/^limits:/limits:\n  full_handshakes_per_second: 0/' config/lab.yaml > "$TOPO_STATE/bench-ecdsa.yaml"
topo_up || exit 1
TOPO_CONFIG=$TOPO_STATE/bench-ecdsa.yaml topo_start_appliance || exit 1
[ -f "$TOPO_STATE/hugepages" ] || { echo "bench-tls: hugepages are needed (docs/LAB.md)"; exit 1; }
HZ=$(topo_telemetry /iphttps/runtime tsc_hz)

echo "handshakes (TLS 1.3, ECDSA P-256, X25519, $HS_CONCURRENCY in flight):" >&2
rates="" costs="" tls_costs=""
for i in $(seq 1 "$ROUNDS"); do
	b0=$(stat_of busy_tsc_cycles) h0=$(stat_of tls_handshakes) c0=$(stat_of tls_handshake_cycles)
	out=$(topo_in client taskset -c 0 build/tls_bench handshakes 192.0.2.1 443 "$HS_SECONDS" "$HS_CONCURRENCY") ||
		{ echo "handshake load failed: $out" >&2; exit 1; }
	b1=$(stat_of busy_tsc_cycles) h1=$(stat_of tls_handshakes) c1=$(stat_of tls_handshake_cycles)
	us=$(python3 -c "print(round(($b1 - $b0) / $HZ * 1e6 / max(1, $h1 - $h0), 1))")
	tls_us=$(python3 -c "print(round(($c1 - $c0) / $HZ * 1e6 / max(1, $h1 - $h0), 1))")
	rates+="$(field per_second <<<"$out")"$'\n'
	costs+="$us"$'\n'
	tls_costs+="$tls_us"$'\n'
	echo "    round $i: $(field per_second <<<"$out") handshakes/s, worker CPU $us us per handshake ($tls_us us in SSL_do_handshake)" >&2
	sleep 2 # TIME-WAIT and closes settle
done
HS_RATE=$(printf '%s' "$rates" | median)
HS_US=$(printf '%s' "$costs" | median)
HS_TLS_US=$(printf '%s' "$tls_costs" | median)

echo "memory: $IDLE_SESSIONS idle sessions at LinkUp:" >&2
sleep 2
heap0=$(topo_telemetry /iphttps/runtime heap_in_use_bytes)
topo_in client taskset -c 0 build/tls_bench idle 192.0.2.1 443 "$IDLE_SESSIONS" 8 > "$TOPO_STATE/idle.json" &
idle_pid=$!
for _ in $(seq 1 120); do
	[ "$(topo_telemetry /iphttps/clients entries)" -ge "$IDLE_SESSIONS" ] && break
	sleep 0.5
done
sleep 1
ENTRIES=$(topo_telemetry /iphttps/clients entries)
heap1=$(topo_telemetry /iphttps/runtime heap_in_use_bytes)
SLOT=$(topo_telemetry /iphttps/runtime session_slot_bytes)
TCP_BYTES=$(topo_telemetry /iphttps/tcp_memory bytes_per_connection)
wait "$idle_pid"
echo "    $(cat "$TOPO_STATE/idle.json"); $ENTRIES Client Table entries; heap +$((heap1 - heap0)) bytes" >&2

bulk() { # label cipher -> BULK_MBIT BULK_CPB (medians)
	local mbits="" cpbs="" i out b0 b1 r0 r1 t0 t1
	for i in $(seq 1 "$ROUNDS"); do
		b0=$(stat_of busy_tsc_cycles) r0=$(stat_of link_rx_bytes) t0=$(stat_of link_tx_bytes)
		out=$(topo_in client taskset -c 0 build/tls_bench bulk 192.0.2.1 443 "$BULK_SECONDS" "$2") ||
			{ echo "bulk failed: $out" >&2; return 1; }
		b1=$(stat_of busy_tsc_cycles) r1=$(stat_of link_rx_bytes) t1=$(stat_of link_tx_bytes)
		mbits+="$(field mbit_per_s_each_way <<<"$out")"$'\n'
		cpbs+="$(python3 -c "print(round(($b1 - $b0) / max(1, ($r1 - $r0) + ($t1 - $t0)), 2))")"$'\n'
		echo "    round $i: $(field cipher <<<"$out") $(field protocol <<<"$out"): $(field mbit_per_s_each_way <<<"$out") Mbit/s each way" >&2
	done
	BULK_MBIT=$(printf '%s' "$mbits" | median)
	BULK_CPB=$(printf '%s' "$cpbs" | median)
}
echo "bulk, AES-128-GCM (TLS 1.3):" >&2
bulk gcm tls13 || exit 1
GCM_MBIT=$BULK_MBIT GCM_CPB=$BULK_CPB
topo_stop_appliance

# --- the NULL suite needs RSA key exchange: the RSA certificate, TLS 1.2 ---
sed -e 's#null_encryption: false#null_encryption: true\n  max_version: "1.2"#' config/lab.yaml > "$TOPO_STATE/bench-null.yaml"
TOPO_CONFIG=$TOPO_STATE/bench-null.yaml topo_start_appliance || exit 1
echo "bulk, NULL-SHA256 (TLS 1.2):" >&2
bulk null NULL-SHA256 || exit 1
NULL_MBIT=$BULK_MBIT NULL_CPB=$BULK_CPB
topo_stop_appliance

python3 - "$SIGN_PER_S" "$X25519_PER_S" "$MEM_HS_US" "$HS_RATE" "$HS_US" "$HS_TLS_US" "$heap0" "$heap1" "$ENTRIES" "$SLOT" "$TCP_BYTES" \
	"$HZ" "$GCM_BPS" "$HMAC_BPS" "$GCM_MBIT" "$GCM_CPB" "$NULL_MBIT" "$NULL_CPB" <<'PY'
import sys
(sign, x25519, mem_hs_us, hs_rate, hs_us, hs_tls_us, heap0, heap1, entries, slot, tcp, hz, gcm_bps, hmac_bps,
 gcm_mbit, gcm_cpb, null_mbit, null_cpb) = (float(x) for x in sys.argv[1:])
crypto_us = 1e6 / sign + 2 * 1e6 / x25519
per_session = (heap1 - heap0) / max(1, entries) + slot + tcp
gcm_crypto_cpb = 2 * hz / gcm_bps    # decrypt up + encrypt down, cycles per byte of packets
null_crypto_cpb = 2 * hz / hmac_bps
print()
print("bench-tls (medians)")
print(f"  full handshakes, TLS 1.3 ECDSA P-256 + X25519: {hs_rate:8.0f} /s (client-bound: one core of load)")
print(f"  crypto per handshake (openssl speed: 1 sign + 2 X25519): {crypto_us:.1f} us")
print(f"  CPU in SSL_do_handshake per handshake:         {hs_tls_us:8.1f} us, ratio to crypto {hs_tls_us / crypto_us:.2f}   (target <= 1.5)")
print(f"  whole worker per handshake (TCP, PMD, veth):   {hs_us:8.1f} us, ratio to crypto {hs_us / crypto_us:.2f}")
print(f"  OpenSSL's own server handshake in memory:      {mem_hs_us:8.1f} us, ratio to crypto {mem_hs_us / crypto_us:.2f}")
print(f"  appliance's SSL_do_handshake / OpenSSL in memory: {hs_tls_us / mem_hs_us:5.2f}   (what the appliance adds around OpenSSL)")
print(f"  memory per idle session at LinkUp:             {per_session:8.0f} bytes ({(heap1 - heap0) / max(1, entries):.0f} OpenSSL heap + {slot:.0f} session slot + {tcp:.0f} TCP) over {entries:.0f} sessions   (target < 16384)")
print(f"  bulk AES-128-GCM, one session:                 {gcm_mbit:8.1f} Mbit/s each way, {gcm_cpb:.2f} cycles/byte (crypto alone {gcm_crypto_cpb:.2f}, ratio {gcm_cpb / gcm_crypto_cpb:.1f})")
print(f"  bulk NULL-SHA256, one session:                 {null_mbit:8.1f} Mbit/s each way, {null_cpb:.2f} cycles/byte (HMAC alone {null_crypto_cpb:.2f}, ratio {null_cpb / null_crypto_cpb:.1f})")
PY
