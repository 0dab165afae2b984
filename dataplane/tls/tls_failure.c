/* SPDX-License-Identifier: BSD-3-Clause */
#include "tls_failure.h"

#include <stdio.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/x509.h>

#include "tls_counters.h"
#include "worker.h"

static const struct {
	const char *name;
	const char *text;
} failures[TLS_FAILURE_COUNT] = {
	[TLS_FAILURE_PEER_CLOSED] = { "peer_closed", "the client closed the connection during the handshake, "
						     "without an alert" },
	[TLS_FAILURE_NOT_TLS] = { "not_tls", "the client does not speak TLS (plain HTTP or other bytes)" },
	[TLS_FAILURE_PROTOCOL_VERSION] = { "protocol_version", "no TLS version in common "
							       "(tls.min_version, tls.max_version)" },
	[TLS_FAILURE_NO_SHARED_CIPHER] = { "no_shared_cipher", "no cipher suite, group or signature algorithm in "
							       "common (tls.ciphers, tls.null_encryption)" },
	[TLS_FAILURE_CLIENT_ALERT_UNKNOWN_CA] = { "client_alert_unknown_ca",
						  "the client does not trust the CA of the server certificate" },
	[TLS_FAILURE_CLIENT_ALERT_BAD_CERTIFICATE] = { "client_alert_bad_certificate",
						       "the client refused the server certificate (its name, usage "
						       "or revocation status)" },
	[TLS_FAILURE_CLIENT_ALERT_CERTIFICATE_EXPIRED] = { "client_alert_certificate_expired",
							   "the client says the server certificate has expired" },
	[TLS_FAILURE_CLIENT_ALERT_OTHER] = { "client_alert_other", "the client ended the handshake with an alert" },
	[TLS_FAILURE_CLIENT_CERTIFICATE_MISSING] = { "client_certificate_missing",
						     "the client presented no certificate (certificates mode)" },
	[TLS_FAILURE_CLIENT_CERTIFICATE_UNKNOWN_CA] = { "client_certificate_unknown_ca",
							"the client certificate is not from a CA in tls.client_ca" },
	[TLS_FAILURE_CLIENT_CERTIFICATE_REVOKED] = { "client_certificate_revoked",
						     "the client certificate is revoked (tls.client_crl)" },
	[TLS_FAILURE_CLIENT_CERTIFICATE_EXPIRED] = { "client_certificate_expired",
						     "the client certificate has expired or is not yet valid" },
	[TLS_FAILURE_CLIENT_CERTIFICATE_INVALID] = { "client_certificate_invalid",
						     "the client certificate failed verification" },
	[TLS_FAILURE_OTHER] = { "other", "the handshake failed" },
};

const char *tls_failure_text(enum tls_failure why)
{
	return why < TLS_FAILURE_COUNT ? failures[why].text : failures[TLS_FAILURE_OTHER].text;
}

const char *tls_failure_name(enum tls_failure why)
{
	return why < TLS_FAILURE_COUNT ? failures[why].name : failures[TLS_FAILURE_OTHER].name;
}

/* The counters' list (TLS_FAILURE_COUNTERS, tls_counters.h) is in the enum's
 * order, so a reason's counter is the first one's slot plus the reason. */
#define IN_ORDER(reason, REASON)                                                                 \
	_Static_assert((int)(COUNTER_tls_failed_##reason - COUNTER_tls_failed_peer_closed) ==        \
		       (int)TLS_FAILURE_##REASON, "tls_failed_" #reason " is not in the enum's place");
IN_ORDER(peer_closed, PEER_CLOSED)
IN_ORDER(not_tls, NOT_TLS)
IN_ORDER(protocol_version, PROTOCOL_VERSION)
IN_ORDER(no_shared_cipher, NO_SHARED_CIPHER)
IN_ORDER(client_alert_unknown_ca, CLIENT_ALERT_UNKNOWN_CA)
IN_ORDER(client_alert_bad_certificate, CLIENT_ALERT_BAD_CERTIFICATE)
IN_ORDER(client_alert_certificate_expired, CLIENT_ALERT_CERTIFICATE_EXPIRED)
IN_ORDER(client_alert_other, CLIENT_ALERT_OTHER)
IN_ORDER(client_certificate_missing, CLIENT_CERTIFICATE_MISSING)
IN_ORDER(client_certificate_unknown_ca, CLIENT_CERTIFICATE_UNKNOWN_CA)
IN_ORDER(client_certificate_revoked, CLIENT_CERTIFICATE_REVOKED)
IN_ORDER(client_certificate_expired, CLIENT_CERTIFICATE_EXPIRED)
IN_ORDER(client_certificate_invalid, CLIENT_CERTIFICATE_INVALID)
IN_ORDER(other, OTHER)
#undef IN_ORDER

void tls_failure_count(struct worker *w, enum tls_failure why)
{
	if (why >= TLS_FAILURE_COUNT)
		why = TLS_FAILURE_OTHER;
	w->counters.slot[COUNTER_tls_failed_peer_closed + why]++;
}

/* An alert the client sent (OpenSSL reports it as reason SSL_AD_REASON_OFFSET + the alert). */
static enum tls_failure from_alert(int alert)
{
	switch (alert) {
	case SSL_AD_UNKNOWN_CA: return TLS_FAILURE_CLIENT_ALERT_UNKNOWN_CA;
	case SSL_AD_BAD_CERTIFICATE:
	case SSL_AD_UNSUPPORTED_CERTIFICATE:
	case SSL_AD_CERTIFICATE_REVOKED:
	case SSL_AD_CERTIFICATE_UNKNOWN: return TLS_FAILURE_CLIENT_ALERT_BAD_CERTIFICATE;
	case SSL_AD_CERTIFICATE_EXPIRED: return TLS_FAILURE_CLIENT_ALERT_CERTIFICATE_EXPIRED;
	case SSL_AD_PROTOCOL_VERSION: return TLS_FAILURE_PROTOCOL_VERSION;
	default: return TLS_FAILURE_CLIENT_ALERT_OTHER;
	}
}

/* Our verdict on the client's certificate (X509_V_ERR_*). */
static enum tls_failure from_verify(long result)
{
	switch (result) {
	case X509_V_ERR_CERT_REVOKED: return TLS_FAILURE_CLIENT_CERTIFICATE_REVOKED;
	case X509_V_ERR_CERT_HAS_EXPIRED:
	case X509_V_ERR_CERT_NOT_YET_VALID: return TLS_FAILURE_CLIENT_CERTIFICATE_EXPIRED;
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
	case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
	case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
	case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
	case X509_V_ERR_CERT_UNTRUSTED: return TLS_FAILURE_CLIENT_CERTIFICATE_UNKNOWN_CA;
	default: return TLS_FAILURE_CLIENT_CERTIFICATE_INVALID;
	}
}

enum tls_failure tls_failure_classify(const SSL *ssl, bool peer_closed)
{
	unsigned long e = ERR_peek_last_error();
	int why = ERR_GET_LIB(e) == ERR_LIB_SSL ? ERR_GET_REASON(e) : 0;
	long verify = SSL_get_verify_result(ssl);

	if (why > SSL_AD_REASON_OFFSET && why < SSL_AD_REASON_OFFSET + 256)
		return from_alert(why - SSL_AD_REASON_OFFSET);
	if (why == SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE)
		return TLS_FAILURE_CLIENT_CERTIFICATE_MISSING;
	if (why == SSL_R_CERTIFICATE_VERIFY_FAILED || verify != X509_V_OK)
		return from_verify(verify);
	switch (why) {
	case SSL_R_HTTP_REQUEST:
	case SSL_R_HTTPS_PROXY_REQUEST:
	case SSL_R_WRONG_VERSION_NUMBER:
	case SSL_R_PACKET_LENGTH_TOO_LONG:
	case SSL_R_UNKNOWN_PROTOCOL:
	case SSL_R_RECORD_LENGTH_MISMATCH: return TLS_FAILURE_NOT_TLS;
	case SSL_R_UNSUPPORTED_PROTOCOL:
	case SSL_R_VERSION_TOO_LOW:
	case SSL_R_VERSION_TOO_HIGH: return TLS_FAILURE_PROTOCOL_VERSION;
	case SSL_R_NO_SHARED_CIPHER:
	case SSL_R_NO_SHARED_GROUPS:
	case SSL_R_NO_SUITABLE_SIGNATURE_ALGORITHM: return TLS_FAILURE_NO_SHARED_CIPHER;
	case SSL_R_UNEXPECTED_EOF_WHILE_READING: return TLS_FAILURE_PEER_CLOSED;
	default: return peer_closed ? TLS_FAILURE_PEER_CLOSED : TLS_FAILURE_OTHER;
	}
}

/* The certificate the verify callback last refused on this thread, and for
 * which SSL: OpenSSL frees a chain it refused before the handshake returns.
 * A worker runs one handshake step at a time, so one note per thread does. */
static __thread const SSL *noted_ssl;
static __thread char noted_certificate[512];

static void print_name(char *buf, size_t len, const X509_NAME *name)
{
	BIO *b = BIO_new(BIO_s_mem());
	int n;

	buf[0] = 0;
	if (!b)
		return;
	/* One line, RFC 2253 order with spaces after commas, multibyte characters kept. */
	X509_NAME_print_ex(b, name, 0, XN_FLAG_ONELINE & ~ASN1_STRFLGS_ESC_MSB);
	n = BIO_read(b, buf, (int)len - 1);
	buf[n > 0 ? n : 0] = 0;
	BIO_free(b);
}

static void describe(X509 *c, char *buf, size_t len)
{
	char subject[240], issuer[240];

	print_name(subject, sizeof(subject), X509_get_subject_name(c));
	print_name(issuer, sizeof(issuer), X509_get_issuer_name(c));
	snprintf(buf, len, "subject=%s; issuer=%s", subject, issuer);
}

int tls_failure_verify_callback(int preverify_ok, X509_STORE_CTX *store)
{
	if (!preverify_ok) {
		const SSL *ssl = X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx());
		X509 *leaf = X509_STORE_CTX_get0_cert(store);

		/* The first refusal of this handshake: the leaf the client presented. */
		if (ssl && leaf && noted_ssl != ssl) {
			describe(leaf, noted_certificate, sizeof(noted_certificate));
			noted_ssl = ssl;
		}
	}
	return preverify_ok;
}

const char *tls_failure_presented_certificate(const SSL *ssl, char *buf, size_t len)
{
	X509 *peer = SSL_get0_peer_certificate(ssl);

	buf[0] = 0;
	if (noted_ssl == ssl) {
		snprintf(buf, len, "%s", noted_certificate);
		noted_ssl = NULL;
	} else if (peer) {
		describe(peer, buf, len);
	}
	return buf;
}
