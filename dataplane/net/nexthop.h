/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_NEXTHOP_H
#define IPHTTPS_NEXTHOP_H

/*
 * Next hops: the gateways and route next hops named in the config, and the
 * MAC address of each, resolved by ARP (IPv4) or ND (IPv6).
 *
 * The set of next hops is fixed at start-up; only their MACs change. Any
 * worker may learn a MAC (an ARP reply or NA lands on whichever queue RSS
 * picks), so each entry's MAC is one 64-bit word written and read atomically:
 * no lock. Worker 0 alone sends the requests (it owns TX queue 0): every
 * NEXTHOP_RETRY_MS while unresolved, and every NEXTHOP_REFRESH_MS to confirm.
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_ether.h>

#include "appliance_config.h"
#include "net_admin.h"

struct worker;
struct iface;

/** Build the table from the config's gateways and routes. */
void nexthop_table_init(const struct iphttps_config *config);

/** Record mac for ip if ip is an IPv4 next hop on ifc's port. @return whether it was one. */
bool nexthop_learn_ipv4(struct worker *w, const struct iface *ifc, uint32_t ip, const struct rte_ether_addr *mac);

/** Record mac for ip if ip is an IPv6 next hop on ifc's port. @return whether it was one. */
bool nexthop_learn_ipv6(struct worker *w, const struct iface *ifc, const uint8_t ip[16],
			const struct rte_ether_addr *mac);

/** The MAC of the IPv6 next hop addr on the port of role, if it is one and resolved. */
bool nexthop_mac_of_ipv6(enum config_port_role role, const uint8_t addr[16], struct rte_ether_addr *mac);

/** The MAC of next hop `index` if resolved. */
bool nexthop_mac(unsigned int index, struct rte_ether_addr *mac);

/** Periodic work: worker 0 sends due ARP requests and solicitations. */
void nexthop_housekeeping(struct worker *w, uint64_t now_tsc);

/* nexthop_count and nexthop_get, the control plane's copies: net_admin.h. */

#endif
