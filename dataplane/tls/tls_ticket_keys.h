/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_TLS_TICKET_KEYS_H
#define IPHTTPS_TLS_TICKET_KEYS_H

/*
 * The keys that seal session tickets (RFC 5077, RFC 8446 4.6.1), shared by
 * every TLS context and so kept across a context swap, and rotated: a new
 * key seals new tickets every TLS_TICKET_KEY_ROTATE_S, the one before still
 * opens (and renews) the tickets it sealed, older ones open nothing. So a
 * ticket resumes for one to two rotation periods, and a stolen ticket key
 * opens at most two periods of sessions.
 *
 * Three slots: the control plane writes a new key into the slot that is
 * neither current nor previous, then publishes it as current with one
 * atomic store; a worker that read the index a moment before still finds
 * its key intact (a slot is rewritten only two rotations later).
 */

#include <openssl/ssl.h>

enum tls_ticket_limits {
	TLS_TICKET_KEY_ROTATE_S = 3600,
};

/** Draw the first key (start-up). @return 0, or -1 when RAND fails. */
int tls_ticket_keys_init(void);

/** Seal new tickets with a new key; the current one becomes the previous (control plane). @return 0 or -1. */
int tls_ticket_keys_rotate(void);

/**
 * Make every ticket sealed so far unopenable (two rotations): after the
 * client CA, the CRL or the authentication mode changed, a ticket must not
 * resume a session the new rules would refuse. The caller waits until every
 * worker passed a quiescent point before it rotates again. @return 0 or -1.
 */
int tls_ticket_keys_forget(void);

/** Make ctx seal and open its tickets with these keys. @return 0 or -1. */
int tls_ticket_keys_attach(SSL_CTX *ctx);

#endif
