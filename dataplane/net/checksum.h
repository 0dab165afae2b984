/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_CHECKSUM_H
#define IPHTTPS_CHECKSUM_H

/*
 * Internet checksums (RFC 1071) the datapath computes in software: ICMP,
 * ICMPv6 (with the IPv6 pseudo-header, RFC 8200 8.1). DPDK's own IPv6 verify
 * helper is still experimental in 22.11, so the few lines live here.
 */

#include <rte_ip.h>

static inline uint16_t checksum_fold(uint32_t sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/* Sum of an upper-layer message and the pseudo-header of ip (no extension headers). */
static inline uint16_t checksum_ipv6_upper(const struct rte_ipv6_hdr *ip, const void *l4, uint32_t len)
{
	return checksum_fold((uint32_t)rte_raw_cksum(l4, len) + rte_ipv6_phdr_cksum(ip, 0));
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
	return rte_raw_cksum(icmp, len) == 0xffff;
}

/** The value to store in an ICMP checksum field that currently holds 0. */
static inline uint16_t checksum_icmp(const void *icmp, uint32_t len)
{
	return (uint16_t)~rte_raw_cksum(icmp, len);
}

#endif
