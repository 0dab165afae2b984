/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_CLIENT_STATUS_H
#define IPHTTPS_CLIENT_STATUS_H

/*
 * What the running client tells a person ([MS-IPHTTPS] 3.1.1 states): the
 * state, the server, the way and transport in use, the address, the DNS
 * servers and routes the link's RAs gave, bytes each way, and after a failure the reason in words and when the next attempt is
 * due. The client saves it as a small JSON file (jansson), replaced
 * atomically at every change and every second while LinkUp;
 * `iphttps-client status` loads and prints it. A file rather than a socket:
 * it still says why when the client has stopped.
 */

#include <stdint.h>
#include <stdio.h>
#include <time.h>

enum client_state { CLIENT_ENABLED, CLIENT_LINK_DOWN, CLIENT_ESTABLISHED, CLIENT_LINK_UP, CLIENT_DISABLED };

enum { CLIENT_STATUS_TEXT_MAX_BYTES = 512 };

struct client_status {
	enum client_state state;
	char server[CLIENT_STATUS_TEXT_MAX_BYTES];    /* "host port N" */
	char via[CLIENT_STATUS_TEXT_MAX_BYTES];       /* "direct", "http proxy host:port", "socks5 host:port" */
	char transport[CLIENT_STATUS_TEXT_MAX_BYTES]; /* "TLSv1.3 TLS_AES_128_GCM_SHA256" or "plain HTTP" */
	char address[CLIENT_STATUS_TEXT_MAX_BYTES];   /* the link's global IPv6 address, when it has one */
	char reason[CLIENT_STATUS_TEXT_MAX_BYTES];    /* why the last attempt failed or the link went down */
	char router[CLIENT_STATUS_TEXT_MAX_BYTES];    /* the router the link believes (its RA's source) */
	char dns[CLIENT_STATUS_TEXT_MAX_BYTES];       /* the RA's DNS servers and domains, and who took them */
	char routes[CLIENT_STATUS_TEXT_MAX_BYTES];    /* "default (full tunnel)", or the split tunnel's prefixes */
	uint64_t up_bytes, up_packets, down_bytes, down_packets;
	uint64_t ras_ignored;     /* RAs from other sources than the router (client/ra_policy.h) */
	uint64_t probes_sent;     /* liveness probes to the router (client/link_liveness.h) */
	int64_t since;        /* when this state began, seconds since the epoch */
	int64_t next_attempt; /* when the next attempt is due (LinkDown after a failure), or 0 */
	unsigned int link_ups;
	int pid;
};

/** "Enabled", "LinkDown", "Established", "LinkUp", "Disabled" (the specification's names). */
const char *client_state_name(enum client_state s);

/** Write s to path through a temporary file and rename. @return 0, or -1 with errno set. */
int client_status_save(const char *path, const struct client_status *s);

/** Read path into *s. @return 0, or -1 with why filled (the file, the JSON error and where). */
int client_status_load(const char *path, struct client_status *s, char *why, size_t why_len);

/** For a person: what is going on, times relative to now; running says whether the process lives. */
void client_status_print(FILE *f, const struct client_status *s, time_t now, int running);

#endif
