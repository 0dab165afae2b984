/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Proxy URLs as the client takes them (client/proxy_url.c): each form a user
 * or the https_proxy variable writes, the defaults, percent-encoded
 * credentials, and every refusal naming its problem.
 */
#include <string.h>

#include "proxy_url.h"
#include "unit_runner.h"

#include <CUnit/Basic.h>

static void test_forms(void)
{
	struct proxy_url u;

	CU_ASSERT_PTR_NULL(proxy_url_parse("http://proxy.example:8080", &u));
	CU_ASSERT_EQUAL(u.kind, PROXY_HTTP);
	CU_ASSERT_STRING_EQUAL(u.host, "proxy.example");
	CU_ASSERT_STRING_EQUAL(u.port, "8080");
	CU_ASSERT_STRING_EQUAL(u.user, "");
	CU_ASSERT_PTR_NULL(proxy_url_parse("198.51.100.7:3129", &u)); /* https_proxy without a scheme */
	CU_ASSERT_EQUAL(u.kind, PROXY_HTTP);
	CU_ASSERT_STRING_EQUAL(u.host, "198.51.100.7");
	CU_ASSERT_STRING_EQUAL(u.port, "3129");
	CU_ASSERT_PTR_NULL(proxy_url_parse("http://proxy/", &u)); /* a trailing slash, no port */
	CU_ASSERT_STRING_EQUAL(u.host, "proxy");
	CU_ASSERT_STRING_EQUAL(u.port, "3128");
	CU_ASSERT_PTR_NULL(proxy_url_parse("socks5://[2001:db8::5]", &u));
	CU_ASSERT_EQUAL(u.kind, PROXY_SOCKS5);
	CU_ASSERT_STRING_EQUAL(u.host, "2001:db8::5");
	CU_ASSERT_STRING_EQUAL(u.port, "1080");
	CU_ASSERT_PTR_NULL(proxy_url_parse("socks5h://[2001:db8::5]:1081", &u));
	CU_ASSERT_STRING_EQUAL(u.port, "1081");
}

static void test_credentials(void)
{
	struct proxy_url u;

	CU_ASSERT_PTR_NULL(proxy_url_parse("http://alice:s3cret@proxy:3128", &u));
	CU_ASSERT_STRING_EQUAL(u.user, "alice");
	CU_ASSERT_STRING_EQUAL(u.password, "s3cret");
	CU_ASSERT_STRING_EQUAL(u.host, "proxy");
	CU_ASSERT_PTR_NULL(proxy_url_parse("http://al%69ce:p%40ss%3Aword@proxy", &u));
	CU_ASSERT_STRING_EQUAL(u.user, "alice");
	CU_ASSERT_STRING_EQUAL(u.password, "p@ss:word");
	CU_ASSERT_PTR_NULL(proxy_url_parse("http://bob:p@ss@proxy:1", &u)); /* the last '@' ends them */
	CU_ASSERT_STRING_EQUAL(u.password, "p@ss");
	CU_ASSERT_STRING_EQUAL(u.host, "proxy");
	CU_ASSERT_PTR_NULL(proxy_url_parse("socks5://carol@proxy", &u)); /* a user, no password */
	CU_ASSERT_STRING_EQUAL(u.user, "carol");
	CU_ASSERT_STRING_EQUAL(u.password, "");
}

static void test_refusals_name_the_problem(void)
{
	struct proxy_url u;
	char long_host[400];

	CU_ASSERT_STRING_EQUAL(proxy_url_parse("ftp://proxy", &u), "the scheme is not http://, socks5:// or socks5h://");
	CU_ASSERT_STRING_EQUAL(proxy_url_parse("http://", &u), "no proxy host");
	CU_ASSERT_STRING_EQUAL(proxy_url_parse("http://proxy:", &u), "a bad proxy port");
	CU_ASSERT_STRING_EQUAL(proxy_url_parse("http://proxy:0", &u), "a bad proxy port");
	CU_ASSERT_STRING_EQUAL(proxy_url_parse("http://proxy:65536", &u), "a bad proxy port");
	CU_ASSERT_STRING_EQUAL(proxy_url_parse("http://proxy:80x", &u), "a bad proxy port");
	CU_ASSERT_STRING_EQUAL(proxy_url_parse("http://proxy:80/path", &u), "a path after the proxy's host and port");
	CU_ASSERT_STRING_EQUAL(proxy_url_parse("http://[2001:db8::1:80", &u), "an IPv6 address without its closing ']'");
	CU_ASSERT_STRING_EQUAL(proxy_url_parse("http://[2001:db8::1]80", &u),
			       "something other than a port after the IPv6 address");
	CU_ASSERT_STRING_EQUAL(proxy_url_parse("http://a%4:b@proxy", &u), "a bad %-escape in the user name");
	CU_ASSERT_STRING_EQUAL(proxy_url_parse("http://a:b%zz@proxy", &u), "a bad %-escape in the password");
	CU_ASSERT_STRING_EQUAL(proxy_url_parse("http://a:%00@proxy", &u), "%00 in the credentials");
	CU_ASSERT_STRING_EQUAL(proxy_url_parse("http://:pw@proxy", &u), "credentials without a user name");
	memset(long_host, 'h', sizeof(long_host) - 1);
	long_host[sizeof(long_host) - 1] = '\0';
	CU_ASSERT_STRING_EQUAL(proxy_url_parse(long_host, &u), "the proxy host name is too long");
}

int main(void)
{
	static const struct unit_test tests[] = {
		{ "the forms: scheme or none, IPv6 in brackets, default ports", test_forms },
		{ "credentials: plain, percent-encoded, an '@' in the password", test_credentials },
		{ "every refusal names its problem", test_refusals_name_the_problem },
	};

	return unit_run("proxy_url", tests, sizeof(tests) / sizeof(tests[0]));
}
