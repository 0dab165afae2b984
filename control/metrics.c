/* SPDX-License-Identifier: BSD-3-Clause */
#include "version.h"
#include "metrics.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>
#include <rte_cycles.h>
#include <rte_mempool.h>
#include <rte_version.h>

#include "appliance_state.h"
#include "certificate_dates.h"
#include "port_stats.h"
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
	if (session_admin_linkup_clients() >= appliance.config->limits.max_clients)
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

/*
 * The workers' counters as Prometheus' naming guide wants them: where a
 * counter is one reason among many it becomes a label of one family, so
 * that sum by (reason) and rate() work on the family (a query over many
 * metric names loses the name, and "drops by reason" could not be drawn):
 *   drop_<layer>_<reason>   iphttps_drops_total{layer,reason}
 *   http_status_<code>      iphttps_http_responses_total{code}
 *   tls_failed_<reason>     iphttps_tls_handshake_failures_total{reason}
 *   *_tsc_cycles, *_cycles  seconds (the base unit), divided by the TSC rate
 * and every other counter is iphttps_<name>_total. Each series has the
 * worker label.
 */
enum family {
	FAMILY_OWN, /* a family of its own: iphttps_<name>_total */
	FAMILY_DROPS,
	FAMILY_HTTP_RESPONSES,
	FAMILY_TLS_FAILURES,
	FAMILY_WORKER_BUSY_SECONDS,
	FAMILY_TLS_HANDSHAKE_SECONDS,
	FAMILY_COUNT
};

static const struct {
	const char *name, *help;
} family_text[FAMILY_COUNT] = {
	[FAMILY_DROPS] = { "iphttps_drops_total", "Packets dropped, by the layer that dropped them and why "
						  "(each reason's help: iphttpsctl show --json, or DPDK telemetry)" },
	[FAMILY_HTTP_RESPONSES] = { "iphttps_http_responses_total", "HTTP responses to IP-HTTPS requests, by status code" },
	[FAMILY_TLS_FAILURES] = { "iphttps_tls_handshake_failures_total",
				  "TLS handshakes that failed, by reason (docs/TROUBLESHOOTING.md)" },
	[FAMILY_WORKER_BUSY_SECONDS] = { "iphttps_worker_busy_seconds_total",
					 "Time a worker spent on loop iterations that had frames to handle" },
	[FAMILY_TLS_HANDSHAKE_SECONDS] = { "iphttps_tls_handshake_cpu_seconds_total",
					   "Time spent inside SSL_do_handshake (crypto and TLS state machine)" },
};

static const struct {
	const char *name, *help;
} counter_list[WORKER_COUNTER_COUNT] = {
#define COUNTER_ENTRY(name, help) [COUNTER_##name] = { #name, help },
	WORKER_COUNTERS(COUNTER_ENTRY)
#undef COUNTER_ENTRY
};
enum { COUNTER_COUNT = WORKER_COUNTER_COUNT };

/* Which family counter i belongs to, and its labels there ("" for none). */
static enum family family_of(unsigned int i, char *labels, size_t len)
{
	const char *name = counter_list[i].name;

	labels[0] = 0;
	if (strncmp(name, "drop_", 5) == 0) {
		const char *layer = name + 5, *reason = strchr(layer, '_');

		if (reason) {
			snprintf(labels, len, "layer=\"%.*s\",reason=\"%s\",", (int)(reason - layer), layer, reason + 1);
			return FAMILY_DROPS;
		}
	}
	if (strcmp(name, "tx_dropped_queue_full") == 0) {
		snprintf(labels, len, "layer=\"port\",reason=\"tx_queue_full\",");
		return FAMILY_DROPS;
	}
	if (strcmp(name, "mbuf_alloc_failed") == 0) {
		snprintf(labels, len, "layer=\"core\",reason=\"mbuf_pool_empty\",");
		return FAMILY_DROPS;
	}
	if (strncmp(name, "http_status_", 12) == 0) {
		snprintf(labels, len, "code=\"%s\",", name + 12);
		return FAMILY_HTTP_RESPONSES;
	}
	if (strcmp(name, "http_requests_accepted") == 0) {
		snprintf(labels, len, "code=\"200\",");
		return FAMILY_HTTP_RESPONSES;
	}
	if (strncmp(name, "tls_failed_", 11) == 0) {
		snprintf(labels, len, "reason=\"%s\",", name + 11);
		return FAMILY_TLS_FAILURES;
	}
	if (strcmp(name, "tls_handshake_timeouts") == 0) {
		snprintf(labels, len, "reason=\"timeout\",");
		return FAMILY_TLS_FAILURES;
	}
	if (strcmp(name, "busy_tsc_cycles") == 0)
		return FAMILY_WORKER_BUSY_SECONDS;
	if (strcmp(name, "tls_handshake_cycles") == 0)
		return FAMILY_TLS_HANDSHAKE_SECONDS;
	return FAMILY_OWN;
}

static void counter_sample(FILE *f, const char *family, const char *labels, unsigned int worker, uint64_t value,
			   enum family kind)
{
	if (kind == FAMILY_WORKER_BUSY_SECONDS || kind == FAMILY_TLS_HANDSHAKE_SECONDS)
		fprintf(f, "%s{%sworker=\"%u\"} %.9f\n", family, labels, worker, (double)value / (double)rte_get_tsc_hz());
	else
		fprintf(f, "%s{%sworker=\"%u\"} %" PRIu64 "\n", family, labels, worker, value);
}

/* Every counter of every layer (worker_counters.h), per worker, each in its family (all of a family's samples together). */
static void worker_counters(FILE *f, const struct worker_counters *per_worker)
{
	char labels[160];

	for (unsigned int i = 0; i < COUNTER_COUNT; i++) {
		if (family_of(i, labels, sizeof(labels)) != FAMILY_OWN)
			continue;
		fprintf(f, "# HELP iphttps_%s_total %s\n# TYPE iphttps_%s_total counter\n", counter_list[i].name,
			counter_list[i].help, counter_list[i].name);
		for (unsigned int w = 0; w < worker_count; w++) {
			char family[96];

			snprintf(family, sizeof(family), "iphttps_%s_total", counter_list[i].name);
			counter_sample(f, family, "", w, per_worker[w].slot[i], FAMILY_OWN);
		}
	}
	for (int kind = FAMILY_OWN + 1; kind < FAMILY_COUNT; kind++) {
		fprintf(f, "# HELP %s %s\n# TYPE %s counter\n", family_text[kind].name, family_text[kind].help,
			family_text[kind].name);
		for (unsigned int i = 0; i < COUNTER_COUNT; i++) {
			if (family_of(i, labels, sizeof(labels)) != (enum family)kind)
				continue;
			for (unsigned int w = 0; w < worker_count; w++)
				counter_sample(f, family_text[kind].name, labels, w,
					       per_worker[w].slot[i], (enum family)kind);
		}
	}
}

/* The ports' own view (port_stats.h): link, and what the NIC counted and dropped. */
static void port_family(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* One series each way: NAME{port="P",LABELS,direction="rx|tx"}. */
static void port_pair(FILE *f, const char *name, const char *port, const char *labels, uint64_t rx, uint64_t tx)
{
	fprintf(f, "%s{port=\"%s\",%sdirection=\"rx\"} %" PRIu64 "\n%s{port=\"%s\",%sdirection=\"tx\"} %" PRIu64 "\n",
		name, port, labels, rx, name, port, labels, tx);
}

static void port_statistics(FILE *f)
{
	struct port_stats_view v[CONFIG_PORT_COUNT];
	char queue[32];
	bool ok[CONFIG_PORT_COUNT];
	const char *port[CONFIG_PORT_COUNT];

	for (int r = 0; r < CONFIG_PORT_COUNT; r++) {
		ok[r] = port_stats_read(r, &v[r]) == 0;
		port[r] = config_port_role_name(r);
	}
#define EACH_PORT for (int r = 0; r < CONFIG_PORT_COUNT; r++) if (ok[r])
	port_family(f, "iphttps_port_link_up", "gauge", "1 while the port's link is up");
	EACH_PORT fprintf(f, "iphttps_port_link_up{port=\"%s\"} %d\n", port[r], v[r].link_up);
	port_family(f, "iphttps_port_link_speed_bytes_per_second", "gauge", "The link's speed, as the device says it");
	EACH_PORT if (v[r].speed_bytes_per_second)
		fprintf(f, "iphttps_port_link_speed_bytes_per_second{port=\"%s\"} %" PRIu64 "\n", port[r],
			v[r].speed_bytes_per_second);
	port_family(f, "iphttps_port_packets_total", "counter", "Packets the device received and sent");
	EACH_PORT port_pair(f, "iphttps_port_packets_total", port[r], "", v[r].rx_packets, v[r].tx_packets);
	port_family(f, "iphttps_port_bytes_total", "counter", "Bytes the device received and sent");
	EACH_PORT port_pair(f, "iphttps_port_bytes_total", port[r], "", v[r].rx_bytes, v[r].tx_bytes);
	port_family(f, "iphttps_port_errors_total", "counter", "Packets the device counted as errors");
	EACH_PORT port_pair(f, "iphttps_port_errors_total", port[r], "", v[r].rx_errors, v[r].tx_errors);
	port_family(f, "iphttps_port_rx_missed_packets_total", "counter",
		    "Packets the device dropped because an RX queue was full (the workers did not keep up)");
	EACH_PORT fprintf(f, "iphttps_port_rx_missed_packets_total{port=\"%s\"} %" PRIu64 "\n", port[r], v[r].rx_missed);
	port_family(f, "iphttps_port_rx_nombuf_total", "counter",
		    "Packets the device dropped for want of an mbuf (eal.mbufs)");
	EACH_PORT fprintf(f, "iphttps_port_rx_nombuf_total{port=\"%s\"} %" PRIu64 "\n", port[r], v[r].rx_nombuf);
	port_family(f, "iphttps_port_queue_packets_total", "counter", "Packets per queue (one queue pair per worker)");
	EACH_PORT for (unsigned int q = 0; q < v[r].queues; q++) {
		snprintf(queue, sizeof(queue), "queue=\"%u\",", q);
		port_pair(f, "iphttps_port_queue_packets_total", port[r], queue, v[r].queue_rx_packets[q],
			  v[r].queue_tx_packets[q]);
	}
	port_family(f, "iphttps_port_queue_bytes_total", "counter", "Bytes per queue");
	EACH_PORT for (unsigned int q = 0; q < v[r].queues; q++) {
		snprintf(queue, sizeof(queue), "queue=\"%u\",", q);
		port_pair(f, "iphttps_port_queue_bytes_total", port[r], queue, v[r].queue_rx_bytes[q],
			  v[r].queue_tx_bytes[q]);
	}
#undef EACH_PORT
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
	worker_counters(f, per_worker);
	port_statistics(f);
	fprintf(f, "# HELP iphttps_sessions Open sessions (any state) per worker\n# TYPE iphttps_sessions gauge\n");
	for (unsigned int i = 0; i < worker_count; i++)
		fprintf(f, "iphttps_sessions{worker=\"%u\"} %u\n", i, sessions[i]);
	fprintf(f, "# HELP iphttps_worker_busy_ratio Share of the last second a worker had frames to handle\n"
		   "# TYPE iphttps_worker_busy_ratio gauge\n");
	for (unsigned int i = 0; i < worker_count; i++)
		fprintf(f, "iphttps_worker_busy_ratio{worker=\"%u\"} %.4f\n", i, rates.busy_percent[i] / 100.0);
	gauge(f, "iphttps_clients", "Client Table entries (LinkUp sessions), all workers", session_admin_linkup_clients());
	gauge(f, "iphttps_max_clients", "limits.max_clients", appliance.config->limits.max_clients);
	fprintf(f, "# HELP iphttps_state The appliance's state (1 for the one in force)\n# TYPE iphttps_state gauge\n");
	fprintf(f, "iphttps_state{state=\"%s\"} 1\n", state);
	/* The versions' characters need no escaping in a label value (no quote, backslash or newline). */
	fprintf(f, "# HELP iphttps_build_info The iphttpsd that runs (its version, as --version says it), "
		   "and the DPDK and OpenSSL it runs with\n# TYPE iphttps_build_info gauge\n"
		   "iphttps_build_info{version=\"%s\",dpdk=\"%s\",openssl=\"%s\"} 1\n",
		iphttps_version, rte_version(), OpenSSL_version(OPENSSL_VERSION_STRING));
	fprintf(f, "# HELP iphttps_authentication_mode The authentication mode in force\n"
		   "# TYPE iphttps_authentication_mode gauge\n");
	fprintf(f, "iphttps_authentication_mode{mode=\"%s\"} 1\n",
		config_auth_mode_name(appliance.config->iphttps.authentication));
	health_status(&health);
	gauge(f, "iphttps_accepting_clients", "1 when /health says ok", health == 200);
	fprintf(f, "# HELP iphttps_reloads_total Reloads applied since start\n# TYPE iphttps_reloads_total counter\n"
		   "iphttps_reloads_total %" PRIu64 "\n", appliance.reloads);
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
