/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_NET_ADMIN_H
#define IPHTTPS_NET_ADMIN_H

/*
 * What the control plane reads of the net layer, as copies: each port's
 * identity and offloads, and the next hops with their MACs. The control
 * plane never sees struct iface or the next-hop table themselves (iface.h,
 * nexthop.h), so either can change without it. The device's own counters
 * are port_stats.h.
 *
 * Called from the main lcore. Both are safe while the workers run: a port's
 * identity is fixed after start, and a next hop's MAC is one word written
 * atomically (nexthop.h).
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_ether.h>

#include "appliance_config.h"

/** One port, as the appliance set it up (iface.c, port.c). */
struct net_port_view {
	uint16_t port_id;
	struct rte_ether_addr mac;
	uint64_t rx_offloads, tx_offloads; /* RTE_ETH_{RX,TX}_OFFLOAD_* turned on */
};

/** A copy of one next hop, for reporting. */
struct nexthop_view {
	enum config_port_role role;
	bool is_ipv4;
	uint8_t addr[16]; /* IPv4 in the first 4 bytes */
	bool resolved;
	struct rte_ether_addr mac;
	uint64_t age_ms; /* since last confirmed; 0 if never */
};

void net_admin_port(enum config_port_role role, struct net_port_view *view);

/** How many next hops the config named (fixed after start). */
unsigned int nexthop_count(void);

/** A copy of next hop index (below nexthop_count()). */
void nexthop_get(unsigned int index, struct nexthop_view *view);

#endif
