/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_HTTP_RESPONSE_H
#define IPHTTPS_HTTP_RESPONSE_H

/*
 * The appliance's HTTP responses: "200 OK" with Date and Server that brings
 * the link up ([MS-IPHTTPS] §3.2.5.1), and the error answers that end a
 * request that is not IP-HTTPS. Pure formatting, no I/O.
 */

#include <stddef.h>
#include <time.h>

enum { HTTP_RESPONSE_MAX_BYTES = 512 };

/**
 * Format a response head for status at time now into buf (at least
 * HTTP_RESPONSE_MAX_BYTES). 200 opens the tunnel's response body (its end is
 * the connection's end, RFC 9112 6.3); other statuses carry an empty body
 * and "Connection: close", and 405 names the one allowed method.
 * @return the bytes written (no NUL counted).
 */
size_t http_response_format(char *buf, unsigned int status, const char *server, time_t now);

/** The reason phrase of a status the appliance sends. */
const char *http_response_reason(unsigned int status);

#endif
