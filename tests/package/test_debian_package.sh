#!/usr/bin/env bash
# The Debian packages, as an operator gets them: dpkg-buildpackage builds
# iphttpsd and iphttps-client from this tree (a copy: the build cleans), lintian
# finds no error, the build targets DPDK's baseline ISA (never -march=native),
# both install with dpkg, every program answers --version with the package's
# version, the group for the control socket exists, `iphttpsctl check` accepts
# the installed example once certificates are in place (and names the missing
# ones before), systemd accepts the installed units, man finds every page, and
# a purge leaves nothing behind. Needs root (dpkg -i); cleans up on any exit.
# usage: tests/package/test_debian_package.sh
set -u
cd "$(dirname "$0")/../.."
source tests/lib/check.sh
repo=$PWD

if [ "$(id -u)" -ne 0 ]; then
	echo "FAIL: installing packages needs root"
	exit 1
fi
for p in iphttpsd iphttps-client; do
	if dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q installed; then
		echo "FAIL: $p is already installed on this machine; this test installs and purges it, so it will not run here"
		exit 1
	fi
done

tmp=$(mktemp -d /tmp/iphttps-deb.XXXXXX)
cleanup() {
	rm -rf /etc/iphttps/pki
	for p in iphttpsd iphttps-client; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q installed && dpkg -P "$p" >/dev/null 2>&1
	done
	rm -rf "$tmp"
}
trap cleanup EXIT

mkdir "$tmp/iphttps"
git ls-files -co --exclude-standard | grep -v '^config/pki/' | tar -cf - -T - | tar -xf - -C "$tmp/iphttps"
(cd "$tmp/iphttps" && timeout 900 dpkg-buildpackage -us -uc -b) > "$tmp/build.log" 2>&1
rc=$?
[ "$rc" -ne 0 ] && tail -30 "$tmp/build.log" | sed 's/^/    /'
check "dpkg-buildpackage -us -uc -b builds the packages" test "$rc" -eq 0
version=$(cd "$tmp/iphttps" && dpkg-parsechangelog -S Version)
daemon_deb="$tmp/iphttpsd_${version}_$(dpkg --print-architecture).deb"
client_deb="$tmp/iphttps-client_${version}_$(dpkg --print-architecture).deb"
check "into iphttpsd and iphttps-client" test -f "$daemon_deb" -a -f "$client_deb"

compiles=$(grep -c -- ' -c -o build/obj/' "$tmp/build.log")
native=$(grep -c -- '-march=native' "$tmp/build.log")
baseline=$(grep -c -- "$(pkg-config --cflags libdpdk | grep -o -- '-march=[^ ]*')" "$tmp/build.log")
check "no compile asks for -march=native ($compiles compiles; $native do); DPDK's own baseline is used ($baseline)" \
	test "$compiles" -gt 0 -a "$native" -eq 0 -a "$baseline" -gt 0
check "with dpkg-buildflags' hardening (-fstack-protector-strong, _FORTIFY_SOURCE)" \
	bash -c 'grep -- " -c -o build/obj/" "$1" | grep -v -- -fstack-protector-strong | grep -c . | grep -qx 0 &&
		grep -q -- "-D_FORTIFY_SOURCE=2" "$1"' _ "$tmp/build.log"

lintian --fail-on error "$tmp"/iphttps_"${version}"_*.changes > "$tmp/lintian.log" 2>&1
rc=$?
out=$(grep -v 'running with root privileges' "$tmp/lintian.log")
[ -n "$out" ] && echo "$out" | sed 's/^/    /'
check "lintian finds no error (exit $rc)" test "$rc" -eq 0

dpkg -i "$daemon_deb" "$client_deb" > "$tmp/install.log" 2>&1
rc=$?
[ "$rc" -ne 0 ] && sed 's/^/    /' "$tmp/install.log"
check "dpkg -i installs both" test "$rc" -eq 0
for prog in iphttpsd iphttpsctl iphttps-client; do
	out=$("/usr/sbin/$prog" --version 2>&1)
	check "/usr/sbin/$prog --version says the package's version $version ($out)" \
		grep -q "^$prog $version\$" <<<"$out"
done
check "the package made the group of the control socket (sysusers.d: iphttps)" getent group iphttps
check "and the client's package its user, with no shell (sysusers.d: iphttps-client)" \
	bash -c 'getent passwd iphttps-client | grep -q ":/usr/sbin/nologin$"'
out=$(iphttpsctl check /etc/iphttps/iphttpsd.yaml 2>&1)
rc=$?
check "iphttpsctl check on the installed example, before certificates are there, names the missing file" \
	bash -c '[ "$1" -ne 0 ] && grep -q "iphttpsd.yaml:[0-9]*:[0-9]*: cannot read .tls.certificate. file .pki/server.crt." <<<"$2"' _ "$rc" "$out"
mkdir -p /etc/iphttps/pki
"$repo/tests/lib/make-pki.sh" "$tmp/pki" >/dev/null 2>&1
cp "$tmp/pki/server.crt" "$tmp/pki/server.key" "$tmp/pki/ca.crt" "$tmp/pki/ca.crl" /etc/iphttps/pki/
out=$(iphttpsctl check /etc/iphttps/iphttpsd.yaml 2>&1)
rc=$?
echo "$out" | sed 's/^/    /'
check "and accepts it once they are" test "$rc" -eq 0
rm -rf /etc/iphttps/pki
out=$(systemd-analyze verify /lib/systemd/system/iphttpsd.service /lib/systemd/system/iphttps-client.service \
	/lib/systemd/system/iphttps-bgp-health.service 2>&1)
rc=$?
[ -n "$out" ] && echo "$out" | sed 's/^/    /'
check "systemd-analyze verify accepts the installed units (the cluster glue's too), without a warning" \
	bash -c '[ "$1" -eq 0 ] && [ -z "$2" ]' _ "$rc" "$out"
for page in iphttpsd iphttpsctl iphttps-client iphttpsd.yaml iphttps-bgp-health; do
	check "man finds $page" man -w "$page"
done
check "the installed client's example passes its --check once its CA exists" \
	bash -c 'sed "s#ca: /etc/iphttps-client/ca.crt#ca: $1#" /etc/iphttps-client/iphttps-client.yaml > "$2/c.yaml" &&
		iphttps-client --config "$2/c.yaml" --check' _ "$tmp/pki/ca.crt" "$tmp"

files=$( (dpkg -L iphttpsd; dpkg -L iphttps-client) | sort -u)
dpkg -P iphttpsd iphttps-client > "$tmp/purge.log" 2>&1
rc=$?
[ "$rc" -ne 0 ] && sed 's/^/    /' "$tmp/purge.log"
check "dpkg -P removes both" test "$rc" -eq 0
left=""
while read -r f; do
	[ -f "$f" ] && left+=" $f"
done <<<"$files"
[ -d /etc/iphttps ] && left+=" /etc/iphttps"
[ -d /etc/iphttps-client ] && left+=" /etc/iphttps-client"
check "and leaves none of their files (left:${left:- none})" test -z "$left"
check_finish
