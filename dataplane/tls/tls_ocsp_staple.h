/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_TLS_OCSP_STAPLE_H
#define IPHTTPS_TLS_OCSP_STAPLE_H

/*
 * OCSP stapling of the server certificate (RFC 6066 status_request, RFC
 * 8446 4.4.2.1) from a response file the operator refreshes
 * (tls.ocsp_response, DER, as `openssl ocsp -respout` writes it): Windows 7
 * clients fail closed when they cannot check the server certificate's
 * revocation, and a staple saves every client the round trip to the CA.
 *
 * The file is read when the context is built (start, reload, or when
 * tls_watch sees it change) and checked: a successful response, signed data
 * that parses, a status for the server certificate's serial, and not past
 * its nextUpdate. Anything else refuses the context, naming the problem, so
 * a stale or wrong staple never reaches a client. Each handshake that asks
 * for the status gets a copy of the response.
 */

#include <stddef.h>
#include <time.h>

#include <openssl/ssl.h>

/**
 * Read path and staple it on ctx (whose certificate is loaded).
 * @return 0, or -1 with the reason in err.
 */
int tls_ocsp_staple_attach(SSL_CTX *ctx, const char *path, char *err, size_t err_len);

/** When the response in path stops being valid (its nextUpdate). @return 0, or -1 when it does not read. */
int tls_ocsp_next_update(const char *path, time_t *next_update);

#endif
