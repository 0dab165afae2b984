/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_JSON_VALUES_H
#define IPHTTPS_JSON_VALUES_H

/*
 * The control plane's values as JSON, written one way everywhere (show,
 * clients, monitor events, accounting records): addresses as text (IPv4 for
 * a v4-mapped one) and times as UTC ISO 8601.
 */

#include <stdint.h>
#include <time.h>
#include <netinet/in.h>

#include <jansson.h>

/** "2001:db8::1", or "192.0.2.2" for ::ffff:192.0.2.2. */
json_t *json_address(const struct in6_addr *a);

/** "2026-12-01T17:40:00.123Z" from Unix milliseconds. */
json_t *json_time_ms(uint64_t unix_ms);

/** "2026-12-01T17:40:00Z" from Unix seconds. */
json_t *json_time_s(time_t t);

#endif
