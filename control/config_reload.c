/* SPDX-License-Identifier: BSD-3-Clause */
#include "config_reload.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accounting.h"
#include "appliance_state.h"
#include "event_feed.h"
#include "config_diff.h"
#include "datapath.h"
#include "log.h"
#include "published_config.h"
#include "service_notify.h"
#include "session_admin.h"
#include "tls_context.h"
#include "ticket_key_source.h"
#include "tls_watch.h"

void config_apply_log_level(enum config_log_level level)
{
	static const uint32_t levels[] = {
		[CONFIG_LOG_ERROR] = RTE_LOG_ERR, [CONFIG_LOG_WARNING] = RTE_LOG_WARNING,
		[CONFIG_LOG_INFO] = RTE_LOG_INFO, [CONFIG_LOG_DEBUG] = RTE_LOG_DEBUG,
	};

	rte_log_set_level(RTE_LOGTYPE_IPHTTPS, levels[level]);
}

/* Apply next (malloc'd; owned from here on) over the config in force. */
static int apply(struct iphttps_config *next, const char *why, json_t **result, char *err, size_t err_len)
{
	struct iphttps_config *old = appliance.config;
	struct config_diff diff;
	SSL_CTX *ctx = NULL, *old_ctx = NULL;
	json_t *changed;
	int disconnected = 0;

	config_diff(old, next, &diff);
	if (diff.restart_count) {
		int n = snprintf(err, err_len, "%s: nothing applied: changing", next->source_file);

		for (unsigned int i = 0; i < diff.restart_count && n > 0 && (size_t)n < err_len; i++)
			n += snprintf(err + n, err_len - (size_t)n, "%s '%s'", i ? "," : "", diff.restart[i]);
		if (n > 0 && (size_t)n < err_len)
			snprintf(err + n, err_len - (size_t)n, " needs a restart of iphttpsd");
		free(next);
		return -1;
	}
	if (config_has_https_listener(next)) {
		char tls_err[512];

		ctx = tls_context_create(next, tls_err, sizeof(tls_err));
		if (!ctx) {
			snprintf(err, err_len, "%s: nothing applied: %s", next->source_file, tls_err);
			free(next);
			return -1;
		}
	}
	/* The ticket key file read before anything is applied: one that does not read refuses the reload. */
	if (strcmp(old->tls.ticket_keys_file, next->tls.ticket_keys_file) != 0 || next->tls.ticket_keys_file[0]) {
		char key_err[512];

		if (ticket_key_source_start(next, key_err, sizeof(key_err)) != 0) {
			snprintf(err, err_len, "%s: nothing applied: %s", next->source_file, key_err);
			tls_context_free(ctx);
			free(next);
			return -1;
		}
	}
	if (diff.auth_mode)
		session_admission_set(SESSION_ADMISSION_QUIET); /* no one connects under the old mode in between */
	published_config_set(next);
	if (ctx)
		old_ctx = tls_context_swap(ctx);
	if (diff.client_trust)
		ticket_key_source_trust_changed(next);
	/* No worker holds the old config or context past here (sessions hold their own reference to the context). */
	datapath_wait_quiescent();
	tls_context_free(old_ctx);
	appliance.config = next;
	free(old);
	tls_watch_start(next);
	/* The file's level, also after `iphttpsctl log-level` set another for a while. */
	if (diff.log_level || appliance.log_level_overridden) {
		config_apply_log_level(next->log_level);
		appliance.log_level_overridden = false;
	}
	if (diff.auth_mode) {
		/* §3.2.7.1: every client goes; they come back under the new mode. */
		disconnected = session_admin_disconnect_all(SESSION_END_AUTH_MODE_CHANGE);
		appliance_update_admission();
		log_info("authentication mode now %s: %d session(s) disconnected",
			 config_auth_mode_name(next->iphttps.authentication), disconnected);
	}
	appliance.reloads++;
	appliance.last_reload_at = time(NULL);
	accounting_open(next->control.accounting_file); /* reopened every time: log rotation */
	changed = json_array();
	for (unsigned int i = 0; i < diff.changed_count; i++)
		json_array_append_new(changed, json_string(diff.changed[i]));
	log_info("%s from %s: %u change(s) applied", why, next->source_file, diff.changed_count);
	*result = json_pack("{ss so si ss}", "file", next->source_file, "changed", changed, "disconnected",
			    disconnected < 0 ? 0 : disconnected, "authentication",
			    config_auth_mode_name(next->iphttps.authentication));
	event_feed_note(diff.auth_mode ? "auth_mode" : "reload", json_deep_copy(*result));
	return 0;
}

static int reload_file(const char *path, json_t **result, char *err, size_t err_len);

/* systemd hears of every reload (RELOADING=1, then READY=1), refused or not. */
int config_reload(const char *path, json_t **result, char *err, size_t err_len)
{
	int rc;

	service_notify_reloading();
	rc = reload_file(path, result, err, err_len);
	service_notify_reloaded();
	return rc;
}

static int reload_file(const char *path, json_t **result, char *err, size_t err_len)
{
	struct iphttps_config *next = malloc(sizeof(*next));
	struct config_errors *errors = malloc(sizeof(*errors));
	int rc = -1;

	if (!path || !*path)
		path = appliance.config_path;
	if (!next || !errors) {
		snprintf(err, err_len, "out of memory");
		free(next);
		free(errors);
		return -1;
	}
	if (config_load(path, next, errors) != 0) {
		int n = 0;

		for (unsigned int i = 0; i < errors->count && n >= 0 && (size_t)n < err_len; i++)
			n += snprintf(err + n, err_len - (size_t)n, "%s%s", i ? "\n" : "", errors->error[i].message);
		if (n >= 0 && (size_t)n < err_len)
			snprintf(err + n, err_len - (size_t)n, "\n%s: %u error(s); nothing applied", path,
				 errors->count + errors->dropped);
		log_warn("reload of %s refused: %u error(s) in the file; the running config stays", path,
			 errors->count + errors->dropped);
		free(next);
		free(errors);
		return -1;
	}
	free(errors);
	appliance_apply_overrides(next);
	rc = apply(next, "reload", result, err, err_len);
	/* A reload of the file already running (SIGHUP's) has nothing to rename;
	 * err is written only when apply refused. */
	if (rc != 0)
		log_warn("reload refused: %s", err);
	else if (path != appliance.config_path)
		snprintf(appliance.config_path, sizeof(appliance.config_path), "%s", path);
	return rc;
}

int config_reload_auth_mode(enum config_auth_mode mode, json_t **result, char *err, size_t err_len)
{
	struct iphttps_config *next = malloc(sizeof(*next));

	if (!next) {
		snprintf(err, err_len, "out of memory");
		return -1;
	}
	*next = *appliance.config;
	next->iphttps.authentication = mode;
	if (mode == CONFIG_AUTH_CERTIFICATES && !next->tls.client_ca[0]) {
		snprintf(err, err_len, "certificates mode needs tls.client_ca, which %s does not set",
			 next->source_file);
		free(next);
		return -1;
	}
	if (apply(next, "auth-mode", result, err, err_len) != 0) {
		log_warn("auth-mode refused: %s", err);
		return -1;
	}
	/* The file is not rewritten: say so, or a later reload surprises the operator. */
	log_info("authentication mode set to %s by command; %s is unchanged, and a reload applies its mode",
		 config_auth_mode_name(mode), appliance.config_path);
	return 0;
}
