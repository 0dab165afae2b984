/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The IP-HTTPS request parser (proto/http_request.c): the requests real
 * clients send are accepted whole and in every prefix, and each malformed or
 * refused request gets its own error and status. The response formatter is
 * checked here too.
 */
#include <stdio.h>
#include <string.h>

#include "http_request.h"
#include "http_response.h"
#include "unit_runner.h"

static const char windows_request[] = "POST /IPHTTPS HTTP/1.1\r\n"
				      "Content-Length: 18446744073709551615\r\n"
				      "Host: gw.example.com\r\n\r\n";

static struct http_request req;

static int parse(const char *text)
{
	return http_request_parse(text, strlen(text), "/IPHTTPS", &req);
}

static void expect(const char *text, enum http_request_error error, unsigned int status)
{
	CU_ASSERT_EQUAL_FATAL(parse(text), 1);
	if (req.error != error)
		fprintf(stderr, "\n  %.60s: got %s, want %s\n", text, http_request_error_name(req.error),
			http_request_error_name(error));
	CU_ASSERT_EQUAL(req.error, error);
	CU_ASSERT_EQUAL(http_request_error_status(req.error), status);
}

static void test_windows_request_accepted(void)
{
	expect(windows_request, HTTP_REQUEST_NONE, 200);
	CU_ASSERT_EQUAL(req.content_length, UINT64_MAX);
	CU_ASSERT_EQUAL(req.header_bytes, strlen(windows_request));
	CU_ASSERT_EQUAL(req.version_minor, 1);
}

static void test_every_prefix_wants_more(void)
{
	for (size_t n = 0; n < strlen(windows_request); n++)
		CU_ASSERT_EQUAL(http_request_parse(windows_request, n, "/IPHTTPS", &req), 0);
}

/* Fed one byte more per call, as 1-byte TLS records would: the same verdict as
 * the whole buffer at once, and each byte searched once (the scan never
 * goes back). */
static void incremental_matches_whole(const char *text, size_t len)
{
	struct http_request_scan scan = { 0 };
	struct http_request whole, part;
	int whole_rc = http_request_parse(text, len, "/IPHTTPS", &whole), rc = 0;
	size_t n;

	for (n = 1; n <= len; n++) {
		rc = http_request_parse_more(text, n, "/IPHTTPS", &scan, &part);
		if (rc == 1)
			break;
		CU_ASSERT_EQUAL(scan.scanned, n); /* everything so far searched, and kept */
	}
	CU_ASSERT_EQUAL(rc, whole_rc);
	if (rc == 1 && whole_rc == 1) {
		CU_ASSERT_EQUAL(part.error, whole.error);
		CU_ASSERT_EQUAL(part.header_bytes, whole.header_bytes);
	}
}

static void test_byte_at_a_time_scans_each_byte_once(void)
{
	static char long_line[HTTP_REQUEST_LINE_MAX_BYTES + 64], big[HTTP_HEADER_SECTION_MAX_BYTES + 64];
	size_t n;

	incremental_matches_whole(windows_request, strlen(windows_request));
	incremental_matches_whole("POST /IPHTTPS HTTP/1.1\r\nHost: a\nX: y\r\n\r\n", 40);
	incremental_matches_whole("GET /IPHTTPS HTTP/1.1\r\nHost: a\r\n\r\n", 37);
	n = (size_t)snprintf(long_line, sizeof(long_line), "POST /%0*d HTTP/1.1\r\n\r\n",
			     HTTP_REQUEST_LINE_MAX_BYTES, 0);
	incremental_matches_whole(long_line, n);
	n = (size_t)snprintf(big, sizeof(big), "POST /IPHTTPS HTTP/1.1\r\n");
	while (n + 10 < sizeof(big)) {
		memcpy(big + n, "X-Pad: 1\r\n", 10);
		n += 10;
	}
	incremental_matches_whole(big, n);
}

static void test_body_bytes_follow_the_header(void)
{
	char buf[256];
	size_t n = strlen(windows_request);

	memcpy(buf, windows_request, n);
	memcpy(buf + n, "\x60\x00\x00\x00", 4); /* the first bytes of an IPv6 packet */
	n += 4;

	CU_ASSERT_EQUAL(http_request_parse(buf, n, "/IPHTTPS", &req), 1);
	CU_ASSERT_EQUAL(req.error, HTTP_REQUEST_NONE);
	CU_ASSERT_EQUAL(req.header_bytes, strlen(windows_request));
}

static void test_uri_matching(void)
{
	expect("POST /iphttps HTTP/1.1\r\nHost: a\r\nContent-Length: 40\r\n\r\n", HTTP_REQUEST_NONE, 200);
	expect("POST /IPHTTPS?x=1 HTTP/1.1\r\nHost: a\r\nContent-Length: 40\r\n\r\n", HTTP_REQUEST_NONE, 200);
	expect("POST https://gw.example.com/IpHttps HTTP/1.1\r\nHost: a\r\nContent-Length: 40\r\n\r\n",
	       HTTP_REQUEST_NONE, 200);
	expect("POST /IPHTTPS/ HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n", HTTP_REQUEST_WRONG_PATH, 404);
	expect("POST /IPHTTP HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n", HTTP_REQUEST_WRONG_PATH, 404);
	expect("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n", HTTP_REQUEST_WRONG_PATH, 404);
	expect("POST IPHTTPS HTTP/1.1\r\nHost: a\r\n\r\n", HTTP_REQUEST_BAD_TARGET, 400);
	expect("POST https:///IPHTTPS HTTP/1.1\r\nHost: a\r\n\r\n", HTTP_REQUEST_BAD_TARGET, 400);
}

static void test_methods_and_versions(void)
{
	expect("GET /IPHTTPS HTTP/1.1\r\nHost: a\r\n\r\n", HTTP_REQUEST_WRONG_METHOD, 405);
	expect("post /IPHTTPS HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n", HTTP_REQUEST_WRONG_METHOD, 405);
	expect("POST /IPHTTPS HTTP/1.0\r\nContent-Length: 1280\r\n\r\n", HTTP_REQUEST_NONE, 200);
	CU_ASSERT_EQUAL(req.version_minor, 0);
	expect("POST /IPHTTPS HTTP/2.0\r\nHost: a\r\n\r\n", HTTP_REQUEST_BAD_VERSION, 505);
	expect("POST /IPHTTPS HTTP/1.2\r\nHost: a\r\n\r\n", HTTP_REQUEST_BAD_VERSION, 505);
	expect("POST /IPHTTPS HTTPS/1.1\r\nHost: a\r\n\r\n", HTTP_REQUEST_BAD_REQUEST_LINE, 400);
	expect("POST /IPHTTPS HTTP/1.1 \r\nHost: a\r\n\r\n", HTTP_REQUEST_BAD_REQUEST_LINE, 400);
	expect("POST  /IPHTTPS HTTP/1.1\r\nHost: a\r\n\r\n", HTTP_REQUEST_BAD_REQUEST_LINE, 400);
	expect("POST /IPHTTPS\r\nHost: a\r\n\r\n", HTTP_REQUEST_BAD_REQUEST_LINE, 400);
	expect("\r\nPOST /IPHTTPS HTTP/1.1\r\nHost: a\r\n\r\n", HTTP_REQUEST_BAD_REQUEST_LINE, 400);
}

static void test_fields(void)
{
	expect("POST /IPHTTPS HTTP/1.1\r\nContent-Length: 0\r\n\r\n", HTTP_REQUEST_MISSING_HOST, 400);
	expect("POST /IPHTTPS HTTP/1.1\r\nHost: a\r\nHost: b\r\nContent-Length: 0\r\n\r\n",
	       HTTP_REQUEST_DUPLICATE_HOST, 400);
	expect("POST /IPHTTPS HTTP/1.1\r\nHost : a\r\n\r\n", HTTP_REQUEST_BAD_HEADER_FIELD, 400);
	expect("POST /IPHTTPS HTTP/1.1\r\nHost: a\r\nNoColon\r\n\r\n", HTTP_REQUEST_BAD_HEADER_FIELD, 400);
	expect("POST /IPHTTPS HTTP/1.1\r\nHost: a\x01\r\n\r\n", HTTP_REQUEST_BAD_HEADER_FIELD, 400);
	expect("POST /IPHTTPS HTTP/1.1\r\nHost: a\r\n continued\r\n\r\n", HTTP_REQUEST_OBSOLETE_LINE_FOLDING, 400);
	expect("POST /IPHTTPS HTTP/1.1\nHost: a\r\n\r\n", HTTP_REQUEST_BARE_LF, 400);
	expect("POST /IPHTTPS HTTP/1.1\r\nHost: a\r\nX: a\rb\r\n\r\n", HTTP_REQUEST_BAD_HEADER_FIELD, 400);
	expect("POST /IPHTTPS HTTP/1.1\r\nHost:a\r\ncontent-length:\t18446744073709551615\t\r\n\r\n",
	       HTTP_REQUEST_NONE, 200);
	CU_ASSERT_EQUAL(req.content_length, UINT64_MAX);
}

static void test_content_length(void)
{
	expect("POST /IPHTTPS HTTP/1.1\r\nHost: a\r\n\r\n", HTTP_REQUEST_MISSING_CONTENT_LENGTH, 411);
	expect("POST /IPHTTPS HTTP/1.1\r\nHost: a\r\nContent-Length: 18446744073709551616\r\n\r\n",
	       HTTP_REQUEST_BAD_CONTENT_LENGTH, 400);
	expect("POST /IPHTTPS HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999\r\n\r\n",
	       HTTP_REQUEST_BAD_CONTENT_LENGTH, 400);
	expect("POST /IPHTTPS HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n", HTTP_REQUEST_BAD_CONTENT_LENGTH,
	       400);
	expect("POST /IPHTTPS HTTP/1.1\r\nHost: a\r\nContent-Length: 1 2\r\n\r\n", HTTP_REQUEST_BAD_CONTENT_LENGTH,
	       400);
	expect("POST /IPHTTPS HTTP/1.1\r\nHost: a\r\nContent-Length: \r\n\r\n", HTTP_REQUEST_BAD_CONTENT_LENGTH, 400);
	expect("POST /IPHTTPS HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\n",
	       HTTP_REQUEST_BAD_CONTENT_LENGTH, 400);
	expect("POST /IPHTTPS HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n",
	       HTTP_REQUEST_TRANSFER_ENCODING, 501);
	expect("POST /IPHTTPS HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n",
	       HTTP_REQUEST_CONTENT_LENGTH_AND_TRANSFER_ENCODING, 400);
	/* Any length that can carry a packet is honoured (the session ends the
	 * link with the body); one below an IPv6 header cannot carry the link. */
	expect("POST /IPHTTPS HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n", HTTP_REQUEST_BODY_TOO_SHORT, 400);
	expect("POST /IPHTTPS HTTP/1.1\r\nHost: a\r\nContent-Length: 39\r\n\r\n", HTTP_REQUEST_BODY_TOO_SHORT, 400);
	expect("POST /IPHTTPS HTTP/1.1\r\nHost: a\r\nContent-Length: 40\r\n\r\n", HTTP_REQUEST_NONE, 200);
	CU_ASSERT_EQUAL(req.content_length, 40);
}

static void test_limits(void)
{
	static char buf[HTTP_HEADER_SECTION_MAX_BYTES * 2];
	size_t n;

	/* A request line past the limit, complete or not. */
	n = (size_t)snprintf(buf, sizeof(buf), "POST /%0*d HTTP/1.1\r\nHost: a\r\n\r\n", HTTP_REQUEST_LINE_MAX_BYTES, 0);
	CU_ASSERT_EQUAL(http_request_parse(buf, n, "/IPHTTPS", &req), 1);
	CU_ASSERT_EQUAL(req.error, HTTP_REQUEST_TARGET_TOO_LONG);
	CU_ASSERT_EQUAL(http_request_parse(buf, HTTP_REQUEST_LINE_MAX_BYTES, "/IPHTTPS", &req), 1);
	CU_ASSERT_EQUAL(req.error, HTTP_REQUEST_TARGET_TOO_LONG);
	CU_ASSERT_EQUAL(http_request_error_status(req.error), 414);
	/* A header section past the limit, complete or not. */
	n = (size_t)snprintf(buf, sizeof(buf), "POST /IPHTTPS HTTP/1.1\r\nHost: a\r\nX: %0*d\r\n\r\n",
			     HTTP_HEADER_SECTION_MAX_BYTES, 0);
	CU_ASSERT_EQUAL(http_request_parse(buf, n, "/IPHTTPS", &req), 1);
	CU_ASSERT_EQUAL(req.error, HTTP_REQUEST_HEADERS_TOO_LARGE);
	CU_ASSERT_EQUAL(http_request_parse(buf, HTTP_HEADER_SECTION_MAX_BYTES, "/IPHTTPS", &req), 1);
	CU_ASSERT_EQUAL(req.error, HTTP_REQUEST_HEADERS_TOO_LARGE);
	CU_ASSERT_EQUAL(http_request_error_status(req.error), 431);
	/* Just under the limit: still waiting for more. */
	CU_ASSERT_EQUAL(http_request_parse(buf, HTTP_HEADER_SECTION_MAX_BYTES - 1, "/IPHTTPS", &req), 0);
	/* Too many fields. */
	n = (size_t)snprintf(buf, sizeof(buf), "POST /IPHTTPS HTTP/1.1\r\n");
	for (int i = 0; i <= HTTP_HEADER_FIELDS_MAX; i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "X-%d: 1\r\n", i);
	n += (size_t)snprintf(buf + n, sizeof(buf) - n, "\r\n");
	CU_ASSERT_EQUAL(http_request_parse(buf, n, "/IPHTTPS", &req), 1);
	CU_ASSERT_EQUAL(req.error, HTTP_REQUEST_HEADERS_TOO_LARGE);
}

static void test_responses(void)
{
	char buf[HTTP_RESPONSE_MAX_BYTES];
	size_t n = http_response_format(buf, 200, "iphttps", 784111777); /* Sun, 06 Nov 1994 08:49:37 GMT */

	CU_ASSERT_EQUAL(n, strlen(buf));
	CU_ASSERT_STRING_EQUAL(buf, "HTTP/1.1 200 OK\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\nServer: iphttps\r\n\r\n");
	http_response_format(buf, 405, "iphttps", 784111777);
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "HTTP/1.1 405 Method Not Allowed\r\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "Allow: POST\r\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "Connection: close\r\n"));
	http_response_format(buf, 431, "iphttps", 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "431 Request Header Fields Too Large"));
	CU_ASSERT_PTR_NULL(strstr(buf, "Allow:"));
}

int main(void)
{
	static const struct unit_test tests[] = {
		{ "the request Windows sends is accepted with the full 64-bit length", test_windows_request_accepted },
		{ "every prefix of a request asks for more", test_every_prefix_wants_more },
		{ "fed a byte at a time: the same verdicts, each byte searched once", test_byte_at_a_time_scans_each_byte_once },
		{ "bytes after the blank line are left to the body", test_body_bytes_follow_the_header },
		{ "the URI matches without case, with a query, in absolute form", test_uri_matching },
		{ "methods and versions: 405, 505, 400", test_methods_and_versions },
		{ "header fields: Host rules, no folding, CRLF only", test_fields },
		{ "Content-Length: one unsigned 64-bit number; 411; 501", test_content_length },
		{ "limits: 414 and 431, complete or not", test_limits },
		{ "responses: 200 with Date and Server; errors close", test_responses },
	};

	return unit_run("http_request", tests, sizeof(tests) / sizeof(tests[0]));
}
