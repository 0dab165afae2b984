/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_METRICS_H
#define IPHTTPS_METRICS_H

/*
 * What the management HTTP endpoint serves (management_http.h), made on the
 * main lcore from copies the workers make between two bursts:
 *
 *   metrics  Prometheus text exposition (format 0.0.4), named as
 *            Prometheus' guide says: every worker counter per worker, the
 *            ones that are reasons as labels of one family (drops, HTTP
 *            responses, TLS failures: metrics.c), times in seconds; the
 *            ports' link and device counters; gauges (sessions, clients,
 *            state, auth mode, worker load, certificate expiry, mbufs in use,
 *            build info). The same numbers as the DPDK telemetry commands.
 *   health   for load balancers: "ok" (200) while new clients are welcome;
 *            "draining", "full" (max_clients reached), "link disabled" or
 *            "stopping" (503), so an L4 balancer sends no new client to an
 *            appliance that would refuse it.
 */

#include <stddef.h>

/** The metrics page, malloc'd (the caller frees). @return NULL when a worker did not answer or memory ran out. */
char *metrics_render(size_t *len);

/** The health word and its HTTP status. */
const char *health_status(unsigned int *http_status);

#endif
