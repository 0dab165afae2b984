/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_TICKET_KEY_FILE_H
#define IPHTTPS_TICKET_KEY_FILE_H

/*
 * The session-ticket key file (tls.ticket_keys_file), in HAProxy's
 * tls-ticket-keys format: one key per line, base64 of 80 bytes (a 16-byte
 * name sent in the clear in each ticket, a 32-byte AES-256 key, a 32-byte
 * HMAC-SHA256 key; `openssl rand 80 | base64 -w0` makes one), blank lines
 * and '#' comments skipped, oldest first. The last three are used:
 *
 *   previous   opens tickets (and renews them), seals none
 *   current    seals every new ticket
 *   next       opens tickets, seals none yet
 *
 * A rotation (iphttpsctl ticket-keys rotate) drops the oldest line and
 * appends a new key: previous <- current <- next <- new. Every node of a
 * cluster that is given the same file opens every other node's tickets,
 * even while the nodes see a rotation at slightly different times, since
 * each key is known as "next" before anyone seals with it. And a restart
 * reads the same keys: tickets resume across it.
 */

#include <stddef.h>

enum ticket_key_file_limits {
	TICKET_KEY_BYTES = 80,
	TICKET_KEY_NAME_BYTES = 16,
	TICKET_KEY_FILE_KEYS = 3,        /* used: previous, current, next */
	TICKET_KEY_FILE_MAX_LINES = 64,  /* a file longer than this is no key file */
};

struct ticket_key_bytes {
	unsigned char bytes[TICKET_KEY_BYTES]; /* name, AES key, HMAC key */
};

enum ticket_key_role { TICKET_KEY_PREVIOUS, TICKET_KEY_CURRENT, TICKET_KEY_NEXT };

/**
 * Read path: keys[TICKET_KEY_PREVIOUS..NEXT] from its last three keys.
 * @return 0, or -1 with err naming the file, the line and what is wrong.
 */
int ticket_key_file_read(const char *path, struct ticket_key_bytes keys[TICKET_KEY_FILE_KEYS], char *err,
			 size_t err_len);

/** A new random key. @return 0, or -1 when the random generator fails. */
int ticket_key_new(struct ticket_key_bytes *key);

/**
 * Write keys (oldest first) to path through a temporary file renamed over it,
 * mode 0600: a reader sees the old file or the new, never half of one.
 * @return 0, or -1 with err.
 */
int ticket_key_file_write(const char *path, const struct ticket_key_bytes *keys, unsigned int count, char *err,
			  size_t err_len);

#endif
