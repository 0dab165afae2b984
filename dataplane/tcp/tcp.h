/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_TCP_H
#define IPHTTPS_TCP_H

/*
 * The appliance's TCP (RFC 9293), server side only: passive open on the
 * configured ports over IPv4 and IPv6, per worker, run to completion.
 *
 * This header is the interface for the layer above (TLS, or the built-in
 * echo/discard services). TCP calls up through a small table of callbacks
 * and knows nothing of what sits on it:
 *
 *   accepted  a connection reached ESTABLISHED; the layer above returns its
 *             context, or NULL to refuse (the connection is reset)
 *   readable  in-order bytes are waiting: take them with tcp_read or
 *             tcp_take; the receive window opens as they are taken
 *   writable  send space opened after tcp_write accepted less than asked
 *   closed    the peer finished sending (TCP_EVENT_PEER_FIN: the connection
 *             can still send), or the connection is gone (reset, timed out,
 *             or fully closed): after a "gone" event the handle is invalid.
 *             tcp_abort, the layer's own call, makes no upcall
 *
 * Calls down: tcp_write / tcp_write_mbuf (queue bytes), tcp_shutdown (FIN
 * after what is queued), tcp_abort (RST now).
 */

#include <stdbool.h>
#include <stdint.h>
#include <netinet/in.h>

#include <rte_mbuf.h>


struct tcp_conn;
struct worker;
struct iface;
struct iphttps_config;

enum tcp_event {
	TCP_EVENT_PEER_FIN,   /* peer sent FIN: no more data will arrive */
	TCP_EVENT_CLOSED,     /* both sides finished; the handle is now invalid */
	TCP_EVENT_RESET,      /* reset by the peer; the handle is now invalid */
	TCP_EVENT_TIMED_OUT,  /* retransmissions or keepalives gave up; invalid */
};

/* Every upcall runs on the connection's worker, which it is given for its calls down. */
struct tcp_upcalls {
	void *(*accepted)(struct worker *w, struct tcp_conn *c, void *listener_ctx);
	void (*readable)(struct worker *w, struct tcp_conn *c, void *ctx);
	void (*writable)(struct worker *w, struct tcp_conn *c, void *ctx);
	void (*closed)(struct worker *w, struct tcp_conn *c, void *ctx, enum tcp_event event);
	/* Optional: whether a SYN to the listener is answered at all. When it
	 * says no, the SYN is dropped unanswered (drop_tcp_syn_unanswered): the
	 * peer's kernel sends it again after its retransmission timeout (1 s
	 * first, RFC 6298), by when a restarted appliance, or after a drain
	 * another node, may take it; a reset would be a failed attempt to the
	 * client, and IP-HTTPS clients wait 30 s after one ([MS-IPHTTPS] 3.1.2.1). */
	bool (*syn_answered)(void *listener_ctx);
};

/**
 * Listen on a local port (host order), both families, every address of the
 * appliance. Call before the workers start. @return 0, or -1 if the port is
 * taken or the table is full.
 */
int tcp_listen(uint16_t port, const struct tcp_upcalls *up, void *listener_ctx);

/** Remove every listener (shutdown, tests). */
void tcp_listeners_clear(void);

/**
 * Start the layer (before the workers): draw the ISN and cookie secrets and
 * register tcp_input with IP (l4_input.h). @return 0, or -1 (logged).
 */
int tcp_start(void);

/** Stop the layer: IP hands it nothing more, and every listener goes. */
void tcp_stop(void);

/** Bytes waiting to be read. */
uint32_t tcp_readable_bytes(const struct tcp_conn *c);

/** Copy up to len waiting bytes into buf and consume them (the window opens). @return bytes copied. */
uint32_t tcp_read(struct worker *w, struct tcp_conn *c, void *buf, uint32_t len);

/** Copy up to len waiting bytes into buf, leaving them waiting. @return bytes copied. */
uint32_t tcp_peek(struct tcp_conn *c, void *buf, uint32_t len);

/** Consume n waiting bytes (at most tcp_readable_bytes), as tcp_read does after its copy. */
void tcp_consume(struct worker *w, struct tcp_conn *c, uint32_t n);

/**
 * Take waiting bytes as a chain of mbufs (no copy), for a layer that
 * forwards data as it is. @return the chain (pkt_len = bytes), or NULL.
 */
struct rte_mbuf *tcp_take(struct worker *w, struct tcp_conn *c);

/**
 * tcp_take, at most max_segments whole mbufs holding at most max_bytes (what
 * another connection's send queue has room for, in mbufs and in bytes).
 * NULL when nothing is waiting or the first mbuf alone is over max_bytes.
 */
struct rte_mbuf *tcp_take_up_to(struct worker *w, struct tcp_conn *c, uint16_t max_segments, uint32_t max_bytes);

/** Whether the peer has sent FIN: what is readable now is all there will be. */
bool tcp_peer_closed(const struct tcp_conn *c);

/** Free send space in bytes (the send queue cap minus what is queued; 0 once shut down). */
uint32_t tcp_send_space(const struct worker *w, const struct tcp_conn *c);

/** Queue up to len bytes for sending (copied). @return bytes accepted; less than len means full. */
uint32_t tcp_write(struct worker *w, struct tcp_conn *c, const void *buf, uint32_t len);

/**
 * Queue a chain of mbufs holding payload only (no copy). Takes the chain
 * whole or not at all. @return 0, or -1 when the send queue cannot take it
 * (the caller keeps the chain).
 */
int tcp_write_mbuf(struct worker *w, struct tcp_conn *c, struct rte_mbuf *m);

/** Ask for the writable upcall when send space next opens. */
void tcp_want_writable(struct tcp_conn *c);

/** Send FIN once everything queued has been sent. */
void tcp_shutdown(struct worker *w, struct tcp_conn *c);

/** Reset the connection now; the closed upcall is not called, the handle is invalid on return. */
void tcp_abort(struct worker *w, struct tcp_conn *c);

/** Handle a TCP segment addressed to the appliance (IP layer validated, m->l2_len/l3_len set); consumes m. */
void tcp_input(struct worker *w, const struct iface *ifc, struct rte_mbuf *m);

/**
 * The end of a receive batch (the loop iteration's RX bursts and inbox), as
 * Linux's GRO ends at the close of a NAPI poll: each connection that took
 * segments hears of its in-order data once and sends once, so one ACK
 * answers a burst of a stream's segments instead of every second one, and
 * the layer above reads a burst's worth of data (a whole TLS record) at a
 * time. What must not wait (a duplicate ACK for out-of-order data, a
 * challenge ACK, data before a FIN or RST) is not deferred.
 */
void tcp_input_batch_end(struct worker *w);

/** The same for a segment another worker handed over after `hops` workers missed it (the worker loop). */
void tcp_input_handed_over(struct worker *w, const struct iface *ifc, struct rte_mbuf *m, unsigned int hops);

/** Register the built-in echo and discard services on their configured ports (0 = off). */
int tcp_services_start(const struct iphttps_config *config);

/** The remote end: its address (IPv4 as ::ffff:a.b.c.d) and port (host order). */
void tcp_peer_address(const struct tcp_conn *c, struct in6_addr *addr, uint16_t *port);

/** The context the accepted upcall returned. */
void *tcp_conn_ctx(const struct tcp_conn *c);

#endif
