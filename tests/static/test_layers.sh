#!/usr/bin/env bash
# The layers of DESIGN.md hold, and the checks that hold them can fail:
#  - no #include goes up a layer, into control/ or conf/, or by a path, and the
#    control plane reads each layer only through its view (check_layers.py),
#    and planted violations of each kind are caught;
#  - the compiler refuses an upward include: a file compiled with the TCP
#    layer's include paths cannot find session.h, and finds tcp_conn.h;
#  - the datapath's objects need no symbol that only control/ defines.
# usage: tests/static/test_layers.sh [BUILD_DIR]
set -u
cd "$(dirname "$0")/../.."
build=${1:-build}
source tests/lib/check.sh

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

out=$(python3 tests/static/check_layers.py . 2>&1)
check "no include goes up a layer, into control/ or by a path" test -z "$out"
[ -n "$out" ] && echo "$out"

# Plant one violation of each kind in a copy of the tree: each must be named.
cp -r include proto dataplane conf control "$tmp/"
echo '#include "session.h"' >>"$tmp/dataplane/tcp/tcp_cc.c"
echo '#include "telemetry.h"' >>"$tmp/dataplane/net/eth.c"
echo '#include "../session/session.h"' >>"$tmp/dataplane/tls/tls_bio.c"
echo '#include <rte_mbuf.h>' >>"$tmp/proto/framer.c"
echo '#include "config_yaml.h"' >>"$tmp/dataplane/session/session.c"
echo '#include "tcp_conn.h"' >>"$tmp/control/telemetry.c"
planted=$(python3 tests/static/check_layers.py "$tmp" 2>&1)
check "an upward include is caught" grep -q 'dataplane/tcp/tcp_cc.c:.*"session.h" from dataplane/session, a layer above' <<<"$planted"
check "an include of control/ is caught" grep -q 'dataplane/net/eth.c:.*"telemetry.h" from control/' <<<"$planted"
check "an include of the config loader (conf/) is caught" grep -q 'dataplane/session/session.c:.*"config_yaml.h" from conf/' <<<"$planted"
check "an include by a path is caught" grep -q 'dataplane/tls/tls_bio.c:.*included by a path' <<<"$planted"
check "a DPDK header in proto/ is caught" grep -q 'proto/framer.c:.*proto/ is pure' <<<"$planted"
check "the control plane reaching past a layer's view is caught (tcp_conn.h, not tcp_admin.h)" \
	grep -q 'control/telemetry.c:.*"tcp_conn.h" from dataplane/tcp: the control plane reads a layer through its view' <<<"$planted"
check "exactly the six planted violations are reported" test "$(wc -l <<<"$planted")" -eq 6

# The compiler itself: the TCP layer's include paths do not reach the session layer.
tcp_flags=$(make -s --no-print-directory print-layer-flags LAYER=dataplane/tcp)
printf '#include "session.h"\n' >"$tmp/up.c"
printf '#include "tcp_conn.h"\nint tcp_layer_probe;\n' >"$tmp/down.c"
check "an upward include does not compile (session.h from the TCP layer)" \
	bash -c "! cc $tcp_flags -fsyntax-only $tmp/up.c 2>$tmp/up.err && grep -q 'session.h' $tmp/up.err"
check "an include from the layer below compiles (tcp_conn.h from the TCP layer)" \
	bash -c "cc $tcp_flags -fsyntax-only $tmp/down.c"

# The datapath links without control/: none of its undefined symbols is one only control/ defines.
datapath_objs=$(find "$build/obj/proto" "$build/obj/dataplane" -name '*.o' 2>/dev/null)
control_objs=$(find "$build/obj/control" "$build/obj/conf" -name '*.o' 2>/dev/null)
check "the build has datapath and control objects to look at" test -n "$datapath_objs" -a -n "$control_objs"
nm -g --defined-only $datapath_objs 2>/dev/null | awk 'NF == 3 {print $3}' | sort -u >"$tmp/datapath_defined"
nm -g --undefined-only $datapath_objs 2>/dev/null | awk '{print $NF}' | sort -u >"$tmp/datapath_needs"
nm -g --defined-only $control_objs 2>/dev/null | awk 'NF == 3 {print $3}' | sort -u >"$tmp/control_defined"
comm -23 "$tmp/datapath_needs" "$tmp/datapath_defined" | comm -12 - "$tmp/control_defined" >"$tmp/from_control"
check "the control objects define the config loader (the link check sees them)" grep -qx config_load "$tmp/control_defined"
check "the datapath needs no symbol from control/" test ! -s "$tmp/from_control"
[ -s "$tmp/from_control" ] && cat "$tmp/from_control"
check_finish
