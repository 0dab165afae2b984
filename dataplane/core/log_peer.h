/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_LOG_PEER_H
#define IPHTTPS_LOG_PEER_H

/*
 * Failures a remote peer causes (a handshake that fails, a refused request,
 * a bad record), logged as WireGuard's receive path does: naming the peer's
 * address and port and the reason, at most WORKER_LOG_PEER_LINES_PER_SECOND
 * lines per worker per second (an attacker cannot flood the log or slow the worker
 * with it), of which at most WORKER_LOG_PEER_LINES_PER_PEER_PER_SECOND about
 * one address (one failing client retrying in a loop leaves room for the
 * helpdesk's other users), and with nothing formatted or computed (OpenSSL's error string,
 * the address text) unless the level is on and the line will be written.
 * Every such failure is also counted (counters.h); the log only adds who.
 */

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdbool.h>

#include "log.h"
#include "worker.h"

/* The per-address budget of addr: FNV-1a of its 16 bytes picks the slot. */
static inline struct rate_budget *log_peer_budget_of(struct worker *w, const struct in6_addr *addr)
{
	uint32_t h = 2166136261u;

	for (unsigned int i = 0; i < 16; i++)
		h = (h ^ addr->s6_addr[i]) * 16777619u;
	return &w->peer_log_by_address[h % WORKER_LOG_PEER_SLOTS];
}

/* Whether w may write one more line about addr this second (counted when not). */
static inline bool log_peer_allowed(struct worker *w, const struct in6_addr *addr)
{
	struct rate_budget *mine = log_peer_budget_of(w, addr);

	/* The address's own budget first, so that its excess does not use up the worker's. */
	if (rate_budget_spent(mine, w->now_ms, WORKER_LOG_PEER_LINES_PER_PEER_PER_SECOND)) {
		counter(w, log_peer_suppressed)++;
		return false;
	}
	if (!rate_budget_take(&w->peer_log, w->now_ms, WORKER_LOG_PEER_LINES_PER_SECOND)) {
		counter(w, log_peer_suppressed)++;
		return false;
	}
	return rate_budget_take(mine, w->now_ms, WORKER_LOG_PEER_LINES_PER_PEER_PER_SECOND);
}

/* The peer's address as text: IPv4 peers are held v4-mapped and shown as a.b.c.d. */
static inline const char *log_peer_address(const struct in6_addr *a, char buf[INET6_ADDRSTRLEN])
{
	if (IN6_IS_ADDR_V4MAPPED(a))
		return inet_ntop(AF_INET, &a->s6_addr[12], buf, INET6_ADDRSTRLEN);
	return inet_ntop(AF_INET6, a, buf, INET6_ADDRSTRLEN);
}

/** Log a failure caused by the peer at addr (struct in6_addr *), port (host order). */
#define log_peer(w, level, addr, port, fmt, ...)                                                         \
	do {                                                                                              \
		if (rte_log_can_log(RTE_LOGTYPE_IPHTTPS, RTE_LOG_##level) && log_peer_allowed(w, addr)) { \
			char peer_text_[INET6_ADDRSTRLEN];                                                \
			RTE_LOG(level, IPHTTPS, "%s: peer %s port %u: " fmt "\n", __func__,               \
				log_peer_address(addr, peer_text_), (unsigned int)(port), ##__VA_ARGS__); \
		}                                                                                         \
	} while (0)

#endif
