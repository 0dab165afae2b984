/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_INTERNET_CHECKSUM_H
#define IPHTTPS_INTERNET_CHECKSUM_H

/*
 * The internet checksum's one's complement sum (RFC 1071), fast enough for
 * every TCP segment the appliance sends and receives and every segment the
 * client splits: the lab's ports and TUN offer no checksum offload, so the
 * sum runs over each payload byte once per direction.
 *
 * Why not rte_raw_cksum: DPDK 22.11's is a plain loop over 16-bit words,
 * which GCC at -O2 leaves scalar for a length it cannot see (~2 bytes a
 * cycle; it was most of segment_input and emit in the bench-tunnel profile).
 * This one adds 64-bit words with an end-around carry kept aside (RFC 1071
 * 2(B): the sum may be taken over wider words and folded), about five times
 * faster here, and stays plain C for the client, which has no DPDK.
 *
 * Sums are in host byte order like rte_raw_cksum's (RFC 1071 2(B): the sum is
 * byte-order independent): what internet_checksum_fold returns can be stored
 * in a header as is. A sum continued over several pieces stays right only if
 * every piece but the last has an even length.
 */

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/** sum plus the one's complement sum of len bytes at data, not folded. */
static inline uint64_t internet_checksum_add(uint64_t sum, const void *data, size_t len)
{
	const uint8_t *p = data;
	uint64_t wide = 0, carries = 0;

	while (len >= 16) { /* two words a round: the loads overlap the adds */
		uint64_t a, b;

		memcpy(&a, p, 8);
		memcpy(&b, p + 8, 8);
		wide += a;
		carries += wide < a;
		wide += b;
		carries += wide < b;
		p += 16;
		len -= 16;
	}
	if (len >= 8) {
		uint64_t a;

		memcpy(&a, p, 8);
		wide += a;
		carries += wide < a;
		p += 8;
		len -= 8;
	}
	/* Each carry out of bit 63 is worth 1 (2^64 is 1 modulo 0xffff). */
	sum += (wide & 0xffffffffu) + (wide >> 32) + carries;
	if (len >= 4) {
		uint32_t a;

		memcpy(&a, p, 4);
		sum += a;
		p += 4;
		len -= 4;
	}
	if (len >= 2) {
		uint16_t a;

		memcpy(&a, p, 2);
		sum += a;
		p += 2;
		len -= 2;
	}
	if (len) { /* the last odd byte, padded with a zero byte after it */
		uint16_t a = 0;

		memcpy(&a, p, 1);
		sum += a;
	}
	return sum;
}

/** A sum folded to 16 bits (end-around carries), in host byte order, not complemented. */
static inline uint16_t internet_checksum_fold(uint64_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

#endif
