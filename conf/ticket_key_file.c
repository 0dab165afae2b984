/* SPDX-License-Identifier: BSD-3-Clause */
#include "ticket_key_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

/* 80 bytes are 108 base64 characters (the last quantum padded with one '='). */
enum { KEY_BASE64_CHARS = (TICKET_KEY_BYTES + 2) / 3 * 4, LINE_MAX_BYTES = 256 };

static int decode(const char *text, size_t len, struct ticket_key_bytes *key)
{
	unsigned char out[KEY_BASE64_CHARS]; /* EVP_DecodeBlock writes whole quanta */
	size_t pad = 0;

	if (len != KEY_BASE64_CHARS)
		return -1;
	while (pad < 2 && text[len - 1 - pad] == '=')
		pad++;
	if (EVP_DecodeBlock(out, (const unsigned char *)text, (int)len) != (int)(len / 4 * 3) ||
	    len / 4 * 3 - pad != TICKET_KEY_BYTES)
		return -1;
	memcpy(key->bytes, out, TICKET_KEY_BYTES);
	OPENSSL_cleanse(out, sizeof(out));
	return 0;
}

int ticket_key_file_read(const char *path, struct ticket_key_bytes keys[TICKET_KEY_FILE_KEYS], char *err,
			 size_t err_len)
{
	struct ticket_key_bytes seen[TICKET_KEY_FILE_KEYS];
	char line[LINE_MAX_BYTES];
	unsigned int count = 0, lineno = 0;
	FILE *f = fopen(path, "r");

	if (!f) {
		snprintf(err, err_len, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		size_t len = strlen(line);
		char *p = line;

		lineno++;
		if (lineno > TICKET_KEY_FILE_MAX_LINES) {
			snprintf(err, err_len, "%s: more than %d lines: is this a ticket key file?", path,
				 TICKET_KEY_FILE_MAX_LINES);
			goto fail;
		}
		if (len == sizeof(line) - 1 && line[len - 1] != '\n') {
			snprintf(err, err_len, "%s:%u: a line longer than a key (%d base64 characters)", path, lineno,
				 KEY_BASE64_CHARS);
			goto fail;
		}
		while (len && (line[len - 1] == '\n' || line[len - 1] == '\r' || line[len - 1] == ' ' ||
			       line[len - 1] == '\t'))
			line[--len] = '\0';
		while (*p == ' ' || *p == '\t')
			p++, len--;
		if (!len || *p == '#')
			continue;
		/* Keep the last three, oldest first. */
		if (count == TICKET_KEY_FILE_KEYS) {
			memmove(&seen[0], &seen[1], sizeof(seen[0]) * (TICKET_KEY_FILE_KEYS - 1));
			count--;
		}
		if (decode(p, len, &seen[count]) != 0) {
			snprintf(err, err_len, "%s:%u: not a key: base64 of %d bytes (%d characters) wanted, as "
				 "`openssl rand %d | base64 -w0` makes", path, lineno, TICKET_KEY_BYTES, KEY_BASE64_CHARS,
				 TICKET_KEY_BYTES);
			goto fail;
		}
		count++;
	}
	if (ferror(f)) {
		snprintf(err, err_len, "%s: %s", path, strerror(errno));
		goto fail;
	}
	fclose(f);
	if (count < TICKET_KEY_FILE_KEYS) {
		snprintf(err, err_len, "%s: %u key%s, %d wanted (previous, current, next): `iphttpsctl ticket-keys new` "
			 "makes a file", path, count, count == 1 ? "" : "s", TICKET_KEY_FILE_KEYS);
		OPENSSL_cleanse(seen, sizeof(seen));
		return -1;
	}
	for (unsigned int i = 0; i < TICKET_KEY_FILE_KEYS; i++)
		for (unsigned int j = 0; j < i; j++)
			if (memcmp(seen[i].bytes, seen[j].bytes, TICKET_KEY_NAME_BYTES) == 0) {
				snprintf(err, err_len, "%s: two of the last three keys have the same name (first 16 bytes)",
					 path);
				OPENSSL_cleanse(seen, sizeof(seen));
				return -1;
			}
	memcpy(keys, seen, sizeof(seen));
	OPENSSL_cleanse(seen, sizeof(seen));
	return 0;
fail:
	fclose(f);
	OPENSSL_cleanse(seen, sizeof(seen));
	return -1;
}

int ticket_key_new(struct ticket_key_bytes *key)
{
	return RAND_bytes(key->bytes, sizeof(key->bytes)) == 1 ? 0 : -1;
}

int ticket_key_file_write(const char *path, const struct ticket_key_bytes *keys, unsigned int count, char *err,
			  size_t err_len)
{
	char tmp[4096 + 16], text[KEY_BASE64_CHARS + 2];
	FILE *f;
	int fd;

	if (snprintf(tmp, sizeof(tmp), "%s.new", path) >= (int)sizeof(tmp)) {
		snprintf(err, err_len, "%s: the path is too long", path);
		return -1;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || !(f = fdopen(fd, "w"))) {
		snprintf(err, err_len, "%s: %s", tmp, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	fprintf(f, "# iphttpsd session-ticket keys, oldest first: the last three are previous, current, next.\n"
		   "# Secret: anyone with it can open the sessions' tickets. Rotate: iphttpsctl ticket-keys rotate.\n");
	for (unsigned int i = 0; i < count; i++) {
		EVP_EncodeBlock((unsigned char *)text, keys[i].bytes, TICKET_KEY_BYTES);
		fprintf(f, "%s\n", text);
	}
	OPENSSL_cleanse(text, sizeof(text));
	if (fflush(f) != 0 || fsync(fileno(f)) != 0) {
		snprintf(err, err_len, "%s: %s", tmp, strerror(errno));
		fclose(f);
		unlink(tmp);
		return -1;
	}
	fclose(f);
	if (rename(tmp, path) != 0) {
		snprintf(err, err_len, "%s: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}
