/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_TCP_MEMORY_H
#define IPHTTPS_TCP_MEMORY_H

/*
 * What TCP may hold of the shared mbuf pool, the one the RX rings are
 * refilled from. Anyone on the internet can open connections and send
 * segments before any authentication, so what a peer makes the appliance
 * hold is bounded and charged honestly: by mbufs (buffer size), never by
 * payload bytes, since a one-byte segment pins a whole mbuf.
 *
 *   per connection  its receive side (in order and out of order) may hold
 *                   2 x its window's cap of mbufs (tcp_memory_rcv_cap:
 *                   limits.tcp_recv_queue_bytes, grown while the peer fills
 *                   the window up to limits.tcp_recv_queue_max_bytes), its
 *                   send queue 2 x its cap (tcp_memory_snd_cap: limits.tcp_send_queue_bytes,
 *                   grown with cwnd up to limits.tcp_send_queue_max_bytes
 *                   below the high-water mark; full-sized segments use
 *                   about 0.63 of an mbuf, so honest peers never reach it);
 *                   small segments are collapsed into their neighbours'
 *                   buffers (tcp_bufq.c, tcp_reass.c).
 *   per worker      the pool less a reserve (RX and TX rings of every worker,
 *                   per-lcore caches, TCP_MEMORY_RESERVE_MBUFS for ARP, ND,
 *                   ICMP and what the appliance originates) is split among
 *                   the workers. Past the high-water mark (3/4 of the
 *                   budget) out-of-order data is refused and the holders of
 *                   out-of-order data are pruned, the connection that sent it
 *                   first (as Linux's tcp_prune_ofo_queue): the peer sends it
 *                   again. At the budget, in-order data is refused too (the
 *                   peer retransmits) and a send queue may grow only while it
 *                   holds fewer than TCP_MEMORY_MIN_SNDQ_MBUFS (so new
 *                   handshakes still go out), up to the worker's hard limit.
 * So the pool never falls below its reserve, whatever peers do.
 */

#include <stdbool.h>
#include <stdint.h>

struct worker;
struct tcp_conn;
struct iphttps_config;

/** Work out the worker's budget from the pool and the config (tcp_worker_init). */
void tcp_memory_init(struct worker *w, const struct iphttps_config *config);

/** Whether c may queue one more mbuf of in-order data (counted when not). */
bool tcp_memory_rcv_allowed(struct worker *w, const struct tcp_conn *c);

/** Whether c may keep one more out-of-order mbuf; under pressure, prunes c's (counted when not). */
bool tcp_memory_ooo_allowed(struct worker *w, struct tcp_conn *c);

/**
 * The bytes c's send queue may hold: limits.tcp_send_queue_bytes to start
 * with, grown with the congestion window to twice its largest value so far
 * (what is in flight and as much again waiting, as Linux's send buffer
 * follows cwnd), up to limits.tcp_send_queue_max_bytes. A fixed cap would
 * bound every client's downstream to cap / RTT: 256 KiB over 50 ms is 42
 * Mbit/s. Past the worker's high-water mark every queue is back to the
 * starting cap, and tcp_memory_snd_room still charges the mbufs.
 */
uint32_t tcp_memory_snd_cap(const struct worker *w, const struct tcp_conn *c);

/**
 * The receive window c may offer: limits.tcp_recv_queue_bytes to start with,
 * grown by tcp_memory_rcv_measure while the peer fills it, up to
 * limits.tcp_recv_queue_max_bytes. A fixed window bounds every client's
 * upstream to window / RTT, as a fixed send queue bounds its downstream.
 * Past the worker's high-water mark every connection offers no more than the
 * starting cap again (an edge already advertised is kept: tcp_output.c).
 */
uint32_t tcp_memory_rcv_cap(const struct worker *w, const struct tcp_conn *c);

/**
 * Once per RTT (the receiver's, from the TSvals of ours that the peer's
 * data echoes, else the sender's srtt), after a batch's data went up: how
 * much data the layer above took in that RTT. When that is more than half the window, the
 * peer's sending is bounded by our window rather than by its congestion
 * window or by our reader (data left waiting is not counted): the cap grows
 * to twice that, as Linux's receive buffer follows what the application
 * copies per RTT (tcp_rcv_space_adjust). So a window-bound peer sees it
 * double each RTT; a slower peer, or one whose data is not read, does not.
 */
void tcp_memory_rcv_measure(struct worker *w, struct tcp_conn *c);

/** How many more mbufs c's send queue may take. */
uint32_t tcp_memory_snd_room(const struct worker *w, const struct tcp_conn *c);

/** Under pressure, free other connections' out-of-order data (once per loop iteration). */
void tcp_memory_reclaim(struct worker *w);

/** The mbufs kept out of every worker's budget (telemetry, tests). */
uint32_t tcp_memory_reserve_mbufs(void);

#endif
