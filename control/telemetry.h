/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_TELEMETRY_H
#define IPHTTPS_TELEMETRY_H

/*
 * Read-only statistics as DPDK telemetry commands, on the EAL's telemetry
 * socket (/var/run/dpdk/<file-prefix>/dpdk_telemetry.v2):
 *   /iphttps/stats            every counter summed over the workers
 *   /iphttps/worker_stats,N   the counters of worker N
 *   /iphttps/ports            each port's MAC, driver and offloads
 *   /iphttps/nexthops         each next hop and its resolved MAC
 *   /iphttps/tcp_connections,N  worker N's TCP connections (state, sequence space, queues)
 *   /iphttps/tcp_memory       bytes per connection (flow table + slot, measured), buffers excluded
 */

/** Register the commands; call after rte_eal_init. @return 0 or -1. */
int telemetry_register(void);

#endif
