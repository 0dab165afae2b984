/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_LINK_FORWARD_H
#define IPHTTPS_LINK_FORWARD_H

/*
 * The router between the IP-HTTPS link and the internal network
 * ([MS-IPHTTPS] 3.2.3.1: the server "SHOULD then act as a router").
 *
 *   client -> internal   hop limit decremented (Time Exceeded when it runs
 *                        out), then out the internal port by the configured
 *                        routes (ipv6_route_output)
 *   internal -> client   the destination looked up in the client index; a
 *                        packet over the link MTU gets Packet Too Big, an
 *                        address no client has gets Destination Unreachable
 *                        (both rate limited), the rest goes down the session
 *   client -> client     the same lookup, inside the client prefix
 *
 * A destination whose session is on another worker crosses to that worker
 * through its inbox ring (worker_inbox_post), checked (size, hop limit) here
 * and delivered there by link_forward_handed_over.
 */

struct worker;
struct session;
struct iface;
struct rte_mbuf;

/** A unicast packet from s's client that is not for the server itself (m consumed). */
void link_forward_from_client(struct worker *w, struct session *s, struct rte_mbuf *m);

/** A packet another worker handed over for a client of this one (m consumed). */
void link_forward_handed_over(struct worker *w, struct rte_mbuf *m);

/**
 * A packet from s's client longer than the link MTU (the framer kept its
 * first bytes): dropped, counted, and answered with Packet Too Big giving
 * the link MTU (rate limited as every error); the session stays.
 */
void link_forward_too_big_from_client(struct worker *w, struct session *s, struct rte_mbuf *m);

/** A packet from the internal network to an address the appliance does not own (m consumed). */
void link_forward_from_internal(struct worker *w, const struct iface *ifc, struct rte_mbuf *m);

#endif
