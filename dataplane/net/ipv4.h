/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_IPV4_H
#define IPHTTPS_IPV4_H

/* IPv4 input (RFC 791, RFC 1122 3.2.1): validate, then hand to the protocol. */

#include <rte_mbuf.h>

struct worker;
struct iface;

/** Handle a received IPv4 frame (m->l2_len set); consumes m. */
void ipv4_input(struct worker *w, const struct iface *ifc, struct rte_mbuf *m);

#endif
