/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_TLS_TICKET_KEYS_H
#define IPHTTPS_TLS_TICKET_KEYS_H

/*
 * The keys that seal session tickets (RFC 5077, RFC 8446 4.6.1), shared by
 * every TLS context and so kept across a context swap. Two ways to have them:
 *
 *   drawn here (no tls.ticket_keys_file): a new key seals new tickets every
 *     TLS_TICKET_KEY_ROTATE_S, the one before still opens (and renews) the
 *     tickets it sealed, older ones open nothing. A ticket resumes for one to
 *     two rotation periods, and only on this process: a restart forgets.
 *   from the operator's file (conf/ticket_key_file.h): previous, current and
 *     next, the same on every node given the file and across a restart, so
 *     a client resumes wherever and whenever it comes back; rotated by
 *     rewriting the file (iphttpsctl ticket-keys rotate), read again live.
 *
 * The set in use is one of two, published by one atomic store: the control
 * plane writes the other, publishes it, and must then wait until every
 * worker has passed a quiescent point (datapath_wait_quiescent) before it
 * publishes again, since a worker that read the old index a moment before
 * may still be reading the set it names.
 */

#include <openssl/ssl.h>

enum tls_ticket_limits {
	TLS_TICKET_KEY_ROTATE_S = 3600,
	TLS_TICKET_KEYS_MAX = 3,      /* a set: the sealing key first, then the ones that only open */
	TLS_TICKET_KEY_BYTES = 80,    /* a 16-byte name, AES-256, HMAC-SHA256 (HAProxy's 80-byte keys) */
};

/** Draw the first key (start-up). @return 0, or -1 when RAND fails. */
int tls_ticket_keys_init(void);

/** Seal new tickets with a new key; the current one only opens (control plane). @return 0 or -1. */
int tls_ticket_keys_rotate(void);

/**
 * Make every ticket sealed so far unopenable: one new key and nothing else.
 * After the client CA, the CRL or the authentication mode changed a ticket
 * must not resume a session the new rules would refuse (the session-id
 * context already refuses those; this is the second lock). @return 0 or -1.
 */
int tls_ticket_keys_forget(void);

/**
 * Use the operator's keys: seal with `current`, open with it and with
 * `previous` and `next` (each TLS_TICKET_KEY_BYTES: name, AES key, HMAC key).
 * @return 0.
 */
int tls_ticket_keys_set(const unsigned char previous[TLS_TICKET_KEY_BYTES],
			const unsigned char current[TLS_TICKET_KEY_BYTES], const unsigned char next[TLS_TICKET_KEY_BYTES]);

/** The name (first 16 bytes) of the key that seals now, for tests. */
void tls_ticket_keys_current_name(unsigned char name[16]);

/** Make ctx seal and open its tickets with these keys. @return 0 or -1. */
int tls_ticket_keys_attach(SSL_CTX *ctx);

#endif
