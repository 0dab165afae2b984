/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer harness for what iphttps-client parses from the network besides
 * the response head: a SOCKS5 server's replies (client/socks5.c) and the
 * Router and Neighbor Advertisements from the tunnel (client/nd_packets.c).
 * No crash, no read past the input (ASan, UBSan); a reply parsed whole never
 * claims more bytes than it was given; an RA's prefix, when taken, is a /64
 * outside fe80::/10 with its preferred lifetime within its valid one.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nd_packets.h"
#include "socks5.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *copy = malloc(size ? size : 1); /* exact-size heap copy: ASan sees any over-read */
	struct nd_router_advert ra;
	struct in6_addr target;
	size_t used = 0;
	uint8_t v = 0;

	memcpy(copy, data, size);
	if (socks5_parse_method(copy, size, &v, &used) == SOCKS5_DONE && used > size)
		abort();
	if (socks5_parse_auth(copy, size, &used) == SOCKS5_DONE && used > size)
		abort();
	if (socks5_parse_connect(copy, size, &v, &used) == SOCKS5_DONE && used > size)
		abort();
	if (nd_parse_router_advert(copy, size, &ra) && ra.has_prefix &&
	    ((ra.prefix.s6_addr[0] == 0xfe && (ra.prefix.s6_addr[1] & 0xc0) == 0x80) || ra.preferred_s > ra.valid_s))
		abort();
	memset(&target, 0xab, sizeof(target));
	(void)nd_is_advert_for(copy, size, &target);
	free(copy);
	return 0;
}
