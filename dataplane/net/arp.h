/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_ARP_H
#define IPHTTPS_ARP_H

/* ARP (RFC 826): answer requests for our IPv4 address, learn next hops. */

#include <stdint.h>

#include <rte_mbuf.h>

struct worker;
struct iface;

/** Handle a received ARP frame; consumes m. */
void arp_input(struct worker *w, const struct iface *ifc, struct rte_mbuf *m);

/** Broadcast a request for target (network order). */
void arp_send_request(struct worker *w, const struct iface *ifc, uint32_t target);

#endif
