/* SPDX-License-Identifier: BSD-3-Clause */
#include "framer.h"

#include <string.h>

void framer_init(struct framer *f, uint32_t mtu)
{
	memset(f, 0, sizeof(*f));
	f->mtu = mtu;
}

void framer_reset(struct framer *f, const struct framer_sink *sink, void *ctx)
{
	if (f->packet)
		sink->abandon(ctx, f->packet);
	f->packet = NULL;
	f->header_have = 0;
	f->body_left = 0;
}

/* Check what the first bytes of a header already tell: fail as early as the stream allows. */
static enum framer_error check_header(const struct framer *f)
{
	const uint8_t *h = f->header;

	if (f->header_have >= 1 && (h[0] >> 4) != 6)
		return FRAMER_ERROR_NOT_IPV6;
	if (f->header_have >= 7) {
		uint32_t payload = (uint32_t)h[4] << 8 | h[5];

		if (payload == 0 && h[6] == 0) /* Hop-by-Hop first: RFC 2675 jumbogram */
			return FRAMER_ERROR_JUMBOGRAM;
		if (payload + FRAMER_IPV6_HEADER_BYTES > f->mtu)
			return FRAMER_ERROR_TOO_BIG;
	}
	return FRAMER_OK;
}

enum framer_error framer_push(struct framer *f, const uint8_t *data, size_t len, const struct framer_sink *sink,
			      void *ctx)
{
	while (len > 0) {
		if (f->header_have < FRAMER_IPV6_HEADER_BYTES) {
			uint32_t take = FRAMER_IPV6_HEADER_BYTES - f->header_have;
			enum framer_error e;

			if (take > len)
				take = (uint32_t)len;
			memcpy(f->header + f->header_have, data, take);
			f->header_have = (uint8_t)(f->header_have + take);
			data += take;
			len -= take;
			e = check_header(f);
			/* Too big is no loss of step: the Payload Length still says where
			 * the next packet starts. A sink that takes such packets gets them
			 * through oversize (it may keep their first bytes and answer). */
			f->oversize = e == FRAMER_ERROR_TOO_BIG && sink->oversize;
			if (e != FRAMER_OK && !f->oversize) {
				f->header_have = 0;
				return e;
			}
			if (f->header_have < FRAMER_IPV6_HEADER_BYTES)
				return FRAMER_OK;
			f->body_left = (uint32_t)f->header[4] << 8 | f->header[5];
			f->packet = f->oversize ? sink->oversize(ctx, FRAMER_IPV6_HEADER_BYTES + f->body_left)
						: sink->begin(ctx, FRAMER_IPV6_HEADER_BYTES + f->body_left);
			if (f->packet)
				sink->append(ctx, f->packet, f->header, FRAMER_IPV6_HEADER_BYTES);
		} else {
			uint32_t take = f->body_left < len ? f->body_left : (uint32_t)len;

			if (f->packet)
				sink->append(ctx, f->packet, data, take);
			data += take;
			len -= take;
			f->body_left -= take;
		}
		if (f->header_have == FRAMER_IPV6_HEADER_BYTES && f->body_left == 0) {
			void *packet = f->packet;

			f->packet = NULL;
			f->header_have = 0;
			if (packet)
				sink->end(ctx, packet);
		}
	}
	return FRAMER_OK;
}
