/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * iphttps-client's YAML file (client/client_config.c, read with the
 * appliance's schema walker): deploy/iphttps-client.yaml loads as shipped,
 * a full file fills every field with paths made relative to the file, and a
 * file with many mistakes gets every one reported at its line and column.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client_config.h"
#include "unit_runner.h"

#include <CUnit/Basic.h>

static char dir[] = "/tmp/test_client_config-XXXXXX";

static const char *write_file(const char *name, const char *text)
{
	static char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
	return path;
}

static int has_error(const struct config_errors *e, const char *text)
{
	for (unsigned int i = 0; i < e->count; i++)
		if (strstr(e->error[i].message, text) != NULL)
			return 1;
	return 0;
}

static void test_shipped_example_loads(void)
{
	static struct client_config c;
	static struct config_errors e;

	/* The example names /etc/iphttps-client/ca.crt; point it at a file that exists. */
	FILE *in = fopen("deploy/iphttps-client.yaml", "r");
	char text[8192];
	size_t n;
	char *at;

	CU_ASSERT_PTR_NOT_NULL_FATAL(in);
	n = fread(text, 1, sizeof(text) - 1, in);
	fclose(in);
	text[n] = '\0';
	at = strstr(text, "/etc/iphttps-client/ca.crt");
	CU_ASSERT_PTR_NOT_NULL_FATAL(at);
	memcpy(at, "ca.pem                    ", 26);
	write_file("ca.pem", "not read here\n");
	CU_ASSERT_EQUAL(client_config_load(write_file("example.yaml", text), &c, &e), 0);
	for (unsigned int i = 0; i < e.count; i++)
		printf("\n    %s", e.error[i].message);
	CU_ASSERT_STRING_EQUAL(c.server, "gw.example.com");
	CU_ASSERT_EQUAL(c.port, 443);
	CU_ASSERT_EQUAL(c.tls.max_version, CLIENT_TLS_1_3);
	CU_ASSERT(c.proxies.direct);
	CU_ASSERT_EQUAL(c.liveness.idle_s, 10);
	CU_ASSERT_EQUAL(c.liveness.interval_s, 5);
	CU_ASSERT_EQUAL(c.liveness.probes, 3);
}

static void test_every_field(void)
{
	static struct client_config c;
	static struct config_errors e;
	char expect[600];

	write_file("ca.pem", "x\n");
	write_file("me.crt", "x\n");
	CU_ASSERT_EQUAL(client_config_load(write_file("full.yaml",
		"server: 192.0.2.1\n"
		"port: 8443\n"
		"server_name: gw.iphttps.test\n"
		"uri: /IPHTTPS2\n"
		"ca: ca.pem\n"
		"certificate: me.crt\n"
		"tun: tun7\n"
		"mtu: 1400\n"
		"connect_timeout_ms: 2500\n"
		"status_file: /run/x.json\n"
		"dns_routing_only: true\n"
		"tls:\n  max_version: \"1.2\"\n  ciphers: ECDHE+AESGCM\n  offer_null: true\n  plain_http: false\n"
		"proxies:\n  direct: false\n  http: http://a:b@proxy:3128\n  socks5: socks5://[2001:db8::1]\n"
		"liveness:\n  idle_s: 20\n  interval_s: 2\n  probes: 4\n"),
		&c, &e), 0);
	CU_ASSERT_EQUAL(c.port, 8443);
	CU_ASSERT_STRING_EQUAL(c.server_name, "gw.iphttps.test");
	snprintf(expect, sizeof(expect), "%s/ca.pem", dir);
	CU_ASSERT_STRING_EQUAL(c.ca, expect); /* relative to the file */
	CU_ASSERT_STRING_EQUAL(c.tun, "tun7");
	CU_ASSERT_EQUAL(c.mtu, 1400);
	CU_ASSERT_EQUAL(c.connect_timeout_ms, 2500);
	CU_ASSERT(c.dns_routing_only);
	CU_ASSERT_EQUAL(c.tls.max_version, CLIENT_TLS_1_2);
	CU_ASSERT(c.tls.offer_null);
	CU_ASSERT(!c.proxies.direct);
	CU_ASSERT_STRING_EQUAL(c.proxies.socks5, "socks5://[2001:db8::1]");
	CU_ASSERT_EQUAL(c.liveness.idle_s, 20);
	CU_ASSERT_EQUAL(c.liveness.interval_s, 2);
	CU_ASSERT_EQUAL(c.liveness.probes, 4);
}

static void test_every_mistake_at_its_place(void)
{
	static struct client_config c;
	static struct config_errors e;

	CU_ASSERT_EQUAL(client_config_load(write_file("bad.yaml",
		"port: \"443\"\n"                 /* 1: a string */
		"mtu: 100\n"                      /* 2: out of range */
		"ca: missing.pem\n"               /* 3: not readable */
		"tls:\n"
		"  max_version: \"1.4\"\n"        /* 5 */
		"  offer_nul: true\n"             /* 6: unknown key */
		"proxies:\n"
		"  direct: false\n"
		"  http: socks5://x\n"),          /* 9: the wrong kind */
		&c, &e), -1);
	for (unsigned int i = 0; i < e.count; i++)
		printf("\n    %s", e.error[i].message);
	CU_ASSERT(has_error(&e, "bad.yaml:1:7: 'port' must be an integer"));
	CU_ASSERT(has_error(&e, "bad.yaml:2:6: 'mtu' must be between 1280 and 65535"));
	CU_ASSERT(has_error(&e, "bad.yaml:3:5: cannot read 'ca' file"));
	CU_ASSERT(has_error(&e, "bad.yaml:5:16: 'tls.max_version' must be one of: 1.2, 1.3"));
	CU_ASSERT(has_error(&e, "bad.yaml:6:3: unknown key 'offer_nul'"));
	CU_ASSERT(has_error(&e, "bad.yaml:9:9: 'proxies.http' must be a web proxy URL"));
	CU_ASSERT(has_error(&e, "'server'")); /* required, and missing */
}

int main(void)
{
	static const struct unit_test tests[] = {
		{ "deploy/iphttps-client.yaml loads as shipped", test_shipped_example_loads },
		{ "every field, paths relative to the file", test_every_field },
		{ "every mistake reported at its line and column", test_every_mistake_at_its_place },
	};
	int rc;

	if (mkdtemp(dir) == NULL)
		return 1;
	rc = unit_run("client_config", tests, sizeof(tests) / sizeof(tests[0]));
	for (const char *name = "ca.pem\0me.crt\0example.yaml\0full.yaml\0bad.yaml\0"; *name; name += strlen(name) + 1)
		unlink(write_file(name, ""));
	rmdir(dir);
	return rc;
}
