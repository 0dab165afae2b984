/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The fast internet checksum (proto/internet_checksum.h) against RFC 1071's
 * definition written the slow, obvious way: big-endian 16-bit words added
 * one at a time with end-around carry. Every length from 0 to past an MTU at
 * every alignment, a buffer of all ones (every word carries), sums continued
 * over pieces, and RFC 1071's own worked example.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "internet_checksum.h"
#include "unit_runner.h"

/* RFC 1071 section 1: the one's complement sum of 16-bit words, network order. */
static uint16_t reference_sum(const uint8_t *p, size_t len)
{
	uint32_t sum = 0;

	for (size_t i = 0; i < len; i += 2) {
		sum += (uint32_t)p[i] << 8 | (i + 1 < len ? p[i + 1] : 0);
		sum = (sum & 0xffff) + (sum >> 16);
	}
	return (uint16_t)sum;
}

/* The fast sum, folded and put in network order to compare. */
static uint16_t fast_sum(const uint8_t *p, size_t len)
{
	return ntohs(internet_checksum_fold(internet_checksum_add(0, p, len)));
}

static void test_every_length_and_alignment(void)
{
	static uint8_t buf[1600 + 8];
	unsigned int failures = 0;

	srand(1071);
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)rand();
	for (size_t len = 0; len <= 1600; len++)
		for (size_t off = 0; off < 8; off++)
			failures += fast_sum(buf + off, len) != reference_sum(buf + off, len);
	CU_ASSERT_EQUAL(failures, 0);
}

static void test_all_ones_carry_everywhere(void)
{
	size_t len = 65536 + 7;
	uint8_t *buf = malloc(len);

	CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
	memset(buf, 0xff, len);
	for (size_t n = 0; n <= len; n += 4093)
		CU_ASSERT_EQUAL(fast_sum(buf, n), reference_sum(buf, n));
	CU_ASSERT_EQUAL(fast_sum(buf, len), reference_sum(buf, len));
	/* Mostly ones with one word short of it: the carries must still land. */
	buf[1000] = 0xfe;
	CU_ASSERT_EQUAL(fast_sum(buf, len), reference_sum(buf, len));
	free(buf);
}

static void test_sum_continued_over_even_pieces(void)
{
	uint8_t buf[1500];
	uint64_t sum = 0;
	size_t at = 0;
	const size_t pieces[] = { 40, 2, 14, 1024, 6, 414 }; /* even, then the odd rest */

	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 131 + 7);
	for (size_t i = 0; i < sizeof(pieces) / sizeof(pieces[0]); i++) {
		sum = internet_checksum_add(sum, buf + at, pieces[i]);
		at += pieces[i];
	}
	CU_ASSERT_EQUAL(at, sizeof(buf));
	CU_ASSERT_EQUAL(ntohs(internet_checksum_fold(sum)), reference_sum(buf, sizeof(buf)));
}

static void test_rfc1071_example(void)
{
	/* RFC 1071 section 3: 00 01 f2 03 f4 f5 f6 f7 sums to dd f2. */
	const uint8_t bytes[] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };

	CU_ASSERT_EQUAL(fast_sum(bytes, sizeof(bytes)), 0xddf2);
	CU_ASSERT_EQUAL(fast_sum(bytes, 0), 0);
	CU_ASSERT_EQUAL(internet_checksum_fold(0xffffffffffffffffull), 0xffff);
}

int main(void)
{
	static const struct unit_test tests[] = {
		{ "every length 0-1600 at every alignment 0-7 matches RFC 1071's word-by-word sum",
		  test_every_length_and_alignment },
		{ "64 KiB of all ones (a carry out of every word) and one word short of it",
		  test_all_ones_carry_everywhere },
		{ "a sum continued over even-length pieces equals the sum of the whole",
		  test_sum_continued_over_even_pieces },
		{ "RFC 1071's worked example; nothing sums to zero; the widest sum folds to ones",
		  test_rfc1071_example },
	};

	return unit_run("internet checksum", tests, sizeof(tests) / sizeof(tests[0]));
}
