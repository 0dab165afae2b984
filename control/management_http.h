/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_MANAGEMENT_HTTP_H
#define IPHTTPS_MANAGEMENT_HTTP_H

/*
 * The management HTTP endpoint (control.http_listen), through libmicrohttpd
 * in its external-polling mode: the main lcore polls its epoll descriptor
 * with the control socket's and runs it there, so no other thread reads the
 * control plane's state and no worker ever serves a request. GET /metrics
 * and GET /health (metrics.h); anything else is 404 or 405. At most
 * MANAGEMENT_HTTP_MAX_CONNECTIONS at once (MANAGEMENT_HTTP_MAX_PER_ADDRESS
 * from one address), each timed out after MANAGEMENT_HTTP_TIMEOUT_S.
 */

#include <stddef.h>

enum {
	MANAGEMENT_HTTP_MAX_CONNECTIONS = 32,
	/* One host cannot take them all: the balancers' health checks and Prometheus still get in. */
	MANAGEMENT_HTTP_MAX_PER_ADDRESS = 8,
	MANAGEMENT_HTTP_TIMEOUT_S = 10,
};

/** Listen on "ADDR:PORT"/"[ADDR]:PORT". @return 0, or -1 with the reason in err. */
int management_http_start(const char *listen, char *err, size_t err_len);

/** The descriptor to poll for input (-1 when the endpoint is off). */
int management_http_fd(void);

/** Serve what is ready and run the timeouts (never blocks). */
void management_http_run(void);

void management_http_stop(void);

#endif
