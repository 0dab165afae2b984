/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_CLIENT_TLS_H
#define IPHTTPS_CLIENT_TLS_H

/*
 * The client's TLS: one context from its options (TLS 1.2 or 1.3, the
 * server's CA, a client certificate, the NULL suites offered after the
 * encrypted ones as Windows 8+ does), the server's name checked on every
 * connection ([MS-IPHTTPS] 4.2.3: a server that cannot prove its name is
 * refused), and OpenSSL's errors in words.
 */

#include <stddef.h>

#include <openssl/ssl.h>

#include "client_options.h"

/** The context for o, or NULL (the reason printed). */
SSL_CTX *client_tls_context(const struct options *o);

/** Make ssl check the server's certificate for name (an IP address, or a DNS name and SNI). @return 1 or 0. */
int client_tls_expect_server_name(SSL *ssl, const char *name);

/** OpenSSL's first queued error in words into out ("the connection closed" when none); the queue is emptied. */
const char *client_tls_error_text(char *out, size_t len);

/** Print "iphttps-client: WHAT: the error" on stderr. */
void client_tls_print_errors(const char *what);

#endif
