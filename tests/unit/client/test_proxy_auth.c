/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Answers to a proxy's 407 (client/proxy_auth.c) against the RFCs' own
 * examples: Basic (RFC 7617 2), Digest with qop "auth" (RFC 2617 3.5, the MD5
 * example), Digest without qop (RFC 2069), and challenges it must not answer.
 */
#include <string.h>

#include "proxy_auth.h"
#include "unit_runner.h"

#include <CUnit/Basic.h>

static void test_basic_rfc7617(void)
{
	char out[128];

	CU_ASSERT_EQUAL(proxy_auth_basic("Aladdin", "open sesame", out, sizeof(out)), 0);
	CU_ASSERT_STRING_EQUAL(out, "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
	CU_ASSERT_EQUAL(proxy_auth_basic("Aladdin", "open sesame", out, 10), -1); /* too small: refused, not cut */
}

static void test_digest_rfc2617_example(void)
{
	static const char challenge[] = "Digest realm=\"testrealm@host.com\", qop=\"auth,auth-int\", "
					"nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", "
					"opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"";
	struct proxy_digest_challenge c;
	char out[512];

	CU_ASSERT_EQUAL_FATAL(proxy_auth_parse_digest(challenge, &c), 0);
	CU_ASSERT_STRING_EQUAL(c.realm, "testrealm@host.com");
	CU_ASSERT_TRUE(c.qop_auth);
	CU_ASSERT_EQUAL_FATAL(proxy_auth_digest(&c, "Mufasa", "Circle Of Life", "GET", "/dir/index.html", "0a4f113b", 1,
						out, sizeof(out)),
			      0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "response=\"6629fae49393a05397450978507c4ef1\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "nc=00000001"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "opaque=\"5ccc069c403ebaf9f0171e9517f40e41\""));
}

static void test_digest_without_qop_rfc2069(void)
{
	struct proxy_digest_challenge c;
	char out[512];

	/* RFC 2069's example: response = MD5(HA1:nonce:HA2). */
	CU_ASSERT_EQUAL_FATAL(proxy_auth_parse_digest("Digest realm=\"testrealm@host.com\", "
						      "nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", "
						      "opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"", &c), 0);
	CU_ASSERT_FALSE(c.qop_auth);
	CU_ASSERT_EQUAL_FATAL(proxy_auth_digest(&c, "Mufasa", "CircleOfLife", "GET", "/dir/index.html", "x", 1, out,
						sizeof(out)),
			      0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "response=\"1949323746fe6a43ef61f9606e7febea\""));
	CU_ASSERT_PTR_NULL(strstr(out, "qop="));
}

static void test_challenges_not_answered(void)
{
	struct proxy_digest_challenge c;

	CU_ASSERT_EQUAL(proxy_auth_parse_digest("Basic realm=\"x\"", &c), -1);
	CU_ASSERT_EQUAL(proxy_auth_parse_digest("Digest realm=\"x\", nonce=\"n\", algorithm=SHA-256", &c), -1);
	CU_ASSERT_EQUAL(proxy_auth_parse_digest("Digest nonce=\"n\"", &c), -1);
	CU_ASSERT_EQUAL(proxy_auth_parse_digest("Digest realm=\"unterminated", &c), -1);
	CU_ASSERT_EQUAL(proxy_auth_parse_digest("Digest realm", &c), -1);
	CU_ASSERT_EQUAL(proxy_auth_parse_digest("Digest realm=\"x\", nonce=\"n\", qop=\"auth-int\"", &c), 0);
	CU_ASSERT_FALSE(c.qop_auth); /* only auth-int offered: answered the RFC 2069 way */
	CU_ASSERT_EQUAL(proxy_auth_parse_digest("Digest realm=\"x\", nonce=\"n\", stale=TRUE", &c), 0);
	CU_ASSERT_TRUE(c.stale);
}

int main(void)
{
	static const struct unit_test tests[] = {
		{ "Basic (RFC 7617's example)", test_basic_rfc7617 },
		{ "Digest with qop auth (RFC 2617's MD5 example)", test_digest_rfc2617_example },
		{ "Digest without qop (RFC 2069's example)", test_digest_without_qop_rfc2069 },
		{ "challenges it must not answer, and stale", test_challenges_not_answered },
	};

	return unit_run("proxy_auth", tests, sizeof(tests) / sizeof(tests[0]));
}
