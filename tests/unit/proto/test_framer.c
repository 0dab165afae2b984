/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The framer (proto/framer.c): IPv6 packets come out whole and in order
 * however the stream is cut; each framing error is reported as soon as the
 * bytes that prove it arrive.
 */
#include <stdlib.h>
#include <string.h>

#include "framer.h"
#include "unit_runner.h"

/* A sink into plain memory that records every packet. */
struct packets {
	uint8_t data[8][2048];
	uint32_t len[8], want[8];
	unsigned int count, begun, abandoned;
	int refuse; /* begin returns NULL (a pool out of mbufs) */
};

static void *begin(void *ctx, uint32_t bytes)
{
	struct packets *p = ctx;

	if (p->refuse || p->begun == 8)
		return NULL;
	p->want[p->begun] = bytes;
	p->len[p->begun] = 0;
	return &p->data[p->begun++];
}

static void append(void *ctx, void *packet, const uint8_t *data, uint32_t len)
{
	struct packets *p = ctx;
	unsigned int i = (unsigned int)(((uint8_t(*)[2048])packet) - p->data);

	CU_ASSERT_FATAL(p->len[i] + len <= p->want[i]);
	memcpy(p->data[i] + p->len[i], data, len);
	p->len[i] += len;
}

static void end(void *ctx, void *packet)
{
	struct packets *p = ctx;
	unsigned int i = (unsigned int)(((uint8_t(*)[2048])packet) - p->data);

	CU_ASSERT_EQUAL(p->len[i], p->want[i]);
	CU_ASSERT_EQUAL(i, p->count);
	p->count++;
}

static void abandon(void *ctx, void *packet)
{
	(void)packet;
	((struct packets *)ctx)->abandoned++;
}

static const struct framer_sink sink = {begin, append, end, abandon, NULL}; /* over the MTU: an error */

static size_t make_packet(uint8_t *buf, uint16_t payload, uint8_t next_header, uint8_t fill)
{
	memset(buf, fill, 40u + payload);
	buf[0] = 0x60;
	buf[1] = buf[2] = buf[3] = 0;
	buf[4] = (uint8_t)(payload >> 8);
	buf[5] = (uint8_t)payload;
	buf[6] = next_header;
	buf[7] = 64;
	return 40u + payload;
}

static void test_every_cut_of_three_packets(void)
{
	uint8_t stream[3 * 1400];
	size_t n = 0, lens[3];

	lens[0] = make_packet(stream, 0, 59, 1); /* a bare header: Payload Length 0, No Next Header */
	n += lens[0];
	lens[1] = make_packet(stream + n, 1240, 58, 2); /* exactly the link MTU */
	n += lens[1];
	lens[2] = make_packet(stream + n, 13, 17, 3);
	n += lens[2];
	for (size_t a = 0; a <= n; a++) {
		size_t b = a + (a * 7919) % (n - a + 1); /* a second cut somewhere after the first */
		struct packets *p = calloc(1, sizeof(*p));
		struct framer f;

		framer_init(&f, 1280);
		CU_ASSERT_EQUAL(framer_push(&f, stream, a, &sink, p), FRAMER_OK);
		CU_ASSERT_EQUAL(framer_push(&f, stream + a, b - a, &sink, p), FRAMER_OK);
		CU_ASSERT_EQUAL(framer_push(&f, stream + b, n - b, &sink, p), FRAMER_OK);
		CU_ASSERT_EQUAL(p->count, 3);
		CU_ASSERT_FALSE(framer_mid_packet(&f));
		CU_ASSERT_EQUAL(memcmp(p->data[0], stream, lens[0]), 0);
		CU_ASSERT_EQUAL(memcmp(p->data[1], stream + lens[0], lens[1]), 0);
		CU_ASSERT_EQUAL(memcmp(p->data[2], stream + lens[0] + lens[1], lens[2]), 0);
		free(p);
	}
}

static void test_byte_by_byte(void)
{
	uint8_t stream[200];
	size_t n = make_packet(stream, 60, 58, 9);
	struct packets *p = calloc(1, sizeof(*p));
	struct framer f;

	n += make_packet(stream + n, 20, 6, 8);
	framer_init(&f, 1280);
	for (size_t i = 0; i < n; i++)
		CU_ASSERT_EQUAL(framer_push(&f, stream + i, 1, &sink, p), FRAMER_OK);
	CU_ASSERT_EQUAL(p->count, 2);
	free(p);
}

static void test_errors_as_soon_as_known(void)
{
	uint8_t pkt[2048];
	struct packets *p = calloc(1, sizeof(*p));
	struct framer f;

	framer_init(&f, 1280);
	pkt[0] = 0x45; /* IPv4 */
	CU_ASSERT_EQUAL(framer_push(&f, pkt, 1, &sink, p), FRAMER_ERROR_NOT_IPV6);
	framer_init(&f, 1280);
	make_packet(pkt, 0, 0, 0); /* Payload Length 0 + Hop-by-Hop: a jumbogram */
	CU_ASSERT_EQUAL(framer_push(&f, pkt, 6, &sink, p), FRAMER_OK);
	CU_ASSERT_EQUAL(framer_push(&f, pkt + 6, 1, &sink, p), FRAMER_ERROR_JUMBOGRAM);
	framer_init(&f, 1280);
	make_packet(pkt, 1241, 58, 0); /* one byte over the MTU */
	CU_ASSERT_EQUAL(framer_push(&f, pkt, 40, &sink, p), FRAMER_ERROR_TOO_BIG);
	framer_init(&f, 1500);
	CU_ASSERT_EQUAL(framer_push(&f, pkt, 1281, &sink, p), FRAMER_OK); /* a larger link MTU takes it */
	CU_ASSERT_EQUAL(p->count, 1);
	/* A good packet, then garbage: the good one is delivered, then the error. */
	framer_init(&f, 1280);
	make_packet(pkt, 8, 58, 0);
	pkt[48] = 0x00;
	CU_ASSERT_EQUAL(framer_push(&f, pkt, 49, &sink, p), FRAMER_ERROR_NOT_IPV6);
	CU_ASSERT_EQUAL(p->count, 2);
	free(p);
}

static void test_refused_packet_is_skipped_in_step(void)
{
	uint8_t stream[400];
	size_t n = make_packet(stream, 100, 58, 1);
	struct packets *p = calloc(1, sizeof(*p));
	struct framer f;

	n += make_packet(stream + n, 30, 58, 2);
	framer_init(&f, 1280);
	p->refuse = 1;
	CU_ASSERT_EQUAL(framer_push(&f, stream, 140, &sink, p), FRAMER_OK); /* first packet: no buffer */
	p->refuse = 0;
	CU_ASSERT_EQUAL(framer_push(&f, stream + 140, n - 140, &sink, p), FRAMER_OK);
	CU_ASSERT_EQUAL(p->count, 1);
	CU_ASSERT_EQUAL(p->want[0], 70);
	CU_ASSERT_EQUAL(p->data[0][47], 2);
	free(p);
}

/* A sink that takes packets over the MTU too (the appliance's: it answers
 * them with Packet Too Big), counting them. */
static unsigned int oversized;

static void *oversize(void *ctx, uint32_t bytes)
{
	oversized++;
	return begin(ctx, bytes);
}

static const struct framer_sink sink_with_oversize = {begin, append, end, abandon, oversize};

/* Over the MTU is no loss of step: its Payload Length still says where the
 * next packet starts, so a sink that takes it keeps the stream (the session
 * stays), whatever the cuts. */
static void test_oversize_packet_keeps_the_stream_in_step(void)
{
	uint8_t stream[1600];
	size_t n = make_packet(stream, 1360, 58, 1); /* 1,400 bytes on a 1,280-byte link */
	struct packets *p = calloc(1, sizeof(*p));
	struct framer f;

	n += make_packet(stream + n, 30, 58, 2);
	oversized = 0;
	framer_init(&f, 1280);
	for (size_t off = 0; off < n; off += 7)
		CU_ASSERT_EQUAL(framer_push(&f, stream + off, n - off < 7 ? n - off : 7, &sink_with_oversize, p),
				FRAMER_OK);
	CU_ASSERT_EQUAL(oversized, 1);
	CU_ASSERT_EQUAL(p->count, 2);
	CU_ASSERT_EQUAL(p->want[0], 1400);
	CU_ASSERT_EQUAL(p->want[1], 70);
	CU_ASSERT_EQUAL(p->data[1][47], 2);
	CU_ASSERT_FALSE(framer_mid_packet(&f));
	free(p);
}

static void test_reset_mid_packet_abandons(void)
{
	uint8_t stream[200];
	size_t n = make_packet(stream, 100, 58, 1);
	struct packets *p = calloc(1, sizeof(*p));
	struct framer f;

	framer_init(&f, 1280);
	CU_ASSERT_EQUAL(framer_push(&f, stream, n - 1, &sink, p), FRAMER_OK);
	CU_ASSERT_TRUE(framer_mid_packet(&f));
	framer_reset(&f, &sink, p);
	CU_ASSERT_EQUAL(p->abandoned, 1);
	CU_ASSERT_FALSE(framer_mid_packet(&f));
	free(p);
}

int main(void)
{
	static const struct unit_test tests[] = {
		{ "three packets (40 bytes, MTU, odd) whole at every pair of cuts", test_every_cut_of_three_packets },
		{ "a stream fed one byte at a time", test_byte_by_byte },
		{ "not IPv6, jumbogram, over the MTU: reported at the first byte that shows it",
		  test_errors_as_soon_as_known },
		{ "a packet over the MTU goes to the sink's oversize, and the stream stays in step",
		  test_oversize_packet_keeps_the_stream_in_step },
		{ "a packet the sink cannot hold is skipped, the stream stays in step",
		  test_refused_packet_is_skipped_in_step },
		{ "a reset in mid-packet gives the partial packet back", test_reset_mid_packet_abandons },
	};

	return unit_run("framer", tests, sizeof(tests) / sizeof(tests[0]));
}
