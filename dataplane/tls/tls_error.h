/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_TLS_ERROR_H
#define IPHTTPS_TLS_ERROR_H

#include <stddef.h>

/** The last OpenSSL error of this thread as text, and clear the queue. @return buf. */
const char *tls_error_text(char *buf, size_t len);

#endif
