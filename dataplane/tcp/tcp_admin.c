/* SPDX-License-Identifier: BSD-3-Clause */
#include "tcp_admin.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_byteorder.h>

#include "tcp.h"
#include "tcp_conn.h"
#include "tcp_memory.h"
#include "worker.h"
#include "worker_command.h"

struct connections_request {
	struct tcp_conn_view *views;
	unsigned int max, count;
};

static void copy_connections(struct worker *w, void *arg)
{
	const struct tcp_worker *t = tcp_worker_of(w);
	struct connections_request *req = arg;

	for (uint32_t i = 0; t->conns && i < t->capacity && req->count < req->max; i++) {
		const struct tcp_conn *c = &t->conns[i];

		if (c->state == TCP_CLOSED)
			continue;
		req->views[req->count++] = (struct tcp_conn_view){
			.slot = i,
			.state = tcp_state_name(c->state),
			.remote_port = rte_be_to_cpu_16(c->key.remote_port),
			.snd_una = c->snd_una - c->iss,
			.in_flight = c->snd_nxt - c->snd_una,
			.max_in_flight = c->snd_max - c->snd_una,
			.snd_wnd = c->snd_wnd,
			.cwnd = c->cwnd,
			.sndq_bytes = c->sndq.bytes,
			.rcvq_bytes = c->rcvq.bytes,
			.ooo_segments = c->ooo_count,
			.flags = c->flags,
			.rto_ms = c->rto_ms,
			.rcv_nxt = c->rcv_nxt - c->irs,
			.rcv_window_advertised = c->rcv_adv - c->rcv_nxt,
			.retransmit_in_ms = c->t_rexmt ? (int)(c->t_rexmt - w->now_ms) : -1,
			.persist_in_ms = c->t_persist ? (int)(c->t_persist - w->now_ms) : -1,
		};
	}
}

int tcp_admin_connections(unsigned int id, struct tcp_conn_view *views, unsigned int max)
{
	struct connections_request req = { .views = views, .max = max };

	if (id >= worker_count || worker_command_run(&workers[id], copy_connections, &req, WORKER_COMMAND_TIMEOUT_MS) != 0)
		return -EAGAIN;
	return (int)req.count;
}

static void copy_memory(struct worker *w, void *arg)
{
	const struct tcp_worker *t = tcp_worker_of(w);
	struct tcp_memory_view *m = arg;

	m->table_bytes += t->table_bytes;
	m->connection_slots += t->capacity;
	m->open_connections += t->flows ? tcp_flow_count(w) : 0;
	m->queued_mbufs += t->queued_mbufs;
	m->mbuf_high_water += t->mbuf_high_water;
	m->mbuf_budget += t->mbuf_budget;
	m->mbuf_hard_limit += t->mbuf_hard_limit;
	m->mbuf_truesize = t->mbuf_truesize;
}

int tcp_admin_memory(struct tcp_memory_view *m)
{
	memset(m, 0, sizeof(*m));
	for (unsigned int i = 0; i < worker_count; i++)
		if (worker_command_run(&workers[i], copy_memory, m, WORKER_COMMAND_TIMEOUT_MS) != 0)
			return -EAGAIN;
	m->mbuf_reserve = tcp_memory_reserve_mbufs();
	m->conn_struct_bytes = sizeof(struct tcp_conn);
	return 0;
}

size_t tcp_admin_conn_slot_bytes(void)
{
	return sizeof(struct tcp_conn);
}
