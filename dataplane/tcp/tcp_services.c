/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Built-in test services on the appliance's own TCP, off unless configured
 * (tcp_services.echo_port / discard_port): echo (RFC 862) sends back every
 * byte, moving the received mbufs straight to the send queue; discard
 * (RFC 863) reads and drops. Both close when the peer has closed and
 * everything it sent has been echoed or dropped.
 * They exist for tests and benchmarks of the TCP stack alone.
 */
#include "appliance_config.h"
#include "log.h"
#include "tcp.h"
#include "tcp_conn.h"
#include "tcp_memory.h"
#include "worker.h"

static int service_marker; /* a non-NULL context: these services keep no state */

static void *service_accepted(struct worker *w, struct tcp_conn *c, void *listener_ctx)
{
	(void)w;
	(void)c;
	(void)listener_ctx;
	return &service_marker;
}

/*
 * Echo what fits; the rest waits in the receive queue (closing our window)
 * until "writable". Received mbufs move to the send queue as they are, as
 * many whole ones as the send queue has room for in bytes and in mbufs: the
 * receive window may have grown past the send queue's cap, so what is
 * readable is often more than fits, and moving nothing until all of it
 * fits would leave only the copy below (bench/README.md: the 7x fall).
 */
static void echo_pump(struct worker *w, struct tcp_conn *c)
{
	for (;;) {
		/* Near the worker's TCP budget the send queue may take a few mbufs,
		 * fewer than the bytes alone suggest (a chain of small out-of-order
		 * leftovers), and a chain that did not fit would be lost from the
		 * echo: both limits are asked of the take. */
		uint32_t space = tcp_send_space(w, c), room = tcp_memory_snd_room(w, c);
		struct rte_mbuf *m;

		if (tcp_readable_bytes(c) == 0 || space == 0)
			break;
		m = tcp_take_up_to(w, c, (uint16_t)RTE_MIN(room, (uint32_t)TCP_TAKE_MAX_SEGMENTS), space);
		if (!m)
			break; /* the next mbuf alone is more than the room */
		if (tcp_write_mbuf(w, c, m) != 0) {
			rte_pktmbuf_free(m); /* cannot happen: bytes and mbufs were both checked */
			break;
		}
	}
	/* The next mbuf is larger than all the room an empty send queue has
	 * (near the worker's budget): copy what fits, or it would wait for
	 * ever. With data in flight, acknowledgements free room for whole
	 * mbufs soon; copying part of one now would only cut the stream into
	 * short segments. Only what the send queue took is consumed (an mbuf
	 * allocation may still fail). */
	if (tcp_readable_bytes(c) > 0 && c->sndq.bytes == 0) {
		uint8_t buf[2048];
		uint32_t n = tcp_peek(c, buf, RTE_MIN((uint32_t)sizeof(buf), tcp_send_space(w, c)));

		if (n)
			tcp_consume(w, c, tcp_write(w, c, buf, n));
	}
	if (tcp_readable_bytes(c) > 0)
		tcp_want_writable(c); /* the rest when acknowledgements free space */
	else if (tcp_peer_closed(c))
		tcp_shutdown(w, c); /* everything echoed: close our side too */
}

static void echo_readable(struct worker *w, struct tcp_conn *c, void *ctx)
{
	(void)ctx;
	echo_pump(w, c);
}

static void echo_writable(struct worker *w, struct tcp_conn *c, void *ctx)
{
	(void)ctx;
	echo_pump(w, c);
}

static void echo_closed(struct worker *w, struct tcp_conn *c, void *ctx, enum tcp_event event)
{
	(void)ctx;
	if (event == TCP_EVENT_PEER_FIN)
		echo_pump(w, c); /* shuts down once the last byte is echoed */
}

static void discard_closed(struct worker *w, struct tcp_conn *c, void *ctx, enum tcp_event event)
{
	(void)ctx;
	if (event == TCP_EVENT_PEER_FIN)
		tcp_shutdown(w, c);
}

static void discard_readable(struct worker *w, struct tcp_conn *c, void *ctx)
{
	struct rte_mbuf *m;

	(void)ctx;
	while ((m = tcp_take(w, c)) != NULL)
		rte_pktmbuf_free(m);
}

static const struct tcp_upcalls echo_service = {
	.accepted = service_accepted,
	.readable = echo_readable,
	.writable = echo_writable,
	.closed = echo_closed,
};

static const struct tcp_upcalls discard_service = {
	.accepted = service_accepted,
	.readable = discard_readable,
	.closed = discard_closed,
};

int tcp_services_start(const struct iphttps_config *config)
{
	if (config->tcp_services.echo_port) {
		if (tcp_listen(config->tcp_services.echo_port, &echo_service, NULL) != 0)
			return -1;
		log_info("tcp echo service on port %u", config->tcp_services.echo_port);
	}
	if (config->tcp_services.discard_port) {
		if (tcp_listen(config->tcp_services.discard_port, &discard_service, NULL) != 0)
			return -1;
		log_info("tcp discard service on port %u", config->tcp_services.discard_port);
	}
	return 0;
}
