/* SPDX-License-Identifier: BSD-3-Clause */
#include "json_values.h"

#include "log_peer.h"

json_t *json_address(const struct in6_addr *a)
{
	char text[INET6_ADDRSTRLEN];

	return json_string(log_peer_address(a, text)); /* as the log names it */
}

json_t *json_time_ms(uint64_t unix_ms)
{
	time_t s = (time_t)(unix_ms / 1000);
	struct tm tm;
	char text[40];

	gmtime_r(&s, &tm);
	strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%S", &tm);
	return json_sprintf("%s.%03uZ", text, (unsigned int)(unix_ms % 1000));
}

json_t *json_time_s(time_t t)
{
	struct tm tm;
	char text[32];

	gmtime_r(&t, &tm);
	strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%SZ", &tm);
	return json_string(text);
}
