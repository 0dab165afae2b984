/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_LINK_H
#define IPHTTPS_LINK_H

/*
 * The IP-HTTPS link: what happens to a client's IPv6 packet once its
 * session has framed it. The session layer delivers each packet here
 * through the handler this layer registers (link_start); the link sends
 * packets down with session_send_packet.
 *
 * The server answers ICMPv6 echo on its link addresses: fe80::1 and the
 * client prefix's ::1 (so a client can check the link end to end before
 * anything else runs). Everything else a client sends is counted and
 * dropped until the router (route, neighbor discovery and multicast rules
 * of [MS-IPHTTPS] §3.2.5.2.2) forwards it.
 */

#include <stdbool.h>
#include <netinet/in.h>

struct worker;
struct session;
struct rte_mbuf;

/** Start the link: register its packet handler with the session layer (start-up). */
void link_start(void);

/** Whether addr is one of the server's addresses on the link (fe80::1, <client prefix>::1). */
bool link_is_server_address(const struct worker *w, const struct in6_addr *addr);

/** A complete IPv6 packet from the client of s (one mbuf chain, consumed). */
void link_input(struct worker *w, struct session *s, struct rte_mbuf *m);

#endif
