/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_TUNNEL_IO_H
#define IPHTTPS_TUNNEL_IO_H

/*
 * The packets between the IP-HTTPS link and the TUN device, both ways.
 * Down: the framer (proto/framer.h) hands each packet of the response body to
 * downlink_sink, which gives SLAAC its RAs and NAs and writes the rest to the
 * TUN device, joined into GSO super-packets when the device takes virtio-net
 * headers (tun_offload.h). Up: gather_uplink reads the TUN device into one
 * batch for a single TLS write, SLAAC's own packets first, super-packets
 * split to the link MTU; only IPv6 crosses the link ([MS-IPHTTPS] 3.1.5.3).
 * A full TUN queue drops a packet, as a full NIC ring would: IP copes.
 */

#include <stddef.h>
#include <stdint.h>

#include "framer.h"
#include "slaac.h"
#include "tun_offload.h"

enum {
	/* The largest IPv6 packet without a jumbogram: what one TUN read can hold. */
	PACKET_MAX_BYTES = 65535 + FRAMER_IPV6_HEADER_BYTES,
	/* Packets from TUN are gathered into one TLS write of up to this many bytes. */
	UPLINK_BATCH_BYTES = 256 * 1024,
};

struct link_stats {
	uint64_t up_packets, up_bytes, up_dropped, down_packets, down_bytes, down_dropped;
};

/* The framer hands over one packet at a time: a single buffer is its sink. */
struct downlink {
	int tun;
	uint8_t packet[PACKET_MAX_BYTES];
	uint32_t have, want;
	struct link_stats *stats;
	struct slaac *slaac; /* NULL with --kernel-slaac */
	int offload;         /* the device takes virtio-net headers: segments are joined (tun_offload.h) */
	struct tun_coalescer joiner;
	unsigned int joined_packets;
	uint64_t joined_bytes;
	uint8_t frame[TUN_VNET_HDR_BYTES + PACKET_MAX_BYTES]; /* a lone packet with its header */
};

/* The downlink's framer sink: ctx is a struct downlink. */
extern const struct framer_sink downlink_sink;

/** Write what the downlink has joined to the TUN device (before the loop waits). */
void downlink_flush(struct downlink *d);

/**
 * Fill out[used..] with packets for the link, up to UPLINK_BATCH_BYTES:
 * SLAAC's first, then what the TUN device has (mtu: the link MTU a
 * super-packet is split to). @return the bytes now in out.
 */
size_t gather_uplink(int tun, struct downlink *down, unsigned int mtu, uint8_t *out, size_t used,
		     struct link_stats *stats);

/** CLOCK_MONOTONIC in seconds: the clock of SLAAC, liveness and the reconnect timer. */
double monotonic_seconds(void);

#endif
