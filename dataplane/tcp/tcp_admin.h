/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_TCP_ADMIN_H
#define IPHTTPS_TCP_ADMIN_H

/*
 * What the control plane may see of the TCP layer (its telemetry), and
 * only this: each worker copies its own state between two bursts
 * (worker_command.h) into these views, so the control plane never reads a
 * struct tcp_conn, a worker's tables or its memory accounting in place, and
 * does not depend on their layout (as session_admin.h does for sessions).
 */

#include <stddef.h>
#include <stdint.h>

/* One open connection, as ss -ti would show it (sequence numbers relative to the ISNs). */
struct tcp_conn_view {
	uint32_t slot;
	const char *state; /* "ESTABLISHED" */
	uint16_t remote_port;
	uint32_t snd_una, in_flight, max_in_flight, snd_wnd, cwnd;
	uint32_t sndq_bytes, rcvq_bytes, ooo_segments, flags, rto_ms;
	uint32_t rcv_nxt, rcv_window_advertised;
	int retransmit_in_ms, persist_in_ms; /* -1: not armed */
};

/** Up to max of worker id's open connections. @return how many, or -EAGAIN when it did not answer. */
int tcp_admin_connections(unsigned int id, struct tcp_conn_view *views, unsigned int max);

/* The TCP layer's memory, summed over the workers (tcp_memory.h). */
struct tcp_memory_view {
	uint64_t open_connections, connection_slots, table_bytes;
	uint64_t queued_mbufs, mbuf_high_water, mbuf_budget, mbuf_hard_limit, mbuf_reserve;
	uint32_t mbuf_truesize;
	size_t conn_struct_bytes;
};

/** The layer's memory over every worker. @return 0, or -EAGAIN when one did not answer. */
int tcp_admin_memory(struct tcp_memory_view *m);

/** Bytes of one connection slot (benchmarks: memory per connection). */
size_t tcp_admin_conn_slot_bytes(void);

#endif
