/* SPDX-License-Identifier: BSD-3-Clause */
#include "eal_args.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "port.h"

static int add(struct eal_args *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int add(struct eal_args *a, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (a->argc >= EAL_ARGS_MAX) {
		fprintf(stderr, "iphttpsd: too many EAL arguments\n");
		return -1;
	}
	va_start(ap, fmt);
	n = vsnprintf(a->storage[a->argc], EAL_ARG_MAX_BYTES, fmt, ap);
	va_end(ap);
	if (n < 0 || n >= EAL_ARG_MAX_BYTES) {
		fprintf(stderr, "iphttpsd: EAL argument too long\n");
		return -1;
	}
	a->argv[a->argc] = a->storage[a->argc];
	a->argc++;
	a->argv[a->argc] = NULL;
	return 0;
}

int eal_args_build(const struct iphttps_config *config, const struct eal_overrides *overrides,
		   const char *program, struct eal_args *a)
{
	const struct config_eal *eal = &config->eal;
	char lcores[CONFIG_MAX_WORKERS * 6 + 8];
	bool all_virtual = true;
	int rc = 0;

	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	bool beyond = eal->main_lcore >= (unsigned long)cpus;

	memset(a, 0, sizeof(*a));
	for (unsigned int i = 0; i < eal->worker_count; i++)
		beyond |= eal->worker_lcores[i] >= (unsigned long)cpus;
	if (!beyond) {
		snprintf(lcores, sizeof(lcores), "%u", eal->main_lcore);
		for (unsigned int i = 0; i < eal->worker_count; i++)
			snprintf(lcores + strlen(lcores), sizeof(lcores) - strlen(lcores), ",%u", eal->worker_lcores[i]);
	} else {
		/* More lcores than CPUs (two workers on a two-CPU lab machine): lcore
		 * L runs on CPU L mod the CPU count, as --lcores L@C says. */
		snprintf(lcores, sizeof(lcores), "%u@%ld", eal->main_lcore, eal->main_lcore % cpus);
		for (unsigned int i = 0; i < eal->worker_count; i++)
			snprintf(lcores + strlen(lcores), sizeof(lcores) - strlen(lcores), ",%u@%ld",
				 eal->worker_lcores[i], eal->worker_lcores[i] % cpus);
	}
	rc |= add(a, "%s", program);
	rc |= add(a, beyond ? "--lcores" : "-l");
	rc |= add(a, "%s", lcores);
	rc |= add(a, "--main-lcore");
	rc |= add(a, "%u", eal->main_lcore);
	rc |= add(a, "--file-prefix");
	rc |= add(a, "%s", overrides->file_prefix ? overrides->file_prefix : eal->file_prefix);
	if (!eal->hugepages || overrides->no_huge)
		rc |= add(a, "--no-huge");
	rc |= add(a, "-m");
	rc |= add(a, "%u", eal->memory_mb);
	for (int role = 0; role < CONFIG_PORT_COUNT; role++) {
		const char *device = config->ports[role].device;

		if (port_device_is_virtual(device)) {
			rc |= add(a, "--vdev");
		} else {
			all_virtual = false;
			rc |= add(a, "-a");
		}
		rc |= add(a, "%s", device);
	}
	if (all_virtual)
		rc |= add(a, "--no-pci");
	rc |= add(a, "--log-level");
	rc |= add(a, "user1:%s", config->log_level == CONFIG_LOG_DEBUG ? "debug"
				  : config->log_level == CONFIG_LOG_INFO  ? "info"
				  : config->log_level == CONFIG_LOG_WARNING ? "warning"
									     : "error");
	for (unsigned int i = 0; i < eal->extra_arg_count; i++)
		rc |= add(a, "%s", eal->extra_args[i]);
	return rc ? -1 : 0;
}
