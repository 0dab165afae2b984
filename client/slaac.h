/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_SLAAC_H
#define IPHTTPS_SLAAC_H

/*
 * The client's own stateless address autoconfiguration over the link
 * (RFC 4862 with RFC 8981's random interface identifiers), done by the
 * client because the kernel cannot on a TUN device (no DAD there):
 *   start      the TUN device prepared (kernel autoconf off), a random
 *              link-local address;
 *   LinkUp     a Router Solicitation (again after 4 s, three at most);
 *   RA         only from the router that answered at LinkUp (ra_policy.h);
 *              an address in the advertised /64 with a random identifier,
 *              installed at once (optimistic, RFC 4429: usable while DAD
 *              runs), a DAD NS sent through the tunnel, the default route
 *              via the server, the link MTU; a later RA refreshes lifetimes
 *              (within RFC 4862's two-hour rule), and one with router
 *              lifetime 0 removes the default route;
 *   NA         for the address during its DAD second: taken by another
 *              client; removed, and a new identifier tried (three at most).
 * Packets for the server go out through slaac_next_uplink; the NAs it waits
 * for are consumed, not written to TUN; RAs are taken and written to TUN as
 * well (the kernel, accept_ra 0, ignores them; rdisc6 on the device reads
 * them).
 */

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nd_packets.h"
#include "ra_policy.h"

enum {
	SLAAC_PENDING_MAX = 4,
	SLAAC_DAD_ATTEMPTS_MAX = 3,
	SLAAC_RS_MAX = 3,
};

struct slaac {
	int ifindex;
	unsigned int mtu;
	struct in6_addr link_local;
	bool has_address;        /* installed: optimistic until dad_deadline passes */
	bool dad_pending;
	struct in6_addr address, prefix;
	uint32_t valid_s, preferred_s; /* the prefix's lifetimes, from its last RA */
	double valid_until;      /* when the address's valid lifetime ends (0: infinite) */
	struct ra_policy policy; /* which router is believed; RAs ignored */
	bool has_default_route;
	struct in6_addr route_via;
	double dad_deadline, next_rs;
	unsigned int dad_attempts, rs_sent;
	bool link_up;
	uint8_t pending[SLAAC_PENDING_MAX][ND_PACKET_MAX_BYTES];
	size_t pending_len[SLAAC_PENDING_MAX];
	unsigned int pending_count;
	char text[64];           /* the address, printed */
	/* Told of every RA believed, after SLAAC took its part (set after slaac_start):
	 * the DNS servers and routes are another's (client/link_options.h). */
	void (*on_advert)(void *ctx, const struct nd_router_advert *ra, double now);
	void *on_advert_ctx;
	bool has_first_iid;      /* tests: the first identifier to try (two clients made to collide) */
	uint8_t first_iid[8];
};

/** Prepare the TUN device and give it a random link-local address. @return 0 or -1 with why. */
int slaac_start(struct slaac *s, const char *tun, unsigned int mtu, char *why, size_t why_len);

/** The link is up: solicit a router now. */
void slaac_link_up(struct slaac *s, double now);

/** The link is down: no more solicitations until it is up again. The address stays. */
void slaac_link_down(struct slaac *s);

/**
 * A packet from the server. @return true when SLAAC took it (an NA for the
 * address under DAD), false when it is for the kernel (an RA too, once taken). What was done
 * is logged to stderr.
 */
bool slaac_downlink(struct slaac *s, const uint8_t *pkt, size_t len, double now);

/** Timers: a solicitation again, the end of a DAD. */
void slaac_poll(struct slaac *s, double now);

/** Queue a Neighbor Solicitation to the link's router (fe80::1 before any RA): a liveness probe. */
void slaac_probe_router(struct slaac *s);

/** The next packet SLAAC sends to the server, copied to out. @return bytes, 0 when none. */
size_t slaac_next_uplink(struct slaac *s, uint8_t *out);

#endif
