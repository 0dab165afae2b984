/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_TLS_NULL_SUITES_H
#define IPHTTPS_TLS_NULL_SUITES_H

/*
 * The two suites Windows 8+ offers for IPsec-protected inner traffic
 * (TLS_RSA_WITH_NULL_SHA256, TLS_RSA_WITH_NULL_SHA), as the appliance
 * chooses them and iphttps-client offers them. They carry no encryption bits
 * and so fail every OpenSSL security level above 0; rather than lower the
 * level for everything (client certificate keys, signatures and groups keep
 * level 1 or more), a security callback admits these two and defers to
 * OpenSSL's own callback for the rest.
 */

#include <stdbool.h>
#include <stdint.h>

#include <openssl/ssl.h>

/* Their OpenSSL names, in Windows' order. */
#define TLS_NULL_SUITES "NULL-SHA256:NULL-SHA"

static inline bool tls_is_windows_null_suite(const SSL_CIPHER *c)
{
	uint16_t id = SSL_CIPHER_get_protocol_id(c);

	return id == 0x003b || id == 0x0002;
}

/* OpenSSL's own callback, taken from the first context this file's user configures. */
static int (*tls_default_security)(const SSL *s, const SSL_CTX *ctx, int op, int bits, int nid, void *other,
				   void *ex);

static inline int tls_admit_null_suites_callback(const SSL *s, const SSL_CTX *ctx, int op, int bits, int nid,
						 void *other, void *ex)
{
	if ((op & SSL_SECOP_OTHER_TYPE) == SSL_SECOP_OTHER_CIPHER && other && tls_is_windows_null_suite(other))
		return 1;
	return tls_default_security(s, ctx, op, bits, nid, other, ex);
}

/** Admit the two NULL suites in ctx, nothing else below its security level. */
static inline void tls_admit_null_suites(SSL_CTX *ctx)
{
	if (!tls_default_security)
		tls_default_security = SSL_CTX_get_security_callback(ctx);
	SSL_CTX_set_security_callback(ctx, tls_admit_null_suites_callback);
}

#endif
