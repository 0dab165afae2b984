/* SPDX-License-Identifier: BSD-3-Clause */
#include "client_status.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char *const state_names[] = {
	[CLIENT_ENABLED] = "Enabled",   [CLIENT_LINK_DOWN] = "LinkDown", [CLIENT_ESTABLISHED] = "Established",
	[CLIENT_LINK_UP] = "LinkUp",    [CLIENT_DISABLED] = "Disabled",
};

const char *client_state_name(enum client_state s)
{
	return (unsigned int)s < sizeof(state_names) / sizeof(state_names[0]) ? state_names[s] : "?";
}

int client_status_save(const char *path, const struct client_status *s)
{
	char tmp[4096];
	json_t *o;
	int rc;

	o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:i, s:i, s:s, s:I, s:I, s:s, s:s}", "state",
		      client_state_name(s->state), "server", s->server, "via", s->via, "transport", s->transport,
		      "address", s->address, "reason", s->reason, "up_bytes", (json_int_t)s->up_bytes, "up_packets",
		      (json_int_t)s->up_packets, "down_bytes", (json_int_t)s->down_bytes, "down_packets",
		      (json_int_t)s->down_packets, "since", (json_int_t)s->since, "next_attempt",
		      (json_int_t)s->next_attempt, "link_ups", (int)s->link_ups, "pid", s->pid, "router", s->router,
		      "ras_ignored", (json_int_t)s->ras_ignored, "probes_sent", (json_int_t)s->probes_sent, "dns", s->dns,
		      "routes", s->routes);
	if (o == NULL) {
		errno = ENOMEM;
		return -1;
	}
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp)) {
		json_decref(o);
		errno = ENAMETOOLONG;
		return -1;
	}
	rc = json_dump_file(o, tmp, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(o);
	if (rc != 0)
		return -1;
	return rename(tmp, path);
}

static void copy_text(char *out, const char *in)
{
	snprintf(out, CLIENT_STATUS_TEXT_MAX_BYTES, "%s", in ? in : "");
}

int client_status_load(const char *path, struct client_status *s, char *why, size_t why_len)
{
	const char *state = NULL, *server = NULL, *via = NULL, *transport = NULL, *address = NULL, *reason = NULL;
	const char *router = NULL, *dns = NULL, *routes = NULL;
	json_int_t up_bytes = 0, up_packets = 0, down_bytes = 0, down_packets = 0, since = 0, next = 0;
	json_int_t ras_ignored = 0, probes_sent = 0;
	int link_ups = 0, pid = 0;
	json_error_t err;
	json_t *o;
	unsigned int i;

	o = json_load_file(path, 0, &err);
	if (o == NULL) {
		snprintf(why, why_len, "%s:%d:%d: %s", path, err.line, err.column, err.text);
		return -1;
	}
	/* The last five are optional: a status file written by an older client still reads. */
	if (json_unpack_ex(o, &err, 0,
			   "{s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:i, s:i, s?s, s?I, s?I, s?s, s?s}",
			   "state", &state, "server", &server, "via", &via, "transport", &transport, "address",
			   &address, "reason", &reason, "up_bytes", &up_bytes, "up_packets", &up_packets,
			   "down_bytes", &down_bytes, "down_packets", &down_packets, "since", &since, "next_attempt",
			   &next, "link_ups", &link_ups, "pid", &pid, "router", &router, "ras_ignored", &ras_ignored,
			   "probes_sent", &probes_sent, "dns", &dns, "routes", &routes) != 0) {
		snprintf(why, why_len, "%s: not a client status: %s", path, err.text);
		json_decref(o);
		return -1;
	}
	memset(s, 0, sizeof(*s));
	for (i = 0; i < sizeof(state_names) / sizeof(state_names[0]); i++)
		if (strcmp(state, state_names[i]) == 0)
			break;
	if (i == sizeof(state_names) / sizeof(state_names[0])) {
		snprintf(why, why_len, "%s: unknown state \"%s\"", path, state);
		json_decref(o);
		return -1;
	}
	s->state = (enum client_state)i;
	copy_text(s->server, server);
	copy_text(s->via, via);
	copy_text(s->transport, transport);
	copy_text(s->address, address);
	copy_text(s->reason, reason);
	copy_text(s->router, router);
	copy_text(s->dns, dns);
	copy_text(s->routes, routes);
	s->ras_ignored = (uint64_t)ras_ignored;
	s->probes_sent = (uint64_t)probes_sent;
	s->up_bytes = (uint64_t)up_bytes;
	s->up_packets = (uint64_t)up_packets;
	s->down_bytes = (uint64_t)down_bytes;
	s->down_packets = (uint64_t)down_packets;
	s->since = since;
	s->next_attempt = next;
	s->link_ups = (unsigned int)link_ups;
	s->pid = pid;
	json_decref(o);
	return 0;
}

/* "42 s", "3 min 5 s", "2 h 1 min". */
static void duration(char *out, size_t len, int64_t seconds)
{
	if (seconds < 0)
		seconds = 0;
	if (seconds < 60)
		snprintf(out, len, "%lld s", (long long)seconds);
	else if (seconds < 3600)
		snprintf(out, len, "%lld min %lld s", (long long)(seconds / 60), (long long)(seconds % 60));
	else
		snprintf(out, len, "%lld h %lld min", (long long)(seconds / 3600), (long long)(seconds % 3600 / 60));
}

void client_status_print(FILE *f, const struct client_status *s, time_t now, int running)
{
	char d[64];

	duration(d, sizeof(d), (int64_t)now - s->since);
	if (running || s->state == CLIENT_DISABLED)
		fprintf(f, "state:      %s, for %s\n", client_state_name(s->state), d);
	else
		fprintf(f, "state:      not running (process %d is gone; it was %s)\n", s->pid, client_state_name(s->state));
	fprintf(f, "server:     %s\n", s->server);
	if (s->state == CLIENT_ESTABLISHED || s->state == CLIENT_LINK_UP) {
		fprintf(f, "via:        %s\n", s->via);
		fprintf(f, "transport:  %s\n", s->transport);
	}
	if (s->state == CLIENT_LINK_UP)
		fprintf(f, "address:    %s\n", s->address[0] ? s->address : "(none yet: waiting for the router's advertisement)");
	fprintf(f, "traffic:    %llu bytes (%llu packets) up, %llu bytes (%llu packets) down\n",
		(unsigned long long)s->up_bytes, (unsigned long long)s->up_packets, (unsigned long long)s->down_bytes,
		(unsigned long long)s->down_packets);
	if (s->router[0] || s->ras_ignored)
		fprintf(f, "router:     %s; %llu RAs from others ignored\n", s->router[0] ? s->router : "(none yet)",
			(unsigned long long)s->ras_ignored);
	if (s->dns[0])
		fprintf(f, "dns:        %s\n", s->dns);
	if (s->routes[0])
		fprintf(f, "routes:     %s\n", s->routes);
	if (s->probes_sent)
		fprintf(f, "liveness:   %llu probes sent to the router while the link was quiet\n",
			(unsigned long long)s->probes_sent);
	fprintf(f, "link ups:   %u\n", s->link_ups);
	if (s->reason[0])
		fprintf(f, "%s %s\n", s->state == CLIENT_LINK_UP ? "last fault:" : "why:       ", s->reason);
	if (s->state == CLIENT_LINK_DOWN && s->next_attempt && running) {
		duration(d, sizeof(d), s->next_attempt - (int64_t)now);
		fprintf(f, "next try:   in %s\n", d);
	}
}
