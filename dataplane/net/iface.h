/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_IFACE_H
#define IPHTTPS_IFACE_H

/*
 * The appliance's identity on each of its two ports: MAC, IPv4 and IPv6
 * addresses (a link-local address derived from the MAC comes first), and the
 * offloads the port turned on. Built once at start-up from the config and
 * read-only afterwards, so every worker reads it without a lock.
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_ether.h>

#include "appliance_config.h"
#include "ipv6_addr.h"
#include "worker.h"

/* The net layer's fixed sizes and timeouts, all in this one enum, with units
 * in the names. Configurable limits are in include/appliance_limits.h. */
enum net_limits {
	IFACE_MAX_IPV6 = CONFIG_MAX_ADDRESSES_PER_PORT + 1, /* the configured ones and the link-local */
	/* Next-hop (gateway) resolution by ARP and ND (nexthop.c). */
	NEXTHOP_MAX = 32,
	NEXTHOP_RETRY_MS = 1000,
	NEXTHOP_REFRESH_MS = 30000,
};

struct iface {
	enum config_port_role role;
	uint16_t port_id;
	struct rte_ether_addr mac;
	bool has_ipv4;
	uint32_t ipv4;       /* network order */
	uint32_t ipv4_mask;  /* network order */
	unsigned int ipv6_count;
	uint8_t ipv6[IFACE_MAX_IPV6][16]; /* [0] is the link-local address */
	/* The internal port routes the client prefix: its NAs carry the Router flag. */
	bool is_router;
	/* Service addresses (ports.*.service_addresses): accepted as a
	 * destination, never answered for by ARP or ND. */
	unsigned int service_ipv4_count, service_ipv6_count;
	uint32_t service_ipv4[CONFIG_MAX_SERVICE_ADDRESSES_PER_PORT]; /* network order */
	uint8_t service_ipv6[CONFIG_MAX_SERVICE_ADDRESSES_PER_PORT][16];
	uint16_t mtu;
	uint64_t rx_offloads;
	uint64_t tx_offloads;
	/* What the device's TSO cannot do although it reports TSO (port.c's
	 * quirks): whether it cuts IPv6 too, and the largest frame, Ethernet
	 * header included, a cut segment may be (0: no limit beyond the MTU). */
	bool tso_ipv6;
	uint16_t tso_frame_max;
};

extern struct iface ifaces[CONFIG_PORT_COUNT];

/** The iface of a DPDK port id (a received mbuf's m->port). */
static inline const struct iface *iface_of_port(uint16_t port_id)
{
	return ifaces[CONFIG_PORT_INTERNAL].port_id == port_id ? &ifaces[CONFIG_PORT_INTERNAL]
							       : &ifaces[CONFIG_PORT_EXTERNAL];
}

/** Fill an iface from its port config and the MAC the port reports. */
void iface_init(struct iface *ifc, enum config_port_role role, uint16_t port_id,
		const struct rte_ether_addr *mac, const struct config_port *config);

/** The MSS the appliance advertises on this port: the MTU less the IP and TCP headers. */
/** The TX offloads worker w may ask of ifc's port: those it offered, less any it refused since (worker_tx_refused). */
static inline uint64_t iface_tx_offloads(const struct worker *w, const struct iface *ifc)
{
	return ifc->tx_offloads & ~w->tx_offloads_refused[ifc->role];
}

static inline uint16_t iface_tcp_mss(const struct iface *ifc, uint8_t family)
{
	return (uint16_t)(ifc->mtu - (family == 4 ? 40 : 60));
}

/** Whether addr is one of the iface's unicast IPv6 addresses (link-local included). */
bool iface_owns_ipv6(const struct iface *ifc, const uint8_t addr[16]);

/** Whether addr is the solicited-node group of one of the iface's addresses. */
bool iface_is_solicited_node_of_ours(const struct iface *ifc, const uint8_t addr[16]);

/** Whether an IPv4 packet to addr (network order) is for the appliance: its address, or a service address. */
bool iface_serves_ipv4(const struct iface *ifc, uint32_t addr);

/** Whether an IPv6 packet to addr is for the appliance itself (a service address included). */
bool iface_accepts_ipv6_dst(const struct iface *ifc, const uint8_t addr[16]);

/** Whether a frame to this MAC is for the appliance (its own, broadcast, IPv6 multicast). */
bool iface_accepts_mac(const struct iface *ifc, const struct rte_ether_addr *mac);

#endif
