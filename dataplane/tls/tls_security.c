/* SPDX-License-Identifier: BSD-3-Clause */
#include "tls_security.h"

#include <stdbool.h>
#include <stdint.h>

#include <openssl/obj_mac.h>

#include "appliance_config.h"
#include "tls_null_suites.h"

/* What a context admits, passed to the callback as its ex data: one of
 * four constants, so a context never points at memory that goes away. */
struct admitted {
	bool null_suites;
	bool legacy_versions;
};

static const struct admitted admitted_table[2][2] = {
	{ { false, false }, { false, true } },
	{ { true, false }, { true, true } },
};

/* OpenSSL's own callback, read from the first context configured. */
static int (*openssl_default)(const SSL *s, const SSL_CTX *ctx, int op, int bits, int nid, void *other, void *ex);

bool tls_security_legacy_versions(const struct config_tls *tls)
{
	return tls->min_version < TLS1_2_VERSION;
}

/* TLS_LEGACY_SUITES by their IANA numbers. */
static bool is_legacy_suite(const SSL_CIPHER *c)
{
	switch (SSL_CIPHER_get_protocol_id(c)) {
	case 0xc009: /* ECDHE-ECDSA-AES128-SHA */
	case 0xc013: /* ECDHE-RSA-AES128-SHA */
	case 0xc00a: /* ECDHE-ECDSA-AES256-SHA */
	case 0xc014: /* ECDHE-RSA-AES256-SHA */
	case 0x002f: /* AES128-SHA */
	case 0x0035: /* AES256-SHA */
		return true;
	default:
		return false;
	}
}

static int security_callback(const SSL *s, const SSL_CTX *ctx, int op, int bits, int nid, void *other, void *ex)
{
	const struct admitted *a = ex;

	if ((op & SSL_SECOP_OTHER_TYPE) == SSL_SECOP_OTHER_CIPHER && other) {
		if (a->null_suites && tls_is_windows_null_suite(other))
			return 1;
		/* When OpenSSL picks a suite the version is already chosen
		 * (ssl3_choose_cipher runs after the version negotiation): a
		 * TLS 1.2 connection gets an AEAD suite from tls.ciphers. */
		if (a->legacy_versions && op == SSL_SECOP_CIPHER_SHARED && s && SSL_version(s) >= TLS1_2_VERSION &&
		    is_legacy_suite(other))
			return 0;
	}
	/* TLS 1.0 and 1.1 sign with MD5+SHA-1 (RSA) or SHA-1 (ECDSA), as RFC
	 * 4346 7.4.3 fixes them: below every security level, and the only
	 * signatures those versions have. Admitted on such a connection alone
	 * (its version is chosen before any signature is), so a TLS 1.2 peer
	 * offering only SHA-1 signatures is still refused. */
	if (a->legacy_versions && (op & SSL_SECOP_OTHER_TYPE) == SSL_SECOP_OTHER_SIGALG && s &&
	    SSL_version(s) < TLS1_2_VERSION && (nid == NID_md5_sha1 || nid == NID_sha1))
		return 1;
	return openssl_default(s, ctx, op, bits, nid, other, ex);
}

void tls_security_attach(SSL_CTX *ctx, const struct config_tls *tls)
{
	if (!openssl_default)
		openssl_default = SSL_CTX_get_security_callback(ctx);
	SSL_CTX_set0_security_ex_data(
		ctx, (void *)&admitted_table[tls->null_encryption ? 1 : 0][tls_security_legacy_versions(tls) ? 1 : 0]);
	SSL_CTX_set_security_callback(ctx, security_callback);
}
