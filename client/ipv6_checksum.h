/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_IPV6_CHECKSUM_H
#define IPHTTPS_IPV6_CHECKSUM_H

/*
 * The internet checksum (RFC 1071) as the client's packet code needs it for
 * IPv6 upper layers (RFC 8200 8.1): ND messages it builds and checks
 * (nd_packets.c), TCP segments it splits and joins (tun_offload.c). And the
 * network-order reads and writes both use. Pure, header-only.
 */

#include <arpa/inet.h>
#include <stddef.h>
#include <stdint.h>

#include "internet_checksum.h"

static inline uint16_t ipv6_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t ipv6_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline void ipv6_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void ipv6_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/**
 * The one's complement sum of len bytes (as big-endian 16-bit words, an odd
 * last byte padded after) added to sum, not folded. internet_checksum.h sums
 * in host order, fast; swapping the folded result gives the same sum in
 * network order (RFC 1071 2(B)).
 */
static inline uint64_t ipv6_sum(uint64_t sum, const uint8_t *p, size_t len)
{
	return sum + ntohs(internet_checksum_fold(internet_checksum_add(0, p, len)));
}

/** The pseudo-header's sum: the packet's source and destination (ip is its IPv6 header), length, protocol. */
static inline uint64_t ipv6_pseudo_sum(const uint8_t *ip, uint32_t upper_len, uint8_t proto)
{
	return ipv6_sum(0, ip + 8, 32) + (upper_len >> 16) + (upper_len & 0xffff) + proto;
}

/**
 * The upper layer's checksum, skipping the 2-byte field at checksum_at (as
 * if it were zero): what goes into the field, or, over a message whose field
 * is right, what makes the sum check.
 */
static inline uint16_t ipv6_upper_checksum(const uint8_t *ip, const uint8_t *upper, size_t len, uint8_t proto,
					   size_t checksum_at)
{
	uint64_t sum = ipv6_pseudo_sum(ip, (uint32_t)len, proto);

	sum = ipv6_sum(sum, upper, checksum_at);
	sum = ipv6_sum(sum, upper + checksum_at + 2, len - checksum_at - 2);
	return (uint16_t)~internet_checksum_fold(sum);
}

/** Whether an upper-layer message with its checksum in place sums to all ones (it is right). */
static inline int ipv6_upper_checksum_ok(const uint8_t *ip, const uint8_t *upper, size_t len, uint8_t proto)
{
	return internet_checksum_fold(ipv6_sum(ipv6_pseudo_sum(ip, (uint32_t)len, proto), upper, len)) == 0xffff;
}

#endif
