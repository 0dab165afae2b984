/* SPDX-License-Identifier: BSD-3-Clause */
#include "version.h"
#include "control_commands.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "appliance_state.h"
#include "certificate_dates.h"
#include "clients_table.h"
#include "config_json.h"
#include "config_reload.h"
#include "event_feed.h"
#include "json_values.h"
#include "log.h"
#include "session_admin.h"
#include "stats_sampler.h"
#include "tls_watch.h"
#include "worker.h"

static const char *const listener_protocols[] = { [CONFIG_LISTENER_HTTPS] = "https", [CONFIG_LISTENER_HTTP] = "http" };
static const char *const proxy_protocols[] = {
	[CONFIG_PROXY_NONE] = "none", [CONFIG_PROXY_V1] = "v1", [CONFIG_PROXY_V2] = "v2", [CONFIG_PROXY_ANY] = "any",
};

static json_t *date_json(const struct certificate_date *d, time_t now)
{
	if (!d->present)
		return json_null();
	return json_pack("{ss so sI}", "subject", d->subject, "expires", json_time_s(d->expires), "days_left",
			 (json_int_t)((d->expires - now) / 86400));
}

/* Every failed handshake, whatever its reason (tls_counters.h' TLS_FAILURE_COUNTERS), and the timeouts. */
static uint64_t handshakes_failed(const struct worker_counters *c)
{
	uint64_t n = counter_in(*c, tls_handshake_timeouts);

#define ADD(name, help) n += counter_in(*c, name);
	TLS_FAILURE_COUNTERS(ADD)
#undef ADD
	return n;
}

static json_t *show(char *err, size_t err_len)
{
	const struct iphttps_config *config = appliance.config;
	struct worker_counters sum;
	struct stats_rates rates;
	const struct certificate_dates *dates = tls_watch_dates();
	uint32_t per_worker[CONFIG_MAX_WORKERS] = { 0 };
	json_t *listeners = json_array(), *load = json_array(), *drops = json_object();
	int open;
	time_t now = time(NULL);

	open = session_admin_count(per_worker);
	if (open < 0 || stats_counters_sum(&sum) != 0) {
		snprintf(err, err_len, "a worker did not answer within %d ms", WORKER_COMMAND_TIMEOUT_MS);
		json_decref(listeners), json_decref(load), json_decref(drops);
		return NULL;
	}
	stats_sampler_rates(&rates);
	for (unsigned int i = 0; i < config->listener_count; i++)
		json_array_append_new(listeners, json_pack("{si ss ss}", "port", config->listeners[i].port, "protocol",
							   listener_protocols[config->listeners[i].protocol],
							   "proxy_protocol",
							   proxy_protocols[config->listeners[i].proxy_protocol]));
	for (unsigned int i = 0; i < worker_count; i++)
		json_array_append_new(load, json_pack("{si si sf si}", "id", i, "lcore", workers[i].lcore,
						      "busy_percent", rates.busy_percent[i], "sessions",
						      per_worker[i]));
#define ADD_DROP(name, help)                                                              \
	if (strncmp(#name, "drop_", 5) == 0 && counter_in(sum, name))                     \
		json_object_set_new(drops, #name + 5, json_integer((json_int_t)counter_in(sum, name)));
	WORKER_COUNTERS(ADD_DROP)
#undef ADD_DROP
	return json_pack("{ss ss ss ss sI sI s{si si si} so so s{sI sf sf sf sf sf} so s{so so so so} s{sI sI sI sI}}",
			 "version", iphttps_version, "state", appliance_state_name(), "authentication",
			 config_auth_mode_name(config->iphttps.authentication), "config", appliance.config_path,
			 "uptime_s", (json_int_t)((appliance_now_ms() - appliance.started_ms) / 1000), "reloads",
			 (json_int_t)appliance.reloads,
			 "sessions", "open", open, "clients", session_admin_linkup_clients(), "max_clients",
			 config->limits.max_clients,
			 "listeners", listeners, "workers", load,
			 "rates", "interval_ms", (json_int_t)rates.interval_ms, "handshakes_per_s", rates.handshakes,
			 "rx_packets_per_s", rates.rx_packets, "tx_packets_per_s", rates.tx_packets,
			 "rx_bits_per_s", rates.link_rx_bits, "tx_bits_per_s", rates.link_tx_bits,
			 "drops", drops,
			 "certificates", "server", date_json(&dates->server, now), "client_ca",
			 date_json(&dates->client_ca, now), "client_crl", date_json(&dates->client_crl, now),
			 "ocsp_response", date_json(&dates->ocsp_response, now),
			 "totals", "sessions_accepted", (json_int_t)counter_in(sum, session_accepted), "link_up",
			 (json_int_t)counter_in(sum, session_link_up), "handshakes", (json_int_t)counter_in(sum, tls_handshakes),
			 "handshakes_failed", (json_int_t)handshakes_failed(&sum));
}

static int parse_target(const char *target, struct session_filter *f, char *err, size_t err_len);

/* clients' filters (all that are given must hold), named as the request names them. */
static int clients_filter(const struct control_request *req, struct session_filter *f, char *err, size_t err_len)
{
	memset(f, 0, sizeof(*f));
	if (req->address[0]) {
		if (parse_target(req->address, f, err, err_len) != 0 || f->by_id) {
			snprintf(err, err_len, "\"address\" '%s' is not an IPv6 or IPv4 address", req->address);
			return -1;
		}
	}
	if (req->subject[0]) {
		f->by_subject = true;
		snprintf(f->subject, sizeof(f->subject), "%s", req->subject);
	}
	if (req->state[0]) {
		for (f->state = 0; f->state < SESSION_STATE_COUNT; f->state++)
			if (strcmp(session_state_name(f->state), req->state) == 0)
				break;
		if (f->state == SESSION_STATE_COUNT) {
			int n = snprintf(err, err_len, "\"state\" '%s' is none of:", req->state);

			for (int st = 0; st < SESSION_STATE_COUNT && n > 0 && (size_t)n < err_len; st++)
				n += snprintf(err + n, err_len - (size_t)n, " %s", session_state_name(st));
			return -1;
		}
		f->by_state = true;
	}
	return 0;
}

static json_t *clients(const struct control_request *req, char *err, size_t err_len)
{
	struct session_filter filter;
	struct session_view *views;
	uint32_t count;
	json_t *list;

	if (clients_filter(req, &filter, err, err_len) != 0)
		return NULL;
	if (session_admin_list(&filter, req->limit, &views, &count) != 0) {
		snprintf(err, err_len, "a worker did not answer within %d ms", WORKER_COMMAND_TIMEOUT_MS);
		return NULL;
	}
	if (req->table) {
		char *text = clients_table_render(views, count);
		/* The server sends the text raw after the reply line (control_protocol.h):
		 * held here as a string it neither checks nor escapes. */
		json_t *r = text ? json_pack("{sosI}", "table", json_stringn_nocheck(text, strlen(text)), "count",
					     (json_int_t)count)
				 : NULL;

		free(views);
		free(text);
		if (!r)
			snprintf(err, err_len, "out of memory rendering %u sessions", count);
		return r;
	}
	list = json_array();
	for (uint32_t i = 0; i < count; i++) {
		const struct session_view *v = &views[i];
		json_t *addresses = json_array();

		for (unsigned int a = 0; a < v->address_count; a++)
			json_array_append_new(addresses, json_address(&v->addresses[a]));
		json_array_append_new(
			list, json_pack("{sI si ss so so si sI sI sI sI sI sI ss ss ss}", "id", (json_int_t)v->id,
					"worker", v->worker, "state", session_state_name(v->state), "addresses",
					addresses, "outer_address", json_address(&v->outer_address), "outer_port",
					v->outer_port, "uptime_s", (json_int_t)(v->age_ms / 1000), "link_up_s",
					(json_int_t)(v->link_up_ms / 1000), "rx_packets", (json_int_t)v->rx_packets,
					"tx_packets", (json_int_t)v->tx_packets, "rx_bytes", (json_int_t)v->rx_bytes,
					"tx_bytes", (json_int_t)v->tx_bytes, "tls_version", v->tls.version,
					"tls_suite", v->tls.suite, "certificate_subject", v->tls.peer_subject));
	}
	free(views);
	return json_pack("{so}", "clients", list);
}

/* A session id (digits) or an address (IPv6, or IPv4 for an outer address). */
static int parse_target(const char *target, struct session_filter *f, char *err, size_t err_len)
{
	struct in_addr v4;
	char *end;

	if (inet_pton(AF_INET6, target, &f->address) == 1) {
		f->by_address = true;
		return 0;
	}
	if (inet_pton(AF_INET, target, &v4) == 1) {
		f->by_address = true;
		f->address.s6_addr[10] = f->address.s6_addr[11] = 0xff;
		memcpy(&f->address.s6_addr[12], &v4, 4);
		return 0;
	}
	errno = 0;
	f->id = strtoull(target, &end, 10);
	if (target[0] >= '0' && target[0] <= '9' && *end == '\0' && errno == 0) {
		f->by_id = true;
		return 0;
	}
	snprintf(err, err_len, "'%s' is neither an address nor a session id (see `iphttpsctl clients`)", target);
	return -1;
}

/* By address or id (target), or every session of one certificate subject (a stolen laptop). */
static json_t *disconnect(const struct control_request *req, char *err, size_t err_len)
{
	const char *target = req->target[0] ? req->target : req->subject;
	struct session_filter f = { 0 };
	int n;

	if (req->target[0] && parse_target(req->target, &f, err, err_len) != 0)
		return NULL;
	if (req->subject[0]) {
		f.by_subject = true;
		snprintf(f.subject, sizeof(f.subject), "%s", req->subject);
	}
	n = session_admin_disconnect(&f, SESSION_END_DISCONNECTED);
	if (n < 0) {
		snprintf(err, err_len, "a worker did not answer within %d ms", WORKER_COMMAND_TIMEOUT_MS);
		return NULL;
	}
	if (n == 0) {
		snprintf(err, err_len, "no session matches '%s'", target);
		return NULL;
	}
	log_info("disconnect %s: %d session(s) ended", target, n);
	return json_pack("{si}", "disconnected", n);
}

static json_t *link_switch(bool enable)
{
	int disconnected = 0;

	appliance.link_enabled = enable;
	appliance_update_admission();
	if (!enable)
		disconnected = session_admin_disconnect_all(SESSION_END_LINK_DISABLED); /* §3.2.4.2: disable = disconnect everyone, accept no one */
	log_info("link %s by command%s", enable ? "enabled" : "disabled",
		 enable ? "" : ": every client disconnected, new connections reset");
	event_feed_note("link", json_pack("{ss si}", "state", enable ? "enabled" : "disabled", "disconnected",
					  disconnected < 0 ? 0 : disconnected));
	return json_pack("{ss si}", "link", enable ? "enabled" : "disabled", "disconnected",
			 disconnected < 0 ? 0 : disconnected);
}

void control_disconnect_everyone(unsigned int wait_ms)
{
	uint64_t until = appliance_now_ms() + wait_ms;
	int n;

	session_admission_set(SESSION_ADMISSION_QUIET); /* their reconnects wait for the next process */
	n = session_admin_disconnect_all(SESSION_END_SHUTDOWN);
	log_info("%d session(s) disconnected", n < 0 ? 0 : n);
	/* Let close_notify and FIN reach the clients, so they reconnect at once, not on a timeout. */
	while (session_admin_count(NULL) > 0 && appliance_now_ms() < until)
		usleep(20 * 1000);
}

static json_t *shutdown_command(uint32_t drain_seconds)
{
	if (drain_seconds) {
		appliance.draining = true;
		appliance.drain_deadline_ms = appliance_now_ms() + (uint64_t)drain_seconds * 1000;
		appliance_update_admission();
		log_info("draining: no new clients; stopping when the last leaves or in %u s", drain_seconds);
		event_feed_note("drain", json_pack("{si}", "drain_seconds", drain_seconds));
		return json_pack("{ss si}", "state", "draining", "drain_seconds", drain_seconds);
	}
	appliance.stop = true;
	log_info("shutdown by command");
	event_feed_note("shutdown", json_object());
	return json_pack("{ss}", "state", "stopping");
}

/*
 * The configuration in force, by the loader's own schema (config_json.h):
 * every key, defaults included, and the --control-socket override. It holds
 * no secret: keys and certificates are named by their files, never read out.
 */
static json_t *show_config(void)
{
	return json_pack("{ss so}", "file", appliance.config_path, "config", config_to_json(appliance.config));
}

/* Say the level in force, or set one until the next reload (which applies the file's again). */
static json_t *log_level(const char *level)
{
	static const char *const names[] = { "error", "warning", "info", "debug" };
	static const enum config_log_level values[] = { CONFIG_LOG_ERROR, CONFIG_LOG_WARNING, CONFIG_LOG_INFO,
							 CONFIG_LOG_DEBUG };
	int now = rte_log_get_level(RTE_LOGTYPE_IPHTTPS);
	const char *current = now <= (int)RTE_LOG_ERR ? "error" : now == (int)RTE_LOG_WARNING ? "warning"
				: now == (int)RTE_LOG_INFO ? "info" : "debug";

	for (unsigned int i = 0; level[0] && i < 4; i++)
		if (strcmp(level, names[i]) == 0) {
			config_apply_log_level(values[i]);
			appliance.log_level_overridden = values[i] != appliance.config->log_level;
			log_warn("log level %s (was %s) until the next reload, by iphttpsctl", level, current);
			return json_pack("{ss ss sb}", "level", level, "was", current, "until_reload",
					 appliance.log_level_overridden);
		}
	return json_pack("{ss ss sb}", "level", current, "file", names[appliance.config->log_level],
			 "until_reload", appliance.log_level_overridden);
}

/*
 * `reload FILE` makes the daemon, as root, read FILE and the certificate and
 * key files it names. A member of the socket group is an operator, not root:
 * from anyone but root the file must be under the directory of the
 * configuration in force (its real path, links resolved), so that the group
 * cannot have root read a YAML of its own making from elsewhere.
 */
static bool reload_file_allowed(const char *file, uid_t peer_uid, char *err, size_t err_len)
{
	char dir[PATH_MAX], real[PATH_MAX], *slash;
	size_t n;

	if (peer_uid == 0)
		return true;
	snprintf(dir, sizeof(dir), "%s", appliance.config_path);
	slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	if (!realpath(slash ? (dir[0] ? dir : "/") : ".", dir) || !realpath(file, real)) {
		snprintf(err, err_len, "reload %s: %s", file, strerror(errno));
		return false;
	}
	n = strlen(dir);
	if (strncmp(real, dir, n) == 0 && (real[n] == '/' || (n == 1 && dir[0] == '/')))
		return true;
	snprintf(err, err_len, "reload %s: only root may name a file outside %s (the configuration's directory); "
		 "put the file there, or reload without a file", file, dir);
	return false;
}

json_t *control_commands_run(const struct control_request *req, uid_t peer_uid, char *err, size_t err_len)
{
	json_t *result = NULL;

	switch (req->command) {
	case CONTROL_SHOW:
		return req->show_config ? show_config() : show(err, err_len);
	case CONTROL_CLIENTS:
		return clients(req, err, err_len);
	case CONTROL_DISCONNECT:
		return disconnect(req, err, err_len);
	case CONTROL_LOG_LEVEL:
		return log_level(req->level);
	case CONTROL_RELOAD:
		if (req->file[0] && !reload_file_allowed(req->file, peer_uid, err, err_len))
			return NULL;
		return config_reload(req->file, &result, err, err_len) == 0 ? result : NULL;
	case CONTROL_AUTH_MODE:
		if ((appliance.config->iphttps.authentication == CONFIG_AUTH_CERTIFICATES) == req->auth_certificates)
			return json_pack("{ss si sb}", "authentication",
					 config_auth_mode_name(appliance.config->iphttps.authentication),
					 "disconnected", 0, "changed", 0);
		return config_reload_auth_mode(req->auth_certificates ? CONFIG_AUTH_CERTIFICATES : CONFIG_AUTH_NONE,
					       &result, err, err_len) == 0 ? result : NULL;
	case CONTROL_LINK:
		return link_switch(req->enable);
	case CONTROL_SHUTDOWN:
		return shutdown_command(req->drain_seconds);
	case CONTROL_MONITOR:
		/* The server keeps the connection and writes the events to it (control_server.c). */
		return json_pack("{sb}", "monitoring", 1);
	case CONTROL_COMMAND_COUNT:
		break;
	}
	snprintf(err, err_len, "unknown command");
	return NULL;
}
