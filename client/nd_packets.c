/* SPDX-License-Identifier: BSD-3-Clause */
#include "nd_packets.h"

#include <string.h>

#include "ipv6_checksum.h"

enum {
	IPV6_HEADER = 40,
	PROTO_ICMPV6 = 58,
	ND_RS = 133, ND_RA = 134, ND_NS = 135, ND_NA = 136,
	OPT_PREFIX = 3, OPT_MTU = 5, OPT_ROUTE_INFORMATION = 24, OPT_RDNSS = 25, OPT_DNSSL = 31,
	PREFIX_AUTONOMOUS = 0x40,
};

static size_t seal(uint8_t *out, size_t icmp_len, const struct in6_addr *src, const struct in6_addr *dst)
{
	uint16_t c;

	memset(out, 0, IPV6_HEADER);
	out[0] = 0x60;
	out[4] = (uint8_t)(icmp_len >> 8);
	out[5] = (uint8_t)icmp_len;
	out[6] = PROTO_ICMPV6;
	out[7] = 255; /* RFC 4861: ND is link-local only, and proves it by hop limit 255 */
	memcpy(out + 8, src, 16);
	memcpy(out + 24, dst, 16);
	/* RFC 4443 2.3: over the pseudo-header and the message. */
	c = ipv6_upper_checksum(out, out + IPV6_HEADER, icmp_len, PROTO_ICMPV6, 2);
	ipv6_put16(out + IPV6_HEADER + 2, c);
	return IPV6_HEADER + icmp_len;
}

size_t nd_build_router_solicitation(uint8_t *out, const struct in6_addr *src)
{
	static const struct in6_addr all_routers = {{{0xff, 0x02, [15] = 0x02}}};
	uint8_t *icmp = out + IPV6_HEADER;

	memset(icmp, 0, 8);
	icmp[0] = ND_RS; /* no Source Link-Layer Address option: a TUN link has no link-layer address */
	return seal(out, 8, src, &all_routers);
}

size_t nd_build_dad_solicitation(uint8_t *out, const struct in6_addr *target)
{
	struct in6_addr group = {{{0xff, 0x02, [11] = 0x01, [12] = 0xff}}};
	static const struct in6_addr unspecified;
	uint8_t *icmp = out + IPV6_HEADER;

	memcpy(&group.s6_addr[13], &target->s6_addr[13], 3);
	memset(icmp, 0, 24);
	icmp[0] = ND_NS;
	memcpy(icmp + 8, target, 16);
	return seal(out, 24, &unspecified, &group);
}

size_t nd_build_neighbor_solicitation(uint8_t *out, const struct in6_addr *src, const struct in6_addr *target)
{
	uint8_t *icmp = out + IPV6_HEADER;

	memset(icmp, 0, 24);
	icmp[0] = ND_NS;
	memcpy(icmp + 8, target, 16);
	return seal(out, 24, src, target);
}

/* The common checks: IPv6, ICMPv6 of the given type, hop limit 255, length and checksum right. */
static const uint8_t *nd_message(const uint8_t *pkt, size_t len, uint8_t type, size_t min_len, size_t *icmp_len)
{
	size_t payload;

	if (len < IPV6_HEADER + min_len || (pkt[0] >> 4) != 6 || pkt[6] != PROTO_ICMPV6 || pkt[7] != 255)
		return NULL;
	payload = ipv6_get16(pkt + 4);
	if (payload < min_len || IPV6_HEADER + payload > len || pkt[IPV6_HEADER] != type || pkt[IPV6_HEADER + 1] != 0)
		return NULL;
	if (!ipv6_upper_checksum_ok(pkt, pkt + IPV6_HEADER, payload, PROTO_ICMPV6))
		return NULL;
	*icmp_len = payload;
	return pkt + IPV6_HEADER;
}

/* RFC 8106 5.1: Length 1 + 2 x addresses, 3 at least (5.3.1: else the option is ignored). */
static void take_rdnss(const uint8_t *opt, struct nd_router_advert *ra)
{
	unsigned int n = (opt[1] - 1u) / 2;

	if (opt[1] < 3 || opt[1] % 2 == 0)
		return;
	for (unsigned int i = 0; i < n && ra->dns_count < ND_RA_MAX_DNS; i++) {
		memcpy(&ra->dns[ra->dns_count].addr, opt + 8 + 16 * i, 16);
		ra->dns[ra->dns_count++].lifetime_s = ipv6_get32(opt + 4);
	}
}

/*
 * One name in DNS wire format from p (at most end), as text into out:
 * labels of 1 to 63 letters, digits, '-' or '_' (anything else, and the
 * compression RFC 8106 5.2 forbids, makes the option invalid). @return the
 * bytes taken, 0 at the padding (a zero where a name would start), or -1.
 */
static int dns_name(const uint8_t *p, const uint8_t *end, char out[ND_DNS_NAME_MAX_BYTES])
{
	size_t n = 0, at = 0;

	if (p < end && *p == 0)
		return 0;
	while (p + at < end && p[at] != 0) {
		size_t label = p[at];

		if (label > 63 || p + at + 1 + label > end || n + label + 1 >= ND_DNS_NAME_MAX_BYTES)
			return -1;
		for (size_t i = 0; i < label; i++) {
			uint8_t c = p[at + 1 + i];

			if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
			      c == '_'))
				return -1;
		}
		if (n)
			out[n++] = '.';
		memcpy(out + n, p + at + 1, label);
		n += label;
		at += 1 + label;
	}
	if (p + at >= end) /* no terminating zero inside the option */
		return -1;
	out[n] = '\0';
	return (int)(at + 1);
}

/* RFC 8106 5.2: Length 2 at least; names until the padding, which is zeros. */
static void take_dnssl(const uint8_t *opt, struct nd_router_advert *ra)
{
	const uint8_t *p = opt + 8, *end = opt + (size_t)opt[1] * 8;
	struct nd_ra_domain found[ND_RA_MAX_DOMAINS];
	unsigned int n = 0;

	if (opt[1] < 2)
		return;
	while (p < end) {
		char name[ND_DNS_NAME_MAX_BYTES];
		int used = dns_name(p, end, name);

		if (used < 0)
			return; /* the whole option is invalid: none of its names */
		if (used == 0)
			break;
		if (n < ND_RA_MAX_DOMAINS) {
			memcpy(found[n].name, name, sizeof(name));
			found[n++].lifetime_s = ipv6_get32(opt + 4);
		}
		p += used;
	}
	for (; p < end; p++)
		if (*p != 0)
			return; /* padding that is not zeros */
	for (unsigned int i = 0; i < n && ra->domain_count < ND_RA_MAX_DOMAINS; i++)
		ra->domains[ra->domain_count++] = found[i];
}

/* RFC 4191 2.3: Length 1, 2 or 3, enough for the prefix length; preference 10 is reserved: ignored. */
static void take_route(const uint8_t *opt, struct nd_router_advert *ra)
{
	static const int8_t preference[4] = { 0, 1, 2, -1 }; /* 00 medium, 01 high, 10 reserved, 11 low */
	unsigned int plen = opt[2], prf = (opt[3] >> 3) & 3;
	struct nd_ra_route *r;

	if (opt[1] > 3 || plen > 128 || (plen > 64 && opt[1] < 3) || (plen > 0 && opt[1] < 2) || prf == 2 ||
	    ra->route_count >= ND_RA_MAX_ROUTES)
		return;
	r = &ra->routes[ra->route_count++];
	memset(&r->prefix, 0, sizeof(r->prefix));
	memcpy(&r->prefix, opt + 8, (size_t)(opt[1] - 1) * 8);
	for (unsigned int bit = plen; bit < 128; bit++) /* bits past the length are ignored: made zero */
		r->prefix.s6_addr[bit / 8] &= (uint8_t)~(0x80 >> (bit % 8));
	r->len = (uint8_t)plen;
	r->preference = preference[prf];
	r->lifetime_s = ipv6_get32(opt + 4);
}

bool nd_parse_router_advert(const uint8_t *pkt, size_t len, struct nd_router_advert *ra)
{
	size_t icmp_len, off;
	const uint8_t *icmp = nd_message(pkt, len, ND_RA, 16, &icmp_len);

	if (icmp == NULL || pkt[8] != 0xfe || (pkt[9] & 0xc0) != 0x80) /* RFC 4861 6.1.2: from a link-local address */
		return false;
	memset(ra, 0, sizeof(*ra));
	memcpy(&ra->router, pkt + 8, 16);
	ra->router_lifetime_s = ipv6_get16(icmp + 6);
	for (off = 16; off + 2 <= icmp_len; off += (size_t)icmp[off + 1] * 8) {
		const uint8_t *opt = icmp + off;

		if (opt[1] == 0 || off + (size_t)opt[1] * 8 > icmp_len)
			return false; /* a zero or overlong option: the whole RA is invalid (RFC 4861 6.1.2) */
		/* RFC 4862 5.5.3: autonomous, a preferred lifetime within the valid one, not
		 * the link-local prefix; 64 bits, as our interface identifiers are. */
		if (opt[0] == OPT_PREFIX && opt[1] == 4 && opt[2] == 64 && (opt[3] & PREFIX_AUTONOMOUS) &&
		    !ra->has_prefix && ipv6_get32(opt + 8) <= ipv6_get32(opt + 4) && !(opt[16] == 0xfe && (opt[17] & 0xc0) == 0x80)) {
			ra->has_prefix = true;
			ra->valid_s = ipv6_get32(opt + 4);
			ra->preferred_s = ipv6_get32(opt + 8);
			memset(&ra->prefix, 0, sizeof(ra->prefix));
			memcpy(&ra->prefix, opt + 16, 8);
		} else if (opt[0] == OPT_MTU && opt[1] == 1) {
			ra->mtu = ipv6_get32(opt + 4);
		} else if (opt[0] == OPT_RDNSS) {
			take_rdnss(opt, ra);
		} else if (opt[0] == OPT_DNSSL) {
			take_dnssl(opt, ra);
		} else if (opt[0] == OPT_ROUTE_INFORMATION) {
			take_route(opt, ra);
		}
	}
	return off == icmp_len;
}

bool nd_is_advert_for(const uint8_t *pkt, size_t len, const struct in6_addr *target)
{
	size_t icmp_len;
	const uint8_t *icmp = nd_message(pkt, len, ND_NA, 24, &icmp_len);

	return icmp != NULL && memcmp(icmp + 8, target, 16) == 0;
}
