/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_ICMP_H
#define IPHTTPS_ICMP_H

/* ICMP for IPv4 (RFC 792): the appliance answers echo requests to its address. */

#include <rte_mbuf.h>

struct worker;
struct iface;

/** Handle an ICMP message (m->l2_len and m->l3_len set, IPv4 validated); consumes m. */
void icmp_input(struct worker *w, const struct iface *ifc, struct rte_mbuf *m);

#endif
