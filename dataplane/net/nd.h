/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_ND_H
#define IPHTTPS_ND_H

/*
 * Neighbor Discovery on the appliance's ports (RFC 4861 4.3, 4.4, 7): answer
 * solicitations for our addresses (including DAD probes), learn next hops
 * from advertisements, solicit next hops. The IP-HTTPS link's own ND rules
 * (spec 3.2.5.2) are a separate module.
 */

#include <stdint.h>

#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

struct worker;
struct iface;

enum {
	ND_NEIGHBOR_SOLICIT_TYPE = 135,
	ND_NEIGHBOR_ADVERT_TYPE = 136,
	ND_HOP_LIMIT = 255,
	ND_NS_NA_FIXED_BYTES = 24, /* type, code, checksum, reserved/flags, target */
	ND_OPTION_SOURCE_LLA = 1,
	ND_OPTION_TARGET_LLA = 2,
	ND_OPTION_UNIT_BYTES = 8,
	ND_NA_FLAG_ROUTER = 0x80,
	ND_NA_FLAG_SOLICITED = 0x40,
	ND_NA_FLAG_OVERRIDE = 0x20,
};

/** Handle a Neighbor Solicitation (checksum verified); consumes m. */
void nd_input_solicitation(struct worker *w, const struct iface *ifc, struct rte_mbuf *m, struct rte_ipv6_hdr *ip,
			   uint8_t *icmp, uint32_t len);

/** Handle a Neighbor Advertisement (checksum verified); consumes m. */
void nd_input_advertisement(struct worker *w, const struct iface *ifc, struct rte_mbuf *m, struct rte_ipv6_hdr *ip,
			    uint8_t *icmp, uint32_t len);

/** Multicast a solicitation for target to its solicited-node group. */
void nd_send_solicitation(struct worker *w, const struct iface *ifc, const uint8_t target[16]);

/**
 * Find a link-layer address option of the given type in ND options.
 * @return 1 found (mac filled), 0 absent, -1 malformed options (RFC 4861 4.6:
 *         a length of 0 or an option running past the message).
 */
int nd_find_lla_option(const uint8_t *options, uint32_t len, uint8_t type, struct rte_ether_addr *mac);

#endif
