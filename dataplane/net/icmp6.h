/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_ICMP6_H
#define IPHTTPS_ICMP6_H

/* ICMPv6 (RFC 4443) for the appliance's own addresses: echo, and ND (nd.c). */

#include <rte_mbuf.h>

struct worker;
struct iface;

/** Handle an ICMPv6 message (IPv6 validated, no extension headers); consumes m. */
void icmp6_input(struct worker *w, const struct iface *ifc, struct rte_mbuf *m);

#endif
