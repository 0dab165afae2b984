/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_TUN_OFFLOAD_H
#define IPHTTPS_TUN_OFFLOAD_H

/*
 * Fewer system calls per byte on the TUN device, as wireguard-go does: the
 * device is opened with a virtio-net header (IFF_VNET_HDR) and TCP
 * segmentation offload for IPv6, so
 *   upstream   one read may bring a TCP "super-packet" of up to 64 KiB (the
 *              kernel's TSO): split here into segments that fit the link MTU,
 *              each with its own sequence number and full checksum, before
 *              they go into the tunnel one IPv6 packet at a time (3.1.5.3);
 *              and a packet whose checksum the kernel left to us is finished;
 *   downstream consecutive segments of one TCP flow from the tunnel (same
 *              addresses, ports, ACK, window and options, contiguous, equal
 *              sizes, each checksum verified) are joined into one super-packet
 *              written once, which the kernel takes as GSO (the GRO it would
 *              have done itself, without a system call per segment).
 * Pure: bytes in, bytes out; tun_device.c does the ioctls.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
	TUN_VNET_HDR_BYTES = 10,                      /* struct virtio_net_hdr */
	TUN_SUPER_PACKET_MAX_BYTES = 40 + 65535,      /* an IPv6 header and the largest payload */
};

/** Called with each link packet a split makes. */
typedef void (*tun_emit_fn)(void *ctx, const uint8_t *packet, size_t len);

/**
 * One read from the device (virtio-net header, then the packet): each link
 * packet it makes goes to emit, none over mtu. @return how many, or -1 when
 * it cannot be made into link packets (not IPv6/TCP under GSO, a segment over
 * the MTU, a header that lies): dropped, as an oversized packet would be.
 */
int tun_offload_split(uint8_t *frame, size_t len, unsigned int mtu, tun_emit_fn emit, void *ctx);

/* Segments of one flow being joined into a super-packet, with room for the header before them. */
struct tun_coalescer {
	uint8_t frame[TUN_VNET_HDR_BYTES + TUN_SUPER_PACKET_MAX_BYTES];
	size_t len;          /* of the packet after the header; 0: nothing held */
	unsigned int segments;
	uint16_t segment_payload;
	uint32_t next_seq;
	bool closed;         /* a short or PSH segment ended it */
};

/**
 * Offer a packet from the tunnel. @return true when it is held (it started a
 * super-packet or continued the one held); false when the caller must write
 * out what is held (tun_coalesce_take) and then offer it again, or, when
 * nothing is held, write it alone (tun_plain_frame).
 */
bool tun_coalesce_offer(struct tun_coalescer *c, const uint8_t *packet, size_t len);

/** What is held, as one frame to write (header included). @return its length, 0 if none; c is emptied. */
size_t tun_coalesce_take(struct tun_coalescer *c, const uint8_t **frame);

/** A packet written alone: a zero header before it, in buf (TUN_VNET_HDR_BYTES + len). @return the frame length. */
size_t tun_plain_frame(uint8_t *buf, const uint8_t *packet, size_t len);

#endif
