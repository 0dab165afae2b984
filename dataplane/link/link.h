/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_LINK_H
#define IPHTTPS_LINK_H

/*
 * The IP-HTTPS link: what happens to a client's IPv6 packet once its
 * session has framed it. The session layer delivers each packet here
 * through the handler this layer registers (link_start); the link sends
 * packets down with session_send_packet.
 *
 * The server is the link's router ([MS-IPHTTPS] 3.2.3.1): it answers Router
 * Solicitations and DAD probes and sends Router Advertisements (link_nd.c),
 * keeps the Neighbor Cache (client address -> session, learned from DAD and
 * from traffic), and answers ICMPv6 echo on its link addresses fe80::1 and
 * <client prefix>::1. In authentication mode none it enforces §3.2.5.2.2:
 * link-local unicast only to the server, multicast only RS and DAD NS, and a
 * client sends only from addresses it owns. Forwarding to the internal
 * network and between clients comes with the rest of the router: until then
 * other packets are counted (drop_link_no_route).
 */

#include <stdbool.h>
#include <netinet/in.h>

struct iphttps_config;
struct worker;
struct session;
struct rte_mbuf;

/** Start the link: register its packet handler with the session layer (start-up). */
void link_start(void);

/**
 * Allocate worker w's link state (start-up, before its loop runs).
 * @return 0, or -1 when memory runs out.
 */
int link_worker_init(struct worker *w, const struct iphttps_config *config);

/** Free it (the worker has stopped). */
void link_worker_free(struct worker *w);

/** The period of the sweep for unused addresses, for an iphttps.address_idle_timeout_s (LINK_ADDRESS_SWEEP_*). */
uint32_t link_address_sweep_ms(uint32_t address_idle_timeout_s);

/** Whether addr is one of the server's addresses on the link (fe80::1, <client prefix>::1). */
bool link_is_server_address(const struct worker *w, const struct in6_addr *addr);

enum link_limits {
	/* How often each client's unused addresses are looked for: a sixteenth of
	 * iphttps.address_idle_timeout_s (an address goes at most that much
	 * late), between these two. A sweep touches every session: at 100,000
	 * and the default timeout of a day, once a minute costs the worker
	 * nothing measurable, where once a second was 100,000 visits a second. */
	LINK_ADDRESS_SWEEP_MS = 1000,
	LINK_ADDRESS_SWEEP_MAX_MS = 60000,
	LINK_ADDRESS_SWEEP_DIVISOR = 16,
	LINK_ADDRESS_AGING_TICK_MS = 100, /* a slice of the sessions each tick: a whole sweep a link_address_sweep_ms */
	/* Certificates mode: multicast packets one client may have copied to
	 * all the others, a second (one in, N TLS records out). A host's own
	 * needs are a few: MLD reports, DAD and address resolution NS, LLMNR
	 * and mDNS queries; a burst at link-up fits. */
	LINK_MULTICAST_PER_CLIENT_PER_SECOND = 20,
	LINK_ADDRESS_HOLD_SWEEP_BUDGET = 4096, /* holds looked at per sweep: the table in a few minutes at most */
};

/**
 * Whether addr is the router's and never a client's: the server's
 * addresses, or the client prefix's subnet-router anycast (<prefix>::).
 */
bool link_is_reserved_address(const struct worker *w, const struct in6_addr *addr);

/** The link's periodic work (unsolicited Router Advertisements); the worker's loop. */
void link_poll(struct worker *w);

/** A complete IPv6 packet from the client of s (one mbuf chain, consumed). */
void link_input(struct worker *w, struct session *s, struct rte_mbuf *m);

#endif
