/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_IPV6_H
#define IPHTTPS_IPV6_H

/* IPv6 input (RFC 8200) for packets to the appliance itself on its ports. */

#include <rte_mbuf.h>

struct worker;
struct iface;

/** Handle a received IPv6 frame (m->l2_len set); consumes m. */
void ipv6_input(struct worker *w, const struct iface *ifc, struct rte_mbuf *m);

#endif
