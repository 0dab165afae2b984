/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_WORKER_H
#define IPHTTPS_WORKER_H

/*
 * A worker lcore: owns one RX and one TX queue on every port and runs every
 * packet to completion on them. Its state lives in a cache-aligned slot of
 * `workers`, touched only by its own lcore (telemetry reads the counters).
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_common.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include "client_table.h"
#include "counters.h"
#include "iface.h"
#include "session.h"
#include "tcp_conn.h"

struct worker {
	unsigned int id;     /* 0..worker_count-1; also the queue index on each port */
	unsigned int lcore;
	struct rte_mempool *pool;
	struct rte_eth_dev_tx_buffer *tx_buffer[CONFIG_PORT_COUNT];
	uint64_t next_housekeeping_tsc;
	uint32_t idle_sleep_us;
	struct worker_counters counters;
	struct tcp_worker tcp;
	struct client_table_shard clients; /* this worker's sessions (client_table.h) */
	struct session_worker sessions;
} __rte_cache_aligned;

extern struct worker workers[CONFIG_MAX_WORKERS];
extern unsigned int worker_count;

/** Prepare a worker's slot and its TX buffers; rte_exit on failure. */
void worker_init(struct worker *w, unsigned int id, unsigned int lcore, struct rte_mempool *pool,
		 uint32_t idle_sleep_us);

/** The worker's main loop, launched on its lcore with rte_eal_remote_launch. */
int worker_main(void *arg);

/** Ask every worker to leave its loop (async-signal-safe). */
void worker_request_stop(void);

/** Whether a stop was requested. */
bool worker_stop_requested(void);

/** Queue a frame for transmission on ifc; the worker owns m no more. */
static inline void worker_tx(struct worker *w, const struct iface *ifc, struct rte_mbuf *m)
{
	w->counters.tx_packets++;
	rte_eth_tx_buffer(ifc->port_id, (uint16_t)w->id, w->tx_buffer[ifc->role], m);
}

/** Drop a frame: count it under the given counter and free it. */
#define worker_drop(w, m, counter)                    \
	do {                                          \
		(w)->counters.counter++;              \
		rte_pktmbuf_free(m);                  \
	} while (0)

#endif
