/* SPDX-License-Identifier: BSD-3-Clause */
#include "client_tls.h"

#include <arpa/inet.h>
#include <stdio.h>

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "tls_null_suites.h"

/* What OpenSSL says went wrong, drained from its queue: the first error, in words. */
const char *client_tls_error_text(char *out, size_t len)
{
	unsigned long e = ERR_get_error();

	if (e == 0)
		snprintf(out, len, "the connection closed");
	else
		ERR_error_string_n(e, out, len);
	ERR_clear_error();
	return out;
}

void client_tls_print_errors(const char *what)
{
	char text[256];

	fprintf(stderr, "iphttps-client: %s: %s\n", what, client_tls_error_text(text, sizeof(text)));
}

SSL_CTX *client_tls_context(const struct options *o)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());

	if (ctx == NULL)
		return NULL;
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	if (o->tls_max_12)
		SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION);
	/* Non-blocking writes of a batch that may be retried from a moved buffer. */
	SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	if (SSL_CTX_load_verify_locations(ctx, o->ca_file, NULL) != 1) {
		client_tls_print_errors("the CA file cannot be read");
		goto fail;
	}
	if (o->offer_null) {
		/* After the encrypted suites, as Windows 8+ offers them: a server that
		 * prefers NULL (the inner traffic is IPsec) picks it; one that does not,
		 * an encrypted one. TLS 1.3 has no NULL suite: the offer means 1.2.
		 * Not "DEFAULT": it ends in "!eNULL", and '!' deletes for good; this is
		 * the same list with '-', which lets the two come back at the end. */
		char list[1024];

		snprintf(list, sizeof(list), "%s:" TLS_NULL_SUITES,
			 o->ciphers ? o->ciphers : "ALL:-COMPLEMENTOFDEFAULT:-eNULL");
		tls_admit_null_suites(ctx);
		if (SSL_CTX_set_cipher_list(ctx, list) != 1) {
			client_tls_print_errors("no usable suite in --ciphers");
			goto fail;
		}
	} else if (o->ciphers != NULL && SSL_CTX_set_cipher_list(ctx, o->ciphers) != 1) {
		client_tls_print_errors("no usable suite in --ciphers");
		goto fail;
	}
	if (o->cert_file != NULL &&
	    (SSL_CTX_use_certificate_chain_file(ctx, o->cert_file) != 1 ||
	     SSL_CTX_use_PrivateKey_file(ctx, o->key_file ? o->key_file : o->cert_file, SSL_FILETYPE_PEM) != 1)) {
		client_tls_print_errors("the client certificate or key cannot be used");
		goto fail;
	}
	return ctx;
fail:
	SSL_CTX_free(ctx);
	return NULL;
}

/* The server's name is checked as an IP address when it is one, else as a DNS name. */
int client_tls_expect_server_name(SSL *ssl, const char *name)
{
	X509_VERIFY_PARAM *param = SSL_get0_param(ssl);
	struct in6_addr a6;
	struct in_addr a4;

	if (inet_pton(AF_INET6, name, &a6) == 1 || inet_pton(AF_INET, name, &a4) == 1)
		return X509_VERIFY_PARAM_set1_ip_asc(param, name);
	SSL_set_tlsext_host_name(ssl, name);
	return SSL_set1_host(ssl, name);
}
