/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_ND_PACKETS_H
#define IPHTTPS_ND_PACKETS_H

/*
 * The Neighbor Discovery packets (RFC 4861) the client's SLAAC sends into
 * the tunnel and reads out of it, as whole IPv6 packets: the Router
 * Solicitation, the DAD Neighbor Solicitation (RFC 4862 5.4.2: from ::, to
 * the target's solicited-node group), the Router Advertisement it learns its
 * prefix, MTU and router from, and the Neighbor Advertisement that says its
 * address is taken, and the unicast NS that asks the router whether it is
 * still there (client/link_liveness.h). Pure: bytes in, bytes out, with bounds.
 */

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
	ND_PACKET_MAX_BYTES = 40 + 32,
	ND_RA_MAX_DNS = 8,        /* RDNSS addresses kept from one RA (RFC 8106 5.3.1: a host keeps at least 3) */
	ND_RA_MAX_DOMAINS = 8,    /* DNSSL names kept from one RA */
	ND_RA_MAX_ROUTES = 17,    /* Route Information options (RFC 4191 2.3: a router sends 17 at most) */
	ND_DNS_NAME_MAX_BYTES = 254,
};

/* RFC 8106 5.1: a DNS server, and how long it may be used (0: no longer). */
struct nd_ra_dns {
	struct in6_addr addr;
	uint32_t lifetime_s;
};

/* RFC 8106 5.2: a search domain, as text without the trailing dot. */
struct nd_ra_domain {
	char name[ND_DNS_NAME_MAX_BYTES];
	uint32_t lifetime_s;
};

/* RFC 4191 2.3: a route through the router (0: no longer), its preference -1, 0 or 1. */
struct nd_ra_route {
	struct in6_addr prefix; /* bits past len zero */
	uint8_t len;
	int8_t preference;
	uint32_t lifetime_s;
};

struct nd_router_advert {
	struct in6_addr router;      /* its source: the server's link-local address */
	uint16_t router_lifetime_s;  /* 0: not a default router */
	bool has_prefix;             /* a Prefix Information option with A set and length 64 */
	struct in6_addr prefix;
	uint32_t valid_s, preferred_s;
	uint32_t mtu;                /* 0: no MTU option */
	/* What else the link is configured with. A malformed option of these
	 * is skipped on its own (RFC 8106 5.3.1, RFC 4191 3.1), the rest kept. */
	unsigned int dns_count, domain_count, route_count;
	struct nd_ra_dns dns[ND_RA_MAX_DNS];
	struct nd_ra_domain domains[ND_RA_MAX_DOMAINS];
	struct nd_ra_route routes[ND_RA_MAX_ROUTES];
};

/** An RS from src (a link-local address, or :: without a source option) to ff02::2. @return bytes. */
size_t nd_build_router_solicitation(uint8_t *out, const struct in6_addr *src);

/** The DAD NS for target: from ::, to ff02::1:ffXX:XXXX, hop limit 255. @return bytes. */
size_t nd_build_dad_solicitation(uint8_t *out, const struct in6_addr *target);

/**
 * A unicast NS for target, from src to target itself (RFC 4861 7.2.2,
 * unreachability detection: the client asking whether its router is still
 * there), hop limit 255, no link-layer option. @return bytes.
 */
size_t nd_build_neighbor_solicitation(uint8_t *out, const struct in6_addr *src, const struct in6_addr *target);

/**
 * Parse an RA (hop limit 255, ICMPv6 checksum right, from a link-local
 * address, options well formed). @return true and *ra filled, or false when
 * the packet is not a valid RA.
 */
bool nd_parse_router_advert(const uint8_t *pkt, size_t len, struct nd_router_advert *ra);

/** Whether pkt is a valid NA (hop limit 255, checksum right) for target. */
bool nd_is_advert_for(const uint8_t *pkt, size_t len, const struct in6_addr *target);

#endif
