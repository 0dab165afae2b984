/* SPDX-License-Identifier: BSD-3-Clause */
#include "tls_context.h"

#include <stdio.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/x509_vfy.h>

#include "appliance_config.h"
#include "tls_error.h"

/* The two suites Windows 8+ offers for IPsec-protected inner traffic, by their OpenSSL names. */
static const char null_suites[] = "NULL-SHA256:NULL-SHA";

/* The context new handshakes use; one reference owned here. */
static SSL_CTX *current;

SSL_CTX *tls_context_current(void)
{
	return __atomic_load_n(&current, __ATOMIC_ACQUIRE);
}

SSL_CTX *tls_context_swap(SSL_CTX *ctx)
{
	return __atomic_exchange_n(&current, ctx, __ATOMIC_ACQ_REL);
}

static SSL_CTX *fail(SSL_CTX *ctx, char *err, size_t err_len, const char *what)
{
	char reason[256];

	snprintf(err, err_len, "%s: %s", what, tls_error_text(reason, sizeof(reason)));
	SSL_CTX_free(ctx);
	return NULL;
}

/* certificates mode: require a client certificate chaining to client_ca, checked against client_crl. */
static int require_client_certificates(SSL_CTX *ctx, const struct config_tls *tls, char *err, size_t err_len)
{
	STACK_OF(X509_NAME) *names;

	if (SSL_CTX_load_verify_locations(ctx, tls->client_ca, NULL) != 1) {
		fail(NULL, err, err_len, "tls.client_ca: cannot load");
		return -1;
	}
	/* The CertificateRequest names the acceptable CAs: Windows picks its machine certificate by them. */
	names = SSL_load_client_CA_file(tls->client_ca);
	if (!names) {
		fail(NULL, err, err_len, "tls.client_ca: no CA certificate in the file");
		return -1;
	}
	SSL_CTX_set_client_CA_list(ctx, names);
	if (tls->client_crl[0]) {
		X509_STORE *store = SSL_CTX_get_cert_store(ctx);
		X509_LOOKUP *lookup = X509_STORE_add_lookup(store, X509_LOOKUP_file());

		if (!lookup || X509_load_crl_file(lookup, tls->client_crl, X509_FILETYPE_PEM) <= 0) {
			fail(NULL, err, err_len, "tls.client_crl: cannot load");
			return -1;
		}
		/* Check the leaf against the CRL (its issuer's list must be present). */
		X509_STORE_set_flags(store, X509_V_FLAG_CRL_CHECK);
	}
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
	return 0;
}

SSL_CTX *tls_context_create(const struct iphttps_config *config, char *err, size_t err_len)
{
	const struct config_tls *tls = &config->tls;
	char ciphers[CONFIG_CIPHERS_MAX_BYTES + sizeof(null_suites) + 2];
	SSL_CTX *ctx;

	ERR_clear_error();
	ctx = SSL_CTX_new(TLS_server_method());
	if (!ctx)
		return fail(NULL, err, err_len, "cannot create a TLS context");
	if (SSL_CTX_set_min_proto_version(ctx, (int)tls->min_version) != 1 ||
	    SSL_CTX_set_max_proto_version(ctx, (int)tls->max_version) != 1)
		return fail(ctx, err, err_len, "tls.min_version/max_version: not supported by this OpenSSL");
	snprintf(ciphers, sizeof(ciphers), "%s%s%s", tls->ciphers, tls->null_encryption ? ":" : "",
		 tls->null_encryption ? null_suites : "");
	if (tls->null_encryption) {
		/* OpenSSL refuses suites without encryption above security level 0. */
		SSL_CTX_set_security_level(ctx, 0);
		/* The client's order: Windows lists NULL first when it wants it, and a
		 * client that does not offer NULL still gets its best encrypted suite. */
	} else {
		SSL_CTX_set_options(ctx, SSL_OP_CIPHER_SERVER_PREFERENCE);
	}
	if (SSL_CTX_set_cipher_list(ctx, ciphers) != 1)
		return fail(ctx, err, err_len, "tls.ciphers: no usable cipher");
	if (SSL_CTX_set_ciphersuites(ctx, tls->ciphersuites) != 1)
		return fail(ctx, err, err_len, "tls.ciphersuites: no usable suite");
	if (SSL_CTX_use_certificate_chain_file(ctx, tls->certificate) != 1)
		return fail(ctx, err, err_len, "tls.certificate: cannot load");
	if (SSL_CTX_use_PrivateKey_file(ctx, tls->private_key, SSL_FILETYPE_PEM) != 1)
		return fail(ctx, err, err_len, "tls.private_key: cannot load");
	if (SSL_CTX_check_private_key(ctx) != 1)
		return fail(ctx, err, err_len, "tls.private_key: does not match tls.certificate");
	if (config->iphttps.authentication == CONFIG_AUTH_CERTIFICATES &&
	    require_client_certificates(ctx, tls, err, err_len) != 0) {
		SSL_CTX_free(ctx);
		return NULL;
	}
	SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS | SSL_MODE_ASYNC);
	/* A FIN without close_notify is an end of stream (SSL_ERROR_ZERO_RETURN), as
	 * clients that just close their socket send it. */
	SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION | SSL_OP_IGNORE_UNEXPECTED_EOF);
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	SSL_CTX_set_num_tickets(ctx, 1);
	return ctx;
}

void tls_context_free(SSL_CTX *ctx)
{
	SSL_CTX_free(ctx);
}
