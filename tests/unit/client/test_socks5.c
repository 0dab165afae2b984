/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SOCKS5 (RFC 1928, RFC 1929) as the client speaks it (client/socks5.c): the
 * exact bytes of each message, and each reply read whole, in pieces, refused
 * or malformed.
 */
#include <string.h>

#include "socks5.h"
#include "unit_runner.h"

#include <CUnit/Basic.h>

static void test_greeting_and_method(void)
{
	uint8_t out[8], method = 9;
	size_t used = 0;

	CU_ASSERT_EQUAL(socks5_greeting(out, 1), 4);
	CU_ASSERT(memcmp(out, "\x05\x02\x00\x02", 4) == 0);
	CU_ASSERT_EQUAL(socks5_greeting(out, 0), 3);
	CU_ASSERT(memcmp(out, "\x05\x01\x00", 3) == 0);
	CU_ASSERT_EQUAL(socks5_parse_method((const uint8_t *)"\x05", 1, &method, &used), SOCKS5_NEED_MORE);
	CU_ASSERT_EQUAL(socks5_parse_method((const uint8_t *)"\x05\x02", 2, &method, &used), SOCKS5_DONE);
	CU_ASSERT_EQUAL(method, 2);
	CU_ASSERT_EQUAL(used, 2);
	CU_ASSERT_EQUAL(socks5_parse_method((const uint8_t *)"\x05\xff", 2, &method, &used), SOCKS5_REFUSED);
	CU_ASSERT_EQUAL(socks5_parse_method((const uint8_t *)"\x04\x00", 2, &method, &used), SOCKS5_MALFORMED);
	CU_ASSERT_EQUAL(socks5_parse_method((const uint8_t *)"HT", 2, &method, &used), SOCKS5_MALFORMED);
}

static void test_user_password(void)
{
	uint8_t out[SOCKS5_MESSAGE_MAX_BYTES];
	char long_name[300];
	size_t used = 0;

	CU_ASSERT_EQUAL(socks5_auth_request(out, "alice", "s3cret"), 3 + 5 + 6);
	CU_ASSERT(memcmp(out, "\x01\x05" "alice" "\x06" "s3cret", 13) == 0);
	memset(long_name, 'a', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	CU_ASSERT_EQUAL(socks5_auth_request(out, long_name, "x"), 0); /* refused, not cut */
	CU_ASSERT_EQUAL(socks5_parse_auth((const uint8_t *)"\x01\x00", 2, &used), SOCKS5_DONE);
	CU_ASSERT_EQUAL(socks5_parse_auth((const uint8_t *)"\x01\x01", 2, &used), SOCKS5_REFUSED);
	CU_ASSERT_EQUAL(socks5_parse_auth((const uint8_t *)"\x05\x00", 2, &used), SOCKS5_MALFORMED);
}

static void test_connect_request_each_address_type(void)
{
	uint8_t out[SOCKS5_MESSAGE_MAX_BYTES];

	CU_ASSERT_EQUAL(socks5_connect_request(out, "192.0.2.1", 443), 10);
	CU_ASSERT(memcmp(out, "\x05\x01\x00\x01\xc0\x00\x02\x01\x01\xbb", 10) == 0);
	CU_ASSERT_EQUAL(socks5_connect_request(out, "2001:db8::1", 443), 22);
	CU_ASSERT_EQUAL(out[3], 4);
	CU_ASSERT_EQUAL(out[19], 1);
	CU_ASSERT_EQUAL(socks5_connect_request(out, "gw.iphttps.test", 443), 4 + 1 + 15 + 2);
	CU_ASSERT(memcmp(out, "\x05\x01\x00\x03\x0fgw.iphttps.test\x01\xbb", 22) == 0);
}

static void test_connect_reply(void)
{
	static const uint8_t ok4[] = { 5, 0, 0, 1, 10, 0, 0, 1, 0x1f, 0x90, 0x60 }; /* and the tunnel's first byte */
	static const uint8_t name[] = { 5, 5, 0, 3, 3, 'a', 'b', 'c', 0, 80 };
	uint8_t rep = 9;
	size_t used = 0;

	for (size_t n = 0; n < 10; n++)
		CU_ASSERT_EQUAL(socks5_parse_connect(ok4, n, &rep, &used), SOCKS5_NEED_MORE);
	CU_ASSERT_EQUAL(socks5_parse_connect(ok4, sizeof(ok4), &rep, &used), SOCKS5_DONE);
	CU_ASSERT_EQUAL(used, 10);
	CU_ASSERT_EQUAL(rep, 0);
	CU_ASSERT_EQUAL(socks5_parse_connect(name, sizeof(name), &rep, &used), SOCKS5_REFUSED);
	CU_ASSERT_EQUAL(rep, 5);
	CU_ASSERT_STRING_EQUAL(socks5_reply_text(rep), "connection refused");
	CU_ASSERT_EQUAL(socks5_parse_connect((const uint8_t *)"\x05\x00\x00\x09\x00", 5, &rep, &used),
			SOCKS5_MALFORMED);
}

int main(void)
{
	static const struct unit_test tests[] = {
		{ "greeting and the method chosen", test_greeting_and_method },
		{ "username/password (RFC 1929)", test_user_password },
		{ "CONNECT to an IPv4, an IPv6 address and a name", test_connect_request_each_address_type },
		{ "the CONNECT reply: in pieces, refused with its reason, malformed", test_connect_reply },
	};

	return unit_run("socks5", tests, sizeof(tests) / sizeof(tests[0]));
}
