/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_CLIENT_REQUEST_H
#define IPHTTPS_CLIENT_REQUEST_H

/*
 * The requests the client side sends: the IP-HTTPS POST of [MS-IPHTTPS]
 * 3.1.5.1 (Content-Length 18446744073709551615, the largest the field can
 * say, as Windows sends it) and a proxy's CONNECT (the proxy tunnelling
 * draft in spec/), with Proxy-Authorization when answering a 407. A URI, host
 * or credential that could end a line or split the request line (a control
 * character, a space where none may be) is refused, never sent: the values
 * come from a config file or the command line. Pure: linked by
 * iphttps-client and its tests.
 */

#include <stddef.h>

/** The POST into out. @return its length, or -1 (a bad uri or host, or out too small). */
int client_request_post(char *out, size_t out_len, const char *uri, const char *host);

/**
 * CONNECT target (host:port, [v6]:port) with the authorization value when
 * not NULL. @return its length, or -1 (a bad target or value, or out too small).
 */
int client_request_connect(char *out, size_t out_len, const char *target, const char *authorization);

#endif
