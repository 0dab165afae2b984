/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_LINK_H
#define IPHTTPS_LINK_H

/*
 * The IP-HTTPS link as the session layer sees it: where the framer hands the
 * client's IPv6 packets, and the server's own addresses on the link.
 *
 * The server answers ICMPv6 echo on its link addresses: fe80::1 and the
 * client prefix's ::1 (so a client can check the link end to end before
 * anything else runs). Everything else a client sends is counted and
 * dropped until the router (route, neighbor discovery and multicast rules
 * of [MS-IPHTTPS] §3.2.5.2.2) forwards it.
 */

#include <netinet/in.h>

struct worker;
struct session;
struct rte_mbuf;
struct iphttps_config;

/** Learn the server's link addresses from the config (start-up). */
void link_init(const struct iphttps_config *config);

/** Whether addr is one of the server's addresses on the link. */
int link_is_server_address(const struct in6_addr *addr);

/** A complete IPv6 packet from the client of s (one mbuf chain, consumed). */
void link_input(struct worker *w, struct session *s, struct rte_mbuf *m);

#endif
