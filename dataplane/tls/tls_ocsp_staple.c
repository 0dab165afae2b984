/* SPDX-License-Identifier: BSD-3-Clause */
#include "tls_ocsp_staple.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/ocsp.h>
#include <openssl/x509.h>

enum { OCSP_RESPONSE_MAX_BYTES = 64 * 1024, OCSP_CLOCK_SKEW_S = 300 };

struct staple {
	unsigned char *der;
	long len;
};

static int staple_index = -1;

static void staple_free(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx, long argl, void *argp)
{
	struct staple *st = ptr;

	(void)parent, (void)ad, (void)idx, (void)argl, (void)argp;
	if (st)
		free(st->der);
	free(st);
}

/* OpenSSL asks when a client sent status_request: give it a copy (it frees it). */
static int status_cb(SSL *ssl, void *arg)
{
	const struct staple *st = arg;
	unsigned char *copy = OPENSSL_memdup(st->der, (size_t)st->len);

	if (!copy)
		return SSL_TLSEXT_ERR_NOACK;
	if (SSL_set_tlsext_status_ocsp_resp(ssl, copy, st->len) != 1) {
		OPENSSL_free(copy);
		return SSL_TLSEXT_ERR_NOACK;
	}
	return SSL_TLSEXT_ERR_OK;
}

static unsigned char *read_file(const char *path, long *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = malloc(OCSP_RESPONSE_MAX_BYTES);
	size_t n = 0;

	if (f && buf)
		n = fread(buf, 1, OCSP_RESPONSE_MAX_BYTES, f);
	if (f)
		fclose(f);
	if (!buf || n == 0 || n == OCSP_RESPONSE_MAX_BYTES) {
		free(buf);
		return NULL;
	}
	*len = (long)n;
	return buf;
}

/* The single response for serial in basic, or NULL. */
static OCSP_SINGLERESP *response_for(OCSP_BASICRESP *basic, const ASN1_INTEGER *serial)
{
	for (int i = 0; i < OCSP_resp_count(basic); i++) {
		OCSP_SINGLERESP *single = OCSP_resp_get0(basic, i);
		ASN1_INTEGER *s = NULL;

		if (OCSP_id_get0_info(NULL, NULL, NULL, &s, (OCSP_CERTID *)OCSP_SINGLERESP_get0_id(single)) == 1 &&
		    ASN1_INTEGER_cmp(s, serial) == 0)
			return single;
	}
	return NULL;
}

/* Check the response in der for cert (NULL: any); fills next_update. @return 0, or -1 with err. */
static int check(const unsigned char *der, long len, X509 *cert, time_t *next_update, char *err, size_t err_len)
{
	const unsigned char *p = der;
	OCSP_RESPONSE *resp = d2i_OCSP_RESPONSE(NULL, &p, len);
	OCSP_BASICRESP *basic = NULL;
	OCSP_SINGLERESP *single;
	ASN1_GENERALIZEDTIME *this_update = NULL, *next = NULL;
	int status, reason, rc = -1;
	struct tm tm;

	if (!resp) {
		snprintf(err, err_len, "not a DER OCSP response");
		goto out;
	}
	status = OCSP_response_status(resp);
	if (status != OCSP_RESPONSE_STATUS_SUCCESSFUL) {
		snprintf(err, err_len, "the responder said '%s'", OCSP_response_status_str(status));
		goto out;
	}
	basic = OCSP_response_get1_basic(resp);
	single = basic ? (cert ? response_for(basic, X509_get0_serialNumber(cert)) : OCSP_resp_get0(basic, 0)) : NULL;
	if (!single) {
		snprintf(err, err_len, "it holds no status for the server certificate (tls.certificate)");
		goto out;
	}
	status = OCSP_single_get0_status(single, &reason, NULL, &this_update, &next);
	if (status == V_OCSP_CERTSTATUS_REVOKED) {
		snprintf(err, err_len, "it says the server certificate is revoked");
		goto out;
	}
	if (!next || ASN1_TIME_to_tm(next, &tm) != 1) {
		snprintf(err, err_len, "it has no nextUpdate (a client could not tell when it goes stale)");
		goto out;
	}
	*next_update = timegm(&tm);
	if (OCSP_check_validity(this_update, next, OCSP_CLOCK_SKEW_S, -1) != 1) {
		snprintf(err, err_len, "it is stale or not yet valid (thisUpdate/nextUpdate): fetch a fresh one");
		goto out;
	}
	rc = 0;
out:
	OCSP_BASICRESP_free(basic);
	OCSP_RESPONSE_free(resp);
	ERR_clear_error();
	return rc;
}

int tls_ocsp_staple_attach(SSL_CTX *ctx, const char *path, char *err, size_t err_len)
{
	struct staple *st = calloc(1, sizeof(*st));
	char why[160];
	time_t next_update;

	if (staple_index < 0)
		staple_index = SSL_CTX_get_ex_new_index(0, NULL, NULL, NULL, staple_free);
	if (!st || staple_index < 0) {
		free(st);
		snprintf(err, err_len, "tls.ocsp_response: out of memory");
		return -1;
	}
	st->der = read_file(path, &st->len);
	if (!st->der) {
		snprintf(err, err_len, "tls.ocsp_response: %s: cannot read it (or it is over %d bytes)", path,
			 OCSP_RESPONSE_MAX_BYTES);
		free(st);
		return -1;
	}
	if (check(st->der, st->len, SSL_CTX_get0_certificate(ctx), &next_update, why, sizeof(why)) != 0) {
		snprintf(err, err_len, "tls.ocsp_response: %s: %s", path, why);
		staple_free(NULL, st, NULL, 0, 0, NULL);
		return -1;
	}
	/* Owned by the context from here: freed with it (staple_free). */
	if (SSL_CTX_set_ex_data(ctx, staple_index, st) != 1) {
		staple_free(NULL, st, NULL, 0, 0, NULL);
		snprintf(err, err_len, "tls.ocsp_response: out of memory");
		return -1;
	}
	SSL_CTX_set_tlsext_status_cb(ctx, status_cb);
	SSL_CTX_set_tlsext_status_arg(ctx, st);
	return 0;
}

int tls_ocsp_next_update(const char *path, time_t *next_update)
{
	long len;
	unsigned char *der = read_file(path, &len);
	char err[160];
	int rc;

	*next_update = 0;
	if (!der)
		return -1;
	/* Read for its date only: a stale one still has a nextUpdate to show. */
	rc = check(der, len, NULL, next_update, err, sizeof(err)) == 0 || *next_update ? 0 : -1;
	free(der);
	return rc;
}
