/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TUN offload (client/tun_offload.c): a TSO super-packet from the kernel is
 * split into link-MTU segments with the right sequence numbers, flags and
 * checksums; a checksum the kernel left to us is finished; and consecutive
 * segments from the tunnel are joined into one GSO write only when they
 * belong together (same flow, contiguous, equal sizes, checksums right).
 */
#include <linux/virtio_net.h>
#include <string.h>

#include "tun_offload.h"
#include "unit_runner.h"

#include <CUnit/Basic.h>

static uint16_t sum16(const uint8_t *p, size_t len, uint32_t sum)
{
	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/* Whether an IPv6/TCP packet's checksum verifies (the sum over all is 0xffff). */
static int tcp_ok(const uint8_t *p, size_t len)
{
	uint32_t upper = (uint32_t)(len - 40), sum = sum16(p + 8, 32, 0);

	sum += (upper >> 16) + (upper & 0xffff) + 6;
	return sum16(p + 40, upper, sum) == 0xffff;
}

static void set_tcp_checksum(uint8_t *p, size_t len)
{
	uint32_t upper = (uint32_t)(len - 40), sum = sum16(p + 8, 32, 0);

	p[56] = p[57] = 0;
	sum += (upper >> 16) + (upper & 0xffff) + 6;
	uint16_t c = (uint16_t)~sum16(p + 40, upper, sum);
	p[56] = (uint8_t)(c >> 8);
	p[57] = (uint8_t)c;
}

/* An IPv6/TCP packet with a 12-byte timestamp option, payload bytes counting from seq. */
static size_t segment(uint8_t *p, uint32_t seq, uint8_t flags, size_t payload, uint16_t sport)
{
	size_t tcp_hlen = 32, len = 40 + tcp_hlen + payload;

	memset(p, 0, 40 + tcp_hlen);
	p[0] = 0x60;
	p[4] = (uint8_t)((len - 40) >> 8), p[5] = (uint8_t)(len - 40);
	p[6] = 6, p[7] = 64;
	p[8] = 0xfd, p[23] = 2;  /* fd00::2 */
	p[24] = 0x20, p[25] = 0x01, p[26] = 0x0d, p[27] = 0xb8, p[39] = 9;
	p[40] = (uint8_t)(sport >> 8), p[41] = (uint8_t)sport, p[42] = 0x13, p[43] = 0x89;
	p[44] = (uint8_t)(seq >> 24), p[45] = (uint8_t)(seq >> 16), p[46] = (uint8_t)(seq >> 8), p[47] = (uint8_t)seq;
	p[51] = 7;                  /* ack */
	p[52] = (uint8_t)(tcp_hlen / 4) << 4;
	p[53] = flags;
	p[54] = 0x10;               /* window */
	p[60] = 1, p[61] = 1, p[62] = 8, p[63] = 10, p[67] = 5; /* NOP NOP TS */
	for (size_t i = 0; i < payload; i++)
		p[40 + tcp_hlen + i] = (uint8_t)((seq + i) * 7);
	set_tcp_checksum(p, len);
	return len;
}

static uint8_t got[64][2048];
static size_t got_len[64];
static unsigned int got_count;

static void collect(void *ctx, const uint8_t *pkt, size_t len)
{
	(void)ctx;
	memcpy(got[got_count], pkt, len);
	got_len[got_count++] = len;
}

static void test_split_super_packet(void)
{
	static uint8_t frame[TUN_VNET_HDR_BYTES + 8192];
	struct virtio_net_hdr h = {.gso_type = VIRTIO_NET_HDR_GSO_TCPV6, .gso_size = 1208, .hdr_len = 72,
				   .flags = VIRTIO_NET_HDR_F_NEEDS_CSUM, .csum_start = 40, .csum_offset = 16};
	size_t len = segment(frame + TUN_VNET_HDR_BYTES, 1000, 0x10 | 0x08 | 0x01 | 0x80, 3000, 40000);

	memcpy(frame, &h, sizeof(h));
	got_count = 0;
	CU_ASSERT_EQUAL_FATAL(tun_offload_split(frame, TUN_VNET_HDR_BYTES + len, 1280, collect, NULL), 3);
	CU_ASSERT_EQUAL(got_len[0], 72 + 1208);
	CU_ASSERT_EQUAL(got_len[1], 72 + 1208);
	CU_ASSERT_EQUAL(got_len[2], 72 + 584);
	for (unsigned int i = 0; i < 3; i++) {
		uint32_t seq = (uint32_t)got[i][44] << 24 | got[i][45] << 16 | got[i][46] << 8 | got[i][47];

		CU_ASSERT(tcp_ok(got[i], got_len[i]));
		CU_ASSERT_EQUAL(seq, 1000 + 1208 * i);
		CU_ASSERT_EQUAL(got[i][4] << 8 | got[i][5], got_len[i] - 40);
		CU_ASSERT_EQUAL(got[i][72], (uint8_t)(seq * 7)); /* the right bytes */
	}
	CU_ASSERT_EQUAL(got[0][53], 0x10 | 0x80);        /* CWR on the first only, no FIN/PSH */
	CU_ASSERT_EQUAL(got[1][53], 0x10);
	CU_ASSERT_EQUAL(got[2][53], 0x10 | 0x08 | 0x01); /* FIN and PSH on the last */
	/* A segment size that would not fit the link: refused, not cut wrong. */
	h.gso_size = 1300;
	memcpy(frame, &h, sizeof(h));
	CU_ASSERT_EQUAL(tun_offload_split(frame, TUN_VNET_HDR_BYTES + len, 1280, collect, NULL), -1);
	h.gso_type = VIRTIO_NET_HDR_GSO_UDP;
	h.gso_size = 1000;
	memcpy(frame, &h, sizeof(h));
	CU_ASSERT_EQUAL(tun_offload_split(frame, TUN_VNET_HDR_BYTES + len, 1280, collect, NULL), -1);
}

static void test_checksum_left_to_us(void)
{
	static uint8_t frame[TUN_VNET_HDR_BYTES + 2048];
	struct virtio_net_hdr h = {.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM, .csum_start = 40, .csum_offset = 16};
	uint8_t *p = frame + TUN_VNET_HDR_BYTES;
	size_t len = segment(p, 5, 0x10, 100, 40000);
	uint32_t upper = (uint32_t)(len - 40), sum = sum16(p + 8, 32, 0) + (upper & 0xffff) + 6;
	uint16_t partial = sum16(NULL, 0, sum);

	/* As the kernel leaves it: the field holds the pseudo-header sum. */
	p[56] = (uint8_t)(partial >> 8), p[57] = (uint8_t)partial;
	CU_ASSERT(!tcp_ok(p, len));
	memcpy(frame, &h, sizeof(h));
	got_count = 0;
	CU_ASSERT_EQUAL(tun_offload_split(frame, TUN_VNET_HDR_BYTES + len, 1280, collect, NULL), 1);
	CU_ASSERT(tcp_ok(got[0], got_len[0]));
}

static void test_join_segments_of_one_flow(void)
{
	static struct tun_coalescer c;
	uint8_t p[2048];
	const uint8_t *frame;
	struct virtio_net_hdr h;
	size_t n;

	memset(&c, 0, sizeof(c));
	CU_ASSERT(tun_coalesce_offer(&c, p, segment(p, 100, 0x10, 1208, 40000)));
	CU_ASSERT(tun_coalesce_offer(&c, p, segment(p, 1308, 0x10, 1208, 40000)));
	CU_ASSERT(tun_coalesce_offer(&c, p, segment(p, 2516, 0x18, 300, 40000))); /* short, PSH: the last */
	CU_ASSERT(!tun_coalesce_offer(&c, p, segment(p, 2816, 0x10, 1208, 40000))); /* after the last: no */
	n = tun_coalesce_take(&c, &frame);
	CU_ASSERT_EQUAL_FATAL(n, TUN_VNET_HDR_BYTES + 72 + 1208 * 2 + 300);
	memcpy(&h, frame, sizeof(h));
	CU_ASSERT_EQUAL(h.gso_type, VIRTIO_NET_HDR_GSO_TCPV6);
	CU_ASSERT_EQUAL(h.gso_size, 1208);
	CU_ASSERT_EQUAL(h.hdr_len, 72);
	CU_ASSERT_EQUAL(h.flags, VIRTIO_NET_HDR_F_NEEDS_CSUM);
	CU_ASSERT_EQUAL(h.csum_start, 40);
	CU_ASSERT_EQUAL(h.csum_offset, 16);
	frame += TUN_VNET_HDR_BYTES;
	CU_ASSERT_EQUAL(frame[4] << 8 | frame[5], 32 + 1208 * 2 + 300);
	CU_ASSERT_EQUAL(frame[53], 0x18); /* the PSH carried */
	for (size_t i = 0; i < 1208 * 2 + 300; i++)
		if (frame[72 + i] != (uint8_t)((100 + i) * 7)) {
			CU_FAIL("the joined payload is not the segments' bytes in order");
			break;
		}
	CU_ASSERT_EQUAL(tun_coalesce_take(&c, &frame), 0);
}

static void test_what_is_not_joined(void)
{
	static struct tun_coalescer c;
	uint8_t p[2048];
	const uint8_t *frame;
	struct virtio_net_hdr h;
	size_t len;

	memset(&c, 0, sizeof(c));
	CU_ASSERT(tun_coalesce_offer(&c, p, segment(p, 100, 0x10, 1000, 40000)));
	CU_ASSERT(!tun_coalesce_offer(&c, p, segment(p, 1100, 0x10, 1000, 40001))); /* another flow */
	CU_ASSERT(!tun_coalesce_offer(&c, p, segment(p, 1200, 0x10, 1000, 40000))); /* a gap */
	CU_ASSERT(!tun_coalesce_offer(&c, p, segment(p, 1100, 0x10, 1100, 40000))); /* bigger than the first */
	CU_ASSERT(!tun_coalesce_offer(&c, p, segment(p, 1100, 0x11, 1000, 40000))); /* FIN */
	len = segment(p, 1100, 0x10, 1000, 40000);
	p[67] = 6; /* another timestamp */
	set_tcp_checksum(p, len);
	CU_ASSERT(!tun_coalesce_offer(&c, p, len));
	len = segment(p, 1100, 0x10, 1000, 40000);
	p[100] ^= 1; /* damaged on the way: its checksum fails */
	CU_ASSERT(!tun_coalesce_offer(&c, p, len));
	/* One segment alone goes out as it came, with a zero header. */
	CU_ASSERT_EQUAL(tun_coalesce_take(&c, &frame), TUN_VNET_HDR_BYTES + 72 + 1000);
	memcpy(&h, frame, sizeof(h));
	CU_ASSERT_EQUAL(h.gso_type, VIRTIO_NET_HDR_GSO_NONE);
	CU_ASSERT_EQUAL(h.flags, 0);
	CU_ASSERT(tcp_ok(frame + TUN_VNET_HDR_BYTES, 72 + 1000));
}

int main(void)
{
	static const struct unit_test tests[] = {
		{ "a TSO super-packet split into link-MTU segments, each right", test_split_super_packet },
		{ "a checksum the kernel left to us is finished", test_checksum_left_to_us },
		{ "segments of one flow joined into one GSO write, bytes in order", test_join_segments_of_one_flow },
		{ "another flow, a gap, a bigger segment, FIN, other options, a bad checksum: not joined",
		  test_what_is_not_joined },
	};

	return unit_run("tun_offload", tests, sizeof(tests) / sizeof(tests[0]));
}
