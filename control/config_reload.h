/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_CONFIG_RELOAD_H
#define IPHTTPS_CONFIG_RELOAD_H

/*
 * Reload: parse → validate → diff → publish, on the main lcore (SIGHUP or
 * `iphttpsctl reload`). A file with any error, a change that needs a
 * restart (config_diff.h) or TLS files that do not load change nothing and
 * drop no session: the reply names every error as file:line:col.
 *
 * Publishing: the new config goes to published_config_set and the new TLS
 * context to tls_context_swap; once every worker has passed a quiescent
 * point (datapath_wait_quiescent) no worker holds the old ones, which are
 * freed (the old context lives on in the SSLs of established sessions,
 * which keep a reference). An authentication-mode change then disconnects
 * every client on every worker (§3.2.7.1), with admission closed meanwhile
 * so that no one connects under the old mode in between.
 */

#include <jansson.h>

#include "appliance_config.h"

/**
 * Reload from path (NULL: the file the appliance runs from). On success
 * *result describes what changed ({"file", "changed": [...], "disconnected"}).
 * @return 0, or -1 with the reason in err (every config error, one per line).
 */
int config_reload(const char *path, json_t **result, char *err, size_t err_len);

/** Change only the authentication mode (`iphttpsctl auth-mode`); as config_reload otherwise. */
int config_reload_auth_mode(enum config_auth_mode mode, json_t **result, char *err, size_t err_len);

/** Set DPDK's level for the appliance's log type from the config. */
void config_apply_log_level(enum config_log_level level);

#endif
