/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer harness for the PROXY protocol parser (proto/proxy_protocol.c):
 * no over-read, and a header it accepts never claims more bytes than it was
 * given or more than the protocol's bounds.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proxy_protocol.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct proxy_protocol_result res;
	uint8_t *copy = malloc(size ? size : 1);
	int rc;

	memcpy(copy, data, size);
	rc = proxy_protocol_parse(copy, size, PROXY_ACCEPT_ANY, &res);
	if (rc == 1 && res.error == PROXY_OK &&
	    (res.header_bytes == 0 || res.header_bytes > size || res.header_bytes > PROXY_V2_MAX_BYTES))
		abort();
	if (rc == 0 && size > PROXY_V2_MAX_BYTES)
		abort(); /* waiting forever for a header past the bound */
	free(copy);
	return 0;
}
