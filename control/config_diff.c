/* SPDX-License-Identifier: BSD-3-Clause */
#include "config_diff.h"

#include <string.h>

/* Both configs come from config_load, which zeroes the struct before it
 * fills it, so padding compares equal and memcmp is a field-by-field compare. */
#define DIFFERS(field) (memcmp(&now->field, &next->field, sizeof(now->field)) != 0)

static void note(const char **list, unsigned int *count, const char *name)
{
	if (*count < CONFIG_DIFF_MAX_NAMES)
		list[(*count)++] = name;
}

void config_diff(const struct iphttps_config *now, const struct iphttps_config *next, struct config_diff *diff)
{
	/* Sizes fixed at start: a reload may not change them. */
	static const char *const limit_sizes[] = { "limits.max_clients", "limits.max_connections_per_worker" };
	struct config_limits now_limits = now->limits, next_limits = next->limits;

	memset(diff, 0, sizeof(*diff));
#define LIVE(field, name)                                                   \
	do {                                                                \
		if (DIFFERS(field))                                         \
			note(diff->changed, &diff->changed_count, name);    \
	} while (0)
#define RESTART(field, name)                                                \
	do {                                                                \
		if (DIFFERS(field)) {                                       \
			note(diff->changed, &diff->changed_count, name);    \
			note(diff->restart, &diff->restart_count, name);    \
		}                                                           \
	} while (0)
	RESTART(eal, "eal");
	RESTART(ports, "ports");
	if (now->listener_count != next->listener_count || DIFFERS(listeners)) {
		note(diff->changed, &diff->changed_count, "listeners");
		note(diff->restart, &diff->restart_count, "listeners");
	}
	RESTART(tcp_services, "tcp_services");
	{
		/* The accounting file is reopened on every reload: it may move. The
		 * stop's drain is read when the stop comes. */
		struct config_control now_control = now->control, next_control = next->control;

		memset(now_control.accounting_file, 0, sizeof(now_control.accounting_file));
		memset(next_control.accounting_file, 0, sizeof(next_control.accounting_file));
		now_control.stop_drain_s = next_control.stop_drain_s = 0;
		if (memcmp(&now_control, &next_control, sizeof(now_control)) != 0) {
			note(diff->changed, &diff->changed_count, "control");
			note(diff->restart, &diff->restart_count, "control");
		}
		LIVE(control.accounting_file, "control.accounting_file");
		LIVE(control.stop_drain_s, "control.stop_drain_s");
	}
	RESTART(iphttps.client_prefix, "iphttps.client_prefix");
	RESTART(iphttps.addresses_per_client, "iphttps.addresses_per_client"); /* it sizes the client index */
	if (now->limits.max_clients != next->limits.max_clients) {
		note(diff->changed, &diff->changed_count, limit_sizes[0]);
		note(diff->restart, &diff->restart_count, limit_sizes[0]);
	}
	if (now->limits.max_connections_per_worker != next->limits.max_connections_per_worker) {
		note(diff->changed, &diff->changed_count, limit_sizes[1]);
		note(diff->restart, &diff->restart_count, limit_sizes[1]);
	}
	/* The other limits apply live. */
	now_limits.max_clients = next_limits.max_clients = 0;
	now_limits.max_connections_per_worker = next_limits.max_connections_per_worker = 0;
	if (memcmp(&now_limits, &next_limits, sizeof(now_limits)) != 0)
		note(diff->changed, &diff->changed_count, "limits");

	LIVE(tls, "tls");
	LIVE(iphttps.authentication, "iphttps.authentication");
	LIVE(iphttps.uri, "iphttps.uri");
	LIVE(iphttps.server_header, "iphttps.server_header");
	LIVE(iphttps.link_mtu, "iphttps.link_mtu");
	LIVE(iphttps.address_idle_timeout_s, "iphttps.address_idle_timeout_s");
	LIVE(iphttps.address_grace_s, "iphttps.address_grace_s");
	/* The RAs' options: the workers see the change and send every client a fresh RA (link_nd.h). */
	if (DIFFERS(iphttps.dns_server_count) || DIFFERS(iphttps.dns_servers))
		note(diff->changed, &diff->changed_count, "iphttps.dns_servers");
	if (DIFFERS(iphttps.dns_search_count) || DIFFERS(iphttps.dns_search))
		note(diff->changed, &diff->changed_count, "iphttps.dns_search");
	if (DIFFERS(iphttps.client_route_count) || DIFFERS(iphttps.client_routes))
		note(diff->changed, &diff->changed_count, "iphttps.client_routes");
	LIVE(workers, "workers");
	LIVE(log_level, "log_level");
#undef LIVE
#undef RESTART
	diff->auth_mode = DIFFERS(iphttps.authentication);
	diff->log_level = DIFFERS(log_level);
	diff->client_trust = diff->auth_mode || strcmp(now->tls.client_ca, next->tls.client_ca) != 0 ||
			     strcmp(now->tls.client_crl, next->tls.client_crl) != 0;
}
