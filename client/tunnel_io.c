/* SPDX-License-Identifier: BSD-3-Clause */
#include "tunnel_io.h"

#include <string.h>
#include <time.h>
#include <unistd.h>

#include "nd_packets.h"

double monotonic_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *sink_begin(void *ctx, uint32_t packet_bytes)
{
	struct downlink *d = ctx;

	d->have = 0;
	d->want = packet_bytes;
	return d->packet;
}

static void sink_append(void *ctx, void *packet, const uint8_t *data, uint32_t len)
{
	struct downlink *d = ctx;

	(void)packet;
	if (d->have + len <= sizeof(d->packet)) {
		memcpy(d->packet + d->have, data, len);
		d->have += len;
	}
}

/* What the joiner holds, written as one frame: a GSO super-packet, or one segment with a zero header. */
void downlink_flush(struct downlink *d)
{
	const uint8_t *frame;
	size_t len = d->offload ? tun_coalesce_take(&d->joiner, &frame) : 0;

	if (len == 0)
		return;
	if (write(d->tun, frame, len) == (ssize_t)len) {
		d->stats->down_packets += d->joined_packets;
		d->stats->down_bytes += d->joined_bytes;
	} else {
		d->stats->down_dropped += d->joined_packets;
	}
	d->joined_packets = 0;
	d->joined_bytes = 0;
}

/* A packet for the kernel through an offloading device: joined to the segments before it when it can be. */
static void deliver_offloaded(struct downlink *d)
{
	size_t len;

	if (tun_coalesce_offer(&d->joiner, d->packet, d->have) ||
	    (downlink_flush(d), tun_coalesce_offer(&d->joiner, d->packet, d->have))) {
		d->joined_packets++;
		d->joined_bytes += d->have;
		return;
	}
	len = tun_plain_frame(d->frame, d->packet, d->have);
	if (write(d->tun, d->frame, len) == (ssize_t)len) {
		d->stats->down_packets++;
		d->stats->down_bytes += d->have;
	} else {
		d->stats->down_dropped++;
	}
}

static void sink_end(void *ctx, void *packet)
{
	struct downlink *d = ctx;

	(void)packet;
	if (d->have == d->want && d->slaac && slaac_downlink(d->slaac, d->packet, d->have, monotonic_seconds())) {
		d->stats->down_packets++; /* the NA that ends a DAD: SLAAC's */
		d->stats->down_bytes += d->have;
		return;
	}
	if (d->have != d->want) {
		d->stats->down_dropped++;
		return;
	}
	if (d->offload) {
		deliver_offloaded(d);
		return;
	}
	/* A full TUN queue drops the packet, as a full NIC ring would: IP copes. */
	if (write(d->tun, d->packet, d->have) == (ssize_t)d->have) {
		d->stats->down_packets++;
		d->stats->down_bytes += d->have;
	} else {
		d->stats->down_dropped++;
	}
}

static void sink_abandon(void *ctx, void *packet)
{
	(void)ctx;
	(void)packet;
}

const struct framer_sink downlink_sink = {
	.begin = sink_begin, .append = sink_append, .end = sink_end, .abandon = sink_abandon,
};

/* Reads TUN packets into `out` while a whole packet still fits. */
struct uplink_batch {
	uint8_t *out;
	size_t used;
	struct link_stats *stats;
};

/* One link packet from a split super-packet, into the batch (3.1.5.3: only IPv6 crosses the link). */
static void uplink_emit(void *ctx, const uint8_t *packet, size_t len)
{
	struct uplink_batch *b = ctx;

	if ((packet[0] >> 4) != 6 || b->used + len > UPLINK_BATCH_BYTES)
		return;
	memcpy(b->out + b->used, packet, len);
	b->used += len;
	b->stats->up_packets++;
	b->stats->up_bytes += len;
}

/* With offload: reads of up to 64 KiB, split into link packets of at most mtu bytes. */
static size_t gather_offloaded(int tun, unsigned int mtu, uint8_t *out, size_t used, struct link_stats *stats)
{
	static uint8_t frame[TUN_VNET_HDR_BYTES + PACKET_MAX_BYTES];
	struct uplink_batch b = {.out = out, .used = used, .stats = stats};

	/* Room for the worst split: every segment repeats the headers. */
	while (b.used + 2 * PACKET_MAX_BYTES <= UPLINK_BATCH_BYTES) {
		ssize_t n = read(tun, frame, sizeof(frame));

		if (n <= 0)
			break;
		if (tun_offload_split(frame, (size_t)n, mtu, uplink_emit, &b) < 0)
			stats->up_dropped++;
	}
	return b.used;
}

size_t gather_uplink(int tun, struct downlink *down, unsigned int mtu, uint8_t *out, size_t used,
		     struct link_stats *stats)
{
	struct slaac *slaac = down->slaac;
	size_t n_slaac;

	/* SLAAC's own packets for the server (RS, DAD NS) first. */
	while (slaac && used + ND_PACKET_MAX_BYTES <= UPLINK_BATCH_BYTES &&
	       (n_slaac = slaac_next_uplink(slaac, out + used)) > 0) {
		used += n_slaac;
		stats->up_packets++;
		stats->up_bytes += n_slaac;
	}
	if (down->offload)
		return gather_offloaded(tun, slaac ? slaac->mtu : mtu, out, used, stats);
	while (used + PACKET_MAX_BYTES <= UPLINK_BATCH_BYTES) {
		ssize_t n = read(tun, out + used, PACKET_MAX_BYTES);

		if (n <= 0)
			break;
		if ((out[used] >> 4) != 6) /* 3.1.5.3: only IPv6 crosses the link */
			continue;
		used += (size_t)n;
		stats->up_packets++;
		stats->up_bytes += (uint64_t)n;
	}
	return used;
}
