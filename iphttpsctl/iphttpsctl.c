/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * iphttpsctl: the operator's command line, in the manner of wg. Commands
 * come from one table that drives dispatch and usage; a unique prefix of a
 * command is accepted. `check FILE` works without a daemon; every other
 * command is one request on iphttpsd's control socket
 * (include/control_protocol.h). Read commands print for people, or the
 * daemon's JSON with --json; errors echo the bad input and exit non-zero.
 */
#include <errno.h>
#include <stdbool.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <jansson.h>

#include "version.h"
#include "appliance_config.h"
#include "control_protocol.h"
#include "human_units.h"
#include "ticket_key_file.h"

enum { CTL_REPLY_TIMEOUT_S = 60 }; /* an auth-mode change of 10,000 sessions answers well within it */

struct options {
	const char *socket;
	bool json;
};

struct command {
	const char *name;
	const char *args;
	int (*run)(const struct options *o, int argc, char **argv);
	const char *help;
};

static int cmd_show(const struct options *o, int argc, char **argv);
static int cmd_clients(const struct options *o, int argc, char **argv);
static int cmd_disconnect(const struct options *o, int argc, char **argv);
static int cmd_reload(const struct options *o, int argc, char **argv);
static int cmd_auth_mode(const struct options *o, int argc, char **argv);
static int cmd_link(const struct options *o, int argc, char **argv);
static int cmd_shutdown(const struct options *o, int argc, char **argv);
static int cmd_monitor(const struct options *o, int argc, char **argv);
static int cmd_check(const struct options *o, int argc, char **argv);
static int cmd_ticket_keys(const struct options *o, int argc, char **argv);
static int cmd_log_level(const struct options *o, int argc, char **argv);
static int cmd_help(const struct options *o, int argc, char **argv);

static const struct command commands[] = {
	{ "show", "[config]", cmd_show, "state, auth mode, listeners, load, sessions, rates, drops, certificates "
					 "(default); config: the configuration in force, every key" },
	{ "clients", "[FILTERS]", cmd_clients, "sessions: id, addresses, outer address, worker, uptime, bytes, TLS; "
					       "--address A, --subject S, --state S, --limit N" },
	{ "disconnect", "ADDR|ID|--subject S", cmd_disconnect, "end the sessions of a client address, outer address, "
							    "id, or certificate subject" },
	{ "log-level", "[LEVEL]", cmd_log_level, "say the log level, or set error|warning|info|debug until the next reload" },
	{ "reload", "[FILE]", cmd_reload, "re-read the config (or FILE) and apply it without a restart" },
	{ "auth-mode", "certificates|none", cmd_auth_mode, "change the authentication mode; disconnects every client" },
	{ "link", "enable|disable", cmd_link, "disable: disconnect everyone, accept no one; enable: accept again" },
	{ "shutdown", "[--drain SECONDS]", cmd_shutdown, "disconnect everyone and stop (after a drain if asked)" },
	{ "monitor", "", cmd_monitor, "print events as they happen: connect, disconnect (and why), refused (and why), reload, ..." },
	{ "check", "FILE", cmd_check, "validate a config file; print every error as file:line:col: message" },
	{ "ticket-keys", "new|rotate FILE", cmd_ticket_keys, "make a session-ticket key file (tls.ticket_keys_file), "
							  "or rotate one: previous <- current <- next <- a new key" },
	{ "help", "", cmd_help, "show this help" },
};

#define COMMAND_COUNT (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *out)
{
	fprintf(out, "usage: iphttpsctl [-s SOCKET] [--json] [COMMAND [ARGS]]\n\n"
		     "  -s, --socket PATH  iphttpsd's control socket (default %s)\n"
		     "      --json         print the daemon's answer as JSON\n"
		     "      --version      print the version and exit\n\ncommands:\n",
		CONTROL_SOCKET_DEFAULT);
	for (size_t i = 0; i < COMMAND_COUNT; i++)
		fprintf(out, "  %-10s %-20s %s\n", commands[i].name, commands[i].args, commands[i].help);
}

static int cmd_help(const struct options *o, int argc, char **argv)
{
	(void)o, (void)argc, (void)argv;
	usage(stdout);
	return 0;
}

/* Connect to the daemon and send the request. @return the socket, or -1 (said why on stderr). */
static int send_request(const struct options *o, const struct control_request *req)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	char *line = control_request_format(req);
	int fd = -1;

	if (!line)
		return -1;
	if (strlen(o->socket) >= sizeof(addr.sun_path)) {
		fprintf(stderr, "iphttpsctl: socket path '%s' is too long\n", o->socket);
		goto fail;
	}
	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", o->socket);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr)) != 0) {
		fprintf(stderr, "iphttpsctl: cannot connect to %s: %s (is iphttpsd running? -s names its socket)\n",
			o->socket, strerror(errno));
		goto fail;
	}
	if (write(fd, line, strlen(line)) != (ssize_t)strlen(line)) {
		fprintf(stderr, "iphttpsctl: %s: cannot send the request: %s\n", o->socket, strerror(errno));
		goto fail;
	}
	free(line);
	return fd;
fail:
	if (fd >= 0)
		close(fd);
	free(line);
	return -1;
}

/* A reply naming table_bytes: the bytes after its line are the table; kept as result.table (unchecked, unparsed). */
static int attach_table(json_t *reply, const char *rest, size_t rest_len)
{
	json_t *result = json_object_get(reply, "result");
	json_t *bytes = json_object_get(result, "table_bytes");

	if (!bytes)
		return 0;
	if (rest_len && rest[0] == '\n')
		rest++, rest_len--;
	if (!json_is_integer(bytes) || (json_int_t)rest_len != json_integer_value(bytes))
		return -1;
	return json_object_set_new(result, "table", json_stringn_nocheck(rest, rest_len));
}

/* Send one request, read the whole answer. @return the reply object, or NULL (said why on stderr). */
static json_t *exchange(const struct options *o, const struct control_request *req)
{
	struct timeval timeout = { .tv_sec = CTL_REPLY_TIMEOUT_S };
	char *buf = NULL;
	size_t len = 0, cap = 0;
	json_error_t jerr;
	json_t *reply = NULL;
	int fd = send_request(o, req);

	if (fd < 0)
		return NULL;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
	for (;;) {
		ssize_t n;

		if (cap - len < 65536) {
			char *more = realloc(buf, cap + 262144);

			if (!more)
				goto out;
			buf = more;
			cap += 262144;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			fprintf(stderr, "iphttpsctl: %s: no answer: %s\n", o->socket, strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	/* One JSON object; for a table, its text follows raw (control_protocol.h). */
	reply = json_loadb(buf, len, JSON_DISABLE_EOF_CHECK, &jerr);
	if (!json_is_object(reply)) {
		fprintf(stderr, "iphttpsctl: %s: the answer is not a JSON object: %s\n", o->socket, jerr.text);
		json_decref(reply);
		reply = NULL;
	} else if (attach_table(reply, buf + jerr.position, len - jerr.position) != 0) {
		fprintf(stderr, "iphttpsctl: %s: the table after the answer is not as long as it says\n", o->socket);
		json_decref(reply);
		reply = NULL;
	}
out:
	close(fd);
	free(buf);
	return reply;
}

/* Run a request; print the error, or hand the result to print (or print JSON). @return exit status. */
static int request(const struct options *o, const struct control_request *req, void (*print)(json_t *result))
{
	json_t *reply = exchange(o, req), *result;
	int rc = 1;

	if (!reply)
		return 1;
	if (!json_is_true(json_object_get(reply, "ok"))) {
		const char *message = json_string_value(json_object_get(reply, "error"));

		fprintf(stderr, "iphttpsctl: %s: %s\n", control_command_name(req->command), message ? message : "failed");
		if (o->json)
			json_dumpf(reply, stdout, JSON_INDENT(2)), putchar('\n');
		goto out;
	}
	result = json_object_get(reply, "result");
	if (o->json) {
		json_dumpf(result, stdout, JSON_INDENT(2));
		putchar('\n');
	} else if (print) {
		print(result);
	}
	rc = 0;
out:
	json_decref(reply);
	return rc;
}

/* ---- printing for people ---- */

static const char *str(json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));

	return s ? s : "";
}

static long long num(json_t *obj, const char *key)
{
	return json_integer_value(json_object_get(obj, key));
}

static double real(json_t *obj, const char *key)
{
	return json_number_value(json_object_get(obj, key));
}

static void bits(char *out, size_t size, double b)
{
	if (b >= 1e9)
		snprintf(out, size, "%.2f Gbit/s", b / 1e9);
	else if (b >= 1e6)
		snprintf(out, size, "%.2f Mbit/s", b / 1e6);
	else
		snprintf(out, size, "%.1f kbit/s", b / 1e3);
}

static void print_date(const char *label, json_t *d)
{
	if (!json_is_object(d))
		return;
	printf("  %-12s %s, %s %s (%lld days)%s\n", label, str(d, "subject"),
	       strcmp(label, "server") && strcmp(label, "client CA") ? "next update" : "expires", str(d, "expires"), num(d, "days_left"),
	       num(d, "days_left") < 0 ? "  << EXPIRED: renew it now" : num(d, "days_left") < 30 ? "  << renew" : "");
}

static void print_show(json_t *r)
{
	json_t *sessions = json_object_get(r, "sessions"), *rates = json_object_get(r, "rates"), *v;
	json_t *certs = json_object_get(r, "certificates"), *drops = json_object_get(r, "drops");
	const char *key;
	char up[32], rx[32], tx[32];
	size_t i;

	human_duration(up, sizeof(up), num(r, "uptime_s"));
	printf("version:        %s\n", str(r, "version"));
	printf("state:          %s\n", str(r, "state"));
	printf("authentication: %s\n", str(r, "authentication"));
	printf("config:         %s (%lld reload%s)\n", str(r, "config"), num(r, "reloads"),
	       num(r, "reloads") == 1 ? "" : "s");
	printf("uptime:         %s\n", up);
	printf("listeners:     ");
	json_array_foreach(json_object_get(r, "listeners"), i, v)
		printf(" %lld/%s%s%s", num(v, "port"), str(v, "protocol"),
		       strcmp(str(v, "proxy_protocol"), "none") ? " proxy-" : "",
		       strcmp(str(v, "proxy_protocol"), "none") ? str(v, "proxy_protocol") : "");
	printf("\nsessions:       %lld open, %lld clients (max %lld)\n", num(sessions, "open"),
	       num(sessions, "clients"), num(sessions, "max_clients"));
	bits(rx, sizeof(rx), real(rates, "rx_bits_per_s"));
	bits(tx, sizeof(tx), real(rates, "tx_bits_per_s"));
	printf("rates:          %.1f handshakes/s; from clients %s, to clients %s; ports rx %.0f tx %.0f packets/s\n",
	       real(rates, "handshakes_per_s"), rx, tx, real(rates, "rx_packets_per_s"),
	       real(rates, "tx_packets_per_s"));
	printf("workers:\n");
	json_array_foreach(json_object_get(r, "workers"), i, v)
		printf("  worker %lld (lcore %lld): %5.1f%% busy, %lld sessions\n", num(v, "id"), num(v, "lcore"),
		       real(v, "busy_percent"), num(v, "sessions"));
	printf("certificates:\n");
	print_date("server", json_object_get(certs, "server"));
	print_date("client CA", json_object_get(certs, "client_ca"));
	print_date("client CRL", json_object_get(certs, "client_crl"));
	print_date("OCSP staple", json_object_get(certs, "ocsp_response"));
	printf("drops:%s\n", json_object_size(drops) ? "" : "          none");
	json_object_foreach(drops, key, v)
		printf("  %-40s %" JSON_INTEGER_FORMAT "\n", key, json_integer_value(v));
}

/* The daemon renders the table (control/clients_table.c): parsing 100,000
 * sessions' JSON here took longer than the command may. */
static void print_clients(json_t *r)
{
	fputs(str(r, "table"), stdout);
}

static void print_disconnect(json_t *r)
{
	printf("%lld session(s) disconnected\n", num(r, "disconnected"));
}

static void print_reload(json_t *r)
{
	json_t *v;
	size_t i;

	printf("%s: applied; authentication %s", str(r, "file"), str(r, "authentication"));
	if (json_array_size(json_object_get(r, "changed"))) {
		printf("; changed:");
		json_array_foreach(json_object_get(r, "changed"), i, v)
			printf(" %s", json_string_value(v));
	} else {
		printf("; no setting changed (TLS files re-read)");
	}
	printf("\n");
	if (num(r, "disconnected"))
		printf("%lld session(s) disconnected by the authentication-mode change\n", num(r, "disconnected"));
}

static void print_auth_mode(json_t *r)
{
	if (json_is_false(json_object_get(r, "changed")))
		printf("authentication is already %s; nothing changed\n", str(r, "authentication"));
	else
		printf("authentication now %s; %lld session(s) disconnected\n", str(r, "authentication"),
		       num(r, "disconnected"));
}

static void print_link(json_t *r)
{
	printf("link %s", str(r, "link"));
	if (strcmp(str(r, "link"), "disabled") == 0)
		printf("; %lld session(s) disconnected; new connections are reset", num(r, "disconnected"));
	printf("\n");
}

static void print_shutdown(json_t *r)
{
	if (strcmp(str(r, "state"), "draining") == 0)
		printf("draining: no new clients; iphttpsd stops when the last leaves or in %lld s\n",
		       num(r, "drain_seconds"));
	else
		printf("iphttpsd is stopping\n");
}

/* ---- the commands ---- */

static int no_arguments(const char *name, int argc)
{
	if (argc == 1)
		return 0;
	fprintf(stderr, "iphttpsctl: %s takes no arguments\n", name);
	return 2;
}

static void print_config(json_t *r)
{
	printf("# the configuration in force (%s), every key with its value\n", str(r, "file"));
	json_dumpf(json_object_get(r, "config"), stdout, JSON_INDENT(2));
	putchar('\n');
}

static int cmd_show(const struct options *o, int argc, char **argv)
{
	struct control_request req = { .command = CONTROL_SHOW };

	if (argc == 2 && strcmp(argv[1], "config") == 0) {
		req.show_config = true;
		return request(o, &req, print_config);
	}
	(void)argv;
	return no_arguments("show", argc) ?: request(o, &req, print_show);
}

/* "--NAME VALUE" into buf (size bytes). @return 0, or 2 with the reason said. */
static int option_value(const char *command, int argc, char **argv, int *i, char *buf, size_t size)
{
	if (*i + 1 >= argc || !argv[*i + 1][0] || strlen(argv[*i + 1]) >= size) {
		fprintf(stderr, "iphttpsctl: %s %s needs a value of 1 to %zu characters\n", command, argv[*i], size - 1);
		return 2;
	}
	snprintf(buf, size, "%s", argv[++*i]);
	return 0;
}

static int cmd_clients(const struct options *o, int argc, char **argv)
{
	struct control_request req = { .command = CONTROL_CLIENTS };
	char limit[16];

	for (int i = 1; i < argc; i++) {
		int rc = 0;

		if (strcmp(argv[i], "--address") == 0)
			rc = option_value("clients", argc, argv, &i, req.address, sizeof(req.address));
		else if (strcmp(argv[i], "--subject") == 0)
			rc = option_value("clients", argc, argv, &i, req.subject, sizeof(req.subject));
		else if (strcmp(argv[i], "--state") == 0)
			rc = option_value("clients", argc, argv, &i, req.state, sizeof(req.state));
		else if (strcmp(argv[i], "--limit") == 0) {
			char *end;
			unsigned long v;

			rc = option_value("clients", argc, argv, &i, limit, sizeof(limit));
			errno = 0;
			v = rc ? 0 : strtoul(limit, &end, 10);
			if (!rc && (*end || errno || limit[0] == '-' || v < 1 || v > CONTROL_CLIENTS_LIMIT_MAX)) {
				fprintf(stderr, "iphttpsctl: clients --limit: '%s' is not a number from 1 to %d\n", limit,
					CONTROL_CLIENTS_LIMIT_MAX);
				rc = 2;
			}
			req.limit = (uint32_t)v;
		} else {
			fprintf(stderr, "iphttpsctl: clients: unknown option '%s' (--address, --subject, --state, --limit)\n",
				argv[i]);
			rc = 2;
		}
		if (rc)
			return rc;
	}
	req.table = !o->json; /* people get the daemon's table, scripts every field */
	return request(o, &req, print_clients);
}

static int cmd_disconnect(const struct options *o, int argc, char **argv)
{
	struct control_request req = { .command = CONTROL_DISCONNECT };

	if (argc == 3 && strcmp(argv[1], "--subject") == 0) {
		int i = 1;

		return option_value("disconnect", argc, argv, &i, req.subject, sizeof(req.subject)) ?:
			request(o, &req, print_disconnect);
	}
	if (argc != 2 || strlen(argv[1]) >= sizeof(req.target) || !argv[1][0]) {
		fprintf(stderr, "iphttpsctl: disconnect takes one ADDR or ID, or --subject SUBJECT%s%s%s\n",
			argc == 2 ? ", not '" : "", argc == 2 ? argv[1] : "", argc == 2 ? "'" : "");
		return 2;
	}
	snprintf(req.target, sizeof(req.target), "%s", argv[1]);
	return request(o, &req, print_disconnect);
}

static void print_log_level(json_t *r)
{
	if (*str(r, "was"))
		printf("log level %s (was %s)%s\n", str(r, "level"), str(r, "was"),
		       json_is_true(json_object_get(r, "until_reload")) ? " until the next reload" : "");
	else
		printf("log level %s%s (the file says %s)\n", str(r, "level"),
		       json_is_true(json_object_get(r, "until_reload")) ? ", until the next reload" : "", str(r, "file"));
}

static int cmd_log_level(const struct options *o, int argc, char **argv)
{
	struct control_request req = { .command = CONTROL_LOG_LEVEL };

	if (argc > 2 || (argc == 2 && strlen(argv[1]) >= sizeof(req.level))) {
		fprintf(stderr, "iphttpsctl: log-level takes nothing or one of error, warning, info, debug\n");
		return 2;
	}
	if (argc == 2)
		snprintf(req.level, sizeof(req.level), "%s", argv[1]);
	return request(o, &req, print_log_level);
}

static int cmd_reload(const struct options *o, int argc, char **argv)
{
	struct control_request req = { .command = CONTROL_RELOAD };
	char full[PATH_MAX];

	if (argc > 2) {
		fprintf(stderr, "iphttpsctl: reload takes at most one FILE\n");
		return 2;
	}
	if (argc == 2) {
		/* The daemon's working directory is not ours: send an absolute path. */
		if (!realpath(argv[1], full)) {
			fprintf(stderr, "iphttpsctl: reload: '%s': %s\n", argv[1], strerror(errno));
			return 1;
		}
		if (strlen(full) >= sizeof(req.file)) {
			fprintf(stderr, "iphttpsctl: reload: '%s': path too long\n", full);
			return 2;
		}
		snprintf(req.file, sizeof(req.file), "%s", full);
	}
	return request(o, &req, print_reload);
}

static int cmd_auth_mode(const struct options *o, int argc, char **argv)
{
	struct control_request req = { .command = CONTROL_AUTH_MODE };

	if (argc != 2 || (strcmp(argv[1], "certificates") != 0 && strcmp(argv[1], "none") != 0)) {
		fprintf(stderr, "iphttpsctl: auth-mode takes 'certificates' or 'none'%s%s%s\n",
			argc == 2 ? ", not '" : "", argc == 2 ? argv[1] : "", argc == 2 ? "'" : "");
		return 2;
	}
	req.auth_certificates = strcmp(argv[1], "certificates") == 0;
	return request(o, &req, print_auth_mode);
}

static int cmd_link(const struct options *o, int argc, char **argv)
{
	struct control_request req = { .command = CONTROL_LINK };

	if (argc != 2 || (strcmp(argv[1], "enable") != 0 && strcmp(argv[1], "disable") != 0)) {
		fprintf(stderr, "iphttpsctl: link takes 'enable' or 'disable'%s%s%s\n", argc == 2 ? ", not '" : "",
			argc == 2 ? argv[1] : "", argc == 2 ? "'" : "");
		return 2;
	}
	req.enable = strcmp(argv[1], "enable") == 0;
	return request(o, &req, print_link);
}

static int cmd_shutdown(const struct options *o, int argc, char **argv)
{
	struct control_request req = { .command = CONTROL_SHUTDOWN };
	char *end;
	unsigned long v;

	if (argc == 1)
		return request(o, &req, print_shutdown);
	if (argc != 3 || strcmp(argv[1], "--drain") != 0) {
		fprintf(stderr, "iphttpsctl: shutdown takes nothing or --drain SECONDS\n");
		return 2;
	}
	errno = 0;
	v = strtoul(argv[2], &end, 10);
	if (!argv[2][0] || *end || errno || argv[2][0] == '-' || v > CONTROL_DRAIN_MAX_SECONDS) {
		fprintf(stderr, "iphttpsctl: shutdown --drain: '%s' is not a number of seconds from 0 to %d\n", argv[2],
			CONTROL_DRAIN_MAX_SECONDS);
		return 2;
	}
	req.drain_seconds = (uint32_t)v;
	return request(o, &req, print_shutdown);
}

/* One event for people: its time, its kind, and what matters of it. */
static void print_event(json_t *e)
{
	const char *kind = str(e, "event");
	char rx[32], tx[32], up[32];

	printf("%s %-10s", str(e, "time"), kind);
	if (strcmp(kind, "connect") == 0) {
		printf(" id %lld from %s:%lld on worker %lld, %s %s", num(e, "id"), str(e, "outer_address"),
		       num(e, "outer_port"), num(e, "worker"), *str(e, "tls_version") ? str(e, "tls_version") : "plain",
		       str(e, "tls_suite"));
		if (*str(e, "certificate_subject"))
			printf(", certificate %s", str(e, "certificate_subject"));
	} else if (strcmp(kind, "disconnect") == 0) {
		json_t *addresses = json_object_get(e, "addresses");
		const char *last = json_string_value(json_array_get(addresses, json_array_size(addresses) - 1));

		human_bytes(rx, sizeof(rx), num(e, "rx_bytes"));
		human_bytes(tx, sizeof(tx), num(e, "tx_bytes"));
		human_duration(up, sizeof(up), (long long)real(e, "duration_s"));
		printf(" id %lld %s (%s:%lld): %s after %s, from client %s, to client %s", num(e, "id"),
		       last ? last : "-", str(e, "outer_address"), num(e, "outer_port"), str(e, "reason"), up, rx, tx);
	} else if (strcmp(kind, "refused") == 0) {
		printf(" %s:%lld on worker %lld: %s: %s", str(e, "outer_address"), num(e, "outer_port"), num(e, "worker"),
		       str(e, "reason"), str(e, "text"));
		if (*str(e, "certificate"))
			printf("; presented %s", str(e, "certificate"));
	} else if (strcmp(kind, "reload") == 0 || strcmp(kind, "auth_mode") == 0) {
		printf(" %s: authentication %s, %lld disconnected", str(e, "file"), str(e, "authentication"),
		       num(e, "disconnected"));
	} else if (strcmp(kind, "link") == 0) {
		printf(" %s, %lld disconnected", str(e, "state"), num(e, "disconnected"));
	} else if (strcmp(kind, "drain") == 0) {
		printf(" for at most %lld s", num(e, "drain_seconds"));
	} else if (strcmp(kind, "lost") == 0) {
		printf(" %lld events not shown: this monitor read too slowly", num(e, "count"));
	}
	printf("\n");
}

static int cmd_monitor(const struct options *o, int argc, char **argv)
{
	struct control_request req = { .command = CONTROL_MONITOR };
	FILE *in;
	char *line = NULL;
	size_t cap = 0;
	bool first = true;
	int fd;

	(void)argv;
	if (no_arguments("monitor", argc))
		return 2;
	fd = send_request(o, &req);
	if (fd < 0)
		return 1;
	in = fdopen(fd, "r");
	if (!in) {
		close(fd);
		return 1;
	}
	setvbuf(stdout, NULL, _IOLBF, 0); /* one event per line, as it comes */
	while (getline(&line, &cap, in) > 0) {
		json_error_t jerr;
		json_t *e = json_loads(line, 0, &jerr);

		if (!json_is_object(e)) {
			fprintf(stderr, "iphttpsctl: monitor: a line that is not JSON: %s\n", jerr.text);
			json_decref(e);
			continue;
		}
		if (first) { /* the answer to the request */
			first = false;
			if (!json_is_true(json_object_get(e, "ok"))) {
				fprintf(stderr, "iphttpsctl: monitor: %s\n", str(e, "error"));
				json_decref(e);
				fclose(in);
				free(line);
				return 1;
			}
		} else if (o->json) {
			fputs(line, stdout);
		} else {
			print_event(e);
		}
		json_decref(e);
	}
	fprintf(stderr, "iphttpsctl: monitor: iphttpsd closed the connection\n");
	fclose(in);
	free(line);
	return 0;
}

/*
 * The ticket key file, offline (no daemon needed): `new` writes three fresh
 * keys (refusing to replace a file, whose keys a cluster may be using);
 * `rotate` reads the file, drops its oldest key and appends a new one, and
 * writes it back in one rename. Each iphttpsd given the file reads it again
 * within a second: the key that was next now seals. In a cluster, rotate
 * one copy and give it to every node (or share the file).
 */
static int cmd_ticket_keys(const struct options *o, int argc, char **argv)
{
	struct ticket_key_bytes keys[TICKET_KEY_FILE_KEYS + 1];
	char err[1024];
	bool rotate;

	(void)o;
	if (argc != 3 || (strcmp(argv[1], "new") != 0 && strcmp(argv[1], "rotate") != 0)) {
		fprintf(stderr, "iphttpsctl: ticket-keys takes new FILE or rotate FILE\n");
		return 2;
	}
	rotate = strcmp(argv[1], "rotate") == 0;
	if (rotate) {
		if (ticket_key_file_read(argv[2], keys, err, sizeof(err)) != 0) {
			fprintf(stderr, "iphttpsctl: ticket-keys rotate: %s\n", err);
			return 1;
		}
		memmove(&keys[0], &keys[1], sizeof(keys[0]) * (TICKET_KEY_FILE_KEYS - 1));
		if (ticket_key_new(&keys[TICKET_KEY_FILE_KEYS - 1]) != 0)
			goto no_random;
	} else {
		if (access(argv[2], F_OK) == 0) {
			fprintf(stderr, "iphttpsctl: ticket-keys new: %s exists: its keys may be in use "
					"(rotate it, or remove it first)\n", argv[2]);
			return 1;
		}
		for (unsigned int i = 0; i < TICKET_KEY_FILE_KEYS; i++)
			if (ticket_key_new(&keys[i]) != 0)
				goto no_random;
	}
	if (ticket_key_file_write(argv[2], keys, TICKET_KEY_FILE_KEYS, err, sizeof(err)) != 0) {
		fprintf(stderr, "iphttpsctl: ticket-keys %s: %s\n", argv[1], err);
		return 1;
	}
	printf("%s: %s\n", argv[2], rotate ? "rotated: the key that was next seals new tickets once iphttpsd reads it"
					     : "three new keys (previous, current, next), mode 0600");
	return 0;
no_random:
	fprintf(stderr, "iphttpsctl: ticket-keys: the random generator failed\n");
	return 1;
}

static int cmd_check(const struct options *o, int argc, char **argv)
{
	static struct iphttps_config config;
	static struct config_errors errors;

	(void)o;
	if (argc != 2) {
		fprintf(stderr, "iphttpsctl: check takes one FILE\n");
		return 2;
	}
	if (config_load(argv[1], &config, &errors) == 0) {
		const char *warning = config_warning(&config);

		if (warning)
			fprintf(stderr, "%s: warning: %s\n", argv[1], warning);
		printf("%s: ok\n", argv[1]);
		return 0;
	}
	for (unsigned int i = 0; i < errors.count; i++)
		fprintf(stderr, "%s\n", errors.error[i].message);
	if (errors.dropped)
		fprintf(stderr, "%s: %u more errors not shown\n", argv[1], errors.dropped);
	return 1;
}

int main(int argc, char **argv)
{
	static const struct option long_options[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct options o = { .socket = CONTROL_SOCKET_DEFAULT };
	const struct command *match = NULL;
	char *show_argv[] = { (char *)"show", NULL };
	size_t len;
	int opt;

	/* Options come before the command ("+"): the command's own arguments may start with '-'. */
	while ((opt = getopt_long(argc, argv, "+s:h", long_options, NULL)) != -1) {
		switch (opt) {
		case 's': o.socket = optarg; break;
		case 'j': o.json = true; break;
		case 'h': usage(stdout); return 0;
		case 'V': printf("iphttpsctl %s\n", iphttps_version); return 0;
		default: usage(stderr); return 2;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0) {
		argc = 1;
		argv = show_argv; /* bare iphttpsctl = show, as bare wg */
	}
	/* --json may also follow the command, as operators type it. */
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--json") == 0) {
			o.json = true;
			memmove(&argv[i], &argv[i + 1], sizeof(*argv) * (size_t)(argc - i));
			argc--;
			i--;
		}
	len = strlen(argv[0]);
	for (size_t i = 0; i < COMMAND_COUNT; i++) {
		if (strcmp(commands[i].name, argv[0]) == 0) {
			match = &commands[i];
			break;
		}
		if (len && strncmp(commands[i].name, argv[0], len) == 0) {
			if (match) {
				fprintf(stderr, "iphttpsctl: '%s' is ambiguous: %s, %s\n", argv[0], match->name,
					commands[i].name);
				return 2;
			}
			match = &commands[i];
		}
	}
	if (!match) {
		fprintf(stderr, "iphttpsctl: unknown command '%s'\n", argv[0]);
		usage(stderr);
		return 2;
	}
	return match->run(&o, argc, argv);
}
