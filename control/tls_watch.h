/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_TLS_WATCH_H
#define IPHTTPS_TLS_WATCH_H

/*
 * The main lcore's watch over TLS state that changes while the appliance
 * runs. Every TLS_WATCH_INTERVAL_MS it looks at the files behind the TLS
 * context (certificate, key, client CA, CRL, OCSP response): when one has changed, a new
 * context is built from them and swapped in for new handshakes, while the
 * sessions on the old one keep it until they end; a file that no longer
 * loads changes nothing and is logged. So a CRL re-issued before its
 * next-update is taken without a restart (on its next-update an old CRL
 * would refuse every client); so is a refreshed OCSP response. The ticket
 * keys rotate, or are read again from their file (ticket_key_source.h). Every
 * hour (and after each change) it warns in the log of each certificate, CRL
 * or OCSP response within CERTIFICATE_WARN_DAYS of running out.
 */

#include <stdint.h>

struct iphttps_config;

enum tls_watch_limits { TLS_WATCH_INTERVAL_MS = 1000 };

/** Note the files as they are now, and read their dates (after the datapath started, and after a reload). */
void tls_watch_start(const struct iphttps_config *config);

struct certificate_dates;

/** The dates of the TLS files in force, as last read (at start, on a change, hourly): show and the metrics. */
const struct certificate_dates *tls_watch_dates(void);

/** Look again if the interval has passed; reload and rotate as due. now_ms: a monotonic clock. */
void tls_watch_tick(const struct iphttps_config *config, uint64_t now_ms);

#endif
