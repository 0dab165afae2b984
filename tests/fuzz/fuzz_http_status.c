/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer harness for the client side's response-head parser
 * (proto/http_status.c): no crash, no read past the input (ASan, UBSan), a
 * complete head never claims more bytes than it was given, an incomplete
 * one is under the limit, and every challenge kept is NUL-terminated.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http_status.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct http_status st;
	char *copy = malloc(size ? size : 1); /* exact-size heap copy: ASan sees any over-read */
	int rc;

	memcpy(copy, data, size);
	rc = http_status_parse(copy, size, &st);
	if (rc == 0 && size >= HTTP_STATUS_HEAD_MAX_BYTES)
		abort();
	if (rc == 1 && st.error == HTTP_STATUS_OK && (st.head_bytes == 0 || st.head_bytes > size || st.code < 100))
		abort();
	for (unsigned int i = 0; i < st.challenge_count; i++)
		if (!memchr(st.challenges[i], '\0', sizeof(st.challenges[i])))
			abort();
	free(copy);
	return 0;
}
