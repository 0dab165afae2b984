/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_TLS_SECURITY_H
#define IPHTTPS_TLS_SECURITY_H

/*
 * What the appliance admits below OpenSSL's security level, and nothing else:
 *  - the two Windows NULL suites, when tls.null_encryption is on
 *    (include/tls_null_suites.h);
 *  - for tls.min_version "1.0" or "1.1" (Windows 7 speaks TLS 1.0 by
 *    default): the CBC-SHA suites those versions can use, added after
 *    tls.ciphers (TLS_LEGACY_SUITES), and the MD5+SHA-1 and SHA-1
 *    signatures they sign with, each on a connection that negotiated
 *    TLS 1.0 or 1.1 alone. A TLS 1.2 client never gets them, so enabling
 *    old clients lowers nothing for new ones. (The default tls.ciphers holds
 *    only AEAD suites, which TLS 1.0/1.1 cannot use: without the CBC-SHA
 *    suites every such handshake ends in "no shared cipher", and without
 *    the signatures in "no suitable signature algorithm".)
 * Everything else (client certificate keys, signatures, groups) is judged by
 * OpenSSL's own callback at the context's level.
 */

#include <stdbool.h>

#include <openssl/ssl.h>

struct config_tls;

/* Windows 7's TLS 1.0 offer holds these (ECDHE first), in our order. */
#define TLS_LEGACY_SUITES                                                                       \
	"ECDHE-ECDSA-AES128-SHA:ECDHE-RSA-AES128-SHA:ECDHE-ECDSA-AES256-SHA:ECDHE-RSA-AES256-SHA:" \
	"AES128-SHA:AES256-SHA"

/** Whether tls admits versions below TLS 1.2 (and so TLS_LEGACY_SUITES). */
bool tls_security_legacy_versions(const struct config_tls *tls);

/** Install the appliance's security callback on ctx, for what tls enables. */
void tls_security_attach(SSL_CTX *ctx, const struct config_tls *tls);

#endif
