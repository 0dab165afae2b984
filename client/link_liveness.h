/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_LINK_LIVENESS_H
#define IPHTTPS_LINK_LIVENESS_H

/*
 * Is anybody there? A TCP connection through NATs and proxies can die
 * without a FIN or a reset: a blackholed path looks exactly like an idle
 * link, and a write does not fail until the kernel gives up on its
 * retransmissions minutes later. So while nothing arrives from the server,
 * the client asks its router: after idle_s of silence a Neighbor
 * Solicitation to the router (RFC 4861 7.3 unreachability detection; the
 * appliance answers for fe80::1), then one every interval_s; with probes of
 * them unanswered (nothing at all received since), the link is lost. Any
 * byte from the server counts as an answer. The probes also keep a
 * proxy's or a NAT's idle timer from closing a quiet link.
 *
 * Defaults: silent 10 s, then 3 probes 5 s apart: a dead path is found 25 s
 * after the last byte heard. Pure and on the caller's clock.
 */

#include <stdbool.h>

enum {
	LIVENESS_DEFAULT_IDLE_S = 10,
	LIVENESS_DEFAULT_INTERVAL_S = 5,
	LIVENESS_DEFAULT_PROBES = 3,
};

struct link_liveness_config {
	unsigned int idle_s;     /* 0: no probes, no verdict */
	unsigned int interval_s;
	unsigned int probes;
};

struct link_liveness {
	struct link_liveness_config config;
	double next_probe;       /* when the next probe (or the verdict) is due */
	unsigned int unanswered; /* probes sent since the last byte heard */
	unsigned long long probes_sent;
};

enum link_liveness_verdict { LIVENESS_QUIET, LIVENESS_PROBE, LIVENESS_LOST };

/** The link came up at now: nothing is owed yet. */
void link_liveness_start(struct link_liveness *l, const struct link_liveness_config *c, double now);

/** Something arrived from the server at now. */
void link_liveness_heard(struct link_liveness *l, double now);

/** What is due at now: nothing, a probe (send one), or the verdict that the link is lost. */
enum link_liveness_verdict link_liveness_poll(struct link_liveness *l, double now);

/** How long after the last byte heard the link is declared lost, in seconds (0: never). */
unsigned int link_liveness_deadline_s(const struct link_liveness_config *c);

#endif
