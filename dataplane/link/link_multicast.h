/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_LINK_MULTICAST_H
#define IPHTTPS_LINK_MULTICAST_H

/*
 * Multicast between clients in authentication mode certificates
 * ([MS-IPHTTPS] 3.2.5.2.2): a client's multicast packet goes to every other
 * client, except that a multicast Neighbor Advertisement, or a DAD Neighbor
 * Solicitation, whose target is in the Neighbor Cache goes only to the
 * client that has that entry (the one whose address it is, which then
 * defends it itself). Clients on other workers are reached when the
 * per-worker rings come with the rest of the router (counted until then).
 */

struct worker;
struct session;
struct rte_mbuf;

/** A multicast packet from s's client (m consumed). */
void link_multicast_from_client(struct worker *w, struct session *s, struct rte_mbuf *m);

#endif
