/* SPDX-License-Identifier: BSD-3-Clause */
#include "clients_table.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "human_units.h"
#include "log_peer.h"

/* A row: 12 + 3 + 13 + 39 + 24 + 3 x 10 + TLS and spaces, and a certificate line of up to 256. */
enum { ROW_MAX_BYTES = 768 };

static const char header_format[] = "%-12s %-3s %-13s %-39s %-24s %-10s %-10s %-10s %s\n";

char *clients_table_render(const struct session_view *views, uint32_t count)
{
	size_t cap = 256 + (size_t)count * ROW_MAX_BYTES, len;
	char *text = malloc(cap);

	if (!text)
		return NULL;
	len = (size_t)snprintf(text, cap, header_format, "ID", "W", "STATE", "ADDRESS", "OUTER", "UPTIME", "RX",
			       "TX", "TLS");
	for (uint32_t i = 0; i < count; i++) {
		const struct session_view *v = &views[i];
		char outer_ip[INET6_ADDRSTRLEN], address[INET6_ADDRSTRLEN] = "-", outer[64], up[32], rx[32], tx[32],
			tls[96];

		/* The newest address learned, as iphttpsctl showed it. */
		if (v->address_count)
			log_peer_address(&v->addresses[v->address_count - 1], address);
		snprintf(outer, sizeof(outer), "%s:%u", log_peer_address(&v->outer_address, outer_ip), v->outer_port);
		human_duration(up, sizeof(up), (long long)(v->age_ms / 1000));
		human_bytes(rx, sizeof(rx), (long long)v->rx_bytes);
		human_bytes(tx, sizeof(tx), (long long)v->tx_bytes);
		if (v->tls.version[0] || v->tls.suite[0])
			snprintf(tls, sizeof(tls), "%s %s", v->tls.version, v->tls.suite);
		else
			snprintf(tls, sizeof(tls), "plain");
		len += (size_t)snprintf(text + len, cap - len, "%-12llu %-3u %-13s %-39s %-24s %-10s %-10s %-10s %s\n",
					(unsigned long long)v->id, v->worker, session_state_name(v->state), address,
					outer, up, rx, tx, tls);
		if (v->tls.peer_subject[0])
			len += (size_t)snprintf(text + len, cap - len, "%-12s certificate %s\n", "",
						v->tls.peer_subject);
	}
	if (!count)
		snprintf(text + len, cap - len, "(no sessions)\n");
	return text;
}
