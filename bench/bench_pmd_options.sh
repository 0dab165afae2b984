#!/usr/bin/env bash
# make bench-pmd-options: what the PMDs' own knobs do, on the ceiling and on
# the appliance alike (issue #14 asks for both). Each option set runs
# bench_tunnel.sh once (the testpmd ceiling, then the tunnel with AES-128-GCM
# over TLS 1.3, medians of ROUNDS) with the same DEVICE and DEVARGS on
# testpmd's vdevs and the appliance's ports; TESTPMD_BURST and APPLIANCE_BURST
# the burst of each (the appliance's is WORKER_RX_BURST, 32, fixed at build
# time: another value is built into build/burstN). PMD_SETS (sets separated
# by ';') runs other sets.
#
# Ratios are against the ceiling of the same option set: a knob that lifts
# the ceiling and the tunnel alike leaves the ratio where it was. This machine
# is shared and noisy (bench_tunnel.sh prints the hypervisor's steal): read
# differences under ~20% between sets as noise.
set -u
cd "$(dirname "$0")/.."
SETS=(
	"DEVICE=af_xdp"
	"DEVICE=af_xdp DEVARGS=,busy_budget=0"
	"DEVICE=af_xdp TESTPMD_BURST=64 APPLIANCE_BURST=64"
	"DEVICE=af_xdp TESTPMD_BURST=16 APPLIANCE_BURST=16"
	"DEVICE=af_packet DEVARGS=,qdisc_bypass=1"
	"DEVICE=af_packet DEVARGS=,qdisc_bypass=1,framecnt=2048"
	"DEVICE=af_packet DEVARGS=,qdisc_bypass=1,blocksz=65536,framecnt=4096"
)
if [ -n "${PMD_SETS:-}" ]; then
	IFS=';' read -r -a SETS <<< "$PMD_SETS"
fi
rows=()
for set in "${SETS[@]}"; do
	echo "bench-pmd-options: $set" >&2
	out=$(env $set AES_ONLY=1 PROFILE=0 bash bench/bench_tunnel.sh 2>/dev/null)
	ceiling=$(echo "$out" | sed -n 's/.*ceiling (testpmd[^)]*): up \([0-9.]*\) Gbit\/s, down \([0-9.]*\) Gbit\/s.*/\1 \2/p')
	tunnel=$(echo "$out" | sed -n 's/.*TLSv1.3.* up \([0-9.]*\) Gbit\/s (ratio \([0-9.]*\)) *down \([0-9.]*\) Gbit\/s (ratio \([0-9.]*\)).*/\1 \2 \3 \4/p')
	steal=$(echo "$out" | sed -n 's/.*took \([0-9]*\)% of this VM.*/\1/p')
	rows+=("$set|${ceiling:-0 0}|${tunnel:-0 0 0 0}|${steal:-?}")
done
echo "bench-pmd-options  (one stream each way, medians; ratio = tunnel AES-128-GCM / the ceiling of the same set)"
printf '  %-70s %-17s %-29s %s\n' "option set" "ceiling up/down" "tunnel up/down (ratios)" "steal"
for row in "${rows[@]}"; do
	IFS='|' read -r set ceiling tunnel steal <<< "$row"
	read -r cu cd <<< "$ceiling"
	read -r tu tur td tdr <<< "$tunnel"
	printf '  %-70s %-17s %-29s %s%%\n' "$set" "$cu / $cd" "$tu / $td ($tur / $tdr)" "$steal"
done
