/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_LINK_MULTICAST_H
#define IPHTTPS_LINK_MULTICAST_H

/*
 * Multicast between clients in authentication mode certificates
 * ([MS-IPHTTPS] 3.2.5.2.2): a client's multicast packet goes to every other
 * client, except for Neighbor Discovery, where an authenticated client is
 * still no router and speaks only for its own addresses:
 *  - a DAD Neighbor Solicitation whose target another client holds goes to
 *    that client only (§3.2.5.2.2: not to a client without the entry), and
 *    the server answers the prober as the holder would, as in mode none:
 *    the holder's own NA names a target only it holds, so by the letter of
 *    §3.2.5.2.2 it would reach nobody, and the duplicate would never be
 *    detected (this also serves a holder on another worker);
 *  - a multicast Neighbor Advertisement goes to the others only when its
 *    target is the sender's own address; one for another client's address
 *    or for one nobody holds (a prober's target) is dropped
 *    (drop_link_nd_not_own_target), so no client can fail a newcomer's DAD
 *    or take over another's address (RFC 6105's spirit, for ND);
 *  - Router Advertisements and Redirects from clients are never forwarded
 *    (link.c, both modes: RFC 6105 RA guard). This deviates from "forward
 *    all multicast" on purpose: one client would otherwise remove every
 *    other client's address (valid lifetime 1 s) or set their MTU.
 * Clients on other workers are reached through the workers' inboxes (the
 * only path between workers): a copy to each other worker, whose own
 * clients each get one (link_multicast_handed_over); a DAD probe for a
 * holder on another worker goes to that worker only, which gives it to the
 * holder. The fan-out is rated per client on the sender's worker
 * (LINK_MULTICAST_PER_CLIENT_PER_SECOND), before any copy is made.
 */

struct worker;
struct session;
struct rte_mbuf;

/** A multicast packet from s's client (m consumed). */
void link_multicast_from_client(struct worker *w, struct session *s, struct rte_mbuf *m);

/** A client's multicast packet another worker handed to this one, for its clients (m consumed). */
void link_multicast_handed_over(struct worker *w, struct rte_mbuf *m);

#endif
