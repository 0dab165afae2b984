/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The worker loop (after DPDK's l3fwd): RX bursts from every port, each
 * frame run to completion, TX buffers drained on a TSC deadline. No locks,
 * no allocation, no logging per packet. An idle worker sleeps a little
 * (workers.idle_sleep_us) after a run of empty polls so that, in the lab and
 * in CI, kernel peers on the same two cores still get CPU.
 */
#include "worker.h"

#include <rte_cycles.h>
#include <rte_lcore.h>
#include <rte_malloc.h>

#include "client_index.h"
#include "eth.h"
#include "log.h"
#include "nexthop.h"

struct worker workers[CONFIG_MAX_WORKERS];
unsigned int worker_count;

static volatile bool stop_requested;

void worker_request_stop(void)
{
	stop_requested = true;
}

bool worker_stop_requested(void)
{
	return stop_requested;
}

void worker_init(struct worker *w, unsigned int id, unsigned int lcore, struct rte_mempool *pool,
		 uint32_t idle_sleep_us)
{
	w->id = id;
	w->lcore = lcore;
	w->pool = pool;
	w->idle_sleep_us = idle_sleep_us;
	for (int role = 0; role < CONFIG_PORT_COUNT; role++) {
		struct rte_eth_dev_tx_buffer *b;

		b = rte_zmalloc_socket("tx_buffer", RTE_ETH_TX_BUFFER_SIZE(WORKER_RX_BURST), RTE_CACHE_LINE_SIZE,
				       (int)rte_lcore_to_socket_id(lcore));
		if (!b)
			rte_exit(EXIT_FAILURE, "worker %u: cannot allocate a TX buffer\n", id);
		rte_eth_tx_buffer_init(b, WORKER_RX_BURST);
		/* A full TX queue drops and counts; it never blocks the worker. */
		rte_eth_tx_buffer_set_err_callback(b, rte_eth_tx_buffer_count_callback,
						   &w->counters.tx_dropped_queue_full);
		w->tx_buffer[role] = b;
	}
}

static void flush_tx(struct worker *w)
{
	for (int role = 0; role < CONFIG_PORT_COUNT; role++)
		rte_eth_tx_buffer_flush(ifaces[role].port_id, (uint16_t)w->id, w->tx_buffer[role]);
}

int worker_main(void *arg)
{
	struct worker *w = arg;
	const uint64_t hz = rte_get_tsc_hz();
	const uint64_t drain_tsc = hz / 1000000 * WORKER_TX_DRAIN_US;
	const uint64_t housekeeping_tsc = hz / 10;
	uint64_t last_drain = rte_rdtsc();
	unsigned int idle_polls = 0;
	struct rte_mbuf *burst[WORKER_RX_BURST];

	log_info("worker %u polling on lcore %u (queue %u)", w->id, w->lcore, w->id);
	client_index_reader_online(w->id);
	while (!stop_requested) {
		uint64_t now = rte_rdtsc();
		unsigned int received = 0;

		tcp_clock_update(w);

		for (int role = 0; role < CONFIG_PORT_COUNT; role++) {
			const struct iface *ifc = &ifaces[role];
			uint16_t n = rte_eth_rx_burst(ifc->port_id, (uint16_t)w->id, burst, WORKER_RX_BURST);

			w->counters.rx_packets += n;
			received += n;
			for (uint16_t i = 0; i < n; i++) {
				if (i + 1 < n)
					rte_prefetch0(rte_pktmbuf_mtod(burst[i + 1], void *));
				eth_input(w, ifc, burst[i]);
			}
		}
		tcp_timer_run(w);
		session_poll(w);
		client_index_quiescent(w->id);
		if (now - last_drain > drain_tsc) {
			flush_tx(w);
			last_drain = now;
		}
		if (now >= w->next_housekeeping_tsc) {
			nexthop_housekeeping(w, now);
			w->next_housekeeping_tsc = now + housekeeping_tsc;
		}
		if (received) {
			/* CPU time spent working, for benchmarks: cycles per handshake or per byte. */
			w->counters.busy_tsc_cycles += rte_rdtsc() - now;
			idle_polls = 0;
		} else if (++idle_polls > WORKER_IDLE_POLLS_BEFORE_SLEEP && w->idle_sleep_us) {
			flush_tx(w);
			rte_delay_us_sleep(w->idle_sleep_us);
		}
	}
	flush_tx(w);
	client_index_reader_offline(w->id);
	log_info("worker %u stopped", w->id);
	return 0;
}
