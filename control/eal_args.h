/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_EAL_ARGS_H
#define IPHTTPS_EAL_ARGS_H

/* The EAL command line made from the config's `eal` and `ports` sections. */

#include <stdbool.h>

#include "appliance_config.h"

enum { EAL_ARGS_MAX = 64, EAL_ARG_MAX_BYTES = 300 };

struct eal_args {
	int argc;
	char *argv[EAL_ARGS_MAX + 1];
	char storage[EAL_ARGS_MAX][EAL_ARG_MAX_BYTES];
};

/** Overrides given on iphttpsd's command line (the lab uses them). */
struct eal_overrides {
	bool no_huge;
	const char *file_prefix;
};

/** Build args for rte_eal_init. @return 0, or -1 if they do not fit (message on stderr). */
int eal_args_build(const struct iphttps_config *config, const struct eal_overrides *overrides,
		   const char *program, struct eal_args *args);

#endif
