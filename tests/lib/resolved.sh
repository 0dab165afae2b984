# shellcheck shell=bash
# A systemd-resolved of the test's own, in one of its namespaces: the real
# consumer of iphttps-client's D-Bus calls (SetLinkDNS, SetLinkDomains,
# SetLinkDefaultRoute, RevertLink), and resolvectl to ask it what it holds.
# Unpacked by tests/lib/install-deps.sh (not installed: see there). It runs
# on a private system bus (dbus-daemon with the test's own config, its
# socket under $TOPO_STATE), in a mount namespace whose /run/systemd is a
# tmpfs, so nothing of the host's resolver or bus is touched. Stub listener,
# LLMNR and mDNS off: it serves the bus only.
#
#   resolved_start NS     start it in namespace NS (topo_ns name); 0 once it is on the bus
#   resolved_env          the environment a D-Bus client in NS needs (DBUS_SYSTEM_BUS_ADDRESS=...)
#   resolvectl_in NS ...  resolvectl against it
#   resolved_stop         stop both (the cleanup calls it)

RESOLVED_DIR=${RESOLVED_DIR:-/var/cache/iphttps-tests/systemd-resolved}
RESOLVED_DBUS_PID=
RESOLVED_PID=

resolved_env() { echo "DBUS_SYSTEM_BUS_ADDRESS=unix:path=$TOPO_STATE/resolved/bus"; }

resolvectl_in() {
	local ns=$1
	shift
	ip netns exec "$(topo_ns "$ns")" env "$(resolved_env)" "$RESOLVED_DIR/usr/bin/resolvectl" --no-pager "$@"
}

resolved_start() {
	local ns=$1 dir=$TOPO_STATE/resolved
	if [ ! -x "$RESOLVED_DIR/lib/systemd/systemd-resolved" ]; then
		echo "systemd-resolved is not unpacked in $RESOLVED_DIR: run tests/lib/install-deps.sh" >&2
		return 1
	fi
	mkdir -p "$dir"
	# resolved runs as systemd-resolve, and must reach the bus's socket in here.
	chmod 0711 "$TOPO_STATE"
	chmod 0755 "$dir"
	cat > "$dir/bus.conf" <<-CONF
	<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN"
	 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
	<busconfig>
	  <type>system</type>
	  <listen>unix:path=$dir/bus</listen>
	  <auth>EXTERNAL</auth>
	  <policy context="default">
	    <allow user="*"/>
	    <allow own="*"/>
	    <allow send_destination="*"/>
	    <allow receive_sender="*"/>
	  </policy>
	</busconfig>
	CONF
	printf '[Resolve]\nDNSStubListener=no\nLLMNR=no\nMulticastDNS=no\n' > "$dir/test.conf"
	ip netns exec "$(topo_ns "$ns")" dbus-daemon --config-file="$dir/bus.conf" --nofork --nopidfile \
		> "$dir/dbus.log" 2>&1 &
	RESOLVED_DBUS_PID=$!
	for _ in $(seq 1 50); do [ -S "$dir/bus" ] && break; sleep 0.1; done
	ip netns exec "$(topo_ns "$ns")" unshare --mount --propagation private sh -c '
		mkdir -p /run/systemd && mount -t tmpfs tmpfs /run/systemd &&
		mkdir -p /run/systemd/resolve /run/systemd/resolved.conf.d &&
		chown systemd-resolve:systemd-resolve /run/systemd/resolve &&
		cp "$1" /run/systemd/resolved.conf.d/test.conf &&
		exec env "$2" "$3"' _ "$dir/test.conf" "$(resolved_env)" "$RESOLVED_DIR/lib/systemd/systemd-resolved" \
		> "$dir/resolved.log" 2>&1 &
	RESOLVED_PID=$!
	for _ in $(seq 1 50); do
		resolvectl_in "$ns" status >/dev/null 2>&1 && return 0
		kill -0 "$RESOLVED_PID" 2>/dev/null || break
		sleep 0.1
	done
	echo "systemd-resolved did not come up on the test's bus; its log:" >&2
	cat "$dir/resolved.log" >&2
	return 1
}

resolved_stop() {
	[ -n "$RESOLVED_PID" ] && kill "$RESOLVED_PID" 2>/dev/null && wait "$RESOLVED_PID" 2>/dev/null
	[ -n "$RESOLVED_DBUS_PID" ] && kill "$RESOLVED_DBUS_PID" 2>/dev/null && wait "$RESOLVED_DBUS_PID" 2>/dev/null
	RESOLVED_PID='' RESOLVED_DBUS_PID=''
	return 0
}
