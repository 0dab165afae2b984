/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_LINK_ICMP_ERROR_H
#define IPHTTPS_LINK_ICMP_ERROR_H

/*
 * Whether the router may send an ICMPv6 error about a packet (RFC 4443 2.4):
 *  - (e) never about an ICMPv6 error message, nor about a packet whose
 *    source does not name one node (unspecified, multicast; the router's own
 *    subnet-router anycast is never a source here), nor about a packet to a
 *    multicast address other than with Packet Too Big;
 *  - (f) rate limited: each source address has its own budget
 *    (LINK_ICMP_ERRORS_PER_SOURCE_PER_SECOND), so one host that sends to
 *    unused addresses cannot spend the others' errors (a client once
 *    silenced Packet Too Big for everyone), and the worker has a ceiling
 *    for all of them (LINK_ICMP_ERRORS_PER_SECOND) that bounds what many
 *    sources together get.
 * The budgets by source are a direct-mapped table per worker: a source that
 * takes a slot another held starts afresh, which at worst lets that other
 * one have a few more errors; the worker's ceiling still holds.
 */

#include <stdbool.h>
#include <stdint.h>

struct worker;
struct rte_mbuf;

enum link_icmp_error_limits {
	LINK_ICMP_ERRORS_PER_SECOND = 1000,           /* per worker, all sources together */
	LINK_ICMP_ERRORS_PER_SOURCE_PER_SECOND = 10,  /* per source address of the offending packet */
	LINK_ICMP_ERROR_SOURCE_SLOTS = 1024,          /* per worker, a power of two */
};

/**
 * Whether an error of ICMPv6 type about m (an IPv6 packet, its header in the
 * first mbuf) may be sent now. Counts link_icmp_errors_limited or
 * link_icmp_errors_not_allowed when not.
 */
bool link_icmp_error_allowed(struct worker *w, const struct rte_mbuf *m, uint8_t type);

#endif
