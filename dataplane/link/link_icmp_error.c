/* SPDX-License-Identifier: BSD-3-Clause */
#include "link_icmp_error.h"

#include <string.h>
#include <netinet/in.h>

#include <rte_ip.h>
#include <rte_jhash.h>
#include <rte_mbuf.h>

#include "appliance_config.h"
#include "ipv6_addr.h"
#include "link_counters.h"
#include "rate_budget.h"
#include "worker.h"

enum {
	ICMP6_PACKET_TOO_BIG = 2,
	ICMP6_INFORMATIONAL_MIN = 128, /* types below are errors (RFC 4443 2.1) */
};

struct source_budget {
	uint8_t addr[16];
	struct rate_budget budget;
};

/* Per worker, touched by its owner only. */
static struct rate_budget worker_budget[CONFIG_MAX_WORKERS];
static struct source_budget source_budgets[CONFIG_MAX_WORKERS][LINK_ICMP_ERROR_SOURCE_SLOTS];

/* 2.4(e): the packets no error is sent about. */
static bool may_answer(const struct rte_mbuf *m, uint8_t type)
{
	const struct rte_ipv6_hdr *ip = rte_pktmbuf_mtod(m, const struct rte_ipv6_hdr *);

	if (ipv6_addr_is_unspecified(ip->src_addr) || ipv6_addr_is_multicast(ip->src_addr))
		return false;
	if (ipv6_addr_is_multicast(ip->dst_addr) && type != ICMP6_PACKET_TOO_BIG)
		return false;
	/* An ICMPv6 error right after the header (a packet with extension
	 * headers first is rare from clients and is answered). */
	if (ip->proto == IPPROTO_ICMPV6 && rte_pktmbuf_data_len(m) > sizeof(*ip) &&
	    *((const uint8_t *)(ip + 1)) < ICMP6_INFORMATIONAL_MIN)
		return false;
	return true;
}

bool link_icmp_error_allowed(struct worker *w, const struct rte_mbuf *m, uint8_t type)
{
	const struct rte_ipv6_hdr *ip = rte_pktmbuf_mtod(m, const struct rte_ipv6_hdr *);
	struct in6_addr src; /* aligned: jhash reads words */
	struct source_budget *slot;

	if (!may_answer(m, type)) {
		counter(w, link_icmp_errors_not_allowed)++;
		return false;
	}
	memcpy(&src, ip->src_addr, sizeof(src));
	slot = &source_budgets[w->id][rte_jhash(&src, sizeof(src), 0) & (LINK_ICMP_ERROR_SOURCE_SLOTS - 1)];
	if (memcmp(slot->addr, &src, 16) != 0) {
		memcpy(slot->addr, &src, 16);
		slot->budget = (struct rate_budget){ 0 };
	}
	/* The source's budget first: a source over its own spends nothing of the worker's. */
	if (!rate_budget_take(&slot->budget, w->now_ms, LINK_ICMP_ERRORS_PER_SOURCE_PER_SECOND) ||
	    !rate_budget_take(&worker_budget[w->id], w->now_ms, LINK_ICMP_ERRORS_PER_SECOND)) {
		counter(w, link_icmp_errors_limited)++;
		return false;
	}
	return true;
}
