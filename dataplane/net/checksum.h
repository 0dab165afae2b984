/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_CHECKSUM_H
#define IPHTTPS_CHECKSUM_H

/*
 * Internet checksums (RFC 1071) the datapath computes in software: TCP,
 * ICMP, ICMPv6 (with the IPv6 pseudo-header, RFC 8200 8.1). The sum itself is
 * internet_checksum.h's (faster than rte_raw_cksum, see there); DPDK gives
 * the pseudo-headers. DPDK's own IPv6 verify helper is still experimental in
 * 22.11, so the few lines live here.
 */

#include <rte_ip.h>

#include "internet_checksum.h"

/* Sum of an upper-layer message and the pseudo-header of ip (no extension headers). */
static inline uint16_t checksum_ipv6_upper(const struct rte_ipv6_hdr *ip, const void *l4, uint32_t len)
{
	return internet_checksum_fold(internet_checksum_add(rte_ipv6_phdr_cksum(ip, 0), l4, len));
}

/**
 * The value to store in a TCP checksum field that holds 0, over the segment
 * at l4 (len bytes, contiguous) and the pseudo-header of l3 (IPv4 or IPv6).
 */
static inline uint16_t checksum_tcp(const void *l3, const void *l4, uint32_t len)
{
	uint64_t pseudo = (*(const uint8_t *)l3 >> 4) == 4 ? rte_ipv4_phdr_cksum(l3, 0) : rte_ipv6_phdr_cksum(l3, 0);

	return (uint16_t)~internet_checksum_fold(internet_checksum_add(pseudo, l4, len));
}

/** Whether a TCP segment with its checksum in place is right (see checksum_tcp). */
static inline int checksum_tcp_ok(const void *l3, const void *l4, uint32_t len)
{
	return checksum_tcp(l3, l4, len) == 0;
}

/** Whether an ICMPv6 message's checksum is right. */
static inline int checksum_icmp6_ok(const struct rte_ipv6_hdr *ip, const void *l4, uint32_t len)
{
	return checksum_ipv6_upper(ip, l4, len) == 0xffff;
}

/** The value to store in an ICMPv6 checksum field that currently holds 0. */
static inline uint16_t checksum_icmp6(const struct rte_ipv6_hdr *ip, const void *l4, uint32_t len)
{
	return (uint16_t)~checksum_ipv6_upper(ip, l4, len);
}

/** Whether an ICMP (v4) message's checksum is right. */
static inline int checksum_icmp_ok(const void *icmp, uint32_t len)
{
	return internet_checksum_fold(internet_checksum_add(0, icmp, len)) == 0xffff;
}

/** The value to store in an ICMP checksum field that currently holds 0. */
static inline uint16_t checksum_icmp(const void *icmp, uint32_t len)
{
	return (uint16_t)~internet_checksum_fold(internet_checksum_add(0, icmp, len));
}

#endif
