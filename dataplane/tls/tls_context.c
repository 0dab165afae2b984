/* SPDX-License-Identifier: BSD-3-Clause */
#include "tls_context.h"
#include "tls_failure.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509_vfy.h>

#include "appliance_config.h"
#include "tls_admission.h"
#include "tls_null_suites.h"
#include "tls_ocsp_staple.h"
#include "tls_error.h"
#include "tls_security.h"
#include "tls_ticket_keys.h"

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

/* Feed a file's bytes to the digest (a file that cannot be read adds nothing: loading it fails anyway). */
static void digest_file(EVP_MD_CTX *md, const char *path)
{
	unsigned char buf[4096];
	FILE *f = path[0] ? fopen(path, "rb") : NULL;
	size_t n;

	if (!f)
		return;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		EVP_DigestUpdate(md, buf, n);
	fclose(f);
}

/*
 * The session-id context: what a resumed session (a TLS 1.2 session id or
 * ticket, a TLS 1.3 PSK) must have been issued under, or OpenSSL makes a full
 * handshake of it. SHA-256 of the application's name, the authentication
 * mode and, in certificates mode, the client CA and CRL files' bytes: so a
 * mode change or a new CA or CRL leaves no ticket from before it that
 * resumes (a client revoked by a new CRL would otherwise resume, and so
 * would a ticket from mode none after the switch to certificates, without a
 * certificate). The same trust gives the same context, across a restart and
 * across the nodes of a cluster.
 */
static int session_id_context(const struct iphttps_config *config, unsigned char out[SSL_MAX_SID_CTX_LENGTH])
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	unsigned char mode = (unsigned char)config->iphttps.authentication;
	unsigned int len = 0;
	int ok;

	ok = md && EVP_DigestInit_ex(md, EVP_sha256(), NULL) == 1 &&
	     EVP_DigestUpdate(md, TLS_SESSION_ID_CONTEXT, sizeof(TLS_SESSION_ID_CONTEXT) - 1) == 1 &&
	     EVP_DigestUpdate(md, &mode, 1) == 1;
	if (ok && config->iphttps.authentication == CONFIG_AUTH_CERTIFICATES) {
		digest_file(md, config->tls.client_ca);
		EVP_DigestUpdate(md, "\0", 1);
		digest_file(md, config->tls.client_crl);
	}
	ok = ok && EVP_DigestFinal_ex(md, out, &len) == 1 && len == SSL_MAX_SID_CTX_LENGTH;
	EVP_MD_CTX_free(md);
	return ok ? 0 : -1;
}

/* Each context's session-id context (its trust), as ex_data: compared at the end of a handshake. */
static int trust_index = -1;

static void trust_free(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx, long argl, void *argp)
{
	(void)parent, (void)ad, (void)idx, (void)argl, (void)argp;
	free(ptr);
}

static int remember_trust(SSL_CTX *ctx, const unsigned char sid_ctx[SSL_MAX_SID_CTX_LENGTH])
{
	unsigned char *copy;

	if (trust_index < 0)
		trust_index = SSL_CTX_get_ex_new_index(0, NULL, NULL, NULL, trust_free);
	copy = trust_index < 0 ? NULL : malloc(SSL_MAX_SID_CTX_LENGTH);
	if (!copy)
		return -1;
	memcpy(copy, sid_ctx, SSL_MAX_SID_CTX_LENGTH);
	if (SSL_CTX_set_ex_data(ctx, trust_index, copy) != 1) {
		free(copy);
		return -1;
	}
	return 0;
}

bool tls_context_trust_is_current(const SSL_CTX *ctx)
{
	SSL_CTX *now = tls_context_current();
	const unsigned char *mine, *current;

	if (!now || ctx == now || trust_index < 0)
		return true;
	mine = SSL_CTX_get_ex_data(ctx, trust_index);
	current = SSL_CTX_get_ex_data(now, trust_index);
	return mine && current && memcmp(mine, current, SSL_MAX_SID_CTX_LENGTH) == 0;
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
		/* Check every certificate of the chain, not only the leaf: a revoked
		 * intermediate must fail too (each issuer's CRL must be in the file). */
		X509_STORE_set_flags(store, X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL);
	}
	/* The callback only notes a refused certificate for the log (tls_failure.h). */
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, tls_failure_verify_callback);
	SSL_CTX_set_verify_depth(ctx, TLS_VERIFY_DEPTH_MAX);
	return 0;
}

SSL_CTX *tls_context_create(const struct iphttps_config *config, char *err, size_t err_len)
{
	const struct config_tls *tls = &config->tls;
	char ciphers[CONFIG_CIPHERS_MAX_BYTES + sizeof(TLS_NULL_SUITES) + sizeof(TLS_LEGACY_SUITES) + 2];
	unsigned char sid_ctx[SSL_MAX_SID_CTX_LENGTH];
	SSL_CTX *ctx;

	ERR_clear_error();
	ctx = SSL_CTX_new(TLS_server_method());
	if (!ctx)
		return fail(NULL, err, err_len, "cannot create a TLS context");
	if (SSL_CTX_set_min_proto_version(ctx, (int)tls->min_version) != 1 ||
	    SSL_CTX_set_max_proto_version(ctx, (int)tls->max_version) != 1)
		return fail(ctx, err, err_len, "tls.min_version/max_version: not supported by this OpenSSL");
	/* Our order, not the client's: Windows 8+ lists the NULL suites near the
	 * end of its offer, after the ECDHE AES-GCM suites, and a Windows server
	 * picks NULL when it is enabled (the inner traffic is IPsec). So with the
	 * switch on, NULL comes first and wins whenever it is offered; a client
	 * without it (Windows 7) gets the best of tls.ciphers. Below TLS 1.2
	 * the CBC-SHA suites come last, for those versions only (tls_security.h). */
	snprintf(ciphers, sizeof(ciphers), "%s%s%s%s%s", tls->null_encryption ? TLS_NULL_SUITES : "",
		 tls->null_encryption ? ":" : "", tls->ciphers, tls_security_legacy_versions(tls) ? ":" : "",
		 tls_security_legacy_versions(tls) ? TLS_LEGACY_SUITES : "");
	SSL_CTX_set_options(ctx, SSL_OP_CIPHER_SERVER_PREFERENCE);
	tls_security_attach(ctx, tls);
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
	if (tls->ocsp_response[0] && tls_ocsp_staple_attach(ctx, tls->ocsp_response, err, err_len) != 0) {
		SSL_CTX_free(ctx);
		return NULL;
	}
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
	/* Resumption (Windows caches sessions) needs a session-id context whenever
	 * peers are verified; without one OpenSSL fails the resumed handshake. */
	if (session_id_context(config, sid_ctx) != 0 || remember_trust(ctx, sid_ctx) != 0 ||
	    SSL_CTX_set_session_id_context(ctx, sid_ctx, sizeof(sid_ctx)) != 1)
		return fail(ctx, err, err_len, "cannot set the session-id context");
	SSL_CTX_set_num_tickets(ctx, 1);
	tls_admission_attach(ctx);
	/* Tickets sealed with the rotated keys every context shares, so they
	 * survive a context swap (tls_ticket_keys.h). */
	if (tls_ticket_keys_attach(ctx) != 0)
		return fail(ctx, err, err_len, "cannot set the session ticket keys");
	return ctx;
}

void tls_context_free(SSL_CTX *ctx)
{
	SSL_CTX_free(ctx);
}
