/* SPDX-License-Identifier: BSD-3-Clause */
/* The control protocol's requests (include/control_protocol.h): every command, and what is refused. */
#include <stdlib.h>
#include <string.h>

#include "control_protocol.h"
#include "unit_runner.h"

static struct control_request req;
static char err[512];

static int parse(const char *text)
{
	err[0] = '\0';
	return control_request_parse(text, strlen(text), &req, err, sizeof(err));
}

static void test_every_command_parses(void)
{
	CU_ASSERT_EQUAL(parse("{\"command\": \"show\"}"), 0);
	CU_ASSERT_EQUAL(req.command, CONTROL_SHOW);
	CU_ASSERT_EQUAL(parse("{\"command\": \"clients\"}"), 0);
	CU_ASSERT_EQUAL(req.command, CONTROL_CLIENTS);
	CU_ASSERT_EQUAL(parse("{\"command\": \"disconnect\", \"target\": \"2001:db8:c1::5\"}"), 0);
	CU_ASSERT_EQUAL(req.command, CONTROL_DISCONNECT);
	CU_ASSERT_STRING_EQUAL(req.target, "2001:db8:c1::5");
	CU_ASSERT_EQUAL(parse("{\"command\": \"reload\"}"), 0);
	CU_ASSERT_EQUAL(req.command, CONTROL_RELOAD);
	CU_ASSERT_STRING_EQUAL(req.file, "");
	CU_ASSERT_EQUAL(parse("{\"command\": \"reload\", \"file\": \"/etc/iphttps/next.yaml\"}"), 0);
	CU_ASSERT_STRING_EQUAL(req.file, "/etc/iphttps/next.yaml");
	CU_ASSERT_EQUAL(parse("{\"command\": \"auth-mode\", \"mode\": \"certificates\"}"), 0);
	CU_ASSERT_EQUAL(req.command, CONTROL_AUTH_MODE);
	CU_ASSERT_TRUE(req.auth_certificates);
	CU_ASSERT_EQUAL(parse("{\"command\": \"auth-mode\", \"mode\": \"none\"}"), 0);
	CU_ASSERT_FALSE(req.auth_certificates);
	CU_ASSERT_EQUAL(parse("{\"command\": \"link\", \"enable\": false}"), 0);
	CU_ASSERT_EQUAL(req.command, CONTROL_LINK);
	CU_ASSERT_FALSE(req.enable);
	CU_ASSERT_EQUAL(parse("{\"command\": \"link\", \"enable\": true}"), 0);
	CU_ASSERT_TRUE(req.enable);
	CU_ASSERT_EQUAL(parse("{\"command\": \"shutdown\"}"), 0);
	CU_ASSERT_EQUAL(req.command, CONTROL_SHUTDOWN);
	CU_ASSERT_EQUAL(req.drain_seconds, 0);
	CU_ASSERT_EQUAL(parse("{\"command\": \"shutdown\", \"drain_seconds\": 30}"), 0);
	CU_ASSERT_EQUAL(req.drain_seconds, 30);
	CU_ASSERT_EQUAL(parse("{\"command\": \"monitor\"}"), 0);
	CU_ASSERT_EQUAL(req.command, CONTROL_MONITOR);
	CU_ASSERT_EQUAL(parse("{\"command\": \"show\", \"section\": \"config\"}"), 0);
	CU_ASSERT_TRUE(req.show_config);
	CU_ASSERT_EQUAL(parse("{\"command\": \"clients\", \"address\": \"192.0.2.2\", \"subject\": \"CN=pc1\", "
			      "\"state\": \"link_up\", \"limit\": 5}"), 0);
	CU_ASSERT_STRING_EQUAL(req.address, "192.0.2.2");
	CU_ASSERT_STRING_EQUAL(req.subject, "CN=pc1");
	CU_ASSERT_STRING_EQUAL(req.state, "link_up");
	CU_ASSERT_EQUAL(req.limit, 5);
	CU_ASSERT_FALSE(req.table);
	CU_ASSERT_EQUAL(parse("{\"command\": \"clients\", \"format\": \"table\"}"), 0);
	CU_ASSERT_TRUE(req.table);
	CU_ASSERT_EQUAL(parse("{\"command\": \"clients\", \"format\": \"json\"}"), 0);
	CU_ASSERT_FALSE(req.table);
	CU_ASSERT_EQUAL(parse("{\"command\": \"disconnect\", \"subject\": \"CN=stolen, O=Corp\"}"), 0);
	CU_ASSERT_STRING_EQUAL(req.subject, "CN=stolen, O=Corp");
	CU_ASSERT_STRING_EQUAL(req.target, "");
	CU_ASSERT_EQUAL(parse("{\"command\": \"log-level\"}"), 0);
	CU_ASSERT_EQUAL(req.command, CONTROL_LOG_LEVEL);
	CU_ASSERT_STRING_EQUAL(req.level, "");
	CU_ASSERT_EQUAL(parse("{\"command\": \"log-level\", \"level\": \"debug\"}"), 0);
	CU_ASSERT_STRING_EQUAL(req.level, "debug");
}

static void test_format_then_parse_round_trips(void)
{
	struct control_request in[] = {
		{ .command = CONTROL_SHOW },
		{ .command = CONTROL_DISCONNECT, .target = "192.0.2.2" },
		{ .command = CONTROL_RELOAD, .file = "/tmp/a b/c.yaml" },
		{ .command = CONTROL_AUTH_MODE, .auth_certificates = true },
		{ .command = CONTROL_LINK, .enable = true },
		{ .command = CONTROL_SHUTDOWN, .drain_seconds = 86400 },
		{ .command = CONTROL_MONITOR },
		{ .command = CONTROL_SHOW, .show_config = true },
		{ .command = CONTROL_CLIENTS, .address = "2001:db8::1", .subject = "CN=a", .state = "link_up", .limit = 9 },
		{ .command = CONTROL_CLIENTS, .table = true },
		{ .command = CONTROL_DISCONNECT, .subject = "CN=stolen-laptop" },
		{ .command = CONTROL_LOG_LEVEL, .level = "warning" },
	};

	for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		char *line = control_request_format(&in[i]);

		CU_ASSERT_PTR_NOT_NULL_FATAL(line);
		CU_ASSERT_EQUAL(line[strlen(line) - 1], '\n'); /* one line */
		CU_ASSERT_PTR_NULL(strchr(line, '\n') == line + strlen(line) - 1 ? NULL : line);
		CU_ASSERT_EQUAL_FATAL(control_request_parse(line, strlen(line), &req, err, sizeof(err)), 0);
		CU_ASSERT_EQUAL(memcmp(&req, &in[i], sizeof(req)), 0);
		free(line);
	}
}

/* Each refused request, and a word its message must hold (naming the bad input). */
static void test_bad_requests_are_refused_with_the_reason(void)
{
	static const struct {
		const char *text, *says;
	} bad[] = {
		{ "", "not JSON" },
		{ "{\"command\": \"show\"", "not JSON" },
		{ "[\"show\"]", "JSON object" },
		{ "{}", "\"command\"" },
		{ "{\"command\": 7}", "\"command\"" },
		{ "{\"command\": \"format-disk\"}", "format-disk" },
		{ "{\"command\": \"show\", \"verbose\": true}", "verbose" },
		{ "{\"command\": \"show\", \"command\": \"clients\"}", "not JSON" }, /* duplicate key */
		{ "{\"command\": \"disconnect\"}", "target" },
		{ "{\"command\": \"disconnect\"}", "subject" },
		{ "{\"command\": \"disconnect\", \"target\": 5}", "string" },
		{ "{\"command\": \"disconnect\", \"target\": \"\"}", "target" },
		{ "{\"command\": \"disconnect\", \"target\": \"a\\nb\"}", "control character" },
		{ "{\"command\": \"disconnect\", \"target\": \"a\\u0000b\"}", "u0000" }, /* jansson refuses NUL */
		{ "{\"command\": \"auth-mode\"}", "mode" },
		{ "{\"command\": \"auth-mode\", \"mode\": \"maybe\"}", "maybe" },
		{ "{\"command\": \"link\"}", "enable" },
		{ "{\"command\": \"link\", \"enable\": \"yes\"}", "enable" },
		{ "{\"command\": \"shutdown\", \"drain_seconds\": -1}", "drain_seconds" },
		{ "{\"command\": \"shutdown\", \"drain_seconds\": 1.5}", "drain_seconds" },
		{ "{\"command\": \"shutdown\", \"drain_seconds\": 999999999}", "drain_seconds" },
		{ "{\"command\": \"reload\", \"file\": [\"a\"]}", "file" },
		{ "{\"command\": \"monitor\", \"filter\": \"connect\"}", "filter" },
		{ "{\"command\": \"show\", \"section\": \"secrets\"}", "secrets" },
		{ "{\"command\": \"clients\", \"limit\": 0}", "limit" },
		{ "{\"command\": \"clients\", \"limit\": \"ten\"}", "limit" },
		{ "{\"command\": \"clients\", \"state\": 3}", "state" },
		{ "{\"command\": \"clients\", \"format\": \"csv\"}", "\"json\" or \"table\"" },
		{ "{\"command\": \"disconnect\", \"target\": \"1\", \"subject\": \"CN=a\"}", "one of them" },
		{ "{\"command\": \"log-level\", \"level\": \"verbose\"}", "verbose" },
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = parse(bad[i].text);

		CU_ASSERT_EQUAL(rc, -1);
		if (rc != -1 || !strstr(err, bad[i].says))
			fprintf(stderr, "\n  request %s: rc %d, error '%s' (wanted '%s')\n", bad[i].text, rc, err,
				bad[i].says);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, bad[i].says));
	}
}

static void test_oversize_requests_are_refused(void)
{
	size_t len = CONTROL_REQUEST_MAX_BYTES + 1;
	char *big = malloc(len + 1);
	char path[CONFIG_PATH_MAX_BYTES + 64];
	char text[sizeof(path) + 64];

	CU_ASSERT_PTR_NOT_NULL_FATAL(big);
	memset(big, ' ', len);
	memcpy(big, "{\"command\": \"show\"}", 19); /* valid JSON, then too much whitespace */
	big[len] = '\0';
	CU_ASSERT_EQUAL(control_request_parse(big, len, &req, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "at most"));
	free(big);
	/* A file name longer than a config path may be. */
	memset(path, 'a', sizeof(path) - 1);
	path[sizeof(path) - 1] = '\0';
	snprintf(text, sizeof(text), "{\"command\": \"reload\", \"file\": \"%s\"}", path);
	CU_ASSERT_EQUAL(parse(text), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "\"file\""));
}

int main(void)
{
	static const struct unit_test tests[] = {
		{ "every command parses, with its arguments", test_every_command_parses },
		{ "format then parse gives the same request", test_format_then_parse_round_trips },
		{ "malformed, unknown and mistyped requests are refused, naming the problem",
		  test_bad_requests_are_refused_with_the_reason },
		{ "oversize requests and arguments are refused", test_oversize_requests_are_refused },
	};

	return unit_run("control protocol", tests, sizeof(tests) / sizeof(tests[0]));
}
