/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The ticket key file (conf/ticket_key_file.h), HAProxy's tls-ticket-keys
 * format: the last three keys are previous, current and next; comments and
 * blank lines skipped; every malformed line refused by its number; written
 * back in one rename, mode 0600.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "ticket_key_file.h"
#include "unit_runner.h"

static char dir[] = "/tmp/iphttps-keyfile-XXXXXX";
static char path[64];

/* A key whose 80 bytes are all `fill`, as base64 (`openssl rand 80 | base64 -w0` in the field). */
static const char *key_text(unsigned char fill)
{
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	static char out[4][112];
	static int turn;
	unsigned char in[81] = { 0 };
	char *o = out[turn = (turn + 1) % 4];

	memset(in, fill, 80);
	for (int i = 0; i < 81; i += 3) {
		unsigned int v = (unsigned int)in[i] << 16 | (unsigned int)in[i + 1] << 8 | in[i + 2];

		*o++ = b64[v >> 18 & 63];
		*o++ = b64[v >> 12 & 63];
		*o++ = i + 1 < 80 ? b64[v >> 6 & 63] : '=';
		*o++ = i + 2 < 80 ? b64[v & 63] : '=';
	}
	*o = '\0';
	return out[turn];
}

static void write_file(const char *text)
{
	FILE *f = fopen(path, "w");

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs(text, f);
	fclose(f);
}

static int read_error(char *err, size_t len)
{
	struct ticket_key_bytes keys[TICKET_KEY_FILE_KEYS];

	return ticket_key_file_read(path, keys, err, len);
}

static void test_the_last_three_keys_are_previous_current_next(void)
{
	struct ticket_key_bytes keys[TICKET_KEY_FILE_KEYS];
	char text[1024], err[256] = "";

	snprintf(text, sizeof(text), "# oldest first\n\n%s\n  %s  \n%s\r\n# a comment between\n%s\n", key_text(1),
		 key_text(2), key_text(3), key_text(4));
	write_file(text);
	CU_ASSERT_EQUAL_FATAL(ticket_key_file_read(path, keys, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(keys[TICKET_KEY_PREVIOUS].bytes[0], 2);
	CU_ASSERT_EQUAL(keys[TICKET_KEY_CURRENT].bytes[79], 3);
	CU_ASSERT_EQUAL(keys[TICKET_KEY_NEXT].bytes[40], 4);
}

static void test_every_malformed_file_is_refused_by_line(void)
{
	static const struct {
		const char *text_fmt; /* %s: a good key */
		const char *says;
	} cases[] = {
		{ "%s\n%s\n", "2 keys, 3 wanted" },
		{ "", "0 keys, 3 wanted" },
		{ "%s\nnot base64 at all!\n%s\n", ":2: not a key" },
		{ "%s\n%s\nQUJD\n", ":3: not a key" },            /* base64 of 3 bytes */
		{ "%s\n%s\n%s=\n", ":3: not a key" },             /* a character too many */
		{ "%s\n%s\n%s\n", "the same name" },              /* three times the same key */
	};
	char text[1024], err[256];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(text, sizeof(text), cases[i].text_fmt, key_text(7), key_text(8), key_text(9));
		if (i == 5)
			snprintf(text, sizeof(text), "%s\n%s\n%s\n", key_text(7), key_text(7), key_text(7));
		write_file(text);
		err[0] = '\0';
		CU_ASSERT_EQUAL(read_error(err, sizeof(err)), -1);
		if (!strstr(err, cases[i].says) || !strstr(err, path))
			fprintf(stderr, "case %zu: \"%s\" does not say \"%s\"\n", i, err, cases[i].says);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, cases[i].says));
	}
	unlink(path);
	CU_ASSERT_EQUAL(read_error(err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "No such file"));
}

static void test_written_keys_read_back_and_the_file_is_private(void)
{
	struct ticket_key_bytes out[3], in[3];
	char err[256];
	struct stat st;

	for (int i = 0; i < 3; i++)
		CU_ASSERT_EQUAL_FATAL(ticket_key_new(&out[i]), 0);
	CU_ASSERT_NOT_EQUAL(memcmp(out[0].bytes, out[1].bytes, TICKET_KEY_BYTES), 0);
	CU_ASSERT_EQUAL_FATAL(ticket_key_file_write(path, out, 3, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL_FATAL(stat(path, &st), 0);
	CU_ASSERT_EQUAL(st.st_mode & 0777, 0600);
	CU_ASSERT_EQUAL_FATAL(ticket_key_file_read(path, in, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(memcmp(in, out, sizeof(in)), 0);
	/* No temporary file is left beside it. */
	char tmp[80];

	snprintf(tmp, sizeof(tmp), "%s.new", path);
	CU_ASSERT_NOT_EQUAL(access(tmp, F_OK), 0);
}

int main(void)
{
	static const struct unit_test tests[] = {
		{ "the last three keys are previous, current, next; comments and blanks skipped",
		  test_the_last_three_keys_are_previous_current_next },
		{ "every malformed file is refused, naming the file and the line",
		  test_every_malformed_file_is_refused_by_line },
		{ "written keys read back, and the file is mode 0600", test_written_keys_read_back_and_the_file_is_private },
	};
	int rc;

	if (!mkdtemp(dir))
		return 1;
	snprintf(path, sizeof(path), "%s/keys", dir);
	rc = unit_run("ticket_key_file", tests, sizeof(tests) / sizeof(tests[0]));
	unlink(path);
	rmdir(dir);
	return rc;
}
