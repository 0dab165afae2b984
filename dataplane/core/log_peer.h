/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_LOG_PEER_H
#define IPHTTPS_LOG_PEER_H

/*
 * Failures a remote peer causes (a handshake that fails, a refused request,
 * a bad record), logged as WireGuard's receive path does: naming the peer's
 * address and port and the reason, at most WORKER_LOG_PEER_LINES_PER_SECOND
 * lines per worker per second (an attacker cannot flood the log or slow the worker
 * with it), and with nothing formatted or computed (OpenSSL's error string,
 * the address text) unless the level is on and the line will be written.
 * Every such failure is also counted (counters.h); the log only adds who.
 */

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdbool.h>

#include "log.h"
#include "worker.h"

/* Whether w may write one more peer line this second (counts it when so). */
static inline bool log_peer_allowed(struct worker *w)
{
	if (rate_budget_take(&w->peer_log, w->now_ms, WORKER_LOG_PEER_LINES_PER_SECOND))
		return true;
	w->counters.log_peer_suppressed++;
	return false;
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
		if (rte_log_can_log(RTE_LOGTYPE_IPHTTPS, RTE_LOG_##level) && log_peer_allowed(w)) {       \
			char peer_text_[INET6_ADDRSTRLEN];                                                \
			RTE_LOG(level, IPHTTPS, "%s: peer %s port %u: " fmt "\n", __func__,               \
				log_peer_address(addr, peer_text_), (unsigned int)(port), ##__VA_ARGS__); \
		}                                                                                         \
	} while (0)

#endif
