/* SPDX-License-Identifier: BSD-3-Clause */
#include "version.h"
#include "metrics.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_mempool.h>

#include "appliance_state.h"
#include "certificate_dates.h"
#include "client_table.h"
#include "session_admin.h"
#include "stats_sampler.h"
#include "tls_watch.h"
#include "worker.h"

const char *health_status(unsigned int *http_status)
{
	const char *word = appliance_state_name();

	*http_status = 503;
	if (strcmp(word, "running") != 0)
		return word; /* draining, link disabled, stopping */
	if (client_table_entries() >= appliance.config->limits.max_clients)
		return "full";
	*http_status = 200;
	return "ok";
}

static void gauge(FILE *f, const char *name, const char *help, double value)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s gauge\n%s %.17g\n", name, help, name, name, value);
}

static void certificate(FILE *f, const char *which, const struct certificate_date *d)
{
	if (d->present)
		fprintf(f, "iphttps_certificate_expiry_timestamp_seconds{file=\"%s\"} %" PRId64 "\n", which,
			(int64_t)d->expires);
}

char *metrics_render(size_t *len)
{
	struct worker_counters *per_worker = calloc(worker_count ? worker_count : 1, sizeof(*per_worker));
	uint32_t sessions[CONFIG_MAX_WORKERS] = { 0 };
	const struct certificate_dates *dates = tls_watch_dates();
	struct stats_rates rates;
	const char *state = appliance_state_name();
	char *text = NULL;
	unsigned int health;
	FILE *f;

	if (!per_worker)
		return NULL;
	for (unsigned int i = 0; i < worker_count; i++)
		if (stats_counters_snapshot(i, &per_worker[i]) != 0)
			goto out;
	if (session_admin_count(sessions) < 0)
		goto out;
	stats_sampler_rates(&rates);
	f = open_memstream(&text, len);
	if (!f)
		goto out;
	/* Every counter of counters.h, per worker: one list, so none is forgotten. */
#define COUNTER(name, help)                                                                        \
	fprintf(f, "# HELP iphttps_" #name "_total %s\n# TYPE iphttps_" #name "_total counter\n", help); \
	for (unsigned int i = 0; i < worker_count; i++)                                            \
		fprintf(f, "iphttps_" #name "_total{worker=\"%u\"} %" PRIu64 "\n", i, per_worker[i].name);
	WORKER_COUNTERS(COUNTER)
#undef COUNTER
	fprintf(f, "# HELP iphttps_sessions Open sessions (any state) per worker\n# TYPE iphttps_sessions gauge\n");
	for (unsigned int i = 0; i < worker_count; i++)
		fprintf(f, "iphttps_sessions{worker=\"%u\"} %u\n", i, sessions[i]);
	fprintf(f, "# HELP iphttps_worker_busy_ratio Share of the last second a worker had frames to handle\n"
		   "# TYPE iphttps_worker_busy_ratio gauge\n");
	for (unsigned int i = 0; i < worker_count; i++)
		fprintf(f, "iphttps_worker_busy_ratio{worker=\"%u\"} %.4f\n", i, rates.busy_percent[i] / 100.0);
	gauge(f, "iphttps_clients", "Client Table entries (LinkUp sessions), all workers", client_table_entries());
	gauge(f, "iphttps_max_clients", "limits.max_clients", appliance.config->limits.max_clients);
	fprintf(f, "# HELP iphttps_state The appliance's state (1 for the one in force)\n# TYPE iphttps_state gauge\n");
	fprintf(f, "iphttps_state{state=\"%s\"} 1\n", state);
	/* The version's characters ([0-9a-z.+-]) need no escaping in a label value. */
	fprintf(f, "# HELP iphttps_build_info The iphttpsd that runs (its version, as --version says it)\n"
		   "# TYPE iphttps_build_info gauge\niphttps_build_info{version=\"%s\"} 1\n", iphttps_version);
	fprintf(f, "# HELP iphttps_authentication_mode The authentication mode in force\n"
		   "# TYPE iphttps_authentication_mode gauge\n");
	fprintf(f, "iphttps_authentication_mode{mode=\"%s\"} 1\n",
		config_auth_mode_name(appliance.config->iphttps.authentication));
	health_status(&health);
	gauge(f, "iphttps_accepting_clients", "1 when /health says ok", health == 200);
	gauge(f, "iphttps_reloads_total", "Reloads applied since start", (double)appliance.reloads);
	gauge(f, "iphttps_start_time_seconds", "When iphttpsd started (Unix time)", (double)appliance.started_at);
	if (worker_count)
		gauge(f, "iphttps_mbufs_in_use", "Buffers of the shared pool in use",
		      rte_mempool_in_use_count(workers[0].pool));
	fprintf(f, "# HELP iphttps_certificate_expiry_timestamp_seconds When the server certificate, the client CA "
		   "the CRL and the stapled OCSP response (next update) run out (Unix time)\n"
		   "# TYPE iphttps_certificate_expiry_timestamp_seconds gauge\n");
	certificate(f, "server", &dates->server);
	certificate(f, "client_ca", &dates->client_ca);
	certificate(f, "client_crl", &dates->client_crl);
	certificate(f, "ocsp_response", &dates->ocsp_response);
	if (fclose(f) != 0) {
		free(text);
		text = NULL;
	}
out:
	free(per_worker);
	return text;
}
