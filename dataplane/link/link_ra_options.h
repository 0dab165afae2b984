/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_LINK_RA_OPTIONS_H
#define IPHTTPS_LINK_RA_OPTIONS_H

/*
 * The link's Router Advertisement as bytes (the ICMPv6 message, checksum
 * left zero): what the configuration tells every client. Pure, so each
 * option is tested byte by byte (tests/unit/test_link_ra_options.c); the
 * worker builds it once per configuration and sends copies (link_nd.c).
 *
 *   header          Cur Hop Limit 64, M and O clear (SLAAC only, no DHCPv6),
 *                   router lifetime LINK_ROUTER_LIFETIME_S, or 0 for a split
 *                   tunnel (iphttps.client_routes given): then the appliance
 *                   is not the clients' default router (RFC 4861 4.2) and
 *                   they route only the advertised prefixes to it.
 *   Prefix          the client prefix, autonomous, on-link clear (every
 *                   packet goes through the router).
 *   MTU             iphttps.link_mtu.
 *   RDNSS (25)      iphttps.dns_servers (RFC 8106 5.1).
 *   DNSSL (31)      iphttps.dns_search, in DNS wire format, zero-padded to
 *                   eight bytes (RFC 8106 5.2).
 *   Route Info (24) one per iphttps.client_routes, preference medium, the
 *                   prefix in 0, 8 or 16 bytes as its length needs (RFC 4191
 *                   2.3).
 *
 * Lifetimes: RDNSS, DNSSL and routes live as long as the router lifetime
 * would (LINK_ROUTER_LIFETIME_S, three times the longest gap between two
 * RAs: RFC 8106 5.1's "at least 3 x MaxRtrAdvInterval").
 *
 * Withdrawals: what a reload takes away would otherwise live on in the
 * clients for its whole lifetime. Given the settings before the reload, the
 * servers, domains and routes they had and the new ones lack are written
 * again with lifetime 0 (RFC 8106 5.1 and 5.2, RFC 4191 2.3: "no longer
 * valid"), after the current ones and only as far as they fit; what does not
 * fit expires with its lifetime.
 */

#include <stddef.h>
#include <stdint.h>

#include "appliance_config.h"

enum {
	LINK_RA_OPT_RDNSS = 25,
	LINK_RA_OPT_DNSSL = 31,
	LINK_RA_OPT_ROUTE_INFORMATION = 24,
	LINK_RA_OPTIONS_LIFETIME_S = 1800, /* = LINK_ROUTER_LIFETIME_S */
};

/** The router lifetime the RA carries: 0 for a split tunnel. */
uint16_t link_ra_router_lifetime(const struct config_iphttps *link);

/**
 * Write link's RA into out (at least IPHTTPS_RA_MAX_BYTES), with the
 * withdrawals of what before had (NULL: none).
 * @return its bytes (config_ra_bytes(link) without withdrawals).
 */
size_t link_ra_build(const struct config_iphttps *link, const struct config_iphttps *before, uint8_t *out);

/** Whether before's RA options (not the prefix) differ from link's: a reload then refreshes every client. */
int link_ra_options_differ(const struct config_iphttps *link, const struct config_iphttps *before);

#endif
