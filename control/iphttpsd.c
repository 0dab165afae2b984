/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * iphttpsd: the appliance. The main lcore is the control plane: it loads the
 * config, initialises EAL from it, starts the datapath on the worker lcores,
 * and waits for a signal. SIGINT/SIGTERM stop the workers, the ports and EAL.
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

#include "datapath.h"
#include "eal_args.h"
#include "appliance_config.h"
#include "log.h"
#include "telemetry.h"
#include "tls_watch.h"
#include "worker.h"

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
	worker_request_stop();
}

static void usage(FILE *out)
{
	fprintf(out, "usage: iphttpsd -c FILE [--no-huge] [--file-prefix NAME]\n"
		     "  -c, --config FILE     the appliance's YAML config (see docs/CONFIG.md)\n"
		     "      --no-huge         run EAL without hugepages (lab fallback)\n"
		     "      --file-prefix N   EAL runtime-file prefix, overriding eal.file_prefix\n");
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "no-huge", no_argument, NULL, 'H' },
		{ "file-prefix", required_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct iphttps_config config;
	static struct config_errors errors;
	static struct eal_args eal;
	struct eal_overrides overrides = { 0 };
	const char *config_path = NULL;
	struct sigaction sa;
	int opt;

	while ((opt = getopt_long(argc, argv, "c:h", options, NULL)) != -1) {
		switch (opt) {
		case 'c': config_path = optarg; break;
		case 'H': overrides.no_huge = true; break;
		case 'P': overrides.file_prefix = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (!config_path || optind != argc) {
		usage(stderr);
		return 2;
	}
	if (config_load(config_path, &config, &errors) != 0) {
		for (unsigned int i = 0; i < errors.count; i++)
			fprintf(stderr, "%s\n", errors.error[i].message);
		fprintf(stderr, "iphttpsd: %s: %u error(s); not starting\n", config_path, errors.count + errors.dropped);
		return 1;
	}
	if (eal_args_build(&config, &overrides, argv[0], &eal) != 0)
		return 1;
	if (rte_eal_init(eal.argc, eal.argv) < 0)
		rte_exit(EXIT_FAILURE, "EAL initialisation failed: %s\n", rte_strerror(rte_errno));

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	if (telemetry_register() != 0)
		log_warn("telemetry commands not registered; statistics are not readable");
	datapath_start(&config);
	log_info("iphttpsd running: config %s, %u worker(s), auth mode %s", config_path, config.eal.worker_count,
		 config_auth_mode_name(config.iphttps.authentication));

	tls_watch_start(&config);
	while (!stop_signal) {
		struct timespec now;

		usleep(50 * 1000);
		clock_gettime(CLOCK_MONOTONIC, &now);
		tls_watch_tick(&config, (uint64_t)now.tv_sec * 1000 + (uint64_t)now.tv_nsec / 1000000);
	}
	log_info("signal %d: stopping", (int)stop_signal);
	datapath_stop();
	rte_eal_cleanup();
	log_info("stopped");
	return 0;
}
