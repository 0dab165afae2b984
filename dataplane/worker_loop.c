/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The worker loop (after DPDK's l3fwd), at the top of the datapath: it
 * drives every layer. RX bursts from every port, each frame run to
 * completion up through the layers; then each layer's periodic work (TCP
 * timers, session deadlines), the control plane's requests, an RCU
 * quiescent report, TX buffers drained on a TSC deadline. No locks, no
 * allocation, no logging per packet. An idle worker sleeps a little
 * (workers.idle_sleep_us) once WORKER_IDLE_SPIN_US have passed without a
 * packet, so that, in the lab and in CI, kernel peers on the same two cores
 * still get CPU. The spin is measured in time, not in polls: an empty poll
 * costs two system calls on AF_XDP (the fill ring's wake-ups), so a count
 * of polls made every lone packet (a client's keep-alive) cost a
 * millisecond of spinning after it; a burst's next packet comes within
 * microseconds, and a lone one pays one sleep.
 */
#include "worker_loop.h"

#include <openssl/crypto.h>
#include <rte_cycles.h>
#include <rte_lcore.h>

#include "client_index.h"
#include "eth.h"
#include "iface.h"
#include "link.h"
#include "link_forward.h"
#include "link_multicast.h"
#include "log.h"
#include "nexthop.h"
#include "published_config.h"
#include "session.h"
#include "tcp.h"
#include "tcp_conn.h"
#include "worker.h"
#include "worker_command.h"

/* What other workers handed this one (the only cross-worker path, DESIGN.md). */
static void drain_inbox(struct worker *w)
{
	struct rte_mbuf *burst[WORKER_RX_BURST];
	unsigned int n = rte_ring_sc_dequeue_burst(w->inbox, (void **)burst, WORKER_RX_BURST, NULL);

	for (unsigned int i = 0; i < n; i++) {
		uint32_t tag = burst[i]->hash.usr;

		switch (tag & WORKER_INBOX_KIND_MASK) {
		case WORKER_INBOX_TO_CLIENT:
			link_forward_handed_over(w, burst[i]);
			break;
		case WORKER_INBOX_MULTICAST:
			link_multicast_handed_over(w, burst[i]);
			break;
		case WORKER_INBOX_END_SESSION:
			session_end_handed_over(w, burst[i]);
			break;
		case WORKER_INBOX_TCP_SEGMENT:
			tcp_input_handed_over(w, iface_of_port(burst[i]->port), burst[i], tag >> WORKER_INBOX_HOPS_SHIFT);
			break;
		default:
			rte_pktmbuf_free(burst[i]);
			break;
		}
	}
}

int worker_loop(void *arg)
{
	struct worker *w = arg;
	const uint64_t hz = rte_get_tsc_hz();
	const uint64_t drain_tsc = hz / 1000000 * WORKER_TX_DRAIN_US;
	const uint64_t housekeeping_tsc = hz / 1000 * WORKER_HOUSEKEEPING_MS;
	uint64_t last_drain = rte_rdtsc();
	const uint64_t idle_spin_tsc = hz / 1000000 * WORKER_IDLE_SPIN_US;
	uint64_t last_received = rte_rdtsc();
	struct rte_mbuf *burst[WORKER_RX_BURST];

	log_info("worker %u polling on lcore %u (queue %u)", w->id, w->lcore, w->id);
	client_index_reader_online(w->id);
	while (!worker_stop_requested()) {
		uint64_t now = rte_rdtsc();
		unsigned int received = 0;

		/* One configuration per iteration: a reload takes effect between two. */
		w->config = published_config_get();
		worker_clock_update(w);

		for (int role = 0; role < CONFIG_PORT_COUNT; role++) {
			const struct iface *ifc = &ifaces[role];
			uint16_t n = rte_eth_rx_burst(ifc->port_id, (uint16_t)w->id, burst, WORKER_RX_BURST);

			counter(w, rx_packets) += n;
			received += n;
			for (uint16_t i = 0; i < n; i++) {
				if (i + 1 < n)
					rte_prefetch0(rte_pktmbuf_mtod(burst[i + 1], void *));
				eth_input(w, ifc, burst[i]);
			}
		}
		drain_inbox(w);
		tcp_input_batch_end(w); /* each connection's ACK and data of this batch, once */
		tcp_timer_run(w);
		session_poll(w);
		link_poll(w);
		client_index_quiescent(w->id);
		session_flush_sends(w); /* each session's packets of this iteration as one TLS write */
		if (now - last_drain > drain_tsc) {
			worker_flush_tx(w);
			last_drain = now;
		}
		if (now >= w->next_housekeeping_tsc) {
			nexthop_housekeeping(w, now);
			w->next_housekeeping_tsc = now + housekeeping_tsc;
		}
		if (received) {
			/* CPU time spent working, for benchmarks: cycles per handshake or per byte. */
			counter(w, busy_tsc_cycles) += rte_rdtsc() - now;
			last_received = now;
		} else if (now - last_received > idle_spin_tsc && w->config->workers.idle_sleep_us) {
			worker_flush_tx(w);
			rte_delay_us_sleep(w->config->workers.idle_sleep_us);
		}
		/* Last: a command's completion is the control plane's sign that this
		 * worker is done with the config it read at the top (a reload frees
		 * the old one then), so nothing after it may read w->config. */
		worker_command_poll(w);
		__atomic_store_n(&w->loops, w->loops + 1, __ATOMIC_RELAXED);
	}
	worker_flush_tx(w);
	worker_command_poll(w);
	client_index_reader_offline(w->id);
	/* The lcore's OpenSSL state: the pool of asynchronous jobs (their stacks) and error queue. */
	OPENSSL_thread_stop();
	log_info("worker %u stopped", w->id);
	return 0;
}
