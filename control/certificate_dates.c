/* SPDX-License-Identifier: BSD-3-Clause */
#include "certificate_dates.h"

#include <stdio.h>
#include <string.h>

#include <openssl/asn1.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "appliance_config.h"
#include "log.h"
#include "tls_ocsp_staple.h"
#include "tls_session.h"

static bool to_time(const ASN1_TIME *t, time_t *out)
{
	struct tm tm;

	if (!t || ASN1_TIME_to_tm(t, &tm) != 1)
		return false;
	*out = timegm(&tm);
	return true;
}

static void read_certificate(const char *path, struct certificate_date *d)
{
	FILE *f = path[0] ? fopen(path, "r") : NULL;
	X509 *x;

	memset(d, 0, sizeof(*d));
	if (!f)
		return;
	x = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	if (x && to_time(X509_get0_notAfter(x), &d->expires)) {
		d->present = true;
		tls_x509_name_text(X509_get_subject_name(x), d->subject, sizeof(d->subject));
	}
	X509_free(x);
	ERR_clear_error();
}

static void read_crl(const char *path, struct certificate_date *d)
{
	FILE *f = path[0] ? fopen(path, "r") : NULL;
	X509_CRL *crl;

	memset(d, 0, sizeof(*d));
	if (!f)
		return;
	crl = PEM_read_X509_CRL(f, NULL, NULL, NULL);
	fclose(f);
	if (crl && to_time(X509_CRL_get0_nextUpdate(crl), &d->expires)) {
		d->present = true;
		tls_x509_name_text(X509_CRL_get_issuer(crl), d->subject, sizeof(d->subject));
	}
	X509_CRL_free(crl);
	ERR_clear_error();
}

void certificate_dates_read(const struct config_tls *tls, struct certificate_dates *dates)
{
	read_certificate(tls->certificate, &dates->server);
	read_certificate(tls->client_ca, &dates->client_ca);
	read_crl(tls->client_crl, &dates->client_crl);
	memset(&dates->ocsp_response, 0, sizeof(dates->ocsp_response));
	if (tls->ocsp_response[0] && tls_ocsp_next_update(tls->ocsp_response, &dates->ocsp_response.expires) == 0) {
		dates->ocsp_response.present = true;
		snprintf(dates->ocsp_response.subject, sizeof(dates->ocsp_response.subject), "%s",
			 tls->ocsp_response);
	}
}

static bool warn(const char *what, const char *event, const struct certificate_date *d, time_t now)
{
	char when[32];
	struct tm tm;
	long days = (long)((d->expires - now) / 86400);

	if (!d->present || d->expires - now > (time_t)CERTIFICATE_WARN_DAYS * 86400)
		return false;
	gmtime_r(&d->expires, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M UTC", &tm);
	if (d->expires <= now)
		log_warn("TLS: %s (%s) %s on %s: renew it now", what, d->subject, event[0] == 'e' ? "expired" : "was due",
			 when);
	else
		log_warn("TLS: %s (%s) %s on %s, in %ld day(s): renew it", what, d->subject, event, when, days);
	return true;
}

unsigned int certificate_dates_warn(const struct certificate_dates *dates, time_t now)
{
	return warn("the server certificate", "expires", &dates->server, now) +
	       warn("the client CA", "expires", &dates->client_ca, now) +
	       warn("the CRL's next update", "is due", &dates->client_crl, now) +
	       warn("the stapled OCSP response", "expires", &dates->ocsp_response, now);
}
