/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The PROXY protocol parser (proto/proxy_protocol.c), against headers as
 * HAProxy's proxy-protocol.txt defines them: v1 text and v2 binary, both
 * families, LOCAL and UNKNOWN, every prefix incomplete, malformed ones refused.
 */
#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>

#include "proxy_protocol.h"
#include "unit_runner.h"

static struct proxy_protocol_result res;

static int parse(const void *buf, size_t len, enum proxy_protocol_version accept)
{
	return proxy_protocol_parse(buf, len, accept, &res);
}

static void test_v1_tcp4(void)
{
	const char *h = "PROXY TCP4 198.51.100.7 192.0.2.1 5555 443\r\nPOST";
	size_t hlen = strlen(h) - 4;
	char addr[INET6_ADDRSTRLEN];

	for (size_t n = 0; n < hlen; n++)
		CU_ASSERT_EQUAL(parse(h, n, PROXY_ACCEPT_V1), 0);
	CU_ASSERT_EQUAL(parse(h, strlen(h), PROXY_ACCEPT_V1), 1);
	CU_ASSERT_EQUAL(res.error, PROXY_OK);
	CU_ASSERT_EQUAL(res.header_bytes, hlen);
	CU_ASSERT_EQUAL(res.family, AF_INET);
	CU_ASSERT_TRUE(IN6_IS_ADDR_V4MAPPED(&res.source));
	inet_ntop(AF_INET, &res.source.s6_addr[12], addr, sizeof(addr));
	CU_ASSERT_STRING_EQUAL(addr, "198.51.100.7");
	CU_ASSERT_EQUAL(res.source_port, 5555);
	CU_ASSERT_EQUAL(res.destination_port, 443);
}

static void test_v1_tcp6_and_unknown(void)
{
	const char *h6 = "PROXY TCP6 2001:db8::7 2001:db8::1 65535 80\r\n";
	struct in6_addr want;

	CU_ASSERT_EQUAL(parse(h6, strlen(h6), PROXY_ACCEPT_ANY), 1);
	CU_ASSERT_EQUAL(res.error, PROXY_OK);
	CU_ASSERT_EQUAL(res.family, AF_INET6);
	inet_pton(AF_INET6, "2001:db8::7", &want);
	CU_ASSERT_EQUAL(memcmp(&res.source, &want, 16), 0);
	CU_ASSERT_EQUAL(res.source_port, 65535);
	CU_ASSERT_EQUAL(parse("PROXY UNKNOWN\r\n", 15, PROXY_ACCEPT_V1), 1);
	CU_ASSERT_EQUAL(res.error, PROXY_OK);
	CU_ASSERT_EQUAL(res.family, AF_UNSPEC);
	CU_ASSERT_EQUAL(res.header_bytes, 15);
}

static void test_v1_malformed(void)
{
	static const char *const bad[] = {
		"PROXY TCP4 198.51.100.7 192.0.2.1 5555\r\n",         /* a field missing */
		"PROXY TCP4 198.51.100.7 192.0.2.1 5555 443 x\r\n",   /* one too many */
		"PROXY TCP4 198.51.100.777 192.0.2.1 5555 443\r\n",   /* a bad address */
		"PROXY TCP4 2001:db8::7 192.0.2.1 5555 443\r\n",      /* the wrong family */
		"PROXY TCP4 198.51.100.7 192.0.2.1 65536 443\r\n",    /* a port too big */
		"PROXY TCP4 198.51.100.7 192.0.2.1 05555 443\r\n",    /* a leading zero */
		"PROXY TCP4 198.51.100.7  192.0.2.1 5555 443\r\n",    /* two spaces */
		"PROXY UDP4 198.51.100.7 192.0.2.1 5555 443\r\n",     /* not TCP */
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CU_ASSERT_EQUAL(parse(bad[i], strlen(bad[i]), PROXY_ACCEPT_V1), 1);
		CU_ASSERT_EQUAL(res.error, PROXY_ERROR_MALFORMED);
	}
	/* No CRLF within the specification's 107 bytes. */
	char longline[200];

	memset(longline, 'a', sizeof(longline));
	memcpy(longline, "PROXY ", 6);
	CU_ASSERT_EQUAL(parse(longline, sizeof(longline), PROXY_ACCEPT_V1), 1);
	CU_ASSERT_EQUAL(res.error, PROXY_ERROR_TOO_LONG);
}

static size_t v2_header(uint8_t *b, uint8_t command, uint8_t family, uint16_t body)
{
	static const uint8_t sig[12] = {0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a};

	memcpy(b, sig, 12);
	b[12] = (uint8_t)(0x20 | command);
	b[13] = family;
	b[14] = (uint8_t)(body >> 8);
	b[15] = (uint8_t)body;
	return 16;
}

static void test_v2_inet_with_tlvs(void)
{
	uint8_t b[64];
	size_t n = v2_header(b, 1, 0x11, 12 + 7);

	memcpy(b + n, (uint8_t[]){203, 0, 113, 9, 192, 0, 2, 1, 0x1f, 0x90, 0x01, 0xbb}, 12);
	n += 12;
	memcpy(b + n, (uint8_t[]){0x01, 0x00, 0x04, 'h', 't', 't', 'p'}, 7); /* an ALPN TLV, skipped */
	n += 7;
	for (size_t k = 0; k < n; k++)
		CU_ASSERT_EQUAL(parse(b, k, PROXY_ACCEPT_V2), 0);
	CU_ASSERT_EQUAL(parse(b, n, PROXY_ACCEPT_V2), 1);
	CU_ASSERT_EQUAL(res.error, PROXY_OK);
	CU_ASSERT_EQUAL(res.version, 2);
	CU_ASSERT_EQUAL(res.header_bytes, n);
	CU_ASSERT_EQUAL(res.source.s6_addr[12], 203);
	CU_ASSERT_EQUAL(res.source_port, 8080);
	CU_ASSERT_EQUAL(res.destination_port, 443);
}

/* PP2_TYPE_SSL as HAProxy's send-proxy-v2-ssl-cn sends it: client bits,
 * verify (0: verified), and the CN sub-TLV; a TLV longer than the header,
 * or a sub-TLV longer than its TLV, is malformed. */
static void test_v2_ssl_tlv(void)
{
	static const uint8_t ssl[] = { 0x20, 0x00, 5 + 3 + 3 + 3 + 9,
				       0x07, 0, 0, 0, 0,                      /* SSL|CERT_CONN|CERT_SESS, verified */
				       0x21, 0x00, 0x03, '1', '.', '3',       /* PP2_SUBTYPE_SSL_VERSION, skipped */
				       0x22, 0x00, 0x09, 'c', 'l', 'i', 'e', 'n', 't', '\n', '-', '1' };
	uint8_t b[128];
	size_t n = v2_header(b, 1, 0x11, (uint16_t)(12 + sizeof(ssl)));

	memcpy(b + n, (uint8_t[]){203, 0, 113, 9, 192, 0, 2, 1, 0x1f, 0x90, 0x00, 0x50}, 12);
	n += 12;
	memcpy(b + n, ssl, sizeof(ssl));
	n += sizeof(ssl);
	CU_ASSERT_EQUAL(parse(b, n, PROXY_ACCEPT_V2), 1);
	CU_ASSERT_EQUAL(res.error, PROXY_OK);
	CU_ASSERT_TRUE(res.ssl_present);
	CU_ASSERT_EQUAL(res.ssl_client, PROXY_SSL_CLIENT_SSL | PROXY_SSL_CLIENT_CERT_CONN | PROXY_SSL_CLIENT_CERT_SESS);
	CU_ASSERT_EQUAL(res.ssl_verify, 0);
	CU_ASSERT_STRING_EQUAL(res.ssl_cn, "client?-1"); /* printable only: it is logged */
	/* The sub-TLV claims a byte more than its TLV holds. */
	b[n - 10] = 0x0a;
	CU_ASSERT_EQUAL(parse(b, n, PROXY_ACCEPT_V2), 1);
	CU_ASSERT_EQUAL(res.error, PROXY_ERROR_MALFORMED);
	b[n - 10] = 0x09;
	/* The TLV claims more than the header. */
	b[16 + 12 + 2] = (uint8_t)(sizeof(ssl) - 3 + 1);
	CU_ASSERT_EQUAL(parse(b, n, PROXY_ACCEPT_V2), 1);
	CU_ASSERT_EQUAL(res.error, PROXY_ERROR_MALFORMED);
	/* No SSL TLV at all: nothing claimed. */
	n = v2_header(b, 1, 0x11, 12);
	memcpy(b + n, (uint8_t[]){203, 0, 113, 9, 192, 0, 2, 1, 0x1f, 0x90, 0x00, 0x50}, 12);
	CU_ASSERT_EQUAL(parse(b, n + 12, PROXY_ACCEPT_V2), 1);
	CU_ASSERT_EQUAL(res.error, PROXY_OK);
	CU_ASSERT_FALSE(res.ssl_present);
}

static void test_v2_inet6_local_and_bad(void)
{
	uint8_t b[128];
	size_t n = v2_header(b, 1, 0x21, 36);

	memset(b + n, 0, 36);
	b[n] = 0x20, b[n + 1] = 0x01, b[n + 15] = 7;
	b[n + 32] = 0x30, b[n + 33] = 0x39;
	CU_ASSERT_EQUAL(parse(b, n + 36, PROXY_ACCEPT_ANY), 1);
	CU_ASSERT_EQUAL(res.error, PROXY_OK);
	CU_ASSERT_EQUAL(res.family, AF_INET6);
	CU_ASSERT_EQUAL(res.source.s6_addr[15], 7);
	CU_ASSERT_EQUAL(res.source_port, 12345);
	n = v2_header(b, 0, 0x00, 0); /* LOCAL: a health check */
	CU_ASSERT_EQUAL(parse(b, n, PROXY_ACCEPT_V2), 1);
	CU_ASSERT_EQUAL(res.error, PROXY_OK);
	CU_ASSERT_EQUAL(res.family, AF_UNSPEC);
	n = v2_header(b, 1, 0x11, 4); /* addresses cut short */
	CU_ASSERT_EQUAL(parse(b, n + 4, PROXY_ACCEPT_V2), 1);
	CU_ASSERT_EQUAL(res.error, PROXY_ERROR_MALFORMED);
	n = v2_header(b, 1, 0x12, 12); /* UDP */
	CU_ASSERT_EQUAL(parse(b, n + 12, PROXY_ACCEPT_V2), 1);
	CU_ASSERT_EQUAL(res.error, PROXY_ERROR_MALFORMED);
	n = v2_header(b, 1, 0x11, 60000); /* past our bound */
	CU_ASSERT_EQUAL(parse(b, n, PROXY_ACCEPT_V2), 1);
	CU_ASSERT_EQUAL(res.error, PROXY_ERROR_TOO_LONG);
	n = v2_header(b, 1, 0x11, 12);
	b[12] = 0x31; /* version 3 */
	CU_ASSERT_EQUAL(parse(b, n + 12, PROXY_ACCEPT_V2), 1);
	CU_ASSERT_EQUAL(res.error, PROXY_ERROR_MALFORMED);
}

static void test_versions_and_absence(void)
{
	uint8_t b[64];
	size_t n = v2_header(b, 1, 0x11, 12);
	const char *req = "POST /IPHTTPS HTTP/1.1\r\n";

	memset(b + n, 0, 12);
	CU_ASSERT_EQUAL(parse(b, n + 12, PROXY_ACCEPT_V1), 1);
	CU_ASSERT_EQUAL(res.error, PROXY_ERROR_VERSION_REFUSED);
	CU_ASSERT_EQUAL(parse("PROXY UNKNOWN\r\n", 15, PROXY_ACCEPT_V2), 1);
	CU_ASSERT_EQUAL(res.error, PROXY_ERROR_VERSION_REFUSED);
	CU_ASSERT_EQUAL(parse(req, strlen(req), PROXY_ACCEPT_ANY), 1);
	CU_ASSERT_EQUAL(res.error, PROXY_ERROR_NOT_PROXY);
	CU_ASSERT_EQUAL(parse("P", 1, PROXY_ACCEPT_ANY), 0); /* could still be "PROXY " */
	CU_ASSERT_EQUAL(parse("\r\n\r\n", 4, PROXY_ACCEPT_ANY), 0); /* could still be the v2 signature */
}

int main(void)
{
	static const struct unit_test tests[] = {
		{ "v1 TCP4: every prefix incomplete, then the address and ports", test_v1_tcp4 },
		{ "v1 TCP6 and UNKNOWN", test_v1_tcp6_and_unknown },
		{ "v1 malformed lines are refused", test_v1_malformed },
		{ "v2 IPv4 with a TLV: every prefix incomplete, then the address", test_v2_inet_with_tlvs },
		{ "v2 IPv6, LOCAL, and malformed headers", test_v2_inet6_local_and_bad },
		{ "v2 PP2_TYPE_SSL: the client-certificate verdict and CN; bad lengths refused", test_v2_ssl_tlv },
		{ "a version the listener does not take, and no header at all", test_versions_and_absence },
	};

	return unit_run("proxy_protocol", tests, sizeof(tests) / sizeof(tests[0]));
}
