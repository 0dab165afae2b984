/* SPDX-License-Identifier: BSD-3-Clause */
#include "link_ra_options.h"

#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "link_nd.h"

enum {
	ND_ROUTER_ADVERTISEMENT = 134,
	ND_OPT_PREFIX_INFORMATION = 3,
	ND_OPT_MTU = 5,
	PREFIX_FLAG_AUTONOMOUS = 0x40,
	RA_HEADER_BYTES = 16,
};

_Static_assert((int)LINK_RA_OPTIONS_LIFETIME_S == (int)LINK_ROUTER_LIFETIME_S, "the options live as long as the router");

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8), p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8), p[3] = (uint8_t)v;
}

uint16_t link_ra_router_lifetime(const struct config_iphttps *link)
{
	return link->client_route_count ? 0 : LINK_ROUTER_LIFETIME_S;
}

/* An RDNSS option with n servers at p; @return its bytes. */
static size_t put_rdnss(uint8_t *p, const struct in6_addr *servers, unsigned int n, uint32_t lifetime_s)
{
	p[0] = LINK_RA_OPT_RDNSS;
	p[1] = (uint8_t)(1 + 2 * n);
	p[2] = p[3] = 0;
	put32(&p[4], lifetime_s);
	for (unsigned int i = 0; i < n; i++)
		memcpy(&p[8 + 16 * i], &servers[i], 16);
	return 8 + 16 * (size_t)n;
}

/* name in DNS wire format at p: "corp.example" is 4 corp 7 example 0. @return its bytes. */
static size_t put_dns_name(uint8_t *p, const char *name)
{
	size_t n = 0;

	while (*name) {
		const char *dot = strchr(name, '.');
		size_t label = dot ? (size_t)(dot - name) : strlen(name);

		p[n++] = (uint8_t)label;
		memcpy(&p[n], name, label);
		n += label;
		name += label + (dot ? 1 : 0);
	}
	p[n++] = 0;
	return n;
}

/* A DNSSL option with n names at p, padded with zeros; @return its bytes. */
static size_t put_dnssl(uint8_t *p, const char (*names)[IPHTTPS_DNS_NAME_MAX_BYTES], unsigned int n,
			uint32_t lifetime_s)
{
	size_t len = 8;

	put32(&p[4], lifetime_s);
	for (unsigned int i = 0; i < n; i++)
		len += put_dns_name(&p[len], names[i]);
	while (len % 8)
		p[len++] = 0;
	p[0] = LINK_RA_OPT_DNSSL;
	p[1] = (uint8_t)(len / 8);
	p[2] = p[3] = 0;
	return len;
}

/* A Route Information option for route at p, preference medium (00); @return its bytes. */
static size_t put_route(uint8_t *p, const struct config_ipv6_prefix *route, uint32_t lifetime_s)
{
	size_t len = config_route_information_bytes(route);

	p[0] = LINK_RA_OPT_ROUTE_INFORMATION;
	p[1] = (uint8_t)(len / 8);
	p[2] = route->len;
	p[3] = 0;
	put32(&p[4], lifetime_s);
	memcpy(&p[8], route->addr.s6_addr, len - 8);
	return len;
}

static bool has_server(const struct config_iphttps *link, const struct in6_addr *a)
{
	for (unsigned int i = 0; i < link->dns_server_count; i++)
		if (memcmp(&link->dns_servers[i], a, sizeof(*a)) == 0)
			return true;
	return false;
}

static bool has_domain(const struct config_iphttps *link, const char *name)
{
	for (unsigned int i = 0; i < link->dns_search_count; i++)
		if (strcasecmp(link->dns_search[i], name) == 0)
			return true;
	return false;
}

static bool has_route(const struct config_iphttps *link, const struct config_ipv6_prefix *r)
{
	for (unsigned int i = 0; i < link->client_route_count; i++)
		if (link->client_routes[i].len == r->len &&
		    memcmp(&link->client_routes[i].addr, &r->addr, sizeof(r->addr)) == 0)
			return true;
	return false;
}

/* before's entries that link lacks, with lifetime 0, from out + len on while they fit. */
static size_t put_withdrawals(const struct config_iphttps *link, const struct config_iphttps *before, uint8_t *out,
			      size_t len)
{
	struct in6_addr servers[IPHTTPS_MAX_DNS_SERVERS];
	char names[IPHTTPS_MAX_DNS_SEARCH][IPHTTPS_DNS_NAME_MAX_BYTES];
	unsigned int n = 0, wire = 0;

	for (unsigned int i = 0; i < before->dns_server_count; i++)
		if (!has_server(link, &before->dns_servers[i]))
			servers[n++] = before->dns_servers[i];
	if (n && len + 8 + 16 * n <= IPHTTPS_RA_MAX_BYTES)
		len += put_rdnss(&out[len], servers, n, 0);
	n = 0;
	for (unsigned int i = 0; i < before->dns_search_count; i++)
		if (!has_domain(link, before->dns_search[i])) {
			memcpy(names[n++], before->dns_search[i], sizeof(names[0]));
			wire += config_dns_name_wire_bytes(before->dns_search[i]);
		}
	if (n && len + 8 + (wire + 7) / 8 * 8 <= IPHTTPS_RA_MAX_BYTES)
		len += put_dnssl(&out[len], (const char (*)[IPHTTPS_DNS_NAME_MAX_BYTES])names, n, 0);
	for (unsigned int i = 0; i < before->client_route_count; i++)
		if (!has_route(link, &before->client_routes[i]) &&
		    len + config_route_information_bytes(&before->client_routes[i]) <= IPHTTPS_RA_MAX_BYTES)
			len += put_route(&out[len], &before->client_routes[i], 0);
	return len;
}

size_t link_ra_build(const struct config_iphttps *link, const struct config_iphttps *before, uint8_t *out)
{
	uint8_t *pi = out + RA_HEADER_BYTES, *mtu = pi + 32;
	size_t len = RA_HEADER_BYTES + 32 + 8;

	memset(out, 0, len);
	out[0] = ND_ROUTER_ADVERTISEMENT;
	out[4] = 64;                                  /* Cur Hop Limit for the clients */
	put16(&out[6], link_ra_router_lifetime(link)); /* M and O flags clear: SLAAC only */
	pi[0] = ND_OPT_PREFIX_INFORMATION;
	pi[1] = 4;
	pi[2] = 64;
	pi[3] = PREFIX_FLAG_AUTONOMOUS;               /* on-link clear: every packet goes through the router */
	put32(&pi[4], LINK_PREFIX_VALID_S);
	put32(&pi[8], LINK_PREFIX_PREFERRED_S);
	memcpy(&pi[16], link->client_prefix.addr.s6_addr, 8);
	mtu[0] = ND_OPT_MTU;
	mtu[1] = 1;
	put32(&mtu[4], link->link_mtu);
	if (link->dns_server_count)
		len += put_rdnss(&out[len], link->dns_servers, link->dns_server_count, LINK_RA_OPTIONS_LIFETIME_S);
	if (link->dns_search_count)
		len += put_dnssl(&out[len], link->dns_search, link->dns_search_count, LINK_RA_OPTIONS_LIFETIME_S);
	for (unsigned int i = 0; i < link->client_route_count; i++)
		len += put_route(&out[len], &link->client_routes[i], LINK_RA_OPTIONS_LIFETIME_S);
	if (before)
		len = put_withdrawals(link, before, out, len);
	return len;
}

int link_ra_options_differ(const struct config_iphttps *link, const struct config_iphttps *before)
{
	return link->link_mtu != before->link_mtu || link->dns_server_count != before->dns_server_count ||
	       memcmp(link->dns_servers, before->dns_servers, sizeof(link->dns_servers)) != 0 ||
	       link->dns_search_count != before->dns_search_count ||
	       memcmp(link->dns_search, before->dns_search, sizeof(link->dns_search)) != 0 ||
	       link->client_route_count != before->client_route_count ||
	       memcmp(link->client_routes, before->client_routes, sizeof(link->client_routes)) != 0;
}
