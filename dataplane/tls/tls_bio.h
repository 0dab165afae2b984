/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_TLS_BIO_H
#define IPHTTPS_TLS_BIO_H

/*
 * An OpenSSL BIO over a connection of the appliance's own TCP: reads take
 * bytes from the connection's received mbufs (tcp_read), writes go into its
 * send queue (tcp_write) and out through tcp_output. No socket, no kernel.
 * A read with nothing waiting asks OpenSSL to retry (WANT_READ) unless the
 * peer has closed (then it is end of file); a write the send queue cannot
 * take whole asks it to retry (WANT_WRITE).
 */

#include <openssl/bio.h>

struct worker;
struct tcp_conn;

/* What a BIO reads from and writes to; lives as long as the BIO (in the session). */
struct tls_transport {
	struct worker *w;
	struct tcp_conn *conn;
};

/** Create the BIO method once (start-up). @return 0 or -1. */
int tls_bio_init(void);

/** A BIO over t (not owned). @return NULL when out of memory. */
BIO *tls_bio_new(struct tls_transport *t);

#endif
