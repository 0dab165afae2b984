/* SPDX-License-Identifier: BSD-3-Clause */
#include "nd_packets.h"

#include <string.h>

#include "ipv6_checksum.h"

enum {
	IPV6_HEADER = 40,
	PROTO_ICMPV6 = 58,
	ND_RS = 133, ND_RA = 134, ND_NS = 135, ND_NA = 136,
	OPT_PREFIX = 3, OPT_MTU = 5,
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
