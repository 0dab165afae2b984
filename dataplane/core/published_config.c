/* SPDX-License-Identifier: BSD-3-Clause */
#include "published_config.h"

#include <stddef.h>

static const struct iphttps_config *published;

void published_config_set(const struct iphttps_config *config)
{
	__atomic_store_n(&published, config, __ATOMIC_RELEASE);
}

const struct iphttps_config *published_config_get(void)
{
	return __atomic_load_n(&published, __ATOMIC_ACQUIRE);
}
