/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer harness for the framer (proto/framer.c). The first byte picks
 * how the rest is cut into pushes; every delivered packet must be an IPv6
 * packet exactly as long as its Payload Length says and within the MTU, and
 * the bytes delivered can never exceed the bytes pushed.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "framer.h"

struct sink_state {
	uint8_t buf[1280];
	uint32_t want, have;
	int open;
	size_t delivered;
};

static void *begin(void *ctx, uint32_t bytes)
{
	struct sink_state *s = ctx;

	if (s->open || bytes > sizeof(s->buf) || bytes < FRAMER_IPV6_HEADER_BYTES)
		abort();
	s->open = 1;
	s->want = bytes;
	s->have = 0;
	return s->buf;
}

static void append(void *ctx, void *packet, const uint8_t *data, uint32_t len)
{
	struct sink_state *s = ctx;

	if (!s->open || packet != s->buf || s->have + len > s->want)
		abort();
	memcpy(s->buf + s->have, data, len);
	s->have += len;
}

static void end(void *ctx, void *packet)
{
	struct sink_state *s = ctx;

	(void)packet;
	if (!s->open || s->have != s->want || (s->buf[0] >> 4) != 6 ||
	    (uint32_t)(s->buf[4] << 8 | s->buf[5]) + FRAMER_IPV6_HEADER_BYTES != s->want)
		abort();
	s->open = 0;
	s->delivered += s->want;
}

static void abandon(void *ctx, void *packet)
{
	(void)packet;
	((struct sink_state *)ctx)->open = 0;
}

static const struct framer_sink sink = {begin, append, end, abandon, NULL};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sink_state s = {0};
	struct framer f;
	size_t pos = 1, step;

	if (size < 1)
		return 0;
	step = (size_t)data[0] % 97 + 1;
	framer_init(&f, 1280);
	while (pos < size) {
		size_t n = size - pos < step ? size - pos : step;

		if (framer_push(&f, data + pos, n, &sink, &s) != FRAMER_OK) {
			if (framer_mid_packet(&f) || s.open)
				abort(); /* after an error no packet may be left open */
			break;
		}
		pos += n;
		step = step * 7 % 97 + 1;
	}
	if (s.delivered > size)
		abort();
	framer_reset(&f, &sink, &s);
	return 0;
}
