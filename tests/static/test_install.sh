#!/usr/bin/env bash
# make install and make uninstall into a staging root (DESTDIR), as a
# from-source install on a server does: every program, page, unit and example
# lands under PREFIX, the units name the installed programs, a second install
# keeps an edited configuration, and uninstall removes all but the configuration.
# usage: tests/static/test_install.sh [BUILD_DIR]
set -u
cd "$(dirname "$0")/../.."
build=${1:-build}
source tests/lib/check.sh

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
make --no-print-directory -s BUILD="$build" DESTDIR="$root" PREFIX=/opt/iphttps install > "$root.log" 2>&1
rc=$?
[ "$rc" -ne 0 ] && sed 's/^/    /' "$root.log"
rm -f "$root.log"
check "make install DESTDIR=... PREFIX=/opt/iphttps succeeds" test "$rc" -eq 0
missing=""
for f in sbin/iphttpsd sbin/iphttpsctl sbin/iphttps-client share/man/man8/iphttpsd.8 share/man/man8/iphttpsctl.8 \
	share/man/man8/iphttps-client.8 share/man/man5/iphttpsd.yaml.5 lib/systemd/system/iphttpsd.service \
	lib/systemd/system/iphttps-client.service lib/sysusers.d/iphttpsd.conf lib/sysusers.d/iphttps-client.conf \
	sbin/iphttps-bgp-health share/man/man8/iphttps-bgp-health.8 lib/systemd/system/iphttps-bgp-health.service \
	share/doc/iphttps/bgp-health.env; do
	[ -e "$root/opt/iphttps/$f" ] || missing+=" $f"
done
for f in /etc/iphttps/iphttpsd.yaml /etc/iphttps-client/iphttps-client.yaml /etc/logrotate.d/iphttpsd; do
	[ -e "$root$f" ] || missing+=" $f"
done
check "every program, page, unit and example is installed (missing:${missing:- none})" test -z "$missing"
check "the installed programs run" "$root/opt/iphttps/sbin/iphttpsctl" --version
check "the units name the programs under PREFIX, and no other" \
	bash -c 'grep -q "^ExecStart=/opt/iphttps/sbin/iphttpsd " "$1/iphttpsd.service" &&
		grep -q "^ExecStart=/opt/iphttps/sbin/iphttps-client " "$1/iphttps-client.service" &&
		grep -q "^ExecStart=/opt/iphttps/sbin/iphttps-bgp-health " "$1/iphttps-bgp-health.service" &&
		! grep -h "^Exec" "$1"/*.service | grep -v "=/opt/iphttps/sbin/"' _ "$root/opt/iphttps/lib/systemd/system"
echo "# edited by the operator" >> "$root/etc/iphttps/iphttpsd.yaml"
make --no-print-directory -s BUILD="$build" DESTDIR="$root" PREFIX=/opt/iphttps install >/dev/null 2>&1
check "a second install keeps the edited configuration" grep -q "edited by the operator" "$root/etc/iphttps/iphttpsd.yaml"
make --no-print-directory -s BUILD="$build" DESTDIR="$root" PREFIX=/opt/iphttps uninstall >/dev/null 2>&1
left=$(cd "$root" && find . -type f | sort | tr '\n' ' ')
check "make uninstall removes all but the two configuration files (left: $left)" \
	test "$left" = "./etc/iphttps-client/iphttps-client.yaml ./etc/iphttps/iphttpsd.yaml "
check_finish
