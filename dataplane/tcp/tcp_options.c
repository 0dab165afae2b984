/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TCP option parsing (RFC 9293 3.1, 3.2): MSS, window scale (RFC 7323 2),
 * SACK-permitted and SACK (RFC 2018), timestamps (RFC 7323 3). Unknown
 * options are skipped by their length; a malformed list ends parsing and
 * what was read before stays (as Linux does), except that a length running
 * past the header makes the whole segment suspect (-1).
 */
#include <string.h>

#include <rte_byteorder.h>

#include "tcp_conn.h"

enum {
	TCPOPT_EOL = 0,
	TCPOPT_NOP = 1,
	TCPOPT_MSS = 2,
	TCPOPT_WSCALE = 3,
	TCPOPT_SACK_PERMITTED = 4,
	TCPOPT_SACK = 5,
	TCPOPT_TIMESTAMP = 8,
};

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return rte_be_to_cpu_32(v);
}

int tcp_options_parse(const uint8_t *p, uint32_t len, struct tcp_opts *o)
{
	memset(o, 0, sizeof(*o));
	while (len > 0) {
		uint8_t kind = p[0], optlen;

		if (kind == TCPOPT_EOL)
			return 0;
		if (kind == TCPOPT_NOP) {
			p++;
			len--;
			continue;
		}
		if (len < 2)
			return -1;
		optlen = p[1];
		if (optlen < 2 || optlen > len)
			return -1;
		switch (kind) {
		case TCPOPT_MSS:
			if (optlen == 4) {
				o->has_mss = true;
				o->mss = (uint16_t)(p[2] << 8 | p[3]);
			}
			break;
		case TCPOPT_WSCALE:
			if (optlen == 3) {
				o->has_wscale = true;
				/* RFC 7323 2.3: a shift over 14 is taken as 14. */
				o->wscale = p[2] > TCP_MAX_WSCALE ? TCP_MAX_WSCALE : p[2];
			}
			break;
		case TCPOPT_SACK_PERMITTED:
			if (optlen == 2)
				o->sack_permitted = true;
			break;
		case TCPOPT_SACK:
			if (optlen >= 10 && (optlen - 2) % 8 == 0) {
				unsigned int n = (optlen - 2u) / 8u;

				for (unsigned int i = 0; i < n && o->sack_count < TCP_MAX_SACK_BLOCKS; i++) {
					o->sack[o->sack_count][0] = get32(p + 2 + 8 * i);
					o->sack[o->sack_count][1] = get32(p + 6 + 8 * i);
					o->sack_count++;
				}
			}
			break;
		case TCPOPT_TIMESTAMP:
			if (optlen == 10) {
				o->has_ts = true;
				o->tsval = get32(p + 2);
				o->tsecr = get32(p + 6);
			}
			break;
		default:
			break;
		}
		p += optlen;
		len -= optlen;
	}
	return 0;
}
