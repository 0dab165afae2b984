/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_L4_INPUT_H
#define IPHTTPS_L4_INPUT_H

/*
 * The transport protocols above IP, as IP sees them: a protocol registers
 * its input function at start-up (TCP does, in tcp_layer_start), and ipv4.c
 * and ipv6.c hand it every segment addressed to the appliance. So IP calls
 * up through a table and includes nothing of the layer above it.
 */

#include <stdint.h>

struct worker;
struct iface;
struct rte_mbuf;

/* Takes a validated packet (m->l2_len and m->l3_len set) and consumes it. */
typedef void (*l4_input_fn)(struct worker *w, const struct iface *ifc, struct rte_mbuf *m);

/** Register the input of IP protocol ip_proto (start-up, before the workers run); NULL removes it. */
void l4_input_register(uint8_t ip_proto, l4_input_fn fn);

/** Hand m to the input of ip_proto; a protocol with none is counted as drop_l4_no_service. */
void l4_input(struct worker *w, const struct iface *ifc, uint8_t ip_proto, struct rte_mbuf *m);

#endif
