/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_LOG_H
#define IPHTTPS_LOG_H

/*
 * The appliance's log calls, on DPDK's logger under its own type. Messages
 * start with the function name. Never on the per-packet path: drops are
 * counted (counters.h), not logged.
 */

#include <rte_log.h>

#define RTE_LOGTYPE_IPHTTPS RTE_LOGTYPE_USER1

#define log_error(fmt, ...) RTE_LOG(ERR, IPHTTPS, "%s: " fmt "\n", __func__, ##__VA_ARGS__)
#define log_warn(fmt, ...) RTE_LOG(WARNING, IPHTTPS, "%s: " fmt "\n", __func__, ##__VA_ARGS__)
#define log_info(fmt, ...) RTE_LOG(INFO, IPHTTPS, "%s: " fmt "\n", __func__, ##__VA_ARGS__)
#define log_debug(fmt, ...) RTE_LOG(DEBUG, IPHTTPS, "%s: " fmt "\n", __func__, ##__VA_ARGS__)

#endif
