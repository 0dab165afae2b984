#!/usr/bin/env bash
# make bench-setup: how long a tunnel takes to come up, from starting
# iphttps-client to the first ping answered by corp through it (TCP, TLS, the
# POST and its 200, the RS and RA, the address and route installed, the echo
# there and back), median of ROUNDS (10). Beside it, measured in the same run:
# the HTTPS part alone (TCP, TLS and the POST to its 200, from Python in the
# same namespace), which no client can skip. Target: 20 ms in the lab.
#
#   client ns: iphttps-client ══ TLS ══ ext0 [iphttpsd] int0 ── corp fd00:c0::2
set -u
cd "$(dirname "$0")/.."
TOPO_PREFIX="s$$-"
. bench/lib.sh
ROUNDS=${ROUNDS:-10}
PKI=$PWD/config/pki

topo_up || exit 1
TOPO_CONFIG=tests/netns/configs/sessions-none.yaml topo_start_appliance || exit 1

echo "baseline: TCP + TLS 1.3 + POST to its 200 (Python ssl), $ROUNDS rounds:" >&2
BASE=$(topo_in client python3 bench/setup_time.py https "$ROUNDS" "$PKI/ca.crt" 192.0.2.1 gw.iphttps.test)
echo "    $BASE" >&2
echo "iphttps-client: start to the first echo reply from corp, $ROUNDS rounds:" >&2
TUNNEL=$(topo_in client python3 bench/setup_time.py tunnel "$ROUNDS" "$PWD/build/iphttps-client" 192.0.2.1 \
	--ca "$PKI/ca.crt" --server-name gw.iphttps.test --tun iphttps0 --seconds 30 \
	--status-file "$TOPO_STATE/setup.json")
echo "    $TUNNEL" >&2

python3 - "$BASE" "$TUNNEL" "$ROUNDS" <<'PY'
import json, sys
base, tunnel, rounds = json.loads(sys.argv[1]), json.loads(sys.argv[2]), int(sys.argv[3])
print("bench-setup  (medians of %d; target: the tunnel up and pinging in 20 ms)" % rounds)
print(f"  baseline, TCP + TLS + POST to 200:        {base['median_ms']:.2f} ms")
if tunnel["median_ms"] is None:
    print("  iphttps-client, start to the first ping: no round answered")
    sys.exit(1)
print(f"  iphttps-client, start to the first ping:  {tunnel['median_ms']:.2f} ms "
      f"(ratio {tunnel['median_ms'] / base['median_ms']:.2f} of the baseline; "
      f"{tunnel['answered']} of {rounds} rounds answered)")
print(f"  target 20 ms: {'met' if tunnel['median_ms'] <= 20 else 'NOT met'}")
PY
