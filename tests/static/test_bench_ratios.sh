#!/usr/bin/env bash
# make bench's comparison of each same-run ratio with its record
# (bench/compare_ratios.py, bench/ratios.tsv) says what it claims:
#  - every record's pattern finds its figure in a real run's output
#    (tests/static/bench-samples/: the outputs of `make bench` on 2026-12-02);
#  - the 7x fall of bench-tcp's echo stream (ratio 0.08 against 0.58) is
#    flagged and fails; a ratio within a third of its record is not;
#  - a lower-is-better figure half again above its record is flagged;
#  - a benchmark with no output, or whose print changed, is flagged.
# usage: tests/static/test_bench_ratios.sh [BUILD_DIR]
set -u
cd "$(dirname "$0")/../.."
source tests/lib/check.sh

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
compare() { bench/compare_ratios.py bench/ratios.tsv "$1" > "$tmp/out" 2>&1; }

compare tests/static/bench-samples
check "every record's figure is found in a real run's output" \
	bash -c "! grep -q 'not found\|no output' '$tmp/out'"
check_equal "and one record a line: the comparison lists every record" \
	"$(grep -c $'^[a-z-]*\t' bench/ratios.tsv)" "$(grep -cE '^  (ok  |FLAG) ' "$tmp/out")"

mkdir "$tmp/logs" && cp tests/static/bench-samples/*.log "$tmp/logs/"
sed -i 's/\(echo throughput, 1 connection .* ratio \)[0-9.]*/\10.08/' "$tmp/logs/tcp.log"
compare "$tmp/logs"
check_equal "the 7x fall (0.08 against 0.58) makes the comparison fail" 1 "$?"
check "and is flagged by name" grep -q '^  FLAG tcp echo-stream .* this run    0.08' "$tmp/out"
check "while the transactions, within a third, are not" grep -q '^  ok   tcp transactions' "$tmp/out"

sed -i 's/\(echo throughput, 1 connection .* ratio \)[0-9.]*/\10.40/' "$tmp/logs/tcp.log"
compare "$tmp/logs"
check "0.40 against 0.58 (31% worse) is not flagged" grep -q '^  ok   tcp echo-stream' "$tmp/out"
sed -i 's/\(echo throughput, 1 connection .* ratio \)[0-9.]*/\10.38/' "$tmp/logs/tcp.log"
compare "$tmp/logs"
check "0.38 against 0.58 (35% worse) is" grep -q '^  FLAG tcp echo-stream' "$tmp/out"
sed -i 's/\(echo throughput, 1 connection .* ratio \)[0-9.]*/\10.58/' "$tmp/logs/tcp.log"

sed -i 's/\(CPU in SSL_do_handshake per handshake: .* ratio to crypto \)[0-9.]*/\13.60/' "$tmp/logs/tls.log"
compare "$tmp/logs"
check "a lower-is-better ratio half again above its record (3.60 against 2.3) is flagged" \
	grep -q '^  FLAG tls handshake-cpu/crypto' "$tmp/out"
cp tests/static/bench-samples/tls.log "$tmp/logs/tls.log"

rm "$tmp/logs/setup.log"
sed -i 's/ratio with\/without/ratio scraped\/not/' "$tmp/logs/control.log"
compare "$tmp/logs"
check_equal "a missing output or a changed print fails the comparison" 1 "$?"
check "a benchmark with no output is flagged" grep -q '^  FLAG setup .*no output' "$tmp/out"
check "a figure whose print changed is flagged" grep -q '^  FLAG control .*not found in its output' "$tmp/out"
check_finish
