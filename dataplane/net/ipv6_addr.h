/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_IPV6_ADDR_H
#define IPHTTPS_IPV6_ADDR_H

/* IPv6 address tests and the multicast addresses derived from an address (RFC 4291, RFC 2464). */

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_ether.h>

static inline bool ipv6_addr_is_multicast(const uint8_t a[16])
{
	return a[0] == 0xff;
}

static inline bool ipv6_addr_is_unspecified(const uint8_t a[16])
{
	static const uint8_t zero[16];

	return memcmp(a, zero, 16) == 0;
}

/** fe80::/10 (RFC 4291 2.5.6). */
static inline bool ipv6_addr_is_link_local(const uint8_t a[16])
{
	return a[0] == 0xfe && (a[1] & 0xc0) == 0x80;
}

/** ff02::1:ffXX:XXXX for addr (RFC 4291 2.7.1). */
static inline void ipv6_addr_solicited_node(const uint8_t addr[16], uint8_t group[16])
{
	static const uint8_t prefix[13] = { 0xff, 0x02, [11] = 0x01, [12] = 0xff };

	memcpy(group, prefix, 13);
	memcpy(group + 13, addr + 13, 3);
}

/** 33:33 + the low 32 bits of a multicast group (RFC 2464 7). */
static inline void ipv6_addr_multicast_mac(const uint8_t group[16], struct rte_ether_addr *mac)
{
	mac->addr_bytes[0] = 0x33;
	mac->addr_bytes[1] = 0x33;
	memcpy(&mac->addr_bytes[2], group + 12, 4);
}

#endif
