/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The requests the client sends (proto/client_request.c): the POST of
 * [MS-IPHTTPS] 3.1.5.1 and a proxy CONNECT, byte for byte, and every value
 * that could end a line or split the request line refused, not sent.
 */
#include <string.h>

#include "client_request.h"
#include "unit_runner.h"

#include <CUnit/Basic.h>

static void test_post_exact_bytes(void)
{
	char out[512];
	const char *want = "POST /IPHTTPS HTTP/1.1\r\nHost: gw.iphttps.test\r\n"
			   "Content-Length: 18446744073709551615\r\n\r\n";

	CU_ASSERT_EQUAL(client_request_post(out, sizeof(out), "/IPHTTPS", "gw.iphttps.test"), (int)strlen(want));
	CU_ASSERT_STRING_EQUAL(out, want);
	CU_ASSERT_EQUAL(client_request_post(out, 20, "/IPHTTPS", "gw.iphttps.test"), -1); /* too small: refused, not cut */
}

static void test_connect_exact_bytes(void)
{
	char out[512];

	CU_ASSERT(client_request_connect(out, sizeof(out), "192.0.2.1:443", NULL) > 0);
	CU_ASSERT_STRING_EQUAL(out, "CONNECT 192.0.2.1:443 HTTP/1.1\r\nHost: 192.0.2.1:443\r\n\r\n");
	CU_ASSERT(client_request_connect(out, sizeof(out), "[2001:db8::1]:443", "Basic YWxpY2U6czNjcmV0") > 0);
	CU_ASSERT_STRING_EQUAL(out, "CONNECT [2001:db8::1]:443 HTTP/1.1\r\nHost: [2001:db8::1]:443\r\n"
				    "Proxy-Authorization: Basic YWxpY2U6czNjcmV0\r\n\r\n");
}

static void test_injection_refused(void)
{
	char out[512];

	CU_ASSERT_EQUAL(client_request_post(out, sizeof(out), "/IPHTTPS\r\nX-Evil: 1", "gw"), -1);
	CU_ASSERT_EQUAL(client_request_post(out, sizeof(out), "/a b", "gw"), -1);      /* splits the request line */
	CU_ASSERT_EQUAL(client_request_post(out, sizeof(out), "IPHTTPS", "gw"), -1);   /* not a path */
	CU_ASSERT_EQUAL(client_request_post(out, sizeof(out), "/IPHTTPS", "gw\nX: y"), -1);
	CU_ASSERT_EQUAL(client_request_post(out, sizeof(out), "/IPHTTPS", ""), -1);
	CU_ASSERT_EQUAL(client_request_connect(out, sizeof(out), "host:443\r\n", NULL), -1);
	CU_ASSERT_EQUAL(client_request_connect(out, sizeof(out), "host:443", "Basic x\r\nX-Evil: 1"), -1);
	CU_ASSERT_EQUAL(client_request_connect(out, sizeof(out), "host:443", "Basic \x7f"), -1);
}

int main(void)
{
	static const struct unit_test tests[] = {
		{ "the POST of 3.1.5.1, byte for byte", test_post_exact_bytes },
		{ "CONNECT, with and without Proxy-Authorization", test_connect_exact_bytes },
		{ "a value that would end a line or split the request line is refused", test_injection_refused },
	};

	return unit_run("client_request", tests, sizeof(tests) / sizeof(tests[0]));
}
