/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer harness for the IP-HTTPS request parser (proto/http_request.c).
 * Besides "no crash, no out-of-bounds read" (ASan, UBSan), it checks what the
 * session relies on: a complete request never claims more header bytes than
 * it was given, an incomplete one is under every limit, and every error has
 * a status the appliance knows how to answer. And the session's way of
 * calling it (the buffer growing, the scan position kept) gives the same
 * verdict as one call over the whole buffer.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http_request.h"
#include "http_response.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_request req;
	char *copy = malloc(size ? size : 1); /* exact-size heap copy: ASan sees any over-read */
	int rc;

	memcpy(copy, data, size);
	rc = http_request_parse(copy, size, "/IPHTTPS", &req);
	if (rc == 0 && size >= HTTP_HEADER_SECTION_MAX_BYTES)
		abort(); /* an incomplete request past the limit would grow forever */
	if (rc == 1 && req.error == HTTP_REQUEST_NONE && (req.header_bytes == 0 || req.header_bytes > size))
		abort();
	if (rc == 1 && (req.error >= HTTP_REQUEST_ERROR_COUNT ||
			strcmp(http_response_reason(http_request_error_status(req.error)), "Error") == 0))
		abort();
	if (size > 1) {
		/* Two calls, cut where the first byte says: the verdict must not change. */
		struct http_request_scan scan = { 0 };
		struct http_request part;
		size_t cut = 1 + data[0] % (size - 1);
		int first = http_request_parse_more(copy, cut, "/IPHTTPS", &scan, &part);
		int second = first == 1 ? 1 : http_request_parse_more(copy, size, "/IPHTTPS", &scan, &part);

		if (first == 1 && (http_request_parse(copy, cut, "/IPHTTPS", &req) != 1 || req.error != part.error))
			abort();
		if (first == 0 && (second != rc || (rc == 1 && (part.error != req.error ||
								 part.header_bytes != req.header_bytes))))
			abort();
	}
	free(copy);
	return 0;
}
