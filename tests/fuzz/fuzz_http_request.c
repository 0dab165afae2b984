/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer harness for the IP-HTTPS request parser (proto/http_request.c).
 * Besides "no crash, no out-of-bounds read" (ASan, UBSan), it checks what the
 * session relies on: a complete request never claims more header bytes than
 * it was given, an incomplete one is under every limit, and every error has
 * a status the appliance knows how to answer.
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
	free(copy);
	return 0;
}
