/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_IPV6_ROUTE_H
#define IPHTTPS_IPV6_ROUTE_H

/*
 * IPv6 packets the appliance routes, as the net layer sees them.
 *
 * Out: ipv6_route_output sends a packet (the IPv6 header first in the mbuf,
 * no Ethernet header) to the internal network: the longest configured route
 * (ports.internal.routes) whose prefix holds the destination, else the
 * internal gateway; the next hop's MAC comes from the next-hop table (ND).
 *
 * In: a packet arriving on the internal port for an address the appliance
 * does not own is handed to the forward handler the layer above registers
 * (the link: the client prefix), or dropped and counted when there is none.
 *
 * ipv6_icmp_error builds an ICMPv6 error (RFC 4443) about a packet, in a new
 * mbuf, for whoever sends it on.
 */

#include <stdbool.h>
#include <stdint.h>

struct worker;
struct iface;
struct rte_mbuf;

/* Takes a packet (m->l2_len set, the Ethernet header still in front) and consumes it. */
typedef void (*ipv6_forward_fn)(struct worker *w, const struct iface *ifc, struct rte_mbuf *m);

/** Register the handler of packets to forward (start-up); NULL removes it. */
void ipv6_route_set_forward_handler(ipv6_forward_fn fn);

/** Hand a received packet not for the appliance to the forward handler (ipv6.c). */
void ipv6_route_forward(struct worker *w, const struct iface *ifc, struct rte_mbuf *m);

/**
 * Send m (an IPv6 packet at its data start) toward its destination on the
 * internal network. Consumes m. @return 0, or -1 when dropped (counted:
 * no route, or the next hop not resolved yet).
 */
int ipv6_route_output(struct worker *w, struct rte_mbuf *m);

/**
 * An ICMPv6 error of type/code (param: the MTU of a Packet Too Big, the
 * pointer of a Parameter Problem) from src about the packet at `offending`
 * (len bytes), quoting as much of it as keeps the error within 1280 bytes.
 * @return the new mbuf (IPv6 header first), or NULL when the pool is empty (counted).
 */
struct rte_mbuf *ipv6_icmp_error(struct worker *w, const uint8_t src[16], const void *offending, uint32_t len,
				 uint8_t type, uint8_t code, uint32_t param);

#endif
