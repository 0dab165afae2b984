/* SPDX-License-Identifier: BSD-3-Clause */
#include "tun_offload.h"

#include <linux/virtio_net.h>
#include <string.h>

#include "ipv6_checksum.h"

enum {
	IPV6 = 40,
	PROTO_TCP = 6,
	TCP_FIN = 0x01, TCP_SYN = 0x02, TCP_RST = 0x04, TCP_PSH = 0x08, TCP_ACK = 0x10, TCP_URG = 0x20,
	TCP_ECE = 0x40, TCP_CWR = 0x80,
	TCP_CHECKSUM_AT = 16,
};

/* A TCP segment's checksum, computed over what is there (the field taken as zero). */
static uint16_t tcp_checksum(const uint8_t *ip, const uint8_t *tcp, size_t tcp_len)
{
	return ipv6_upper_checksum(ip, tcp, tcp_len, PROTO_TCP, TCP_CHECKSUM_AT);
}

/* ---- upstream ---- */

int tun_offload_split(uint8_t *frame, size_t len, unsigned int mtu, tun_emit_fn emit, void *ctx)
{
	struct virtio_net_hdr h;
	uint8_t *ip = frame + TUN_VNET_HDR_BYTES, *tcp, seg[2048];
	size_t ip_len, tcp_hlen, payload, hdrs;
	uint32_t seq;
	int count = 0;

	if (len < TUN_VNET_HDR_BYTES + IPV6)
		return -1;
	memcpy(&h, frame, sizeof(h));
	ip_len = len - TUN_VNET_HDR_BYTES;
	if ((h.gso_type & ~VIRTIO_NET_HDR_GSO_ECN) == VIRTIO_NET_HDR_GSO_NONE) {
		/* A checksum the kernel left to us: the field holds the pseudo-header sum. */
		if (h.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) {
			size_t at = (size_t)h.csum_start + h.csum_offset;

			if (h.csum_start >= ip_len || at + 2 > ip_len)
				return -1;
			ipv6_put16(ip + at, (uint16_t)~internet_checksum_fold(ipv6_sum(0, ip + h.csum_start, ip_len - h.csum_start)));
		}
		if (ip_len > mtu)
			return -1;
		emit(ctx, ip, ip_len);
		return 1;
	}
	if ((h.gso_type & ~VIRTIO_NET_HDR_GSO_ECN) != VIRTIO_NET_HDR_GSO_TCPV6 || (ip[0] >> 4) != 6 ||
	    ip[6] != PROTO_TCP || IPV6 + 20 > ip_len)
		return -1;
	tcp = ip + IPV6;
	tcp_hlen = (size_t)(tcp[12] >> 4) * 4;
	if (tcp_hlen < 20 || IPV6 + tcp_hlen > ip_len || h.gso_size == 0)
		return -1;
	hdrs = IPV6 + tcp_hlen;
	if (hdrs + h.gso_size > mtu || hdrs + h.gso_size > sizeof(seg))
		return -1;
	payload = ip_len - hdrs;
	seq = ipv6_get32(tcp + 4);
	for (size_t off = 0; off < payload || (payload == 0 && off == 0); off += h.gso_size) {
		size_t n = payload - off < h.gso_size ? payload - off : h.gso_size;
		uint8_t *st = seg + IPV6;
		bool first = off == 0, last = off + n >= payload;

		memcpy(seg, ip, hdrs);
		memcpy(seg + hdrs, tcp + tcp_hlen + off, n);
		ipv6_put16(seg + 4, (uint16_t)(tcp_hlen + n));
		ipv6_put32(st + 4, seq + (uint32_t)off);
		if (!last)
			st[13] &= (uint8_t)~(TCP_FIN | TCP_PSH);
		if (!first)
			st[13] &= (uint8_t)~TCP_CWR;
		ipv6_put16(st + TCP_CHECKSUM_AT, tcp_checksum(seg, st, tcp_hlen + n));
		emit(ctx, seg, hdrs + n);
		count++;
		if (payload == 0)
			break;
	}
	return count;
}

/* ---- downstream ---- */

size_t tun_plain_frame(uint8_t *buf, const uint8_t *packet, size_t len)
{
	memset(buf, 0, TUN_VNET_HDR_BYTES);
	memmove(buf + TUN_VNET_HDR_BYTES, packet, len);
	return TUN_VNET_HDR_BYTES + len;
}

/* A TCP segment that may be joined: IPv6 with TCP next, ACK with at most PSH, some payload, a right checksum. */
static bool joinable(const uint8_t *p, size_t len, size_t *tcp_hlen)
{
	const uint8_t *tcp = p + IPV6;

	if (len < IPV6 + 20 || (p[0] >> 4) != 6 || p[6] != PROTO_TCP || ipv6_get16(p + 4) != len - IPV6)
		return false;
	*tcp_hlen = (size_t)(tcp[12] >> 4) * 4;
	if (*tcp_hlen < 20 || IPV6 + *tcp_hlen >= len)
		return false;
	if ((tcp[13] & ~TCP_PSH) != TCP_ACK)
		return false;
	return tcp_checksum(p, tcp, len - IPV6) == ipv6_get16(tcp + TCP_CHECKSUM_AT);
}

bool tun_coalesce_offer(struct tun_coalescer *c, const uint8_t *p, size_t len)
{
	uint8_t *held = c->frame + TUN_VNET_HDR_BYTES, *ht = held + IPV6;
	const uint8_t *tcp = p + IPV6;
	size_t tcp_hlen, payload;

	if (!joinable(p, len, &tcp_hlen))
		return false;
	payload = len - IPV6 - tcp_hlen;
	if (c->len == 0) {
		memcpy(held, p, len);
		c->len = len;
		c->segments = 1;
		c->segment_payload = (uint16_t)payload;
		c->next_seq = ipv6_get32(tcp + 4) + (uint32_t)payload;
		c->closed = (tcp[13] & TCP_PSH) != 0;
		return true;
	}
	/* Continues the one held: same version/class/flow label, addresses, hop
	 * limit, ports, ACK, window and options; contiguous; not bigger than the
	 * first; room left. */
	if (c->closed || memcmp(held, p, 4) != 0 || held[7] != p[7] || memcmp(held + 8, p + 8, 32) != 0 ||
	    (size_t)(ht[12] >> 4) * 4 != tcp_hlen || memcmp(ht, tcp, 4) != 0 || memcmp(ht + 8, tcp + 8, 4) != 0 ||
	    memcmp(ht + 14, tcp + 14, 2) != 0 || memcmp(ht + 20, tcp + 20, tcp_hlen - 20) != 0 ||
	    ipv6_get32(tcp + 4) != c->next_seq || payload > c->segment_payload || c->len + payload > TUN_SUPER_PACKET_MAX_BYTES)
		return false;
	memcpy(held + c->len, tcp + tcp_hlen, payload);
	c->len += payload;
	c->segments++;
	c->next_seq += (uint32_t)payload;
	if (tcp[13] & TCP_PSH)
		ht[13] |= TCP_PSH;
	/* A short segment, or one that pushes, is the last a sender would send in a row. */
	c->closed = payload < c->segment_payload || (tcp[13] & TCP_PSH);
	return true;
}

size_t tun_coalesce_take(struct tun_coalescer *c, const uint8_t **frame)
{
	struct virtio_net_hdr h = {0};
	uint8_t *held = c->frame + TUN_VNET_HDR_BYTES, *ht = held + IPV6;
	size_t len = c->len, tcp_hlen = (size_t)(ht[12] >> 4) * 4;

	if (len == 0)
		return 0;
	if (c->segments > 1) {
		/* GSO: the kernel takes the checksum as already right (CHECKSUM_PARTIAL on
		 * receive), the field holding the pseudo-header sum as a sender's would. */
		ipv6_put16(held + 4, (uint16_t)(len - IPV6));
		h.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
		h.gso_type = VIRTIO_NET_HDR_GSO_TCPV6;
		h.hdr_len = (uint16_t)(IPV6 + tcp_hlen);
		h.gso_size = c->segment_payload;
		h.csum_start = IPV6;
		h.csum_offset = TCP_CHECKSUM_AT;
		ipv6_put16(ht + TCP_CHECKSUM_AT, internet_checksum_fold(ipv6_pseudo_sum(held, (uint32_t)(len - IPV6), PROTO_TCP)));
	}
	memcpy(c->frame, &h, sizeof(h));
	*frame = c->frame;
	c->len = 0;
	c->segments = 0;
	return TUN_VNET_HDR_BYTES + len;
}
