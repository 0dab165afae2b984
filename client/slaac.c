/* SPDX-License-Identifier: BSD-3-Clause */
#include "slaac.h"

#include <arpa/inet.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <string.h>

#include "netlink_config.h"

enum { RS_INTERVAL_S = 4, DAD_WAIT_MS = 1000 /* RetransTimer, DupAddrDetectTransmits 1 */ };

/*
 * 64 random bits (RFC 8981 3.3.1), but none RFC 5453 reserves: all zeros
 * (the subnet-router anycast) and fdff:ffff:ffff:ff80-ffff.
 */
static void random_identifier(uint8_t iid[8])
{
	static const uint8_t reserved[7] = {0xfd, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

	do {
		if (RAND_bytes(iid, 8) != 1)
			memset(iid, 0, 8);
	} while (memcmp(iid, "\0\0\0\0\0\0\0\0", 8) == 0 || (memcmp(iid, reserved, 7) == 0 && iid[7] >= 0x80));
}

static void queue(struct slaac *s, const uint8_t *pkt, size_t len)
{
	if (s->pending_count < SLAAC_PENDING_MAX) {
		memcpy(s->pending[s->pending_count], pkt, len);
		s->pending_len[s->pending_count++] = len;
	}
}

size_t slaac_next_uplink(struct slaac *s, uint8_t *out)
{
	size_t len;

	if (s->pending_count == 0)
		return 0;
	len = s->pending_len[0];
	memcpy(out, s->pending[0], len);
	s->pending_count--;
	memmove(s->pending[0], s->pending[1], s->pending_count * sizeof(s->pending[0]));
	memmove(s->pending_len, s->pending_len + 1, s->pending_count * sizeof(s->pending_len[0]));
	return len;
}

int slaac_start(struct slaac *s, const char *tun, unsigned int mtu, char *why, size_t why_len)
{
	memset(s, 0, sizeof(*s));
	s->mtu = mtu;
	s->ifindex = netlink_link_prepare(tun, mtu, why, why_len);
	if (s->ifindex < 0)
		return -1;
	s->link_local.s6_addr[0] = 0xfe;
	s->link_local.s6_addr[1] = 0x80;
	random_identifier(&s->link_local.s6_addr[8]);
	/* On this link only the server hears it, and 64 random bits do not meet. */
	return netlink_address_add(s->ifindex, &s->link_local, 64, 0xffffffffu, 0xffffffffu, why, why_len);
}

static void solicit(struct slaac *s, double now)
{
	uint8_t pkt[ND_PACKET_MAX_BYTES];

	queue(s, pkt, nd_build_router_solicitation(pkt, &s->link_local));
	s->rs_sent++;
	s->next_rs = now + RS_INTERVAL_S;
}

void slaac_link_up(struct slaac *s, double now)
{
	s->link_up = true;
	s->rs_sent = 0;
	ra_policy_link_up(&s->policy);
	s->pending_count = 0; /* what the last connection did not send is stale */
	solicit(s, now);
	/* RFC 4862 5.4: DAD again on a link that is up again, for an address
	 * kept from the last one; the server may have given it to another
	 * client meanwhile (or hold it for one: address_grace_s), and says so. */
	if (s->has_address && !s->dad_pending) {
		s->dad_pending = true;
		s->dad_attempts = 0;
	}
	if (s->dad_pending) {
		uint8_t pkt[ND_PACKET_MAX_BYTES];

		queue(s, pkt, nd_build_dad_solicitation(pkt, &s->address));
		s->dad_deadline = now + DAD_WAIT_MS / 1000.0;
	}
}

void slaac_link_down(struct slaac *s)
{
	s->link_up = false;
}

/* When a valid lifetime given at now ends (0: never). */
static double valid_end(uint32_t valid_s, double now)
{
	return valid_s == RA_LIFETIME_INFINITE ? 0 : now + valid_s;
}

/* What is left of the address's valid lifetime at now, in seconds. */
static uint32_t valid_remaining(const struct slaac *s, double now)
{
	if (s->valid_until == 0)
		return RA_LIFETIME_INFINITE;
	return s->valid_until > now ? (uint32_t)(s->valid_until - now) : 0;
}

/* Form and install an address in prefix, and start its DAD. */
static void form_address(struct slaac *s, const struct nd_router_advert *ra, double now)
{
	uint8_t pkt[ND_PACKET_MAX_BYTES];
	char why[256];

	s->prefix = ra->prefix;
	s->valid_s = ra->valid_s;
	s->preferred_s = ra->preferred_s;
	s->address = ra->prefix;
	if (s->has_first_iid && s->dad_attempts == 0)
		memcpy(&s->address.s6_addr[8], s->first_iid, 8);
	else
		random_identifier(&s->address.s6_addr[8]);
	inet_ntop(AF_INET6, &s->address, s->text, sizeof(s->text));
	if (netlink_address_add(s->ifindex, &s->address, 64, ra->valid_s, ra->preferred_s, why, sizeof(why)) != 0) {
		fprintf(stderr, "iphttps-client: SLAAC: %s %s\n", s->text, why);
		s->has_address = false;
		return;
	}
	s->has_address = true;
	s->valid_until = valid_end(ra->valid_s, now);
	s->dad_pending = true;
	s->dad_attempts++;
	s->dad_deadline = now + DAD_WAIT_MS / 1000.0;
	queue(s, pkt, nd_build_dad_solicitation(pkt, &s->address));
	fprintf(stderr, "iphttps-client: SLAAC: address %s/64 (optimistic, DAD through the tunnel)\n", s->text);
}

/* The lifetimes of the address in the RA's prefix refreshed, within RFC 4862 5.5.3(e). */
static void refresh_address(struct slaac *s, const struct nd_router_advert *ra, double now)
{
	uint32_t remaining = valid_remaining(s, now);
	uint32_t valid = ra_valid_lifetime(remaining, ra->valid_s);
	uint32_t preferred = ra->preferred_s < valid ? ra->preferred_s : valid;
	char why[256];

	if (valid != ra->valid_s)
		fprintf(stderr, "iphttps-client: SLAAC: an RA gives %s a valid lifetime of %u s; it keeps %u s "
				"(RFC 4862 5.5.3 e: two hours at least)\n", s->text, ra->valid_s, valid);
	if (netlink_address_add(s->ifindex, &s->address, 64, valid, preferred, why, sizeof(why)) != 0)
		fprintf(stderr, "iphttps-client: SLAAC: %s %s\n", s->text, why);
	s->valid_s = valid;
	s->preferred_s = preferred;
	s->valid_until = valid_end(valid, now);
}

static void router_advert(struct slaac *s, const struct nd_router_advert *ra, double now)
{
	char why[256];

	s->next_rs = 0; /* a router answered */
	if (ra->mtu >= 1280 && ra->mtu != s->mtu && netlink_link_mtu(s->ifindex, ra->mtu, why, sizeof(why)) == 0)
		s->mtu = ra->mtu;
	if (ra->has_prefix) {
		if (s->has_address && memcmp(&s->prefix, &ra->prefix, 8) == 0) {
			refresh_address(s, ra, now);
		} else if (ra->valid_s > 0) {
			if (s->has_address)
				netlink_address_delete(s->ifindex, &s->address, 64, why, sizeof(why));
			s->has_address = false;
			s->dad_attempts = 0;
			form_address(s, ra, now);
		}
	}
	if (ra->router_lifetime_s > 0) {
		if (netlink_default_route(s->ifindex, &ra->router, why, sizeof(why)) != 0) {
			fprintf(stderr, "iphttps-client: SLAAC: %s\n", why);
		} else {
			s->has_default_route = true;
			s->route_via = ra->router;
		}
	} else if (s->has_default_route) {
		/* RFC 4861 6.3.4: router lifetime 0, no longer a default router. */
		if (netlink_default_route_delete(s->ifindex, &s->route_via, why, sizeof(why)) != 0)
			fprintf(stderr, "iphttps-client: SLAAC: %s\n", why);
		else
			fprintf(stderr, "iphttps-client: SLAAC: the router's lifetime is 0: default route removed\n");
		s->has_default_route = false;
	}
}

bool slaac_downlink(struct slaac *s, const uint8_t *pkt, size_t len, double now)
{
	struct nd_router_advert ra;
	char why[256];

	if (nd_parse_router_advert(pkt, len, &ra)) {
		if (ra_policy_accept(&s->policy, &ra)) {
			router_advert(s, &ra, now);
			if (s->on_advert)
				s->on_advert(s->on_advert_ctx, &ra, now);
		} else if (s->policy.ignored <= 3) { /* counted always, said a few times */
			char from[INET6_ADDRSTRLEN], router[INET6_ADDRSTRLEN];

			inet_ntop(AF_INET6, &ra.router, from, sizeof(from));
			inet_ntop(AF_INET6, &s->policy.router, router, sizeof(router));
			fprintf(stderr, "iphttps-client: SLAAC: an RA from %s ignored: the link's router is %s\n", from,
				router);
		}
		/* Also the kernel's: with accept_ra 0 it learns nothing from it, and
		 * tools on the device (rdisc6, tcpdump) see the link's RAs. */
		return false;
	}
	if (s->dad_pending && nd_is_advert_for(pkt, len, &s->address)) {
		/* RFC 4862 5.4.4: another holds it. Optimistic: it goes now. */
		fprintf(stderr, "iphttps-client: SLAAC: %s is taken by another client (DAD)\n", s->text);
		netlink_address_delete(s->ifindex, &s->address, 64, why, sizeof(why));
		s->has_address = false;
		s->dad_pending = false;
		if (s->dad_attempts < SLAAC_DAD_ATTEMPTS_MAX) {
			struct nd_router_advert again = {.has_prefix = true, .prefix = s->prefix,
							 .valid_s = s->valid_s, .preferred_s = s->preferred_s};

			form_address(s, &again, now);
		} else {
			fprintf(stderr, "iphttps-client: SLAAC: %u addresses taken in a row: no address until the next RA\n",
				s->dad_attempts);
			s->dad_attempts = 0;
		}
		return true;
	}
	return false;
}

void slaac_poll(struct slaac *s, double now)
{
	if (s->dad_pending && now >= s->dad_deadline) {
		s->dad_pending = false;
		fprintf(stderr, "iphttps-client: SLAAC: %s passed DAD\n", s->text);
	}
	if (s->link_up && s->next_rs != 0 && now >= s->next_rs && s->rs_sent < SLAAC_RS_MAX)
		solicit(s, now);
}

void slaac_probe_router(struct slaac *s)
{
	static const struct in6_addr server_link_local = {{{0xfe, 0x80, [15] = 0x01}}};
	uint8_t pkt[ND_PACKET_MAX_BYTES];

	queue(s, pkt, nd_build_neighbor_solicitation(pkt, &s->link_local,
						     s->policy.has_router ? &s->policy.router : &server_link_local));
}
