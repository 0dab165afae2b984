#!/usr/bin/env bash
# What the control socket's group may make root do, and what root creates:
# - the socket has its mode (0660) and group from the moment it exists (set
#   before listen, never by a chmod/chown that follows a link), and iphttpsd
#   refuses a socket directory another user could write to;
# - a member of the group (here uid 65534 with the group nogroup, through
#   setpriv) may reload, and `reload FILE` with a file under the
#   configuration's directory, but not one elsewhere (root may);
# - the accounting file is never opened through a symbolic link;
# - iphttps-client runs as a user of its own with CAP_NET_ADMIN alone (as its
#   unit runs it): the link comes up, the kernel's SLAAC is off on its TUN
#   device, and the client namespace pings corp through the tunnel.
. "$(dirname "$0")/../lib/netns_test.sh"

export TOPO_DEVICE=af_packet
CTL=$TOPO_REPO/build/iphttpsctl
RUN=$TOPO_STATE/run
SOCK=$RUN/control.sock
OTHER=$(mktemp -d /tmp/iphttps-other-XXXXXX)
TARGET=$(mktemp /tmp/iphttps-target-XXXXXX)
cleanup_privileges() { rm -rf "$OTHER" "$TARGET"; netns_test_cleanup; }
trap cleanup_privileges EXIT
as_operator() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }

echo "# privileges, namespaces ${TOPO_PREFIX}{client,gw,corp}"
if ! topo_up; then
	echo "FAIL: lab topology"
	exit 1
fi
config=$(topo_config)
# The socket in its own directory, the group nogroup, and an accounting file that is a link to another file.
chmod 0711 "$TOPO_STATE"
ln -s "$TARGET" "$TOPO_STATE/sessions.jsonl"
sed -i -e 's|^  socket_mode: 0660$|  socket_mode: 0660\n  socket_group: nogroup|' \
       -e "s|^control:|control:\n  accounting_file: $TOPO_STATE/sessions.jsonl|" "$config"
cp "$config" "$TOPO_STATE/lab.yaml" # topo_start_appliance writes its config again: keep ours
mkdir -m 0777 "$RUN"
TOPO_CONFIG=$TOPO_STATE/lab.yaml topo_start_appliance --control-socket "$SOCK" >/dev/null 2>&1
sleep 1
check "a socket directory anyone can write to is refused, saying why" \
	grep -q "control.socket: $RUN (owner uid 0, mode 0777) is not iphttpsd's alone: another user could replace the socket" \
	"$TOPO_STATE/iphttpsd.log"
topo_stop_appliance
chmod 0755 "$RUN"
if ! TOPO_CONFIG=$TOPO_STATE/lab.yaml topo_start_appliance --control-socket "$SOCK"; then
	echo "FAIL: appliance start"
	exit 1
fi
check "the socket is there with mode 0660 and the group nogroup" \
	bash -c '[ "$(stat -c "%a %G %F" "$1")" = "660 nogroup socket" ]' _ "$SOCK"
check "the accounting file is not opened through a link, and says so" \
	grep -q "accounting file $TOPO_STATE/sessions.jsonl: Too many levels of symbolic links; session records are not written" \
	"$TOPO_STATE/iphttpsd.log"
check "and the link's target is untouched" test ! -s "$TARGET"

# ---- the group's member: an operator, not root
check "a member of the socket group may use it (show)" as_operator "$CTL" -s "$SOCK" show
check "and reload the configuration in force" as_operator "$CTL" -s "$SOCK" reload
cp "$TOPO_STATE/lab.yaml" "$TOPO_STATE/next.yaml"
check "and reload a file under the configuration's directory" as_operator "$CTL" -s "$SOCK" reload "$TOPO_STATE/next.yaml"
cp "$TOPO_STATE/lab.yaml" "$OTHER/mine.yaml"
chmod 0755 "$OTHER"
out=$(as_operator "$CTL" -s "$SOCK" reload "$OTHER/mine.yaml" 2>&1)
rc=$?
echo "    $out"
check "but not a file of its own elsewhere: refused, saying so" \
	bash -c '[ "$1" -ne 0 ] && grep -q "only root may name a file outside $2 (the configuration.s directory)" <<<"$3"' \
	_ "$rc" "$TOPO_STATE" "$out"
ln -s "$OTHER/mine.yaml" "$TOPO_STATE/link.yaml"
out=$(as_operator "$CTL" -s "$SOCK" reload "$TOPO_STATE/link.yaml" 2>&1)
check "nor one through a link in that directory (the real path counts)" grep -q "only root may name a file outside" <<<"$out"
check "the refusals changed nothing: the file in force is the last accepted" \
	bash -c '"$1" -s "$2" show | grep -q "next.yaml"' _ "$CTL" "$SOCK"
check "root may reload a file anywhere" "$CTL" -s "$SOCK" reload "$OTHER/mine.yaml"
check "someone outside the group cannot connect at all" \
	bash -c '! setpriv --reuid=65534 --regid=65533 --clear-groups "$1" -s "$2" show 2>/dev/null' _ "$CTL" "$SOCK"
# ---- the client, unprivileged but for CAP_NET_ADMIN
mkdir -m 0777 "$TOPO_STATE/client"
ip netns exec "$(topo_ns client)" setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=+net_admin \
	--ambient-caps=+net_admin --bounding-set=-all,+net_admin --no-new-privs \
	"$TOPO_REPO/build/iphttps-client" 192.0.2.1 --ca "$TOPO_REPO/config/pki/ca.crt" --server-name gw.iphttps.test \
	--tun iphttps0 --seconds 60 --status-file "$TOPO_STATE/client/iphttps0.json" > "$TOPO_STATE/client.log" 2>&1 &
CLIENT_PID=$!
client_addr=$(topo_tunnel_address)
sed 's/^/    /' "$TOPO_STATE/client.log" | head -4
check "iphttps-client as uid 65534 with CAP_NET_ADMIN alone brings the link up and forms its address" \
	bash -c 'kill -0 "$1" && [[ "$2" == 2001:db8:c1:0:* ]]' _ "$CLIENT_PID" "$client_addr"
check "its process really is uid 65534 with no capability but CAP_NET_ADMIN (effective 0x1000)" \
	bash -c 'grep -q "^Uid:\s*65534" /proc/$1/status && grep -q "^CapEff:\s*0000000000001000$" /proc/$1/status' _ "$CLIENT_PID"
check "it switched the kernel's SLAAC off on its TUN device (accept_ra 0, via /proc/sys with CAP_NET_ADMIN)" \
	bash -c '[ "$(ip netns exec "$1" cat /proc/sys/net/ipv6/conf/iphttps0/accept_ra)" = 0 ]' _ "$(topo_ns client)"
check "and the client pings corp through the tunnel" topo_in client ping -6 -c 3 -W 2 -q fd00:c0::2
check "its status file is there, written as its own user" \
	bash -c '[ "$(stat -c %u "$1")" = 65534 ]' _ "$TOPO_STATE/client/iphttps0.json"
kill "$CLIENT_PID" 2>/dev/null
wait "$CLIENT_PID" 2>/dev/null
check_finish
