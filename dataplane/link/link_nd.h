/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_LINK_ND_H
#define IPHTTPS_LINK_ND_H

/*
 * Neighbor discovery on the IP-HTTPS link (RFC 4861, [MS-IPHTTPS] 3.2.3.1 and
 * 3.2.5.2.2), the server's side: it is the link's router.
 *
 *   Router Advertisements from the server's link-local address fe80::1 to
 *   ff02::1: the client prefix (a /64, on-link off, autonomous on), the link
 *   MTU, a router lifetime, and the DNS servers, search domains and split
 *   tunnel routes of the configuration (link_ra_options.h). Sent in answer
 *   to a Router Solicitation, every LINK_RA_INTERVAL_S to every client of
 *   the worker, and to all of them within LINK_RA_REFRESH_MS of a reload
 *   that changes what they carry.
 *
 *   The Neighbor Cache: client address -> session, in the Client Table's
 *   index (client_table_bind_address), learned from DAD and from traffic,
 *   and removed with the session (3.2.7.2).
 *
 *   DAD: a Neighbor Solicitation from :: to a solicited-node group. Its
 *   target, when free, is now this client's; when another client has it,
 *   the server answers as that client would: a multicast NA from the target,
 *   Router flag clear, no Target Link-Layer option, so the newcomer's DAD
 *   fails.
 *
 *   The server's own addresses (fe80::1 and <prefix>::1) and the prefix's
 *   subnet-router anycast (<prefix>::, RFC 4291 2.6.1) are the router's: a
 *   Neighbor Solicitation for one of them, multicast (address resolution)
 *   or unicast (NUD, RFC 4861 7.3: Windows probes its router when no upper
 *   layer confirms it), gets the router's NA: Router flag set, Solicited
 *   set and unicast to the solicitor (7.2.4), no Target Link-Layer option
 *   (the link has no link-layer addresses). A DAD probe for one is defended
 *   (Solicited clear, to all-nodes), and no client ever binds one.
 */

#include <stdbool.h>
#include <stdint.h>

struct worker;
struct session;
struct rte_mbuf;

enum link_nd_limits {
	LINK_RA_INTERVAL_S = 200,        /* unsolicited RAs (RFC 4861 6.2.1: MinRtrAdvInterval of 600 s max) */
	LINK_RA_TICK_MS = 100,           /* how often the worker looks for sessions due their RA */
	LINK_RA_REFRESH_MS = 10000,      /* a change of the RA's options reaches every client within this */
	LINK_ROUTER_LIFETIME_S = 1800,   /* 3 x MaxRtrAdvInterval */
	LINK_PREFIX_VALID_S = 2592000,   /* RFC 4861 6.2.1 defaults: 30 days */
	LINK_PREFIX_PREFERRED_S = 604800,/* 7 days */
	LINK_ND_HOP_LIMIT = 255,
};

/** Answer a Router Solicitation from s's client (m consumed). */
void link_nd_router_solicitation(struct worker *w, struct session *s, struct rte_mbuf *m);

/** Claim target for s's client when no client has it (certificates mode's DAD). */
void link_nd_claim(struct worker *w, struct session *s, const uint8_t target[16]);

/** Answer s's client's DAD for target, which another client holds, as that client would. */
void link_nd_defend(struct worker *w, struct session *s, const uint8_t target[16]);

/** A DAD Neighbor Solicitation from s's client, mode none (m consumed). */
void link_nd_dad(struct worker *w, struct session *s, struct rte_mbuf *m);

/**
 * A Neighbor Solicitation from s's client for one of the router's addresses
 * (link_is_reserved_address), already valid (RFC 4861 7.1.1): answer it, or
 * defend the address when it is a DAD probe (m consumed).
 */
void link_nd_solicitation_for_router(struct worker *w, struct session *s, struct rte_mbuf *m);

/** Send a Router Advertisement to s's client. @return 0, or -1 (counted). */
int link_nd_send_ra(struct worker *w, struct session *s);

/** Unsolicited RAs to every client of the worker when due (the worker's loop). */
void link_nd_poll(struct worker *w);

#endif
