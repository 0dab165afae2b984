/* SPDX-License-Identifier: BSD-3-Clause */
#include "tls_watch.h"

#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "appliance_config.h"
#include "certificate_dates.h"
#include "datapath.h"
#include "file_seen.h"
#include "log.h"
#include "tls_context.h"
#include "ticket_key_source.h"

enum { WATCHED_FILES = 5, EXPIRY_CHECK_INTERVAL_MS = 3600 * 1000 };

static struct file_seen files[WATCHED_FILES];
static uint64_t next_check_ms, next_expiry_check_ms;
/* Read from the files when they change, not per scrape: parsing PEM at 10 Hz is a cost the tunnel would pay. */
static struct certificate_dates dates;

const struct certificate_dates *tls_watch_dates(void)
{
	return &dates;
}

void tls_watch_start(const struct iphttps_config *config)
{
	const char *paths[WATCHED_FILES] = { config->tls.certificate, config->tls.private_key, config->tls.client_ca,
					     config->tls.client_crl, config->tls.ocsp_response };

	for (unsigned int i = 0; i < WATCHED_FILES; i++) {
		files[i].path = paths[i];
		file_seen_look(&files[i]);
	}
	next_check_ms = next_expiry_check_ms = 0; /* and warned of at the first tick */
	certificate_dates_read(&config->tls, &dates);
}

static void reload(const struct iphttps_config *config, const char *why, bool client_trust)
{
	char err[512];
	SSL_CTX *ctx = tls_context_create(config, err, sizeof(err)), *old;

	if (!ctx) {
		log_warn("TLS: %s changed but does not load (%s); new handshakes keep the current files", why, err);
		return;
	}
	/* Once every worker has passed a quiescent point none is between reading
	 * the old pointer and SSL_new (which takes its own reference): free it. */
	old = tls_context_swap(ctx);
	/* A new CA or CRL: tickets sealed under the old ones must not resume (a revoked client would). */
	if (client_trust)
		ticket_key_source_trust_changed(config);
	datapath_wait_quiescent();
	tls_context_free(old);
	log_info("TLS: %s changed: new handshakes use it; established sessions keep theirs", why);
}

void tls_watch_tick(const struct iphttps_config *config, uint64_t now_ms)
{
	const char *why = NULL;
	bool client_trust = false;

	if (!tls_context_current() || now_ms < next_check_ms)
		return;
	next_check_ms = now_ms + TLS_WATCH_INTERVAL_MS;
	ticket_key_source_tick(config, now_ms);
	for (unsigned int i = 0; i < WATCHED_FILES; i++)
		if (file_seen_changed(&files[i])) {
			why = files[i].path;
			client_trust |= i == 2 || i == 3; /* client_ca, client_crl */
			file_seen_look(&files[i]);
		}
	if (why) {
		reload(config, why, client_trust);
		next_expiry_check_ms = 0;
	}
	if (now_ms >= next_expiry_check_ms) {
		/* Hourly: an operator who misses one line sees the next. */
		certificate_dates_read(&config->tls, &dates);
		certificate_dates_warn(&dates, time(NULL));
		next_expiry_check_ms = now_ms + EXPIRY_CHECK_INTERVAL_MS;
	}
}
