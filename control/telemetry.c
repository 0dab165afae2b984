/* SPDX-License-Identifier: BSD-3-Clause */
#include "telemetry.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <inttypes.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mempool.h>
#include <rte_telemetry.h>

#include "log_peer.h"
#include "net_admin.h"
#include "session_admin.h"
#include "stats_sampler.h"
#include "tcp_admin.h"
#include "worker.h"
#include "worker_command.h"

/*
 * Nothing here reads a worker's state in place (the worker writes it as it
 * runs): each command asks the worker for a copy through its command ring
 * (worker_command.h), made between two bursts, and formats the copy.
 */

enum { TELEMETRY_LIST_MAX = 200 }; /* connections or sessions listed per worker */

static void add_counters(struct rte_tel_data *d, const struct worker_counters *c)
{
#define ADD_COUNTER(name, help) rte_tel_data_add_dict_u64(d, #name, counter_in(*c, name));
	WORKER_COUNTERS(ADD_COUNTER)
#undef ADD_COUNTER
}

static int cmd_stats(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct worker_counters sum;

	(void)cmd;
	(void)params;
	if (stats_counters_sum(&sum) != 0)
		return -EAGAIN;
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_u64(d, "workers", worker_count);
	add_counters(d, &sum);
	return 0;
}

/* A command's worker index: absent means 0; anything but a worker's index is refused. */
static int worker_param(const char *params, unsigned int *id)
{
	unsigned long v = 0;
	char *end;

	if (params && *params) {
		v = strtoul(params, &end, 10);
		if (*end != '\0')
			return -1;
	}
	if (v >= worker_count)
		return -1;
	*id = (unsigned int)v;
	return 0;
}

static int cmd_worker_stats(const char *cmd, const char *params, struct rte_tel_data *d)
{
	unsigned int id;

	(void)cmd;
	struct worker_counters c;

	if (!params || !*params || worker_param(params, &id) != 0)
		return -EINVAL;
	if (stats_counters_snapshot(id, &c) != 0)
		return -EAGAIN;
	rte_tel_data_start_dict(d);
	add_counters(d, &c);
	return 0;
}

static int cmd_ports(const char *cmd, const char *params, struct rte_tel_data *d)
{
	(void)cmd;
	(void)params;
	rte_tel_data_start_dict(d);
	for (int role = 0; role < CONFIG_PORT_COUNT; role++) {
		struct net_port_view port;
		char mac[RTE_ETHER_ADDR_FMT_SIZE], text[RTE_TEL_MAX_STRING_LEN];
		struct rte_eth_dev_info info;

		net_admin_port(role, &port);

		if (rte_eth_dev_info_get(port.port_id, &info) != 0)
			continue;
		rte_ether_format_addr(mac, sizeof(mac), &port.mac);
		snprintf(text, sizeof(text), "port %u driver %s mac %s rx_cksum %s tx_cksum %s tso %s", port.port_id,
			 info.driver_name, mac, port.rx_offloads & RTE_ETH_RX_OFFLOAD_IPV4_CKSUM ? "hw" : "sw",
			 port.tx_offloads & RTE_ETH_TX_OFFLOAD_TCP_CKSUM ? "hw" : "sw",
			 port.tx_offloads & RTE_ETH_TX_OFFLOAD_TCP_TSO ? "hw" : "sw");
		rte_tel_data_add_dict_string(d, config_port_role_name(role), text);
	}
	return 0;
}

static int cmd_nexthops(const char *cmd, const char *params, struct rte_tel_data *d)
{
	(void)cmd;
	(void)params;
	rte_tel_data_start_dict(d);
	for (unsigned int i = 0; i < nexthop_count(); i++) {
		struct nexthop_view v;
		char addr[INET6_ADDRSTRLEN], key[RTE_TEL_MAX_STRING_LEN], value[RTE_TEL_MAX_STRING_LEN];
		char mac[RTE_ETHER_ADDR_FMT_SIZE];

		nexthop_get(i, &v);
		inet_ntop(v.is_ipv4 ? AF_INET : AF_INET6, v.addr, addr, sizeof(addr));
		/* Telemetry keys allow only letters, digits and _/-: the address goes in the value. */
		snprintf(key, sizeof(key), "nexthop%u", i);
		if (v.resolved) {
			rte_ether_format_addr(mac, sizeof(mac), &v.mac);
			snprintf(value, sizeof(value), "%s %s mac %s age_ms %" PRIu64, config_port_role_name(v.role),
				 addr, mac, v.age_ms);
		} else {
			snprintf(value, sizeof(value), "%s %s unresolved", config_port_role_name(v.role), addr);
		}
		rte_tel_data_add_dict_string(d, key, value);
	}
	return 0;
}

/* One line per TCP connection of a worker, like ss -ti: for operators and for debugging. */
static int cmd_tcp_connections(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct tcp_conn_view *views = calloc(TELEMETRY_LIST_MAX, sizeof(*views));
	unsigned int id;
	int n;

	(void)cmd;
	if (!views)
		return -ENOMEM;
	if (worker_param(params, &id) != 0) {
		free(views);
		return -EINVAL;
	}
	n = tcp_admin_connections(id, views, TELEMETRY_LIST_MAX);
	if (n < 0) {
		free(views);
		return n;
	}
	rte_tel_data_start_dict(d);
	for (int i = 0; i < n; i++) {
		const struct tcp_conn_view *c = &views[i];
		char key[32], value[RTE_TEL_MAX_STRING_LEN];

		snprintf(key, sizeof(key), "conn%u", c->slot);
		snprintf(value, sizeof(value), "%s %u una %u +%u max+%u wnd %u cwnd %u sq %u rq %u ooo %u f %x rto %u rcv %u adv %u rexmt %d persist %d",
			 c->state, c->remote_port, c->snd_una, c->in_flight, c->max_in_flight, c->snd_wnd, c->cwnd,
			 c->sndq_bytes, c->rcvq_bytes, c->ooo_segments, c->flags, c->rto_ms, c->rcv_nxt,
			 c->rcv_window_advertised, c->retransmit_in_ms, c->persist_in_ms);
		rte_tel_data_add_dict_string(d, key, value);
	}
	free(views);
	return 0;
}

/* Sessions of one worker (the first TELEMETRY_LIST_MAX), through session_admin.h. */
static int cmd_sessions(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct session_filter f = { .by_worker = true };
	struct session_view *views;
	uint32_t count;

	(void)cmd;
	if (worker_param(params, &f.worker) != 0)
		return -EINVAL;
	if (session_admin_list(&f, TELEMETRY_LIST_MAX, &views, &count) != 0)
		return -EAGAIN;
	rte_tel_data_start_dict(d);
	for (uint32_t i = 0; i < count; i++) {
		const struct session_view *se = &views[i];
		char key[32], addr[INET6_ADDRSTRLEN], value[RTE_TEL_MAX_STRING_LEN];

		log_peer_address(&se->outer_address, addr);
		snprintf(key, sizeof(key), "session%" PRIu64, se->id);
		snprintf(value, sizeof(value), "%s client %s port %u %s rx %" PRIu64 " tx %" PRIu64,
			 session_state_name(se->state), addr, se->outer_port, se->tls_session ? "tls" : "plain",
			 se->rx_packets, se->tx_packets);
		rte_tel_data_add_dict_string(d, key, value);
	}
	free(views);
	return 0;
}

/* What a benchmark needs to turn counters into CPU time and memory per session. */
static int cmd_runtime(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct mallinfo2 heap = mallinfo2();

	(void)cmd;
	(void)params;
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_u64(d, "tsc_hz", rte_get_tsc_hz());
	/* malloc'd bytes in use: OpenSSL's per-connection state lives here. */
	rte_tel_data_add_dict_u64(d, "heap_in_use_bytes", heap.uordblks + heap.hblkhd);
	rte_tel_data_add_dict_u64(d, "session_slot_bytes", session_admin_slot_bytes());
	rte_tel_data_add_dict_u64(d, "tcp_connection_slot_bytes", tcp_admin_conn_slot_bytes());
	/* DPDK's own heap (rte_malloc): the tables sized at start-up live here,
	 * so growth in it with the sessions would be per-session state. */
	uint64_t dpdk_heap = 0;

	for (unsigned int i = 0; i < rte_socket_count(); i++) {
		struct rte_malloc_socket_stats st;

		if (rte_malloc_get_socket_stats(rte_socket_id_by_idx(i), &st) == 0)
			dpdk_heap += st.heap_allocsz_bytes;
	}
	rte_tel_data_add_dict_u64(d, "dpdk_heap_in_use_bytes", dpdk_heap);
	if (worker_count) {
		const struct rte_mempool *pool = workers[0].pool;

		rte_tel_data_add_dict_u64(d, "mbufs_in_use", rte_mempool_in_use_count(pool));
		rte_tel_data_add_dict_u64(d, "mbuf_bytes", pool->header_size + pool->elt_size + pool->trailer_size);
	}
	return 0;
}

/* The Client Table across workers. */
static int cmd_clients(const char *cmd, const char *params, struct rte_tel_data *d)
{
	(void)cmd;
	(void)params;
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_u64(d, "entries", session_admin_linkup_clients());
	rte_tel_data_add_dict_u64(d, "addresses", session_admin_client_addresses());
	uint32_t entries[CONFIG_MAX_WORKERS];

	if (session_admin_client_entries(entries) != 0)
		return -EAGAIN;
	for (unsigned int i = 0; i < worker_count; i++) {
		char key[32];

		snprintf(key, sizeof(key), "worker%u_entries", i);
		rte_tel_data_add_dict_u64(d, key, entries[i]);
	}
	return 0;
}

static int cmd_tcp_memory(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct tcp_memory_view m;

	(void)cmd;
	(void)params;
	if (tcp_admin_memory(&m) != 0)
		return -EAGAIN;
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_u64(d, "open_connections", m.open_connections);
	rte_tel_data_add_dict_u64(d, "connection_slots", m.connection_slots);
	rte_tel_data_add_dict_u64(d, "table_bytes", m.table_bytes);
	rte_tel_data_add_dict_u64(d, "bytes_per_connection", m.connection_slots ? m.table_bytes / m.connection_slots : 0);
	rte_tel_data_add_dict_u64(d, "tcp_conn_struct_bytes", m.conn_struct_bytes);
	/* The pool as TCP sees it (tcp_memory.h), summed over the workers. */
	rte_tel_data_add_dict_u64(d, "queued_mbufs", m.queued_mbufs);
	rte_tel_data_add_dict_u64(d, "mbuf_high_water", m.mbuf_high_water);
	rte_tel_data_add_dict_u64(d, "mbuf_budget", m.mbuf_budget);
	rte_tel_data_add_dict_u64(d, "mbuf_hard_limit", m.mbuf_hard_limit);
	rte_tel_data_add_dict_u64(d, "mbuf_reserve", m.mbuf_reserve);
	rte_tel_data_add_dict_u64(d, "mbuf_truesize_bytes", m.mbuf_truesize);
	if (worker_count)
		rte_tel_data_add_dict_u64(d, "mbuf_pool_size", workers[0].pool->size);
	return 0;
}

int telemetry_register(void)
{
	int rc = 0;

	rc |= rte_telemetry_register_cmd("/iphttps/stats", cmd_stats,
					 "Counters of all workers, summed. Takes no parameters");
	rc |= rte_telemetry_register_cmd("/iphttps/worker_stats", cmd_worker_stats,
					 "Counters of one worker. Parameter: worker index");
	rc |= rte_telemetry_register_cmd("/iphttps/ports", cmd_ports, "The two ports. Takes no parameters");
	rc |= rte_telemetry_register_cmd("/iphttps/tcp_memory", cmd_tcp_memory,
					 "Memory per TCP connection, buffers excluded. Takes no parameters");
	rc |= rte_telemetry_register_cmd("/iphttps/tcp_connections", cmd_tcp_connections,
					 "TCP connections of one worker (first 200). Parameter: worker index");
	rc |= rte_telemetry_register_cmd("/iphttps/sessions", cmd_sessions,
					 "IP-HTTPS sessions of one worker (first 200). Parameter: worker index");
	rc |= rte_telemetry_register_cmd("/iphttps/runtime", cmd_runtime,
					 "TSC frequency, heap in use, slot sizes. Takes no parameters");
	rc |= rte_telemetry_register_cmd("/iphttps/clients", cmd_clients,
					 "Client Table entries and indexed addresses. Takes no parameters");
	rc |= rte_telemetry_register_cmd("/iphttps/nexthops", cmd_nexthops,
					 "Next hops and their MAC addresses. Takes no parameters");
	return rc ? -1 : 0;
}
