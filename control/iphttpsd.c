/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * iphttpsd: the appliance. The main lcore is the control plane: it loads the
 * config, initialises EAL from it, starts the datapath on the worker lcores,
 * and then serves the control socket (iphttpsctl), reloads on SIGHUP, and
 * watches the TLS files and the counters' rates.
 *
 * Under systemd (Type=notify, control/service_notify.c) it says READY=1
 * once the workers poll and the ports' links are up, and pings the watchdog
 * only while every worker makes progress.
 *
 * Stopping (§3.2.7.3): SIGINT/SIGTERM first drain for control.stop_drain_s
 * (no new clients: their SYNs go unanswered, so that their kernels' retry
 * a second later reaches another node or the next process, where a reset
 * would be a failed attempt and a 30 s wait to an IP-HTTPS client; /health
 * says draining), then, like `iphttpsctl
 * shutdown`, disconnect every client (close_notify and FIN, so they
 * reconnect elsewhere at once, waiting at most STOP_DISCONNECT_WAIT_MS for
 * the closes), then stop the workers, the ports and EAL. A second signal
 * stops at once.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_lcore.h>

#include "version.h"
#include "accounting.h"
#include "appliance_config.h"
#include "appliance_state.h"
#include "config_reload.h"
#include "control_commands.h"
#include "control_server.h"
#include "datapath.h"
#include "eal_args.h"
#include "event_feed.h"
#include "log.h"
#include "management_http.h"
#include "service_notify.h"
#include "session_admin.h"
#include "stats_sampler.h"
#include "telemetry.h"
#include "ticket_key_source.h"
#include "tls_watch.h"
#include "worker.h"

enum {
	MAIN_LOOP_POLL_MS = 50,         /* the control socket's wait: also the pace of the checks below */
	STOP_DISCONNECT_WAIT_MS = 500,  /* for the clients' connections to close before the ports stop */
	READY_WAIT_MS = 10000,          /* for the ports' links at start (a NIC's autonegotiation takes seconds) */
};

static volatile sig_atomic_t stop_signal, stop_signals, reload_signal;

static void on_stop_signal(int sig)
{
	if (stop_signals++)
		worker_request_stop(); /* the second signal: stop now */
	stop_signal = sig;
}

static void on_reload_signal(int sig)
{
	(void)sig;
	reload_signal = 1;
}

static void usage(FILE *out)
{
	fprintf(out, "usage: iphttpsd -c FILE [--no-huge] [--file-prefix NAME] [--control-socket PATH]\n"
		     "  -c, --config FILE        the appliance's YAML config (see docs/CONFIG.md)\n"
		     "      --no-huge            run EAL without hugepages (lab fallback)\n"
		     "      --file-prefix N      EAL runtime-file prefix, overriding eal.file_prefix\n"
		     "      --control-socket P   the control socket, overriding control.socket (kept over reloads)\n"
		     "      --version            print the version and exit\n"
		     "signals: SIGHUP reloads the config; SIGTERM/SIGINT disconnect every client and stop\n");
}

static void reload_on_signal(void)
{
	char err[4096];
	json_t *result = NULL;

	/* config_reload logs what it applied or why it refused, line and column included. */
	if (config_reload(NULL, &result, err, sizeof(err)) == 0)
		json_decref(result);
	else
		fprintf(stderr, "%s\n", err);
}

/* The first SIGTERM/SIGINT: drain first when control.stop_drain_s says so, else stop. */
static void on_first_stop_signal(uint64_t now_ms)
{
	uint32_t drain_s = appliance.config->control.stop_drain_s;
	char why[96];

	if (!drain_s || appliance.draining) {
		log_info("signal %d: stopping", (int)stop_signal);
		appliance.stop = true;
		return;
	}
	appliance.draining = true;
	appliance.drain_deadline_ms = now_ms + (uint64_t)drain_s * 1000;
	appliance_update_admission();
	log_info("signal %d: draining for at most %u s (control.stop_drain_s), then stopping", (int)stop_signal, drain_s);
	event_feed_note("drain", json_pack("{si}", "drain_seconds", drain_s));
	snprintf(why, sizeof(why), "draining for at most %u s before stopping", drain_s);
	service_notify_stopping(why);
}

/* A drain ends when the last session has gone or its time is up. */
static void check_drain(uint64_t now_ms)
{
	int open;

	if (!appliance.draining || appliance.stop)
		return;
	open = session_admin_count(NULL);
	if (open == 0) {
		log_info("drain: the last session has gone; stopping");
		appliance.stop = true;
	} else if (now_ms >= appliance.drain_deadline_ms) {
		log_info("drain: time is up with %d session(s) open; stopping", open);
		appliance.stop = true;
	}
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "no-huge", no_argument, NULL, 'H' },
		{ "file-prefix", required_argument, NULL, 'P' },
		{ "control-socket", required_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	static struct config_errors errors;
	static struct eal_args eal;
	struct eal_overrides overrides = { 0 };
	const char *config_path = NULL, *warning;
	struct iphttps_config *config;
	struct sigaction sa;
	char err[512];
	int opt;

	while ((opt = getopt_long(argc, argv, "c:h", options, NULL)) != -1) {
		switch (opt) {
		case 'c': config_path = optarg; break;
		case 'H': overrides.no_huge = true; break;
		case 'P': overrides.file_prefix = optarg; break;
		case 'S':
			if (strlen(optarg) >= sizeof(appliance.control_socket_override)) {
				fprintf(stderr, "iphttpsd: --control-socket: path too long\n");
				return 2;
			}
			snprintf(appliance.control_socket_override, sizeof(appliance.control_socket_override), "%s",
				 optarg);
			break;
		case 'h': usage(stdout); return 0;
		case 'V': printf("iphttpsd %s\n", iphttps_version); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (!config_path || optind != argc) {
		usage(stderr);
		return 2;
	}
	config = calloc(1, sizeof(*config));
	if (!config)
		return 1;
	if (config_load(config_path, config, &errors) != 0) {
		for (unsigned int i = 0; i < errors.count; i++)
			fprintf(stderr, "%s\n", errors.error[i].message);
		fprintf(stderr, "iphttpsd: %s: %u error(s); not starting\n", config_path, errors.count + errors.dropped);
		return 1;
	}
	appliance_apply_overrides(config);
	warning = config_warning(config);
	if (warning)
		fprintf(stderr, "iphttpsd: %s: warning: %s\n", config_path, warning);
	appliance.config = config;
	snprintf(appliance.config_path, sizeof(appliance.config_path), "%s", config_path);
	if (eal_args_build(config, &overrides, argv[0], &eal) != 0)
		return 1;
	if (rte_eal_init(eal.argc, eal.argv) < 0)
		rte_exit(EXIT_FAILURE, "EAL initialisation failed: %s\n", rte_strerror(rte_errno));

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_handler = on_reload_signal;
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN); /* a control client that goes away mid-answer is not our end */

	if (telemetry_register() != 0)
		log_warn("telemetry commands not registered; statistics are not readable");
	datapath_start(config);
	if (control_server_open(&config->control, err, sizeof(err)) != 0 ||
	    management_http_start(config->control.http_listen, err, sizeof(err)) != 0) {
		log_error("%s; not starting", err);
		control_server_close();
		datapath_stop();
		rte_eal_cleanup();
		return 1;
	}
	if (ticket_key_source_start(config, err, sizeof(err)) != 0) {
		log_error("%s; not starting", err);
		control_server_close();
		datapath_stop();
		rte_eal_cleanup();
		return 1;
	}
	appliance.started_ms = appliance_now_ms();
	appliance.started_at = time(NULL);
	log_info("iphttpsd running: config %s, %u worker(s), auth mode %s, control socket %s", config_path,
		 config->eal.worker_count, config_auth_mode_name(config->iphttps.authentication),
		 config->control.socket);

	event_feed_set_sink(control_server_publish); /* the monitors */
	tls_watch_start(config);
	accounting_open(config->control.accounting_file);
	if (datapath_wait_ready(READY_WAIT_MS, err, sizeof(err)) != 0)
		log_warn("not everything is up after %u ms (%s); running anyway", (unsigned int)READY_WAIT_MS, err);
	service_notify_init(appliance_now_ms());
	service_notify_ready();
	bool stop_seen = false;

	while (!appliance.stop && stop_signals < 2) {
		uint64_t now_ms;

		control_server_poll(MAIN_LOOP_POLL_MS, management_http_fd());
		management_http_run();
		now_ms = appliance_now_ms();
		if (stop_signal && !stop_seen) {
			stop_seen = true;
			on_first_stop_signal(now_ms);
		}
		if (reload_signal) {
			reload_signal = 0;
			reload_on_signal();
		}
		event_feed_poll();
		tls_watch_tick(appliance.config, now_ms);
		stats_sampler_tick(now_ms);
		check_drain(now_ms);
		service_notify_tick();
	}
	appliance.stop = true;
	service_notify_stopping("disconnecting every client, then stopping");
	control_disconnect_everyone(STOP_DISCONNECT_WAIT_MS);
	event_feed_poll(); /* the records of the sessions just ended */
	accounting_close();
	control_server_close();
	management_http_stop();
	datapath_stop();
	rte_eal_cleanup();
	free(appliance.config);
	log_info("stopped");
	return 0;
}
