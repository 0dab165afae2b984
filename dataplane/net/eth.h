/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_ETH_H
#define IPHTTPS_ETH_H

/*
 * Ethernet: the entry point of every received frame, and the last step of
 * every frame sent. Frames keep their Ethernet header at the start of the
 * mbuf data; upper layers find theirs at m->l2_len (and m->l3_len).
 */

#include <rte_ether.h>
#include <rte_mbuf.h>

struct worker;
struct iface;

/** Demultiplex one received frame; consumes m (sent on or freed). */
void eth_input(struct worker *w, const struct iface *ifc, struct rte_mbuf *m);

/** Send a received frame back to the host it came from (in-place reply). */
void eth_reply(struct worker *w, const struct iface *ifc, struct rte_mbuf *m);

/**
 * Allocate a frame for a packet the appliance originates, with its Ethernet
 * header filled and data_len covering header + payload_len bytes.
 * @return the mbuf, or NULL (counted as mbuf_alloc_failed) when the pool is empty.
 */
struct rte_mbuf *eth_alloc(struct worker *w, const struct iface *ifc, const struct rte_ether_addr *dst,
			   uint16_t ethertype, uint16_t payload_len);

#endif
