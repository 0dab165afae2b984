/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_COUNTERS_H
#define IPHTTPS_COUNTERS_H

/*
 * Per-worker counters. Every drop has its own named counter, so an operator
 * sees why a packet was dropped, not only that it was.
 *
 * Each layer declares the counters it counts in its own list,
 * <layer>_counters.h: X(name, help). A list's enum gives each counter its slot,
 * after those of the layer below (core, net, tcp, tls, session, link), and
 * the core holds the slots: struct worker_counters, one per worker. A file
 * sees the lists of its own layer and the ones below, so it cannot count
 * another layer's counter by mistake. dataplane/worker_counters.h, at the
 * top, puts the lists together for the control plane: names, help, and the
 * count.
 *
 * Written only by the owning worker. The control plane never reads them in
 * place: it asks the worker for a copy (worker_command.h).
 */

#include <stdint.h>

/* The core's own: the loop, the ports' queues, the pool, the log. */
#define CORE_COUNTERS(X) \
	X(rx_packets, "frames received") \
	X(busy_tsc_cycles, "TSC cycles spent on loop iterations that had frames to handle") \
	X(tx_packets, "frames handed to a port") \
	X(tx_dropped_queue_full, "frames the port's TX queue could not take") \
	X(drop_port_offload_refused, "frames the port refused an offload for (rte_eth_tx_prepare); the worker stops asking for it") \
	X(mbuf_alloc_failed, "packets not sent because the mbuf pool was empty") \
	X(log_peer_suppressed, "log lines about a peer's failure not written: over the per-second limit")

#define COUNTER_ENUM(name, help) COUNTER_##name,
enum core_counter {
	CORE_COUNTERS(COUNTER_ENUM)
	CORE_COUNTER_END
};

/* Room for every layer's counters; dataplane/worker_counters.h asserts that
 * they fit. */
enum { WORKER_COUNTER_CAPACITY = 256 };

struct worker_counters {
	uint64_t slot[WORKER_COUNTER_CAPACITY];
};

/* The counter NAME of worker W (a struct worker *), as an lvalue:
 * counter(w, drop_tcp_bad_checksum)++. */
#define counter(w, name) ((w)->counters.slot[COUNTER_##name])
/* The same in a copy C (a struct worker_counters). */
#define counter_in(c, name) ((c).slot[COUNTER_##name])

#endif
