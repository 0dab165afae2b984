/* SPDX-License-Identifier: BSD-3-Clause */
#include "telemetry.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_telemetry.h>

#include "client_index.h"
#include "client_table.h"
#include "nexthop.h"
#include "session.h"
#include "worker.h"

static void add_counters(struct rte_tel_data *d, const struct worker_counters *c)
{
#define ADD_COUNTER(name, help) rte_tel_data_add_dict_u64(d, #name, c->name);
	WORKER_COUNTERS(ADD_COUNTER)
#undef ADD_COUNTER
}

static void sum_counters(struct worker_counters *sum)
{
	memset(sum, 0, sizeof(*sum));
	for (unsigned int i = 0; i < worker_count; i++) {
		const struct worker_counters *c = &workers[i].counters;
#define SUM_COUNTER(name, help) sum->name += __atomic_load_n(&c->name, __ATOMIC_RELAXED);
		WORKER_COUNTERS(SUM_COUNTER)
#undef SUM_COUNTER
	}
}

static int cmd_stats(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct worker_counters sum;

	(void)cmd;
	(void)params;
	sum_counters(&sum);
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
	if (!params || !*params || worker_param(params, &id) != 0)
		return -EINVAL;
	rte_tel_data_start_dict(d);
	add_counters(d, &workers[id].counters);
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

/* One line per TCP connection of a worker, like ss -ti: for operators and for debugging. */
static int cmd_tcp_connections(const char *cmd, const char *params, struct rte_tel_data *d)
{
	unsigned int id, shown = 0;

	(void)cmd;
	if (worker_param(params, &id) != 0)
		return -EINVAL;
	rte_tel_data_start_dict(d);
	for (uint32_t i = 0; i < workers[id].tcp.capacity && shown < 200; i++) {
		const struct tcp_conn *c = &workers[id].tcp.conns[i];
		char key[32], value[RTE_TEL_MAX_STRING_LEN];

		if (c->state == TCP_CLOSED)
			continue;
		snprintf(key, sizeof(key), "conn%u", i);
		snprintf(value, sizeof(value), "%s %u una %u +%u max+%u wnd %u cwnd %u sq %u rq %u ooo %u f %x rto %u rcv %u adv %u rexmt %d persist %d",
			 tcp_state_name(c->state), rte_be_to_cpu_16(c->key.remote_port), c->snd_una - c->iss, c->snd_nxt - c->snd_una,
			 c->snd_max - c->snd_una, c->snd_wnd, c->cwnd, c->sndq.bytes, c->rcvq.bytes, c->ooo_count,
			 c->flags, c->rto_ms, c->rcv_nxt - c->irs, c->rcv_adv - c->rcv_nxt,
			 c->t_rexmt ? (int)(c->t_rexmt - workers[id].tcp.now_ms) : -1,
			 c->t_persist ? (int)(c->t_persist - workers[id].tcp.now_ms) : -1);
		rte_tel_data_add_dict_string(d, key, value);
		shown++;
	}
	return 0;
}

/* What a connection costs, buffers excluded: flow table and slot, measured at start-up. */
/* Sessions of one worker (read while it runs: a value may be one update old). */
static int cmd_sessions(const char *cmd, const char *params, struct rte_tel_data *d)
{
	unsigned int id, shown = 0;
	const struct client_table_shard *t;

	(void)cmd;
	if (worker_param(params, &id) != 0)
		return -EINVAL;
	t = &workers[id].clients;
	rte_tel_data_start_dict(d);
	for (uint32_t i = 0; t->slots && i < t->capacity && shown < 200; i++) {
		const struct session *se = &t->slots[i];
		char key[32], addr[INET6_ADDRSTRLEN], value[RTE_TEL_MAX_STRING_LEN];

		if (!se->conn)
			continue;
		if (IN6_IS_ADDR_V4MAPPED(&se->client))
			inet_ntop(AF_INET, &se->client.s6_addr[12], addr, sizeof(addr));
		else
			inet_ntop(AF_INET6, &se->client, addr, sizeof(addr));
		snprintf(key, sizeof(key), "session%u", i);
		snprintf(value, sizeof(value), "%s client %s port %u %s rx %" PRIu64 " tx %" PRIu64,
			 session_state_name(se->state), addr, se->client_port, se->ssl ? "tls" : "plain",
			 se->rx_packets, se->tx_packets);
		rte_tel_data_add_dict_string(d, key, value);
		shown++;
	}
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

		snprintf(key, sizeof(key), "worker%u_entries", i);
		rte_tel_data_add_dict_u64(d, key, workers[i].clients.entries);
	}
	return 0;
}

static int cmd_tcp_memory(const char *cmd, const char *params, struct rte_tel_data *d)
{
	uint64_t bytes = 0, slots = 0, open = 0;

	(void)cmd;
	(void)params;
	for (unsigned int i = 0; i < worker_count; i++) {
		bytes += workers[i].tcp.table_bytes;
		slots += workers[i].tcp.capacity;
		open += tcp_flow_count(&workers[i]);
	}
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_u64(d, "open_connections", open);
	rte_tel_data_add_dict_u64(d, "connection_slots", slots);
	rte_tel_data_add_dict_u64(d, "table_bytes", bytes);
	rte_tel_data_add_dict_u64(d, "bytes_per_connection", slots ? bytes / slots : 0);
	rte_tel_data_add_dict_u64(d, "tcp_conn_struct_bytes", sizeof(struct tcp_conn));
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
