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

enum { IFACE_MAX_IPV6 = CONFIG_MAX_ADDRESSES_PER_PORT + 1 };

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
	uint16_t mtu;
	uint64_t rx_offloads;
	uint64_t tx_offloads;
};

extern struct iface ifaces[CONFIG_PORT_COUNT];

/** Fill an iface from its port config and the MAC the port reports. */
void iface_init(struct iface *ifc, enum config_port_role role, uint16_t port_id,
		const struct rte_ether_addr *mac, const struct config_port *config);

/** The MSS the appliance advertises on this port: the MTU less the IP and TCP headers. */
static inline uint16_t iface_tcp_mss(const struct iface *ifc, uint8_t family)
{
	return (uint16_t)(ifc->mtu - (family == 4 ? 40 : 60));
}

/** Whether addr is one of the iface's unicast IPv6 addresses (link-local included). */
bool iface_owns_ipv6(const struct iface *ifc, const uint8_t addr[16]);

/** Whether addr is the solicited-node group of one of the iface's addresses. */
bool iface_is_solicited_node_of_ours(const struct iface *ifc, const uint8_t addr[16]);

/** Whether an IPv6 packet to addr is for the appliance itself. */
bool iface_accepts_ipv6_dst(const struct iface *ifc, const uint8_t addr[16]);

/** Whether a frame to this MAC is for the appliance (its own, broadcast, IPv6 multicast). */
bool iface_accepts_mac(const struct iface *ifc, const struct rte_ether_addr *mac);

static inline bool ipv6_is_multicast(const uint8_t a[16])
{
	return a[0] == 0xff;
}

static inline bool ipv6_is_unspecified(const uint8_t a[16])
{
	static const uint8_t zero[16];

	return __builtin_memcmp(a, zero, 16) == 0;
}

/** ff02::1:ffXX:XXXX for addr (RFC 4291 2.7.1). */
void ipv6_solicited_node(const uint8_t addr[16], uint8_t group[16]);

/** 33:33 + low 32 bits of a multicast group (RFC 2464 7). */
void ipv6_multicast_mac(const uint8_t group[16], struct rte_ether_addr *mac);

#endif
