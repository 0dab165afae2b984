/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The client's status file (client/client_status.c): saved and loaded back
 * whole (a reason with quotes and a newline survives), printed for a person
 * (the reason in words, the next attempt, "not running" when the process is
 * gone), and a damaged file refused with where it is damaged.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client_status.h"
#include "unit_runner.h"

#include <CUnit/Basic.h>

static char dir[] = "/tmp/test_client_status-XXXXXX";
static char path[256];

static struct client_status sample(void)
{
	struct client_status s = {.state = CLIENT_LINK_DOWN, .up_bytes = 1ull << 40, .down_packets = 7,
				  .since = 1000, .next_attempt = 1030, .link_ups = 2, .pid = 4242};

	strcpy(s.server, "192.0.2.1 port 443");
	strcpy(s.via, "http proxy 127.0.0.1:3128");
	strcpy(s.router, "fe80::1");
	s.ras_ignored = 3;
	s.probes_sent = 12;
	strcpy(s.reason, "the server's certificate was refused: \"self-signed\"\nsecond line");
	return s;
}

static char *print_to_text(const struct client_status *s, time_t now, int running)
{
	static char text[4096];
	FILE *f = fmemopen(text, sizeof(text), "w");

	client_status_print(f, s, now, running);
	fclose(f);
	return text;
}

static void test_save_and_load_round_trip(void)
{
	struct client_status s = sample(), back;
	char why[512];

	CU_ASSERT_EQUAL_FATAL(client_status_save(path, &s), 0);
	CU_ASSERT_EQUAL_FATAL(client_status_load(path, &back, why, sizeof(why)), 0);
	CU_ASSERT_EQUAL(back.state, CLIENT_LINK_DOWN);
	CU_ASSERT_STRING_EQUAL(back.reason, s.reason);
	CU_ASSERT_STRING_EQUAL(back.via, s.via);
	CU_ASSERT_EQUAL(back.up_bytes, 1ull << 40);
	CU_ASSERT_EQUAL(back.down_packets, 7);
	CU_ASSERT_EQUAL(back.next_attempt, 1030);
	CU_ASSERT_EQUAL(back.link_ups, 2);
	CU_ASSERT_EQUAL(back.pid, 4242);
	CU_ASSERT_STRING_EQUAL(back.router, "fe80::1");
	CU_ASSERT_EQUAL(back.ras_ignored, 3);
	CU_ASSERT_EQUAL(back.probes_sent, 12);
}

/* A status file from a client before the router and liveness fields still loads. */
static void test_an_older_file_still_loads(void)
{
	struct client_status back;
	char why[512];
	FILE *f = fopen(path, "w");

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs("{\"state\": \"LinkUp\", \"server\": \"s\", \"via\": \"direct\", \"transport\": \"t\", "
	      "\"address\": \"\", \"reason\": \"\", \"up_bytes\": 1, \"up_packets\": 1, \"down_bytes\": 1, "
	      "\"down_packets\": 1, \"since\": 1, \"next_attempt\": 0, \"link_ups\": 1, \"pid\": 1}", f);
	fclose(f);
	CU_ASSERT_EQUAL_FATAL(client_status_load(path, &back, why, sizeof(why)), 0);
	CU_ASSERT_EQUAL(back.state, CLIENT_LINK_UP);
	CU_ASSERT_STRING_EQUAL(back.router, "");
	CU_ASSERT_EQUAL(back.probes_sent, 0);
}

static void test_printed_for_a_person(void)
{
	struct client_status s = sample();
	char *text = print_to_text(&s, 1010, 1);

	CU_ASSERT_PTR_NOT_NULL(strstr(text, "state:      LinkDown, for 10 s"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "certificate was refused"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "next try:   in 20 s"));
	CU_ASSERT_PTR_NULL(strstr(text, "via:")); /* not connected: no way in use */
	text = print_to_text(&s, 1010, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "not running (process 4242 is gone; it was LinkDown)"));
	CU_ASSERT_PTR_NULL(strstr(text, "next try")); /* nobody will try */
	s.state = CLIENT_LINK_UP;
	s.reason[0] = '\0';
	text = print_to_text(&s, 1000 + 3725, 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "LinkUp, for 1 h 2 min"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "via:        http proxy 127.0.0.1:3128"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "waiting for the router's advertisement"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "router:     fe80::1; 3 RAs from others ignored"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "liveness:   12 probes sent"));
	CU_ASSERT_EQUAL(strcmp(client_state_name(CLIENT_ESTABLISHED), "Established"), 0);
}

static void test_damaged_file_refused_with_where(void)
{
	struct client_status s;
	char why[512];
	FILE *f = fopen(path, "w");

	fputs("{\n  \"state\": \"LinkUp\",\n  oops\n}\n", f);
	fclose(f);
	CU_ASSERT_EQUAL(client_status_load(path, &s, why, sizeof(why)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, ":3:"));
	f = fopen(path, "w");
	fputs("{\"state\": \"LinkUp\"}", f);
	fclose(f);
	CU_ASSERT_EQUAL(client_status_load(path, &s, why, sizeof(why)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "not a client status"));
	{
		char text[4096], *at;
		size_t n;

		s = sample();
		CU_ASSERT_EQUAL_FATAL(client_status_save(path, &s), 0);
		f = fopen(path, "r");
		n = fread(text, 1, sizeof(text) - 1, f);
		fclose(f);
		text[n] = '\0';
		at = strstr(text, "LinkDown");
		CU_ASSERT_PTR_NOT_NULL_FATAL(at);
		memcpy(at, "Sleepy\"  ", 9); /* LinkDown and its quote: "Sleepy", its quote, two spaces */
		f = fopen(path, "w");
		fputs(text, f);
		fclose(f);
		CU_ASSERT_EQUAL(client_status_load(path, &s, why, sizeof(why)), -1);
		CU_ASSERT_PTR_NOT_NULL(strstr(why, "unknown state \"Sleepy\""));
	}
}

int main(void)
{
	static const struct unit_test tests[] = {
		{ "a status file without the router and liveness fields still loads", test_an_older_file_still_loads },
		{ "saved and loaded back whole", test_save_and_load_round_trip },
		{ "printed for a person: reason, next try, not running", test_printed_for_a_person },
		{ "a damaged file is refused, saying where", test_damaged_file_refused_with_where },
	};
	int rc;

	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(path, sizeof(path), "%s/status.json", dir);
	rc = unit_run("client_status", tests, sizeof(tests) / sizeof(tests[0]));
	unlink(path);
	rmdir(dir);
	return rc;
}
