/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_WORKER_H
#define IPHTTPS_WORKER_H

/*
 * The per-worker core: what every layer of the datapath needs and nothing
 * more. A worker lcore owns one RX and one TX queue on every port and runs
 * every packet to completion on them. Its slot in `workers` is cache-aligned
 * and written only by its own lcore.
 *
 * Each layer keeps its own per-worker state in an array of its own indexed
 * by the worker id (tcp_worker_of(), session_worker_of(), ... as l3fwd's
 * lcore_conf), so this header includes no layer above it. The loop that
 * drives the layers is dataplane/worker_loop.c, at the top of the datapath.
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_common.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include "appliance_config.h"
#include "counters.h"
#include "rate_budget.h"

struct rte_ring;

/* Frames per RX burst and per TX flush. A build may choose another
 * (bench/bench_pmd_options.sh builds 64 to compare, as issue #14 asks). */
#ifndef IPHTTPS_WORKER_BURST
#define IPHTTPS_WORKER_BURST 32
#endif

/* The core's fixed sizes and paces, all in this one enum, with units in the
 * names. Configurable limits are in include/appliance_limits.h. */
enum worker_limits {
	/* The loop's pace (DPDK l3fwd's figures). */
	WORKER_RX_BURST = IPHTTPS_WORKER_BURST,
	WORKER_TX_DRAIN_US = 100,
	/* Time without a packet before a worker starts sleeping: a busy worker
	 * never sleeps, an idle one yields the core to kernel peers. 20 and 100
	 * cost the same under keep-alives (10,000 clients pinging every 3 s,
	 * bench/README.md's make bench-scale section). */
	WORKER_IDLE_SPIN_US = 50,
	WORKER_HOUSEKEEPING_MS = 100,
	WORKER_COMMAND_RING_SIZE = 64,     /* control-plane requests waiting per worker (worker_command.h) */
	WORKER_COMMAND_TIMEOUT_MS = 1000,  /* a polling worker answers within one loop iteration */
	WORKER_LOG_PEER_LINES_PER_SECOND = 10, /* log lines about peers' failures per worker (log_peer.h) */
	WORKER_LOG_PEER_LINES_PER_PEER_PER_SECOND = 2, /* of them, about one address: a noisy peer hides no other */
	WORKER_LOG_PEER_SLOTS = 256,       /* per-address budgets, direct-mapped by a hash of the address */
	WORKER_INBOX_SIZE = 4096,          /* packets handed over from other workers, waiting */
	MBUF_POOL_CACHE_COUNT = 256,       /* per-lcore cache of the shared mbuf pool */
};

struct worker {
	unsigned int id;     /* 0..worker_count-1; also the queue index on each port */
	unsigned int lcore;
	struct rte_mempool *pool;
	uint16_t port_id[CONFIG_PORT_COUNT]; /* by enum config_port_role */
	struct rte_eth_dev_tx_buffer *tx_buffer[CONFIG_PORT_COUNT];
	/* The worker's clock, read once per loop iteration (worker_clock_update):
	 * every layer times its deadlines on it, and tests move it by hand. */
	uint64_t now_ms, now_us;
	/* The published configuration (published_config.h), re-read once per loop
	 * iteration: the one way configuration reaches the datapath. */
	const struct iphttps_config *config;
	struct rte_ring *commands; /* requests from the control plane (worker_command.h) */
	struct rte_ring *inbox;    /* packets other workers hand this one (worker_inbox_post) */
	bool running;              /* the loop is polling: commands are answered by it */
	/* Loop iterations: the control plane's sign that this worker makes
	 * progress (the systemd watchdog, control/service_notify.c). Written
	 * by the worker only, read by others with worker_loops. */
	uint64_t loops;
	uint64_t next_housekeeping_tsc;
	struct rate_budget peer_log; /* log lines about peers this second (log_peer.h) */
	struct rate_budget peer_log_by_address[WORKER_LOG_PEER_SLOTS]; /* the same per address (two may share one) */
	struct rate_budget refusal_events; /* refused clients told to the control plane (session_events.h) */
	/* TX offloads (RTE_ETH_TX_OFFLOAD_*) a port offered and then refused on
	 * this worker (worker_tx_refused): the layers stop asking for them. */
	uint64_t tx_offloads_refused[CONFIG_PORT_COUNT];
	struct worker_counters counters;
} __rte_cache_aligned;

extern struct worker workers[CONFIG_MAX_WORKERS];
extern unsigned int worker_count;

/**
 * Prepare a worker's slot: its TX buffers on every port and its command ring.
 * @return 0, or -1 when memory runs out (logged).
 */
int worker_init(struct worker *w, unsigned int id, unsigned int lcore, struct rte_mempool *pool,
		const uint16_t port_id[CONFIG_PORT_COUNT]);

/** Free the TX buffers worker_init allocated (the worker has stopped); the command ring stays. */
void worker_free(struct worker *w);

/** Read the clock (TSC) into w->now_ms and w->now_us. */
void worker_clock_update(struct worker *w);

/** Send what the TX buffers hold. */
void worker_flush_tx(struct worker *w);

/** How many loop iterations worker w has made (any thread). */
static inline uint64_t worker_loops(const struct worker *w)
{
	return __atomic_load_n(&w->loops, __ATOMIC_RELAXED);
}

/** Ask every worker to leave its loop (async-signal-safe). */
void worker_request_stop(void);

/** Whether a stop was requested. */
bool worker_stop_requested(void);

/* What a packet handed to another worker is (worker_inbox_post): its owner
 * dispatches on it (dataplane/worker_loop.c). */
enum worker_inbox_kind {
	WORKER_INBOX_TO_CLIENT = 1,   /* an IPv6 packet (no Ethernet header) for a client of that worker */
	WORKER_INBOX_TCP_SEGMENT = 2, /* a received frame (l2_len, l3_len set) for a connection it may own */
	WORKER_INBOX_MULTICAST = 3,   /* a client's multicast IPv6 packet, for that worker's clients (certificates mode) */
	WORKER_INBOX_END_SESSION = 4, /* an order to end one of its sessions (session_end_by_ref) */
	WORKER_INBOX_KIND_MASK = 0xff,
	WORKER_INBOX_HOPS_SHIFT = 8,  /* above the kind: how many workers a TCP segment has been to */
};

/**
 * Hand m to worker `to` (another worker's multi-producer inbox ring: the
 * only way packets cross between workers). Consumes m. @return 0, or -1
 * when that worker's inbox is full (m freed; the caller counts).
 */
int worker_inbox_post(struct worker *to, struct rte_mbuf *m, uint32_t kind);

/** Queue a frame for transmission on the port of `role`; the worker owns m no more. */
/**
 * The port refused m's offload request (rte_eth_tx_prepare): m is dropped and
 * counted (drop_port_offload_refused), the offloads it asked for are added to
 * w->tx_offloads_refused[role], and the first refusal of each is logged.
 */
void worker_tx_refused(struct worker *w, unsigned int role, struct rte_mbuf *m);

static inline void worker_tx(struct worker *w, unsigned int role, struct rte_mbuf *m)
{
	/* A port that offered an offload may still refuse it for one mbuf (a
	 * segment size, header layout or chain its hardware cannot do). Asked
	 * only of mbufs that request an offload: for a PMD without a prepare
	 * step (net_tap, af_xdp) it is one test of a function pointer. */
	if ((m->ol_flags & RTE_MBUF_F_TX_OFFLOAD_MASK) &&
	    unlikely(rte_eth_tx_prepare(w->port_id[role], (uint16_t)w->id, &m, 1) != 1)) {
		worker_tx_refused(w, role, m);
		return;
	}
	counter(w, tx_packets)++;
	rte_eth_tx_buffer(w->port_id[role], (uint16_t)w->id, w->tx_buffer[role], m);
}

/** Drop a frame: count it under the given counter and free it. */
#define worker_drop(w, m, name)                       \
	do {                                          \
		counter((w), name)++;                 \
		rte_pktmbuf_free(m);                  \
	} while (0)

#endif
