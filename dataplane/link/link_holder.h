/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_LINK_HOLDER_H
#define IPHTTPS_LINK_HOLDER_H

/*
 * Stale holders. A session that holds an address another session's client
 * now uses may be stale: a connection whose client went without a FIN or
 * RST that reached us (a cut link; a reset lost in a storm of them), which
 * the client's new connection replaces, still holding the client's
 * link-local and global addresses, so that its RS is dropped and its DAD
 * defended until the stale one ends.
 *
 * The probe settles it: an unsolicited RA on the holder (RFC 4861 6.2.4
 * allows one at any time). A live client takes it; a client kernel that no
 * longer has the connection answers with a reset, which ends the stale
 * session and frees its addresses. At most one probe per holder every
 * LINK_HOLDER_PROBE_INTERVAL_MS: a hostile client claiming others'
 * addresses makes them see an RA every few seconds, no more. A holder on
 * another worker is not probed here (its own worker would have to send
 * it): it ends by its TCP or idle timers, or, in certificates mode, when
 * the client's new session replaces it (limits.sessions_per_subject).
 *
 * The wait: the client whose packet from a held source was dropped (its
 * RS, mostly) is owed the RA it asked for. Rather than leave it to RFC
 * 4861's next solicitation, 4 s later, the worker remembers it and sends
 * it an RA as soon as the address is free: a few checks of the client
 * index a tick, bounded in number per worker (one per session at most, no
 * more than the worker can have sessions nor LINK_HOLDER_WAITERS) and in
 * time (LINK_HOLDER_WAIT_MS); a waiter that does not fit is counted and
 * solicits again as before.
 */

#include <stdbool.h>
#include <netinet/in.h>

struct iphttps_config;
struct worker;
struct session;

enum link_holder_limits {
	LINK_HOLDER_PROBE_INTERVAL_MS = 3000, /* a holder probed at most this often (RFC 4861's MIN_DELAY_BETWEEN_RAS) */
	LINK_HOLDER_WAITERS = 16384,          /* clients waiting for a holder to go, per worker */
	LINK_HOLDER_WAIT_MS = 12000,          /* how long one waits: RFC 4861's three solicitations, 4 s apart */
	LINK_HOLDER_WAIT_TICK_MS = 10,        /* how often the waiters are looked at */
	LINK_HOLDER_WAIT_CHECKS_PER_TICK = 1024,
};

/**
 * Allocate worker w's waiters (start-up, before its loop runs).
 * @return 0, or -1 when memory runs out.
 */
int link_holder_worker_init(struct worker *w, const struct iphttps_config *config);

/** Free them (the worker has stopped). */
void link_holder_worker_free(struct worker *w);

/**
 * Another session than s holds addr, which s's client uses: probe the holder
 * (an RA) when it is on this worker. With owe_ra (s's packet from addr was
 * dropped), s waits for addr to be free, and gets an RA then.
 */
void link_holder_met(struct worker *w, struct session *s, const struct in6_addr *addr, bool owe_ra);

/** Send the RAs owed to clients whose holders went, a slice of the waiters a tick; the link's poll. */
void link_holder_poll(struct worker *w);

#endif
