# shellcheck shell=bash
# Unbound (Debian's `unbound`) as the intranet's DNS server, in one of the
# test's namespaces: the resolver the appliance's RAs name. Its own config
# and files under $TOPO_STATE/unbound, in the foreground, logging each query
# (so a test sees which names reached it); never the host's service.
#
#   unbound_start NS ADDRESS [LINE...]   serve on ADDRESS port 53 in NS; each LINE
#                                        goes into its server: section (local-zone, local-data)
#   unbound_stop                         (the cleanup calls it)

UNBOUND_PID=

unbound_start() {
	local ns=$1 address=$2 dir=$TOPO_STATE/unbound
	shift 2
	mkdir -p "$dir"
	{
		echo "server:"
		echo "  interface: $address"
		echo "  port: 53"
		echo "  do-ip4: no"
		echo "  access-control: ::/0 allow"
		echo "  username: \"\""
		echo "  chroot: \"\""
		echo "  directory: \"$dir\""
		echo "  pidfile: \"$dir/unbound.pid\""
		echo "  use-syslog: no"
		echo "  logfile: \"$dir/unbound.log\""
		echo "  log-queries: yes"
		echo "  verbosity: 1"
		printf '  %s\n' "$@"
		echo "remote-control:"
		echo "  control-enable: no"
	} > "$dir/unbound.conf"
	if ! unbound-checkconf "$dir/unbound.conf" >&2; then
		return 1
	fi
	ip netns exec "$(topo_ns "$ns")" unbound -d -c "$dir/unbound.conf" > "$dir/stdout.log" 2>&1 &
	UNBOUND_PID=$!
	for _ in $(seq 1 50); do
		ip netns exec "$(topo_ns "$ns")" ss -Hlun "sport = :53" | grep -q . && return 0
		kill -0 "$UNBOUND_PID" 2>/dev/null || break
		sleep 0.1
	done
	echo "unbound did not start; its log:" >&2
	cat "$dir/stdout.log" "$dir/unbound.log" >&2 2>/dev/null
	return 1
}

unbound_stop() {
	[ -n "$UNBOUND_PID" ] && kill "$UNBOUND_PID" 2>/dev/null && wait "$UNBOUND_PID" 2>/dev/null
	UNBOUND_PID=
	return 0
}
