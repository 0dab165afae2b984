/* SPDX-License-Identifier: BSD-3-Clause */
#include "ipv6_route.h"

#include <string.h>

#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "appliance_config.h"
#include "checksum.h"
#include "iface.h"
#include "net_counters.h"
#include "nexthop.h"
#include "worker.h"

enum { ICMP6_ERROR_MAX_BYTES = 1280 }; /* RFC 4443 2.4(c): an error fits the minimum MTU */

/* Set at start-up, read-only while the workers run. */
static ipv6_forward_fn forward_handler;

void ipv6_route_set_forward_handler(ipv6_forward_fn fn)
{
	forward_handler = fn;
}

void ipv6_route_forward(struct worker *w, const struct iface *ifc, struct rte_mbuf *m)
{
	if (forward_handler)
		forward_handler(w, ifc, m);
	else
		worker_drop(w, m, drop_ipv6_not_for_us);
}

static bool prefix_holds(const struct config_ipv6_prefix *p, const uint8_t a[16])
{
	unsigned int whole = p->len / 8, bits = p->len % 8;

	if (memcmp(a, p->addr.s6_addr, whole) != 0)
		return false;
	return !bits || ((a[whole] ^ p->addr.s6_addr[whole]) & (0xff00 >> bits)) == 0;
}

/* The next hop for dst on the internal network: the longest matching route, else the gateway. */
static const struct in6_addr *next_hop_for(const struct config_port *port, const uint8_t dst[16])
{
	const struct config_route6 *best = NULL;

	for (unsigned int i = 0; i < port->route_count; i++)
		if (prefix_holds(&port->routes[i].prefix, dst) &&
		    (!best || port->routes[i].prefix.len > best->prefix.len))
			best = &port->routes[i];
	if (best)
		return &best->via;
	return port->has_ipv6_gateway ? &port->ipv6_gateway : NULL;
}

int ipv6_route_output(struct worker *w, struct rte_mbuf *m)
{
	const struct iface *ifc = &ifaces[CONFIG_PORT_INTERNAL];
	const struct rte_ipv6_hdr *ip = rte_pktmbuf_mtod(m, const struct rte_ipv6_hdr *);
	const struct in6_addr *via = next_hop_for(&w->config->ports[CONFIG_PORT_INTERNAL], ip->dst_addr);
	struct rte_ether_addr mac;
	struct rte_ether_hdr *eth;

	if (!via) {
		worker_drop(w, m, drop_route_no_route);
		return -1;
	}
	if (!nexthop_mac_of_ipv6(CONFIG_PORT_INTERNAL, via->s6_addr, &mac)) {
		worker_drop(w, m, drop_route_unresolved);
		return -1;
	}
	eth = (struct rte_ether_hdr *)rte_pktmbuf_prepend(m, sizeof(*eth));
	if (!eth) {
		worker_drop(w, m, drop_route_no_headroom);
		return -1;
	}
	eth->dst_addr = mac;
	eth->src_addr = ifc->mac;
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV6);
	counter(w, route_forwarded)++;
	worker_tx(w, CONFIG_PORT_INTERNAL, m);
	return 0;
}

struct rte_mbuf *ipv6_icmp_error(struct worker *w, const uint8_t src[16], const void *offending, uint32_t len,
				 uint8_t type, uint8_t code, uint32_t param)
{
	const struct rte_ipv6_hdr *bad = offending;
	uint32_t quote = RTE_MIN(len, (uint32_t)(ICMP6_ERROR_MAX_BYTES - sizeof(struct rte_ipv6_hdr) - 8));
	struct rte_mbuf *m = rte_pktmbuf_alloc(w->pool);
	struct rte_ipv6_hdr *ip;
	uint8_t *icmp;
	uint16_t sum;

	if (!m || !(ip = (struct rte_ipv6_hdr *)rte_pktmbuf_append(m, (uint16_t)(sizeof(*ip) + 8 + quote)))) {
		rte_pktmbuf_free(m);
		counter(w, mbuf_alloc_failed)++;
		return NULL;
	}
	memset(ip, 0, sizeof(*ip) + 8);
	ip->vtc_flow = rte_cpu_to_be_32(6u << 28);
	ip->payload_len = rte_cpu_to_be_16((uint16_t)(8 + quote));
	ip->proto = IPPROTO_ICMPV6;
	ip->hop_limits = 64;
	memcpy(ip->src_addr, src, 16);
	memcpy(ip->dst_addr, bad->src_addr, 16);
	icmp = (uint8_t *)(ip + 1);
	icmp[0] = type;
	icmp[1] = code;
	icmp[4] = (uint8_t)(param >> 24), icmp[5] = (uint8_t)(param >> 16);
	icmp[6] = (uint8_t)(param >> 8), icmp[7] = (uint8_t)param;
	memcpy(icmp + 8, offending, quote);
	sum = checksum_icmp6(ip, icmp, 8 + quote);
	memcpy(&icmp[2], &sum, 2);
	return m;
}
