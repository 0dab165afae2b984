/* SPDX-License-Identifier: BSD-3-Clause */
#include "tls_error.h"

#include <stdio.h>

#include <openssl/err.h>

const char *tls_error_text(char *buf, size_t len)
{
	unsigned long e = ERR_peek_last_error();

	if (e == 0)
		snprintf(buf, len, "no OpenSSL error");
	else
		ERR_error_string_n(e, buf, len);
	ERR_clear_error();
	return buf;
}
