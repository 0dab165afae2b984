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
#include <rte_telemetry.h>

#include "client_index.h"
#include "client_table.h"
#include "iface.h"
#include "log_peer.h"
#include "nexthop.h"
#include "session.h"
#include "stats_sampler.h"
#include "tcp_conn.h"
#include "tcp_memory.h"
#include "worker.h"
#include "worker_command.h"

/*
 * Nothing here reads a worker's state in place (the worker writes it as it
 * runs): each command asks the worker for a copy through its command ring
 * (worker_command.h), made between two bursts, and formats the copy.
 */

enum { TELEMETRY_LIST_MAX = 200 }; /* connections or sessions listed per worker */

/* A copy of `size` bytes made by fn on worker id, in memory the caller frees; NULL when it did not answer. */
static void *worker_copy(unsigned int id, worker_command_fn fn, size_t size)
{
	void *copy = malloc(size);

	if (copy && worker_command_run(&workers[id], fn, copy, WORKER_COMMAND_TIMEOUT_MS) != 0) {
		free(copy);
		copy = NULL;
	}
	return copy;
}

static void add_counters(struct rte_tel_data *d, const struct worker_counters *c)
{
#define ADD_COUNTER(name, help) rte_tel_data_add_dict_u64(d, #name, c->name);
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
		const struct iface *ifc = &ifaces[role];
		char mac[RTE_ETHER_ADDR_FMT_SIZE], text[RTE_TEL_MAX_STRING_LEN];
		struct rte_eth_dev_info info;

		if (rte_eth_dev_info_get(ifc->port_id, &info) != 0)
			continue;
		rte_ether_format_addr(mac, sizeof(mac), &ifc->mac);
		snprintf(text, sizeof(text), "port %u driver %s mac %s rx_cksum %s tx_cksum %s tso %s", ifc->port_id,
			 info.driver_name, mac, ifc->rx_offloads & RTE_ETH_RX_OFFLOAD_IPV4_CKSUM ? "hw" : "sw",
			 ifc->tx_offloads & RTE_ETH_TX_OFFLOAD_TCP_CKSUM ? "hw" : "sw",
			 ifc->tx_offloads & RTE_ETH_TX_OFFLOAD_TCP_TSO ? "hw" : "sw");
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

/* A copy of the first TELEMETRY_LIST_MAX open connections of a worker. */
struct tcp_connections_copy {
	uint64_t now_ms;
	unsigned int count;
	uint32_t index[TELEMETRY_LIST_MAX];
	struct tcp_conn conn[TELEMETRY_LIST_MAX];
};

static void copy_tcp_connections(struct worker *w, void *arg)
{
	const struct tcp_worker *t = tcp_worker_of(w);
	struct tcp_connections_copy *copy = arg;

	copy->now_ms = w->now_ms;
	copy->count = 0;
	for (uint32_t i = 0; t->conns && i < t->capacity && copy->count < TELEMETRY_LIST_MAX; i++) {
		if (t->conns[i].state == TCP_CLOSED)
			continue;
		copy->index[copy->count] = i;
		copy->conn[copy->count++] = t->conns[i];
	}
}

/* One line per TCP connection of a worker, like ss -ti: for operators and for debugging. */
static int cmd_tcp_connections(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct tcp_connections_copy *copy;
	unsigned int id;

	(void)cmd;
	if (worker_param(params, &id) != 0)
		return -EINVAL;
	copy = worker_copy(id, copy_tcp_connections, sizeof(*copy));
	if (!copy)
		return -EAGAIN;
	rte_tel_data_start_dict(d);
	for (unsigned int i = 0; i < copy->count; i++) {
		const struct tcp_conn *c = &copy->conn[i];
		char key[32], value[RTE_TEL_MAX_STRING_LEN];

		snprintf(key, sizeof(key), "conn%u", copy->index[i]);
		snprintf(value, sizeof(value), "%s %u una %u +%u max+%u wnd %u cwnd %u sq %u rq %u ooo %u f %x rto %u rcv %u adv %u rexmt %d persist %d",
			 tcp_state_name(c->state), rte_be_to_cpu_16(c->key.remote_port), c->snd_una - c->iss, c->snd_nxt - c->snd_una,
			 c->snd_max - c->snd_una, c->snd_wnd, c->cwnd, c->sndq.bytes, c->rcvq.bytes, c->ooo_count,
			 c->flags, c->rto_ms, c->rcv_nxt - c->irs, c->rcv_adv - c->rcv_nxt,
			 c->t_rexmt ? (int)(c->t_rexmt - copy->now_ms) : -1,
			 c->t_persist ? (int)(c->t_persist - copy->now_ms) : -1);
		rte_tel_data_add_dict_string(d, key, value);
	}
	free(copy);
	return 0;
}

/* A copy of what the session listing shows of the first TELEMETRY_LIST_MAX sessions of a worker. */
struct session_view {
	uint32_t slot;
	enum session_state state;
	struct in6_addr client;
	uint16_t client_port;
	bool tls;
	uint64_t rx_packets, tx_packets;
};

struct sessions_copy {
	unsigned int count;
	struct session_view session[TELEMETRY_LIST_MAX];
};

static void copy_sessions(struct worker *w, void *arg)
{
	const struct client_table_shard *t = client_table_shard_of(w);
	struct sessions_copy *copy = arg;

	copy->count = 0;
	for (uint32_t i = 0; t->slots && i < t->capacity && copy->count < TELEMETRY_LIST_MAX; i++) {
		const struct session *se = &t->slots[i];

		if (!se->conn)
			continue;
		copy->session[copy->count++] = (struct session_view){
			.slot = i, .state = se->state, .client = se->client, .client_port = se->client_port,
			.tls = se->tls.ssl != NULL, .rx_packets = se->rx_packets, .tx_packets = se->tx_packets,
		};
	}
}

/* Sessions of one worker. */
static int cmd_sessions(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct sessions_copy *copy;
	unsigned int id;

	(void)cmd;
	if (worker_param(params, &id) != 0)
		return -EINVAL;
	copy = worker_copy(id, copy_sessions, sizeof(*copy));
	if (!copy)
		return -EAGAIN;
	rte_tel_data_start_dict(d);
	for (unsigned int i = 0; i < copy->count; i++) {
		const struct session_view *se = &copy->session[i];
		char key[32], addr[INET6_ADDRSTRLEN], value[RTE_TEL_MAX_STRING_LEN];

		log_peer_address(&se->client, addr);
		snprintf(key, sizeof(key), "session%u", se->slot);
		snprintf(value, sizeof(value), "%s client %s port %u %s rx %" PRIu64 " tx %" PRIu64,
			 session_state_name(se->state), addr, se->client_port, se->tls ? "tls" : "plain",
			 se->rx_packets, se->tx_packets);
		rte_tel_data_add_dict_string(d, key, value);
	}
	free(copy);
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
	rte_tel_data_add_dict_u64(d, "session_slot_bytes", sizeof(struct session));
	rte_tel_data_add_dict_u64(d, "tcp_connection_slot_bytes", sizeof(struct tcp_conn));
	if (worker_count)
		rte_tel_data_add_dict_u64(d, "mbufs_in_use", rte_mempool_in_use_count(workers[0].pool));
	return 0;
}

static void copy_shard_entries(struct worker *w, void *arg)
{
	*(uint32_t *)arg = client_table_shard_of(w)->entries;
}

/* The Client Table across workers. */
static int cmd_clients(const char *cmd, const char *params, struct rte_tel_data *d)
{
	(void)cmd;
	(void)params;
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_u64(d, "entries", client_table_entries());
	rte_tel_data_add_dict_u64(d, "addresses", client_index_count());
	for (unsigned int i = 0; i < worker_count; i++) {
		char key[32];
		uint32_t entries;

		if (worker_command_run(&workers[i], copy_shard_entries, &entries, WORKER_COMMAND_TIMEOUT_MS) != 0)
			return -EAGAIN;
		snprintf(key, sizeof(key), "worker%u_entries", i);
		rte_tel_data_add_dict_u64(d, key, entries);
	}
	return 0;
}

struct tcp_memory_copy {
	uint64_t table_bytes, slots, open;
	uint32_t queued_mbufs, high_water, budget, hard_limit, truesize;
};

static void copy_tcp_memory(struct worker *w, void *arg)
{
	const struct tcp_worker *t = tcp_worker_of(w);
	struct tcp_memory_copy *m = arg;

	m->table_bytes = t->table_bytes;
	m->slots = t->capacity;
	m->open = t->flows ? tcp_flow_count(w) : 0;
	m->queued_mbufs = t->queued_mbufs;
	m->high_water = t->mbuf_high_water;
	m->budget = t->mbuf_budget;
	m->hard_limit = t->mbuf_hard_limit;
	m->truesize = t->mbuf_truesize;
}

static int cmd_tcp_memory(const char *cmd, const char *params, struct rte_tel_data *d)
{
	uint64_t bytes = 0, slots = 0, open = 0, queued = 0, high_water = 0, budget = 0, hard_limit = 0, truesize = 0;

	(void)cmd;
	(void)params;
	for (unsigned int i = 0; i < worker_count; i++) {
		struct tcp_memory_copy m;

		if (worker_command_run(&workers[i], copy_tcp_memory, &m, WORKER_COMMAND_TIMEOUT_MS) != 0)
			return -EAGAIN;
		bytes += m.table_bytes;
		slots += m.slots;
		open += m.open;
		queued += m.queued_mbufs;
		high_water += m.high_water;
		budget += m.budget;
		hard_limit += m.hard_limit;
		truesize = m.truesize;
	}
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_u64(d, "open_connections", open);
	rte_tel_data_add_dict_u64(d, "connection_slots", slots);
	rte_tel_data_add_dict_u64(d, "table_bytes", bytes);
	rte_tel_data_add_dict_u64(d, "bytes_per_connection", slots ? bytes / slots : 0);
	rte_tel_data_add_dict_u64(d, "tcp_conn_struct_bytes", sizeof(struct tcp_conn));
	/* The pool as TCP sees it (tcp_memory.h), summed over the workers. */
	rte_tel_data_add_dict_u64(d, "queued_mbufs", queued);
	rte_tel_data_add_dict_u64(d, "mbuf_high_water", high_water);
	rte_tel_data_add_dict_u64(d, "mbuf_budget", budget);
	rte_tel_data_add_dict_u64(d, "mbuf_hard_limit", hard_limit);
	rte_tel_data_add_dict_u64(d, "mbuf_reserve", tcp_memory_reserve_mbufs());
	rte_tel_data_add_dict_u64(d, "mbuf_truesize_bytes", truesize);
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
