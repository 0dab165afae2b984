/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Start and stop the datapath, layer by layer from the bottom: the mbuf
 * pool and the ports (net), TCP, the link above the sessions, the sessions'
 * listeners and TLS context, the client index, then each worker's state in
 * every layer, and the workers launched; packet capture (rte_pdump) for
 * dpdk-dumpcap. Stop undoes it from the top.
 */
#include "datapath.h"

#include <stdio.h>

#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_pdump.h>

#include "address_hold.h"
#include "client_index.h"
#include "iface.h"
#include "link.h"
#include "log.h"
#include "nexthop.h"
#include "port.h"
#include "port_stats.h"
#include "published_config.h"
#include "session.h"
#include "subject_sessions.h"
#include "tcp.h"
#include "tcp_conn.h"
#include "worker.h"
#include "worker_command.h"
#include "worker_loop.h"

static struct rte_mempool *pool;

void datapath_start(const struct iphttps_config *config)
{
	const struct config_eal *eal = &config->eal;
	uint16_t port_ids[CONFIG_PORT_COUNT];
	char err[512];
	unsigned int socket;

	for (unsigned int i = 0; i < eal->worker_count; i++)
		if (!rte_lcore_is_enabled(eal->worker_lcores[i]))
			rte_exit(EXIT_FAILURE, "worker lcore %u is not enabled in EAL\n", eal->worker_lcores[i]);
	published_config_set(config);
	socket = rte_lcore_to_socket_id(eal->worker_lcores[0]);
	/* One pool per socket in a multi-socket box; the lab and the workers of
	 * one appliance share a socket, so one pool on the workers' socket. */
	pool = rte_pktmbuf_pool_create("mbufs", eal->mbufs, MBUF_POOL_CACHE_COUNT, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
				       (int)socket);
	if (!pool)
		rte_exit(EXIT_FAILURE, "cannot create a pool of %u mbufs on socket %u: %s (eal.mbufs, eal.memory_mb)\n",
			 eal->mbufs, socket, rte_strerror(rte_errno));
	for (int role = 0; role < CONFIG_PORT_COUNT; role++) {
		port_start(role, &config->ports[role], eal->worker_count, pool);
		port_ids[role] = ifaces[role].port_id;
	}
	/* Packet capture: dpdk-dumpcap (a secondary process with this EAL file
	 * prefix) asks through EAL's multi-process channel, and pdump then
	 * copies the port's packets to it from the RX/TX callbacks; nothing
	 * runs while nobody captures. tcpdump cannot see DPDK's ports. */
	if (rte_pdump_init() != 0)
		log_warn("packet capture unavailable (rte_pdump_init: %s): dpdk-dumpcap will not attach",
			 rte_strerror(rte_errno));
	nexthop_table_init(config);
	if (tcp_start() != 0)
		rte_exit(EXIT_FAILURE, "cannot start TCP (its secrets need OpenSSL's RAND and SipHash)\n");
	if (tcp_services_start(config) != 0)
		rte_exit(EXIT_FAILURE, "cannot register the TCP test services (tcp_services)\n");
	link_start();
	if (session_listeners_start(config, err, sizeof(err)) != 0)
		rte_exit(EXIT_FAILURE, "cannot start the IP-HTTPS listeners: %s\n", err);
	if (client_index_create(config->limits.max_clients, config->iphttps.addresses_per_client, eal->worker_count) != 0)
		rte_exit(EXIT_FAILURE, "cannot create the client index for %u clients: %s (limits.max_clients, "
			 "eal.memory_mb)\n", config->limits.max_clients, rte_strerror(rte_errno));
	if (address_hold_create(RTE_MAX((uint32_t)IPHTTPS_ADDRESS_HOLDS_MIN,
					config->limits.max_clients * IPHTTPS_ADDRESS_HOLDS_PER_CLIENT)) != 0)
		rte_exit(EXIT_FAILURE, "cannot create the address holds for %u clients: %s (eal.memory_mb)\n",
			 config->limits.max_clients, rte_strerror(rte_errno));
	if (subject_sessions_create(config->limits.max_clients) != 0)
		rte_exit(EXIT_FAILURE, "cannot create the sessions per subject for %u clients: %s (eal.memory_mb)\n",
			 config->limits.max_clients, rte_strerror(rte_errno));
	worker_count = eal->worker_count;
	for (unsigned int i = 0; i < worker_count; i++) {
		struct worker *w = &workers[i];

		if (worker_init(w, i, eal->worker_lcores[i], pool, port_ids) != 0)
			rte_exit(EXIT_FAILURE, "worker %u: cannot allocate its TX buffers and command ring "
				 "(eal.memory_mb)\n", i);
		w->config = config;
		if (tcp_worker_init(w, config) != 0)
			rte_exit(EXIT_FAILURE, "worker %u: cannot set up TCP (limits.max_connections_per_worker, "
				 "eal.memory_mb)\n", i);
		if (session_worker_init(w, config) != 0)
			rte_exit(EXIT_FAILURE, "worker %u: cannot allocate its sessions (limits.max_clients, "
				 "eal.memory_mb)\n", i);
		if (link_worker_init(w, config) != 0)
			rte_exit(EXIT_FAILURE, "worker %u: cannot allocate its link state (limits.max_clients, "
				 "eal.memory_mb)\n", i);
	}
	for (unsigned int i = 0; i < worker_count; i++) {
		int rc;

		/* From here on the control plane asks this worker instead of reading its state. */
		__atomic_store_n(&workers[i].running, true, __ATOMIC_RELEASE);
		rc = rte_eal_remote_launch(worker_loop, &workers[i], workers[i].lcore);
		if (rc != 0)
			rte_exit(EXIT_FAILURE, "cannot launch worker %u on lcore %u: %s\n", i, workers[i].lcore,
				 rte_strerror(-rc));
	}
}

static void quiescent(struct worker *w, void *arg)
{
	(void)w, (void)arg; /* reaching here is the point: the worker is between two bursts */
}

void datapath_wait_quiescent(void)
{
	for (unsigned int i = 0; i < worker_count; i++)
		while (worker_command_run(&workers[i], quiescent, NULL, WORKER_COMMAND_TIMEOUT_MS) != 0 &&
		       !worker_stop_requested())
			; /* a worker that does not answer within a second is retried: it must pass */
}

int datapath_wait_ready(unsigned int timeout_ms, char *down, size_t down_len)
{
	const uint64_t deadline = rte_get_timer_cycles() + rte_get_timer_hz() / 1000 * timeout_ms;
	int n;

	/* Each worker answers a command only from its loop: then it polls its queues. */
	for (unsigned int i = 0; i < worker_count; i++)
		if (worker_command_run(&workers[i], quiescent, NULL, timeout_ms) != 0) {
			snprintf(down, down_len, "worker %u", i);
			return -1;
		}
	for (;;) {
		bool all_up = true;

		n = 0;
		down[0] = 0;
		for (int role = 0; role < CONFIG_PORT_COUNT; role++) {
			if (port_link_up(role))
				continue;
			all_up = false;
			if (n >= 0 && (size_t)n < down_len)
				n += snprintf(down + n, down_len - (size_t)n, "%sport %s link down", n ? ", " : "",
					      config_port_role_name(role));
		}
		if (all_up)
			return 0;
		if (rte_get_timer_cycles() >= deadline)
			return -1;
		rte_delay_us_sleep(10000);
	}
}

void datapath_stop(void)
{
	worker_request_stop();
	rte_eal_mp_wait_lcore();
	for (unsigned int i = 0; i < worker_count; i++) {
		__atomic_store_n(&workers[i].running, false, __ATOMIC_RELEASE);
		link_worker_free(&workers[i]);
		session_worker_free(&workers[i]);
		tcp_worker_free(&workers[i]);
		worker_free(&workers[i]);
	}
	tcp_stop();
	session_listeners_stop();
	client_index_destroy();
	address_hold_destroy();
	subject_sessions_destroy();
	rte_pdump_uninit();
	port_stop_all();
	if (pool) {
		rte_mempool_free(pool);
		pool = NULL;
	}
}
