/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_CONFIG_DIFF_H
#define IPHTTPS_CONFIG_DIFF_H

/*
 * What a reload would change, and whether it can change it live. A running
 * appliance applies live: TLS (certificate, key, CA, CRL, versions, suites),
 * the authentication mode (every client is disconnected, §3.2.7.1), limits
 * and timeouts, the URI, the server header, the link MTU (new sessions and
 * RAs), the workers' idle sleep, the log level and the accounting file.
 * What was sized or bound at start needs a restart: EAL (lcores, memory,
 * mbufs), ports and addresses, listeners, the TCP services, the control
 * socket and HTTP endpoint, the client prefix (clients hold addresses in it)
 * and the two table sizes (limits.max_clients,
 * limits.max_connections_per_worker).
 *
 * A reload always rebuilds the TLS context: the files behind unchanged paths
 * may have been replaced.
 */

#include <stdbool.h>

#include "appliance_config.h"

enum { CONFIG_DIFF_MAX_NAMES = 32 };

struct config_diff {
	unsigned int changed_count;
	const char *changed[CONFIG_DIFF_MAX_NAMES];  /* what differs, by key ("limits", "tls", ...) */
	unsigned int restart_count;
	const char *restart[CONFIG_DIFF_MAX_NAMES];  /* what differs and cannot change live */
	bool client_trust;   /* the CA, CRL or auth mode changed: tickets sealed before must not resume */
	bool auth_mode;      /* every client is disconnected */
	bool log_level;
};

/** Compare the config in force with a newly loaded one. */
void config_diff(const struct iphttps_config *now, const struct iphttps_config *next, struct config_diff *diff);

#endif
