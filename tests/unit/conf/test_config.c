/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Config loader tests: every example under config/ validates, and each bad
 * config yields exactly the expected "file:line:col: message" lines.
 * Run from the repository root (make test does).
 */
#include <CUnit/Basic.h>
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "appliance_config.h"

static char tmpdir[] = "/tmp/iphttps-config-test-XXXXXX";
static char pki[PATH_MAX];

/* The smallest valid config: every line below is referred to by position. */
#define BASE_PORTS                                                    \
	"ports:\n"                                                    \
	"  external: {device: net_null0, ipv4: 192.0.2.1/24}\n"       \
	"  internal: {device: net_null1, ipv6: [fd00::1/64]}\n"
#define BASE_LISTENERS "listeners: [{protocol: http, port: 80}]\n"
#define BASE_IPHTTPS "iphttps: {authentication: none, client_prefix: 2001:db8:1::/64}\n"
#define BASE BASE_PORTS BASE_LISTENERS BASE_IPHTTPS /* 5 lines */
/* Certificates mode behind an offloader: an http listener must take PROXY v2. */
#define PROXY_V2_LISTENERS "listeners: [{protocol: http, port: 80, proxy_protocol: v2, trusted_proxies: [192.0.2.2/32]}]\n"

/* The link's RA options: one iphttps line (line 5) with what follows it. */
#define LINK_OPTIONS(rest) BASE_PORTS BASE_LISTENERS "iphttps: {authentication: none, client_prefix: 2001:db8:1::/64, " rest "}\n"
/* A search domain of 251 characters; "a." before it makes the longest a DNS name may be
 * (253), 255 bytes in the DNSSL: five of them pass an RA of 1,240 bytes. */
#define LABEL_59 "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghi"
#define LABEL_63 LABEL_59 "jabc"
#define NAME_251 LABEL_63 "." LABEL_63 "." LABEL_63 "." LABEL_59

struct bad_case {
	const char *name;
	const char *yaml;
	const char *expected; /* errors without the file name, one per line */
};

static const struct bad_case bad_cases[] = {
	{ "unknown top-level key", BASE "colour: blue\n", "6:1: unknown key 'colour' at top level" },
	{ "unknown nested key", BASE "tls: {cert: x}\n", "6:7: unknown key 'cert' in 'tls'" },
	{ "duplicate key", BASE "log_level: info\nlog_level: debug\n", "7:1: duplicate key 'log_level'" },
	{ "bool written as yes", BASE "eal: {hugepages: yes}\n", "6:18: 'eal.hugepages' must be true or false, got 'yes'" },
	{ "quoted integer", BASE "workers: {idle_sleep_us: \"5\"}\n",
	  "6:26: 'workers.idle_sleep_us' must be an integer, got '5'" },
	{ "negative integer", BASE "eal: {memory_mb: -1}\n", "6:18: 'eal.memory_mb' must be an integer, got '-1'" },
	{ "integer out of range", BASE "workers: {idle_sleep_us: 20000}\n",
	  "6:26: 'workers.idle_sleep_us' must be between 0 and 10000, got 20000" },
	{ "port MTU too small", "ports:\n  external: {device: d0, ipv4: 192.0.2.1/24, mtu: 576}\n  internal: {device: d1, ipv6: [fd00::1/64]}\n" BASE_LISTENERS BASE_IPHTTPS,
	  "2:51: 'ports.external.mtu' must be between 1280 and 9000, got 576" },
	{ "port MTU beyond one mbuf", "ports:\n  external: {device: d0, ipv4: 192.0.2.1/24, mtu: 9000}\n  internal: {device: d1, ipv6: [fd00::1/64]}\n" BASE_LISTENERS BASE_IPHTTPS,
	  "2:51: 'ports.external.mtu' 9000 is more than one 2048-byte mbuf holds: at most 2030 (jumbo frames are not supported)" },
	{ "service address given as a prefix", "ports:\n  external: {device: d0, ipv4: 192.0.2.1/24, service_addresses: [198.51.100.10/32, 198.51.100.0/24]}\n  internal: {device: d1, ipv6: [fd00::1/64]}\n" BASE_LISTENERS BASE_IPHTTPS,
	  "2:84: 'ports.external.service_addresses[1]' must be one address (/32 or /128): a router routes it here, the appliance serves it" },
	{ "sessions_per_subject over what a subject tracks", BASE "limits: {sessions_per_subject: 9}\n",
	  "6:32: 'limits.sessions_per_subject' must be between 0 and 8, got 9" },
	{ "unknown sessions_per_subject_action", BASE "limits: {sessions_per_subject_action: kick}\n",
	  "6:39: 'limits.sessions_per_subject_action' must be one of: replace_oldest, refuse; got 'kick'" },
	{ "listener port zero", BASE_PORTS "listeners: [{protocol: http, port: 0}]\n" BASE_IPHTTPS,
	  "4:36: 'listeners[0].port' must be between 1 and 65535, got 0" },
	{ "listener port missing", BASE_PORTS "listeners: [{protocol: http}]\n" BASE_IPHTTPS,
	  "4:13: missing required key 'port' in 'listeners[0]'" },
	{ "listener unknown protocol", BASE_PORTS "listeners: [{protocol: quic, port: 443}]\n" BASE_IPHTTPS,
	  "4:24: 'listeners[0].protocol' must be one of: https, http; got 'quic'" },
	{ "empty listener list", BASE_PORTS "listeners: []\n" BASE_IPHTTPS,
	  "4:12: 'listeners' must have at least 1 entry" },
	{ "listeners not a list", BASE_PORTS "listeners: {protocol: http}\n" BASE_IPHTTPS,
	  "4:12: 'listeners' must be a list, got a mapping" },
	{ "duplicate listener port", BASE_PORTS "listeners: [{protocol: http, port: 80}, {protocol: http, port: 80}]\n" BASE_IPHTTPS,
	  "4:64: 'listeners[1].port' 80 is already used by listeners[0]" },
	{ "bad proxy protocol", BASE_PORTS "listeners: [{protocol: http, port: 80, proxy_protocol: v3}]\n" BASE_IPHTTPS,
	  "4:56: 'listeners[0].proxy_protocol' must be one of: none, v1, v2, any; got 'v3'" },
	{ "PROXY protocol without trusted_proxies", BASE_PORTS "listeners: [{protocol: http, port: 80, proxy_protocol: v2}]\n" BASE_IPHTTPS,
	  "4:56: 'listeners[0].proxy_protocol' needs 'trusted_proxies': the prefixes of the balancers allowed to name the client" },
	{ "trusted_proxies with host bits", BASE_PORTS "listeners: [{protocol: http, port: 80, proxy_protocol: v1, trusted_proxies: [10.0.0.1/8]}]\n" BASE_IPHTTPS,
	  "4:78: 'listeners[0].trusted_proxies[0]' has host bits set after its prefix length: '10.0.0.1/8'" },
	{ "trusted_proxies not a prefix", BASE_PORTS "listeners: [{protocol: http, port: 80, proxy_protocol: v1, trusted_proxies: [balancer]}]\n" BASE_IPHTTPS,
	  "4:78: 'listeners[0].trusted_proxies[0]' is not an IPv4 or IPv6 prefix: 'balancer'" },
	{ "https listener without certificate", BASE_PORTS "listeners: [{protocol: https, port: 443}]\n" BASE_IPHTTPS,
	  "1:1: an https listener needs 'tls.certificate'\n1:1: an https listener needs 'tls.private_key'" },
	{ "malformed IPv4 address", "ports:\n  external: {device: d0, ipv4: 192.0.2.300/24}\n  internal: {device: d1, ipv6: [fd00::1/64]}\n" BASE_LISTENERS BASE_IPHTTPS,
	  "2:32: 'ports.external.ipv4' is not an IPv4 address with prefix length: '192.0.2.300/24'" },
	{ "IPv4 address without prefix length", "ports:\n  external: {device: d0, ipv4: 192.0.2.1}\n  internal: {device: d1, ipv6: [fd00::1/64]}\n" BASE_LISTENERS BASE_IPHTTPS,
	  "2:32: 'ports.external.ipv4' is not an IPv4 address with prefix length: '192.0.2.1'" },
	{ "IPv4 prefix length 33", "ports:\n  external: {device: d0, ipv4: 192.0.2.1/33}\n  internal: {device: d1, ipv6: [fd00::1/64]}\n" BASE_LISTENERS BASE_IPHTTPS,
	  "2:32: 'ports.external.ipv4' is not an IPv4 address with prefix length: '192.0.2.1/33'" },
	{ "IPv4 gateway off subnet", "ports:\n  external: {device: d0, ipv4: 192.0.2.1/24, ipv4_gateway: 198.51.100.1}\n  internal: {device: d1, ipv6: [fd00::1/64]}\n" BASE_LISTENERS BASE_IPHTTPS,
	  "2:60: 'ports.external.ipv4_gateway' 198.51.100.1 is not on the port's subnet" },
	{ "IPv4 gateway without address", "ports:\n  external: {device: d0, ipv6: [2001:db8::1/64], ipv4_gateway: 192.0.2.2}\n  internal: {device: d1, ipv6: [fd00::1/64]}\n" BASE_LISTENERS BASE_IPHTTPS,
	  "2:64: 'ports.external.ipv4_gateway' needs 'ports.external.ipv4'" },
	{ "malformed IPv6 address", "ports:\n  external: {device: d0, ipv4: 192.0.2.1/24}\n  internal: {device: d1, ipv6: [fd00::g/64]}\n" BASE_LISTENERS BASE_IPHTTPS,
	  "3:33: 'ports.internal.ipv6[0]' is not an IPv6 address with prefix length: 'fd00::g/64'" },
	{ "IPv6 prefix length 129", "ports:\n  external: {device: d0, ipv4: 192.0.2.1/24}\n  internal: {device: d1, ipv6: [fd00::1/129]}\n" BASE_LISTENERS BASE_IPHTTPS,
	  "3:33: 'ports.internal.ipv6[0]' is not an IPv6 address with prefix length: 'fd00::1/129'" },
	{ "too many IPv6 addresses", "ports:\n  external: {device: d0, ipv4: 192.0.2.1/24}\n  internal: {device: d1, ipv6: [fd00::1/64, fd00::2/64, fd00::3/64, fd00::4/64, fd00::5/64]}\n" BASE_LISTENERS BASE_IPHTTPS,
	  "3:32: 'ports.internal.ipv6' has 5 entries, at most 4 are allowed" },
	{ "IPv6 gateway off link", "ports:\n  external: {device: d0, ipv4: 192.0.2.1/24}\n  internal: {device: d1, ipv6: [fd00::1/64], ipv6_gateway: fd01::1}\n" BASE_LISTENERS BASE_IPHTTPS,
	  "3:60: 'ports.internal.ipv6_gateway' fd01::1 is not on any of the port's prefixes" },
	{ "route via off link", "ports:\n  external: {device: d0, ipv4: 192.0.2.1/24}\n  internal:\n    device: d1\n    ipv6: [fd00::1/64]\n    routes:\n      - {prefix: fd10::/16, via: fd02::1}\n" BASE_LISTENERS BASE_IPHTTPS,
	  "7:34: 'ports.internal.routes[0].via' fd02::1 is not on any of the port's prefixes" },
	{ "route prefix with host bits", "ports:\n  external: {device: d0, ipv4: 192.0.2.1/24}\n  internal:\n    device: d1\n    ipv6: [fd00::1/64]\n    routes:\n      - {prefix: fd10::1/16, via: fd00::2}\n" BASE_LISTENERS BASE_IPHTTPS,
	  "7:18: 'ports.internal.routes[0].prefix' has host bits set after /16: 'fd10::1/16'" },
	{ "route without via", "ports:\n  external: {device: d0, ipv4: 192.0.2.1/24}\n  internal:\n    device: d1\n    ipv6: [fd00::1/64]\n    routes:\n      - {prefix: fd10::/16}\n" BASE_LISTENERS BASE_IPHTTPS,
	  "7:9: missing required key 'via' in 'ports.internal.routes[0]'" },
	{ "port without device", "ports:\n  external: {ipv4: 192.0.2.1/24}\n  internal: {device: d1, ipv6: [fd00::1/64]}\n" BASE_LISTENERS BASE_IPHTTPS,
	  "2:13: missing required key 'device' in 'ports.external'" },
	{ "port without addresses", "ports:\n  external: {device: d0}\n  internal: {device: d1, ipv6: [fd00::1/64]}\n" BASE_LISTENERS BASE_IPHTTPS,
	  "2:13: 'ports.external' needs an 'ipv4' or 'ipv6' address" },
	{ "internal port missing", "ports:\n  external: {device: d0, ipv4: 192.0.2.1/24}\n" BASE_LISTENERS BASE_IPHTTPS,
	  "2:3: missing required key 'internal' in 'ports'" },
	{ "ports not a mapping", "ports: [a, b]\n" BASE_LISTENERS BASE_IPHTTPS,
	  "1:8: 'ports' must be a mapping, got a list" },
	{ "client prefix not /64", BASE_PORTS BASE_LISTENERS "iphttps: {authentication: none, client_prefix: 2001:db8::/48}\n",
	  "5:48: 'iphttps.client_prefix' must be a /64 (clients form addresses by SLAAC), got /48" },
	{ "client prefix with host bits", BASE_PORTS BASE_LISTENERS "iphttps: {authentication: none, client_prefix: 2001:db8::1/64}\n",
	  "5:48: 'iphttps.client_prefix' has host bits set after /64: '2001:db8::1/64'" },
	{ "client prefix missing", BASE_PORTS BASE_LISTENERS "iphttps: {authentication: none}\n",
	  "5:10: missing required key 'client_prefix' in 'iphttps'" },
	{ "unknown authentication mode", BASE_PORTS BASE_LISTENERS "iphttps: {authentication: password, client_prefix: 2001:db8:1::/64}\n",
	  "5:27: 'iphttps.authentication' must be one of: certificates, none; got 'password'" },
	{ "certificates mode without CA", BASE_PORTS PROXY_V2_LISTENERS "iphttps: {authentication: certificates, client_prefix: 2001:db8:1::/64}\n",
	  "5:27: authentication 'certificates' needs 'tls.client_ca'" },
	{ "section given twice", BASE "iphttps: {link_mtu: 1400}\n", "6:1: duplicate key 'iphttps'" },
	{ "link MTU out of range", BASE_PORTS BASE_LISTENERS "iphttps: {authentication: none, client_prefix: 2001:db8:1::/64, link_mtu: 1000}\n",
	  "5:75: 'iphttps.link_mtu' must be between 1280 and 65535, got 1000" },
	{ "URI without leading slash", BASE_PORTS BASE_LISTENERS "iphttps: {authentication: none, client_prefix: 2001:db8:1::/64, uri: IPHTTPS}\n",
	  "5:70: 'iphttps.uri' must start with '/', got 'IPHTTPS'" },
	{ "URI with a query", BASE_PORTS BASE_LISTENERS "iphttps: {authentication: none, client_prefix: 2001:db8:1::/64, uri: /a?b}\n",
	  "5:70: 'iphttps.uri' may hold only a path without spaces, '?' or '#'" },
	{ "empty URI", BASE_PORTS BASE_LISTENERS "iphttps: {authentication: none, client_prefix: 2001:db8:1::/64, uri: \"\"}\n",
	  "5:70: 'iphttps.uri' must not be empty" },
	{ "unreadable certificate", BASE "tls: {certificate: /nonexistent/server.pem}\n",
	  "6:20: cannot read 'tls.certificate' file '/nonexistent/server.pem': No such file or directory" },
	{ "unreadable relative CRL", BASE "tls: {client_crl: missing.crl}\n",
	  "6:19: cannot read 'tls.client_crl' file 'missing.crl': No such file or directory" },
	/* A key that is there but whose file cannot be read is reported once, at
	 * its own line: not also as missing at 1:1 (iphttpsctl check on the lab's
	 * config before config/pki existed said "needs 'tls.certificate'"). */
	{ "https listener with unreadable certificate and key", BASE_PORTS "listeners: [{protocol: https, port: 443}]\n" BASE_IPHTTPS
	  "tls: {certificate: /nonexistent/server.crt, private_key: /nonexistent/server.key}\n",
	  "6:20: cannot read 'tls.certificate' file '/nonexistent/server.crt': No such file or directory\n"
	  "6:58: cannot read 'tls.private_key' file '/nonexistent/server.key': No such file or directory" },
	{ "certificates mode with an unreadable CA", BASE_PORTS PROXY_V2_LISTENERS
	  "iphttps: {authentication: certificates, client_prefix: 2001:db8:1::/64}\ntls: {client_ca: /nonexistent/ca.crt}\n",
	  "6:18: cannot read 'tls.client_ca' file '/nonexistent/ca.crt': No such file or directory" },
	{ "a bad IPv4 address with its gateway", "ports:\n  external: {device: d0, ipv4: 192.0.2.300/24, ipv4_gateway: 192.0.2.254}\n"
	  "  internal: {device: d1, ipv6: [fd00::1/64]}\n" BASE_LISTENERS BASE_IPHTTPS,
	  "2:32: 'ports.external.ipv4' is not an IPv4 address with prefix length: '192.0.2.300/24'" },
	{ "certificates mode on an http listener without PROXY v2", BASE_PORTS BASE_LISTENERS
	  "iphttps: {authentication: certificates, client_prefix: 2001:db8:1::/64}\ntls: {client_ca: /dev/null}\n",
	  "4:24: 'listeners[0]': authentication 'certificates' on an http listener needs 'proxy_protocol: v2' from an "
	  "offloader that sends its verdict on the client certificate (PP2_TYPE_SSL); without it anyone is admitted" },
	{ "unknown TLS version", BASE "tls: {min_version: \"1.4\"}\n",
	  "6:20: 'tls.min_version' must be one of: 1.0, 1.1, 1.2, 1.3; got '1.4'" },
	{ "TLS max below min", BASE "tls: {min_version: \"1.3\", max_version: \"1.2\"}\n",
	  "6:40: 'tls.max_version' is lower than 'tls.min_version'" },
	{ "send queue max below its start", BASE "limits: {tcp_send_queue_bytes: 1048576, tcp_send_queue_max_bytes: 65536}\n",
	  "6:67: 'limits.tcp_send_queue_max_bytes' (65536) is below 'limits.tcp_send_queue_bytes' (1048576), where a send "
	  "queue starts" },
	{ "receive window max below its start", BASE "limits: {tcp_recv_queue_bytes: 1048576, tcp_recv_queue_max_bytes: 65536}\n",
	  "6:67: 'limits.tcp_recv_queue_max_bytes' (65536) is below 'limits.tcp_recv_queue_bytes' (1048576), where a "
	  "receive window starts" },
	{ "NULL suites with TLS 1.3 max", BASE "tls: {null_encryption: true, max_version: \"1.3\"}\n",
	  "6:24: 'tls.null_encryption' needs 'tls.max_version: \"1.2\"': the NULL suites do not exist in TLS 1.3" },
	{ "NULL suites with the default TLS 1.3 max", BASE "tls: {null_encryption: true}\n",
	  "6:24: 'tls.null_encryption' needs 'tls.max_version: \"1.2\"': the NULL suites do not exist in TLS 1.3" },
	{ "string too long", BASE "tls: {ciphers: "
	  "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	  "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	  "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	  "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA}\n",
	  "6:16: 'tls.ciphers' is longer than 511 bytes" },
	{ "worker is the main lcore", BASE "eal: {main_lcore: 1, worker_lcores: [1]}\n",
	  "6:38: 'eal.worker_lcores' contains the main lcore 1" },
	{ "worker listed twice", BASE "eal: {worker_lcores: [1, 1]}\n", "6:26: 'eal.worker_lcores' lists lcore 1 twice" },
	{ "no workers", BASE "eal: {worker_lcores: []}\n", "6:22: 'eal.worker_lcores' must have at least 1 entry" },
	{ "lcore out of range", BASE "eal: {worker_lcores: [5000]}\n",
	  "6:23: 'eal.worker_lcores[0]' must be between 0 and 1023, got 5000" },
	{ "too little memory", BASE "eal: {memory_mb: 8}\n", "6:18: 'eal.memory_mb' must be between 64 and 1048576, got 8" },
	{ "too few mbufs", BASE "eal: {mbufs: 100}\n", "6:14: 'eal.mbufs' must be between 4096 and 16777216, got 100" },
	{ "socket mode not octal", BASE "control: {socket_mode: 660}\n",
	  "6:24: 'control.socket_mode' must be an octal file mode such as 0660, got '660'" },
	{ "a stop's drain of more than an hour", BASE "control: {stop_drain_s: 3601}\n",
	  "6:25: 'control.stop_drain_s' must be between 0 and 3600, got 3601" },
	{ "relative control socket", BASE "control: {socket: run/ctl.sock}\n",
	  "6:19: 'control.socket' must be an absolute path" },
	{ "unknown log level", BASE "log_level: chatty\n",
	  "6:12: 'log_level' must be one of: error, warning, info, debug; got 'chatty'" },
	{ "section given a scalar", BASE "limits: 5\n", "6:9: 'limits' must be a mapping, got a scalar" },
	{ "scalar given a list", BASE "limits: {max_clients: [1]}\n",
	  "6:23: 'limits.max_clients' must be an integer, got a list" },
	{ "timeout below minimum", BASE "limits: {tls_handshake_timeout_ms: 5}\n",
	  "6:36: 'limits.tls_handshake_timeout_ms' must be between 100 and 3600000, got 5" },
	{ "listener port also a TCP service", BASE "tcp_services: {echo_port: 80}\n",
	  "4:36: 'listeners[0].port' 80 is also a tcp_services port" },
	{ "search domain with an empty label", LINK_OPTIONS("dns_search: [corp..example]"),
	  "5:78: 'iphttps.dns_search[0]' has an empty label: 'corp..example'" },
	{ "search domain with a trailing dot", LINK_OPTIONS("dns_search: [corp.example, eng.example.]"),
	  "5:92: 'iphttps.dns_search[1]' is written without the trailing dot: 'eng.example.'" },
	{ "search domain with a space", LINK_OPTIONS("dns_search: [\"corp example\"]"),
	  "5:78: 'iphttps.dns_search[0]' may hold only letters, digits, '-', '_' and dots: 'corp example'" },
	{ "four DNS servers", LINK_OPTIONS("dns_servers: [2001:db8::1, 2001:db8::2, 2001:db8::3, 2001:db8::4]"),
	  "5:78: 'iphttps.dns_servers' has 4 entries, at most 3 are allowed" },
	{ "a multicast DNS server", LINK_OPTIONS("dns_servers: [ff02::1]"),
	  "5:79: 'iphttps.dns_servers[0]' must be a unicast address the clients reach through the tunnel" },
	{ "a DNS server given as a prefix", LINK_OPTIONS("dns_servers: [2001:db8::53/128]"),
	  "5:79: 'iphttps.dns_servers[0]' is not an IPv6 address: '2001:db8::53/128'" },
	{ "a client route with host bits", LINK_OPTIONS("client_routes: [2001:db8:100::1/48]"),
	  "5:81: 'iphttps.client_routes[0]' has host bits set after /48: '2001:db8:100::1/48'" },
	{ "an RA past 1280 bytes", LINK_OPTIONS("dns_search: [a." NAME_251 ", b." NAME_251 ", c." NAME_251 ", d." NAME_251 ", e." NAME_251 "]"),
	  "5:78: the Router Advertisement of 'iphttps' would be 1344 bytes, more than the 1240 an IPv6 packet of 1280 carries: fewer or shorter 'dns_search' or 'client_routes'" },
	{ "file is a list", "- a\n- b\n", "1:1: the file must be a mapping of sections, got a list" },
	{ "empty file", "",
	  "1:1: missing required key 'ports'\n1:1: missing required key 'listeners'\n1:1: missing required key 'iphttps'" },
	{ "YAML syntax error", BASE "tls: [\n", "7:1: YAML syntax error: did not find expected node content while parsing a flow node" },
	{ "tab indentation", BASE "tls:\n\tcertificate: x\n",
	  "7:1: YAML syntax error: found character that cannot start any token while scanning for the next token" },
	{ "several errors at once", BASE "eal: {hugepages: maybe, memory_mb: x}\nlog_level: loud\n",
	  "6:18: 'eal.hugepages' must be true or false, got 'maybe'\n"
	  "6:36: 'eal.memory_mb' must be an integer, got 'x'\n"
	  "7:12: 'log_level' must be one of: error, warning, info, debug; got 'loud'" },
};

static void write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	CU_ASSERT_FATAL(fp != NULL);
	fputs(text, fp);
	fclose(fp);
}

/* Joins the errors without their "file:" prefix, one per line. */
static void errors_text(const struct config_errors *errors, const char *file, char *out, size_t size)
{
	size_t prefix = strlen(file) + 1;

	out[0] = '\0';
	for (unsigned int i = 0; i < errors->count; i++) {
		const char *m = errors->error[i].message;

		if (strncmp(m, file, prefix - 1) == 0 && m[prefix - 1] == ':')
			m += prefix;
		snprintf(out + strlen(out), size - strlen(out), "%s%s", i ? "\n" : "", m);
	}
}

static void test_bad_configs(void)
{
	static struct iphttps_config config;
	static struct config_errors errors;
	char path[PATH_MAX], got[8192];
	unsigned int failures = 0;

	snprintf(path, sizeof(path), "%s/bad.yaml", tmpdir);
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		int rc;

		write_file(path, bad_cases[i].yaml);
		rc = config_load(path, &config, &errors);
		errors_text(&errors, path, got, sizeof(got));
		if (rc != -1 || strcmp(got, bad_cases[i].expected) != 0) {
			fprintf(stderr, "\n  case '%s':\n    expected: %s\n    got:      %s (rc %d)\n",
				bad_cases[i].name, bad_cases[i].expected, got, rc);
			failures++;
		}
	}
	CU_ASSERT_EQUAL(failures, 0);
}

static void test_case_count(void)
{
	/* The issue asks for at least 30 distinct bad configs. */
	CU_ASSERT(sizeof(bad_cases) / sizeof(bad_cases[0]) >= 30);
}

static void test_examples_validate(void)
{
	static struct iphttps_config config;
	static struct config_errors errors;
	unsigned int checked = 0;
	struct dirent *entry;
	DIR *dir = opendir("config");

	CU_ASSERT_FATAL(dir != NULL);
	while ((entry = readdir(dir)) != NULL) {
		char path[PATH_MAX];
		size_t len = strlen(entry->d_name);

		if (len < 6 || strcmp(entry->d_name + len - 5, ".yaml") != 0)
			continue;
		snprintf(path, sizeof(path), "config/%s", entry->d_name);
		if (config_load(path, &config, &errors) != 0) {
			for (unsigned int i = 0; i < errors.count; i++)
				fprintf(stderr, "\n  %s", errors.error[i].message);
			CU_FAIL("an example config does not validate");
		}
		checked++;
	}
	closedir(dir);
	CU_ASSERT(checked >= 3);
}

static void test_defaults_and_values(void)
{
	static struct iphttps_config config;
	static struct config_errors errors;
	char path[PATH_MAX], text[3 * PATH_MAX];

	snprintf(path, sizeof(path), "%s/good.yaml", tmpdir);
	snprintf(text, sizeof(text),
		 BASE_PORTS BASE_LISTENERS
		 "iphttps: {authentication: none, client_prefix: 2001:db8:1::/64, dns_servers: [2001:db8:53::1],"
		 " dns_search: [corp.example, eng.corp.example], client_routes: [2001:db8:100::/48, 64:ff9b::/96]}\n"
		 "tls: {certificate: %s/server.crt, private_key: %s/server.key, null_encryption: true,"
		      " max_version: \"1.2\"}\n"
		      "eal: {worker_lcores: [1, 2], hugepages: false}\n"
		      "control: {socket_mode: 0600, stop_drain_s: 15}\n",
		 pki, pki);
	write_file(path, text);
	CU_ASSERT_EQUAL_FATAL(config_load(path, &config, &errors), 0);
	CU_ASSERT_EQUAL(config.eal.worker_count, 2);
	CU_ASSERT_EQUAL(config.eal.worker_lcores[1], 2);
	CU_ASSERT_FALSE(config.eal.hugepages);
	CU_ASSERT_TRUE(config.tls.null_encryption);
	CU_ASSERT_EQUAL(config.tls.max_version, CONFIG_TLS_1_2);
	CU_ASSERT_EQUAL(config.control.socket_mode, 0600);
	CU_ASSERT_EQUAL(config.control.stop_drain_s, 15);
	CU_ASSERT_TRUE(config.ports[CONFIG_PORT_EXTERNAL].has_ipv4);
	CU_ASSERT_EQUAL(config.ports[CONFIG_PORT_EXTERNAL].ipv4.len, 24);
	CU_ASSERT_EQUAL(config.ports[CONFIG_PORT_INTERNAL].ipv6_count, 1);
	CU_ASSERT_EQUAL(config.ports[CONFIG_PORT_INTERNAL].ipv6[0].len, 64);
	CU_ASSERT_EQUAL(config.listeners[0].port, 80);
	CU_ASSERT_EQUAL(config.listeners[0].protocol, CONFIG_LISTENER_HTTP);
	CU_ASSERT_EQUAL(config.iphttps.authentication, CONFIG_AUTH_NONE);
	CU_ASSERT_EQUAL(config.iphttps.client_prefix.len, 64);
	CU_ASSERT_EQUAL(config.iphttps.dns_server_count, 1);
	CU_ASSERT_EQUAL(config.iphttps.dns_servers[0].s6_addr[15], 1);
	CU_ASSERT_EQUAL(config.iphttps.dns_search_count, 2);
	CU_ASSERT_STRING_EQUAL(config.iphttps.dns_search[1], "eng.corp.example");
	CU_ASSERT_EQUAL(config.iphttps.client_route_count, 2);
	CU_ASSERT_EQUAL(config.iphttps.client_routes[1].len, 96);
	/* Defaults for what the file did not say. */
	CU_ASSERT_STRING_EQUAL(config.iphttps.uri, "/IPHTTPS");
	CU_ASSERT_EQUAL(config.iphttps.link_mtu, 1280);
	CU_ASSERT_EQUAL(config.workers.idle_sleep_us, WORKER_IDLE_SLEEP_DEFAULT_US);
	CU_ASSERT_EQUAL(config.limits.max_clients, LIMIT_MAX_CLIENTS_DEFAULT);
	CU_ASSERT_EQUAL(config.limits.tcp_send_queue_bytes, 256 * 1024);
	CU_ASSERT_EQUAL(config.limits.tcp_send_queue_max_bytes, 4 * 1024 * 1024);
	CU_ASSERT_EQUAL(config.limits.tcp_recv_queue_bytes, 256 * 1024);
	CU_ASSERT_EQUAL(config.limits.tcp_recv_queue_max_bytes, 4 * 1024 * 1024);
	CU_ASSERT_EQUAL(config.tcp_services.echo_port, 0);
}

static void test_relative_paths_follow_the_file(void)
{
	static struct iphttps_config config;
	static struct config_errors errors;

	CU_ASSERT_EQUAL_FATAL(config_load("config/lab.yaml", &config, &errors), 0);
	CU_ASSERT_STRING_EQUAL(config.tls.certificate, "config/pki/server.crt");
}

static void test_missing_file(void)
{
	static struct iphttps_config config;
	static struct config_errors errors;

	CU_ASSERT_EQUAL(config_load("/nonexistent/iphttpsd.yaml", &config, &errors), -1);
	CU_ASSERT_EQUAL_FATAL(errors.count, 1);
	CU_ASSERT_STRING_EQUAL(errors.error[0].message,
			       "/nonexistent/iphttpsd.yaml:0:0: cannot open: No such file or directory");
}

int main(void)
{
	CU_pSuite suite;
	unsigned int failed;

	if (!mkdtemp(tmpdir) || !realpath("config/pki", pki)) {
		perror("test_config setup (run from the repository root after make)");
		return 1;
	}
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	suite = CU_add_suite("config", NULL, NULL);
	CU_add_test(suite, "at least 30 bad configs", test_case_count);
	CU_add_test(suite, "each bad config gives its exact errors", test_bad_configs);
	CU_add_test(suite, "every example under config/ validates", test_examples_validate);
	CU_add_test(suite, "values and defaults land in the struct", test_defaults_and_values);
	CU_add_test(suite, "relative paths are taken from the file's directory", test_relative_paths_follow_the_file);
	CU_add_test(suite, "a missing file is one clear error", test_missing_file);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures();
	CU_cleanup_registry();
	{
		char cmd[PATH_MAX + 16];
		snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", tmpdir);
	}
	return failed ? 1 : 0;
}
