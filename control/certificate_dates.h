/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_CERTIFICATE_DATES_H
#define IPHTTPS_CERTIFICATE_DATES_H

/*
 * When the appliance's TLS files run out: the server certificate's and the
 * client CA's notAfter, the CRL's nextUpdate (after which OpenSSL refuses
 * every client in certificates mode), the stapled OCSP response's
 * nextUpdate. Read from the files on the main lcore
 * for `show` and the metrics; tls_watch warns from CERTIFICATE_WARN_DAYS ahead.
 */

#include <stdbool.h>
#include <time.h>

enum { CERTIFICATE_WARN_DAYS = 30 };

struct certificate_date {
	bool present;       /* the file is configured and was read */
	time_t expires;     /* notAfter, or the CRL's nextUpdate */
	char subject[256];  /* RFC 2253; the issuer for a CRL */
};

struct certificate_dates {
	struct certificate_date server, client_ca, client_crl, ocsp_response;
};

struct config_tls;

/** Read the dates of the configured files; a file that does not read is left not present. */
void certificate_dates_read(const struct config_tls *tls, struct certificate_dates *dates);

/** Log a warning for each date within CERTIFICATE_WARN_DAYS of now (or past). @return how many. */
unsigned int certificate_dates_warn(const struct certificate_dates *dates, time_t now);

#endif
