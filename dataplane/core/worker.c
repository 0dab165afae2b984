/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A worker's core state: its TX buffers, its clock, its command ring, and the
 * stop flag every loop watches. The loop itself is dataplane/worker_loop.c.
 */
#include "worker.h"

#include <rte_cycles.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_ring.h>

#include "log.h"
#include "worker_command.h"

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

void worker_clock_update(struct worker *w)
{
	uint64_t us = rte_get_tsc_cycles() / (rte_get_tsc_hz() / 1000000);

	w->now_us = us;
	w->now_ms = us / 1000;
}

int worker_init(struct worker *w, unsigned int id, unsigned int lcore, struct rte_mempool *pool,
		const uint16_t port_id[CONFIG_PORT_COUNT])
{
	int socket = (int)rte_lcore_to_socket_id(lcore);
	char name[RTE_RING_NAMESIZE];

	w->id = id;
	w->lcore = lcore;
	w->pool = pool;
	for (int role = 0; role < CONFIG_PORT_COUNT; role++) {
		struct rte_eth_dev_tx_buffer *b;

		w->port_id[role] = port_id[role];
		b = rte_zmalloc_socket("tx_buffer", RTE_ETH_TX_BUFFER_SIZE(WORKER_RX_BURST), RTE_CACHE_LINE_SIZE,
				       socket);
		if (!b) {
			log_error("worker %u: cannot allocate a TX buffer", id);
			goto err;
		}
		rte_eth_tx_buffer_init(b, WORKER_RX_BURST);
		/* A full TX queue drops and counts; it never blocks the worker. */
		rte_eth_tx_buffer_set_err_callback(b, rte_eth_tx_buffer_count_callback,
						   &counter(w, tx_dropped_queue_full));
		w->tx_buffer[role] = b;
	}
	/* Many producers (the control plane's threads), one consumer (this worker).
	 * The ring outlives a stop (worker_free keeps it): a telemetry request may
	 * still be on its way to it while the datapath stops. */
	snprintf(name, sizeof(name), "worker_cmd_%u", id);
	w->commands = rte_ring_lookup(name);
	if (!w->commands)
		w->commands = rte_ring_create(name, WORKER_COMMAND_RING_SIZE, socket, RING_F_SC_DEQ);
	if (!w->commands) {
		log_error("worker %u: cannot create its command ring: %s", id, rte_strerror(rte_errno));
		goto err;
	}
	snprintf(name, sizeof(name), "worker_inbox_%u", id);
	w->inbox = rte_ring_lookup(name);
	if (!w->inbox)
		w->inbox = rte_ring_create(name, WORKER_INBOX_SIZE, socket, RING_F_SC_DEQ);
	if (!w->inbox) {
		log_error("worker %u: cannot create its inbox ring: %s", id, rte_strerror(rte_errno));
		goto err;
	}
	worker_clock_update(w);
	return 0;
err:
	worker_free(w);
	return -1;
}

void worker_free(struct worker *w)
{
	for (int role = 0; role < CONFIG_PORT_COUNT; role++) {
		rte_free(w->tx_buffer[role]);
		w->tx_buffer[role] = NULL;
	}
	/* The command ring stays (worker_init): EAL's cleanup frees it with the rest of its memory. */
}

int worker_inbox_post(struct worker *to, struct rte_mbuf *m, uint32_t kind)
{
	m->hash.usr = kind;
	if (rte_ring_mp_enqueue(to->inbox, m) != 0) {
		rte_pktmbuf_free(m);
		return -1;
	}
	return 0;
}

void worker_flush_tx(struct worker *w)
{
	for (int role = 0; role < CONFIG_PORT_COUNT; role++)
		rte_eth_tx_buffer_flush(w->port_id[role], (uint16_t)w->id, w->tx_buffer[role]);
}

void worker_tx_refused(struct worker *w, unsigned int role, struct rte_mbuf *m)
{
	uint64_t asked = 0, news;

	if (m->ol_flags & RTE_MBUF_F_TX_TCP_SEG)
		asked |= RTE_ETH_TX_OFFLOAD_TCP_TSO;
	else if ((m->ol_flags & RTE_MBUF_F_TX_L4_MASK) == RTE_MBUF_F_TX_TCP_CKSUM)
		asked |= RTE_ETH_TX_OFFLOAD_TCP_CKSUM | RTE_ETH_TX_OFFLOAD_TCP_TSO; /* TSO needs it */
	else if (m->ol_flags & RTE_MBUF_F_TX_IP_CKSUM)
		asked |= RTE_ETH_TX_OFFLOAD_IPV4_CKSUM;
	news = asked & ~w->tx_offloads_refused[role];
	if (news)
		log_warn("worker %u: port %u refused a frame's %s%s%s offload (%s): dropped; this worker does it "
			 "in software from now on",
			 w->id, w->port_id[role], news & RTE_ETH_TX_OFFLOAD_TCP_TSO ? "TSO " : "",
			 news & RTE_ETH_TX_OFFLOAD_TCP_CKSUM ? "TCP checksum " : "",
			 news & RTE_ETH_TX_OFFLOAD_IPV4_CKSUM ? "IPv4 checksum " : "", rte_strerror(rte_errno));
	w->tx_offloads_refused[role] |= asked;
	counter(w, drop_port_offload_refused)++;
	rte_pktmbuf_free(m);
}
