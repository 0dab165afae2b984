/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The client side's response-head parser (proto/http_status.c): the server's
 * 200 that brings the link up, a proxy's 200 and 407 to CONNECT with its
 * challenges, every prefix asking for more, and each malformed head refused
 * with its reason.
 */
#include <string.h>

#include "http_status.h"
#include "unit_runner.h"

#include <CUnit/Basic.h>

static struct http_status st;

static const char server_200[] = "HTTP/1.1 200 OK\r\nDate: Mon, 30 Nov 2026 06:31:24 GMT\r\nServer: iphttps\r\n\r\n";

static void test_server_200_and_body_after(void)
{
	char buf[256];
	size_t n = strlen(server_200);

	memcpy(buf, server_200, n);
	memcpy(buf + n, "\x60\0\0\0", 4); /* the tunnel's first bytes may follow in the same read */
	CU_ASSERT_EQUAL(http_status_parse(buf, n + 4, &st), 1);
	CU_ASSERT_EQUAL(st.error, HTTP_STATUS_OK);
	CU_ASSERT_EQUAL(st.code, 200);
	CU_ASSERT_EQUAL(st.version_minor, 1);
	CU_ASSERT_EQUAL(st.head_bytes, n);
	for (size_t i = 0; i < n; i++)
		CU_ASSERT_EQUAL(http_status_parse(server_200, i, &st), 0);
}

static void test_proxy_407_with_challenges(void)
{
	static const char r[] = "HTTP/1.1 407 Proxy Authentication Required\r\n"
				"Proxy-Authenticate: Basic realm=\"squid\"\r\n"
				"proxy-authenticate:   Digest realm=\"squid\", nonce=\"abc\", qop=\"auth\"  \r\n"
				"Content-Length: 12\r\n\r\nhello proxy!";

	CU_ASSERT_EQUAL_FATAL(http_status_parse(r, sizeof(r) - 1, &st), 1);
	CU_ASSERT_EQUAL(st.error, HTTP_STATUS_OK);
	CU_ASSERT_EQUAL(st.code, 407);
	CU_ASSERT_EQUAL_FATAL(st.challenge_count, 2);
	CU_ASSERT_STRING_EQUAL(st.challenges[0], "Basic realm=\"squid\"");
	CU_ASSERT_STRING_EQUAL(st.challenges[1], "Digest realm=\"squid\", nonce=\"abc\", qop=\"auth\"");
	CU_ASSERT_TRUE(st.has_content_length);
	CU_ASSERT_EQUAL(st.content_length, 12);
	CU_ASSERT_EQUAL(sizeof(r) - 1 - st.head_bytes, 12);
}

static void test_proxy_connect_200(void)
{
	static const char r[] = "HTTP/1.0 200 Connection established\r\n\r\n";

	CU_ASSERT_EQUAL(http_status_parse(r, sizeof(r) - 1, &st), 1);
	CU_ASSERT_EQUAL(st.code, 200);
	CU_ASSERT_EQUAL(st.version_minor, 0);
	CU_ASSERT_EQUAL(st.head_bytes, sizeof(r) - 1);
}

static void refused(const char *text, enum http_status_error e)
{
	CU_ASSERT_EQUAL(http_status_parse(text, strlen(text), &st), 1);
	CU_ASSERT_EQUAL(st.error, e);
}

static void test_malformed_heads(void)
{
	static char big[HTTP_STATUS_HEAD_MAX_BYTES + 8];

	refused("HTTP/2 200 OK\r\n\r\n", HTTP_STATUS_BAD_STATUS_LINE);
	refused("HTTP/1.1 20 OK\r\n\r\n", HTTP_STATUS_BAD_STATUS_LINE);
	refused("HTTP/1.1 999 Odd\r\n\r\n", HTTP_STATUS_BAD_STATUS_LINE);
	refused("HTTP/1.1 200OK\r\n\r\n", HTTP_STATUS_BAD_STATUS_LINE);
	refused("SSH-2.0-OpenSSH\r\n\r\n", HTTP_STATUS_BAD_STATUS_LINE);
	refused("HTTP/1.1 200 OK\n\r\n", HTTP_STATUS_BARE_LF);
	refused("HTTP/1.1 200 OK\r\nServer iphttps\r\n\r\n", HTTP_STATUS_BAD_FIELD);
	refused("HTTP/1.1 200 OK\r\nServer: a\r\n folded\r\n\r\n", HTTP_STATUS_BAD_FIELD);
	refused("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", HTTP_STATUS_BAD_FIELD);
	memset(big, 'a', sizeof(big));
	memcpy(big, "HTTP/1.1 200 OK\r\nX: ", 20);
	CU_ASSERT_EQUAL(http_status_parse(big, sizeof(big), &st), 1);
	CU_ASSERT_EQUAL(st.error, HTTP_STATUS_TOO_LARGE);
	CU_ASSERT_EQUAL(http_status_parse(big, HTTP_STATUS_HEAD_MAX_BYTES - 1, &st), 0);
}

int main(void)
{
	static const struct unit_test tests[] = {
		{ "the server's 200 OK, body bytes after it, every prefix wanting more", test_server_200_and_body_after },
		{ "a proxy's 407 with Basic and Digest challenges", test_proxy_407_with_challenges },
		{ "a proxy's 200 to CONNECT (HTTP/1.0)", test_proxy_connect_200 },
		{ "malformed heads refused with their reason", test_malformed_heads },
	};

	return unit_run("http_status", tests, sizeof(tests) / sizeof(tests[0]));
}
