/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_FRAMER_H
#define IPHTTPS_FRAMER_H

/*
 * IP-HTTPS framing ([MS-IPHTTPS] §3.2.5.2): the request body is a byte
 * stream of IPv6 packets laid end to end, delimited only by each packet's
 * Payload Length. TLS records and TCP segments cut that stream anywhere; the
 * framer rebuilds packets whatever the cuts.
 *
 * The framer keeps only the first bytes of a packet's header between calls
 * (an idle session holds no buffer); the packet itself is built by a sink the
 * caller supplies (mbufs in the datapath, plain memory in the fuzzer). It
 * knows nothing of TLS, sessions or routing.
 *
 * A packet whose version is not 6, or a jumbogram (Payload Length 0 with a
 * Hop-by-Hop header: its real length is in an option we do not trust on a
 * tunnel), is a framing error: the stream cannot be resynchronised, so the
 * session ends (§3.2.5.2.2 "SHOULD terminate the IP-HTTPS session with the
 * offending client"). One longer than the link MTU is one too, unless the
 * sink takes it through oversize: its Payload Length still delimits it, so
 * the stream stays in step (the appliance drops it and answers Packet Too
 * Big; one misconfigured MTU must not cost a client its session).
 */

#include <stddef.h>
#include <stdint.h>

enum { FRAMER_IPV6_HEADER_BYTES = 40 };

enum framer_error {
	FRAMER_OK = 0,
	FRAMER_ERROR_NOT_IPV6,
	FRAMER_ERROR_JUMBOGRAM,
	FRAMER_ERROR_TOO_BIG,
};

/* Where packets are built. begin returns a handle, or NULL to drop this packet
 * (its bytes are skipped, the stream stays in step); append must accept what
 * begin admitted; end hands the finished packet over. */
struct framer_sink {
	void *(*begin)(void *ctx, uint32_t packet_bytes);
	void (*append)(void *ctx, void *packet, const uint8_t *data, uint32_t len);
	void (*end)(void *ctx, void *packet);
	void (*abandon)(void *ctx, void *packet); /* the stream ended mid-packet */
	/* Optional: a packet longer than the MTU, as begin (handle or NULL; its
	 * bytes go to append, and end gets it). NULL: FRAMER_ERROR_TOO_BIG. */
	void *(*oversize)(void *ctx, uint32_t packet_bytes);
};

struct framer {
	uint8_t header[FRAMER_IPV6_HEADER_BYTES]; /* the current packet's header while it is incomplete */
	uint8_t header_have;
	uint32_t body_left;                        /* bytes of the current packet still to come */
	void *packet;                              /* the sink's handle, NULL when dropping */
	uint8_t oversize;                          /* the current packet is longer than the MTU */
	uint32_t mtu;
};

/** Start a framer for a link with the given MTU. */
void framer_init(struct framer *f, uint32_t mtu);

/**
 * Feed received bytes. Complete packets go to sink->end in order.
 * @return FRAMER_OK, or the error that ends the stream (no packet is open then).
 */
enum framer_error framer_push(struct framer *f, const uint8_t *data, size_t len, const struct framer_sink *sink,
			      void *ctx);

/** Release a packet still being built (the session is ending). */
void framer_reset(struct framer *f, const struct framer_sink *sink, void *ctx);

/** Whether the framer is in the middle of a packet. */
static inline int framer_mid_packet(const struct framer *f)
{
	return f->header_have != 0 || f->body_left != 0;
}

#endif
