/* SPDX-License-Identifier: BSD-3-Clause */
#include "management_http.h"

#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <microhttpd.h>

#include "appliance_config.h"
#include "log.h"
#include "metrics.h"

static struct MHD_Daemon *daemon_http;

static enum MHD_Result reply(struct MHD_Connection *c, unsigned int status, const char *type, char *body, size_t len,
			     enum MHD_ResponseMemoryMode mode)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(len, body, mode);
	enum MHD_Result rc;

	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	rc = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return rc;
}

static enum MHD_Result answer(void *cls, struct MHD_Connection *c, const char *url, const char *method,
			      const char *version, const char *upload_data, size_t *upload_data_size, void **state)
{
	static char not_found[] = "not found: try /metrics or /health\n";
	static char not_allowed[] = "method not allowed: GET or HEAD\n";
	static char unavailable[] = "statistics unavailable: a worker did not answer\n";

	(void)cls, (void)version, (void)upload_data;
	if (!*state) { /* the first call for a request: headers only */
		*state = c;
		return MHD_YES;
	}
	if (*upload_data_size) { /* a body on GET: not ours to read */
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 && strcmp(method, MHD_HTTP_METHOD_HEAD) != 0)
		return reply(c, MHD_HTTP_METHOD_NOT_ALLOWED, "text/plain", not_allowed, sizeof(not_allowed) - 1,
			     MHD_RESPMEM_PERSISTENT);
	if (strcmp(url, "/health") == 0) {
		unsigned int status;
		char body[32];
		int n = snprintf(body, sizeof(body), "%s\n", health_status(&status));

		return reply(c, status, "text/plain", body, (size_t)n, MHD_RESPMEM_MUST_COPY);
	}
	if (strcmp(url, "/metrics") == 0) {
		size_t len;
		char *text = metrics_render(&len);

		if (!text)
			return reply(c, MHD_HTTP_SERVICE_UNAVAILABLE, "text/plain", unavailable, sizeof(unavailable) - 1,
				     MHD_RESPMEM_PERSISTENT);
		return reply(c, MHD_HTTP_OK, "text/plain; version=0.0.4; charset=utf-8", text, len,
			     MHD_RESPMEM_MUST_FREE);
	}
	return reply(c, MHD_HTTP_NOT_FOUND, "text/plain", not_found, sizeof(not_found) - 1, MHD_RESPMEM_PERSISTENT);
}

int management_http_start(const char *listen, char *err, size_t err_len)
{
	struct sockaddr_storage addr;

	if (!listen[0])
		return 0;
	if (config_parse_listen(listen, &addr) != 0) {
		snprintf(err, err_len, "control.http_listen: '%s' is not ADDR:PORT or [ADDR]:PORT", listen);
		return -1;
	}
	daemon_http = MHD_start_daemon(MHD_USE_EPOLL | MHD_USE_ERROR_LOG |
					       (addr.ss_family == AF_INET6 ? MHD_USE_IPv6 : 0),
				       0, NULL, NULL, answer, NULL, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
				       MHD_OPTION_CONNECTION_LIMIT, (unsigned int)MANAGEMENT_HTTP_MAX_CONNECTIONS,
				       MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned int)MANAGEMENT_HTTP_MAX_PER_ADDRESS,
				       MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)MANAGEMENT_HTTP_TIMEOUT_S,
				       MHD_OPTION_END);
	if (!daemon_http) {
		snprintf(err, err_len, "control.http_listen: cannot listen on %s (in use, or no such address here)",
			 listen);
		return -1;
	}
	log_info("management HTTP on %s: /metrics, /health", listen);
	return 0;
}

int management_http_fd(void)
{
	const union MHD_DaemonInfo *info;

	if (!daemon_http)
		return -1;
	info = MHD_get_daemon_info(daemon_http, MHD_DAEMON_INFO_EPOLL_FD);
	return info ? info->epoll_fd : -1;
}

void management_http_run(void)
{
	if (daemon_http)
		MHD_run(daemon_http);
}

void management_http_stop(void)
{
	if (daemon_http)
		MHD_stop_daemon(daemon_http);
	daemon_http = NULL;
}
