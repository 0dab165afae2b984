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
	topo_down
	rm -rf "$TOPO_STATE"
}
trap netns_test_cleanup EXIT
trap 'exit 130' INT TERM
