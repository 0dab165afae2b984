/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_WORKER_COUNTERS_H
#define IPHTTPS_WORKER_COUNTERS_H

/*
 * Every layer's counters together, in slot order, for those that report them
 * all: the control plane's show, telemetry and /metrics, the tests. Only the
 * top of the datapath can see every layer's list (dataplane/core/counters.h).
 */

#include "link_counters.h" /* and through it session, tls, tcp, net, core */

#define WORKER_COUNTERS(X) \
	CORE_COUNTERS(X)   \
	NET_COUNTERS(X)    \
	TCP_COUNTERS(X)    \
	TLS_COUNTERS(X)    \
	SESSION_COUNTERS(X) \
	LINK_COUNTERS(X)

enum { WORKER_COUNTER_COUNT = LINK_COUNTER_END };
_Static_assert((int)WORKER_COUNTER_COUNT <= (int)WORKER_COUNTER_CAPACITY,
	       "more counters than struct worker_counters has slots: raise WORKER_COUNTER_CAPACITY (counters.h)");

#endif
