/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_CONTROL_PROTOCOL_H
#define IPHTTPS_CONTROL_PROTOCOL_H

/*
 * The control socket's protocol: the one definition iphttpsd (server) and
 * iphttpsctl (client) share. An AF_UNIX stream socket (control.socket in
 * the config); one request per connection:
 *
 *   request   one JSON object on one line, at most CONTROL_REQUEST_MAX_BYTES:
 *               {"command": "show"}              {"command": "show", "section": "config"}
 *               {"command": "clients"}           (each optional, all that are given must hold:)
 *               {"command": "clients", "address": "2001:db8:c1::5", "subject": "CN=pc1", "state": "link_up",
 *                "limit": 100}
 *               {"command": "clients", "format": "table"}  (the rows as one text: iphttpsctl's table)
 *               {"command": "disconnect", "target": "2001:db8:c1::5" | "12345"}
 *               {"command": "disconnect", "subject": "CN=stolen-laptop.corp.example"}
 *               {"command": "log-level"}         {"command": "log-level", "level": "debug"}
 *               {"command": "reload"}            {"command": "reload", "file": "/etc/iphttps/new.yaml"}
 *               {"command": "auth-mode", "mode": "certificates" | "none"}
 *               {"command": "link", "enable": true | false}
 *               {"command": "shutdown"}          {"command": "shutdown", "drain_seconds": 30}
 *               {"command": "monitor"}
 *   response  one JSON object, then the server closes:
 *               {"ok": true, "result": {...}}
 *               {"ok": false, "error": "what was wrong, naming the bad input"}
 *             except `monitor`: after {"ok": true, ...} one JSON event per line
 *             ({"event": "connect"|"disconnect"|"reload"|..., "time": ...})
 *             until the client closes;
 *             and `clients` with "format": "table": {"ok": true, "result":
 *             {"count": N, "table_bytes": B}} and its newline, then exactly B
 *             bytes of the table's text, raw (100,000 rows are 16 MB: as a
 *             JSON string their escaping and parsing took 0.7 s of the 1.3).
 *
 * A request that is not JSON, is too long, names an unknown command, lacks
 * an argument or carries one the command does not take, is answered with
 * ok=false and changes nothing. The JSON is read and written with jansson.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "appliance_limits.h"

enum control_protocol_limits {
	CONTROL_REQUEST_MAX_BYTES = 4096,
	/* A client has this long to send its request and read the answer. */
	CONTROL_EXCHANGE_TIMEOUT_MS = 5000,
	CONTROL_MAX_CONNECTIONS = 16, /* served at once; a new one pushes out the oldest that sent nothing yet */
	CONTROL_MAX_MONITORS = 8,     /* of them, `monitor` streams: the others stay for commands */
	CONTROL_DRAIN_MAX_SECONDS = 86400,
	CONTROL_CLIENTS_LIMIT_MAX = 10000000,
	CONTROL_MONITOR_BUFFER_BYTES = 1 << 20, /* events waiting for a slow monitor; more are lost (and told) */
};

/* The socket when the config names none and iphttpsctl is given none. */
#define CONTROL_SOCKET_DEFAULT "/run/iphttps/iphttpsd.sock"

/* Every command: its name on the wire and on iphttpsctl's command line. */
#define CONTROL_COMMANDS(X)                                                         \
	X(CONTROL_SHOW, "show", "state, listeners, load, rates, drops, certificates") \
	X(CONTROL_CLIENTS, "clients", "every session: addresses, worker, uptime, bytes, TLS") \
	X(CONTROL_DISCONNECT, "disconnect", "end the sessions of one address or id")  \
	X(CONTROL_RELOAD, "reload", "re-read the config (or another file) and apply it live") \
	X(CONTROL_AUTH_MODE, "auth-mode", "change the authentication mode; disconnects everyone") \
	X(CONTROL_LINK, "link", "enable or disable the IP-HTTPS link")                 \
	X(CONTROL_SHUTDOWN, "shutdown", "stop the appliance, after a drain if asked") \
	X(CONTROL_MONITOR, "monitor", "stream events: connect, disconnect (with reason), refused, reload, auth-mode, link") \
	X(CONTROL_LOG_LEVEL, "log-level", "the log level in force, or set it until the next reload")

enum control_command {
#define CONTROL_ENUM(id, name, help) id,
	CONTROL_COMMANDS(CONTROL_ENUM)
#undef CONTROL_ENUM
	CONTROL_COMMAND_COUNT
};

/* A request, parsed and checked. */
struct control_request {
	enum control_command command;
	char target[64];                       /* disconnect: an address or a session id */
	char address[64];                      /* clients: an inner or outer address */
	char subject[256];                     /* clients, disconnect: a certificate subject, exactly */
	char state[16];                        /* clients: a session state ("link_up") */
	uint32_t limit;                        /* clients: at most this many (0: all) */
	bool table;                            /* clients: the table's text after the reply, instead of objects */
	char level[16];                        /* log-level: empty = only say it */
	bool show_config;                      /* show: the configuration in force instead */
	char file[CONFIG_PATH_MAX_BYTES];      /* reload: empty = the file the daemon runs from */
	bool auth_certificates;                /* auth-mode */
	bool enable;                           /* link */
	uint32_t drain_seconds;                /* shutdown */
};

/** The wire name of a command. */
const char *control_command_name(enum control_command command);

/**
 * Parse and check one request line (len bytes, no terminator needed).
 * @return 0, or -1 with the reason in err (which names the bad input).
 */
int control_request_parse(const char *text, size_t len, struct control_request *req, char *err, size_t err_len);

/**
 * The request as one JSON line ending in "\n", malloc'd (the caller frees).
 * @return NULL when memory runs out.
 */
char *control_request_format(const struct control_request *req);

#endif
