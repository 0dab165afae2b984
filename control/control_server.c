/* SPDX-License-Identifier: BSD-3-Clause */
#include "control_server.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <jansson.h>

#include "appliance_config.h"
#include "appliance_state.h"
#include "control_commands.h"
#include "control_protocol.h"
#include "log.h"

struct control_connection {
	int fd; /* -1: free */
	uint64_t deadline_ms; /* the exchange's; a monitor has none */
	struct ucred peer;
	size_t in_len;
	char in[CONTROL_REQUEST_MAX_BYTES + 1];
	char *out; /* what waits to be written */
	size_t out_len, out_sent, out_cap;
	/* Answered: our side is shut, what the client still sends is read and
	 * dropped until it closes (closing on unread input would reset the
	 * connection, and the client could lose the answer). */
	bool answered;
	bool monitoring;   /* `monitor`: events are written to it until it closes */
	uint64_t lost;     /* events a slow monitor missed, told when it catches up */
};

static int listen_fd = -1;
static char socket_path[sizeof(((struct sockaddr_un *)0)->sun_path)];
static struct control_connection connections[CONTROL_MAX_CONNECTIONS];

/*
 * Make the directory the socket lives in (one level, as /run/iphttps), and
 * check that nobody else can replace what is in it: a real directory (not a
 * link) of ours, writable by no one else unless sticky (/tmp). Then the
 * socket's path names our socket from bind to unlink.
 */
static int make_parent(const char *path, char *err, size_t err_len)
{
	char dir[sizeof(socket_path)];
	char *slash;
	struct stat st;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == dir)
		snprintf(dir, sizeof(dir), "/");
	else
		*slash = '\0';
	if (slash && slash != dir && mkdir(dir, 0755) != 0 && errno != EEXIST) {
		snprintf(err, err_len, "control.socket: cannot create %s: %s", dir, strerror(errno));
		return -1;
	}
	if (lstat(dir, &st) != 0) {
		snprintf(err, err_len, "control.socket: %s: %s", dir, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		snprintf(err, err_len, "control.socket: %s is not a directory (a symbolic link?): the socket's directory "
			 "must be a real one", dir);
		return -1;
	}
	if (st.st_uid != geteuid() || ((st.st_mode & (S_IWGRP | S_IWOTH)) && !(st.st_mode & S_ISVTX))) {
		snprintf(err, err_len, "control.socket: %s (owner uid %u, mode %04o) is not iphttpsd's alone: another user "
			 "could replace the socket; use a directory of uid %u that only it can write to (/run/iphttps)",
			 dir, (unsigned int)st.st_uid, (unsigned int)(st.st_mode & 07777), (unsigned int)geteuid());
		return -1;
	}
	return 0;
}

/* Whether a daemon answers on path (then its socket is not ours to replace). */
static bool socket_in_use(const struct sockaddr_un *addr)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	bool live;

	if (fd < 0)
		return false;
	live = connect(fd, (const struct sockaddr *)addr, sizeof(*addr)) == 0;
	close(fd);
	return live;
}

/* Close the listening socket and remove its file. */
static void close_listener(void)
{
	if (listen_fd >= 0)
		close(listen_fd);
	if (socket_path[0])
		unlink(socket_path);
	listen_fd = -1;
	socket_path[0] = '\0';
}

int control_server_open(const struct config_control *control, char *err, size_t err_len)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	struct stat st;

	for (unsigned int i = 0; i < CONTROL_MAX_CONNECTIONS; i++)
		connections[i].fd = -1;
	if (strlen(control->socket) >= sizeof(addr.sun_path)) {
		snprintf(err, err_len, "control.socket: '%s' is too long for a socket path", control->socket);
		return -1;
	}
	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", control->socket);
	if (make_parent(control->socket, err, err_len) != 0)
		return -1;
	if (lstat(control->socket, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			snprintf(err, err_len, "control.socket: %s exists and is not a socket", control->socket);
			return -1;
		}
		if (socket_in_use(&addr)) {
			snprintf(err, err_len, "control.socket: %s is in use by a running iphttpsd", control->socket);
			return -1;
		}
		unlink(control->socket); /* left by a daemon that did not stop cleanly */
	}
	listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (listen_fd < 0) {
		snprintf(err, err_len, "control.socket: %s: %s", control->socket, strerror(errno));
		goto fail;
	}
	/* The mode is the socket's from its creation (the umask bind applies), and
	 * the group is set before listen(): no one connects before both hold. No
	 * chmod or chown by path after the fact, which would follow a link. */
	mode_t old_umask = umask(~control->socket_mode & 0777);
	int bound = bind(listen_fd, (struct sockaddr *)&addr, sizeof(addr));

	umask(old_umask);
	if (bound != 0) {
		snprintf(err, err_len, "control.socket: %s: %s", control->socket, strerror(errno));
		goto fail;
	}
	snprintf(socket_path, sizeof(socket_path), "%s", control->socket);
	if (control->socket_group[0]) {
		struct group *g = getgrnam(control->socket_group);

		if (!g || fchownat(AT_FDCWD, socket_path, (uid_t)-1, g->gr_gid, AT_SYMLINK_NOFOLLOW) != 0) {
			snprintf(err, err_len, "control.socket_group: '%s': %s", control->socket_group,
				 g ? strerror(errno) : "no such group (the package makes iphttps: systemd-sysusers)");
			goto fail;
		}
	}
	if (listen(listen_fd, 64) != 0) {
		snprintf(err, err_len, "control.socket: %s: listen: %s", control->socket, strerror(errno));
		goto fail;
	}
	return 0;
fail:
	close_listener();
	return -1;
}

static void drop(struct control_connection *c)
{
	close(c->fd);
	free(c->out);
	memset(c, 0, sizeof(*c));
	c->fd = -1;
}

static bool pending(const struct control_connection *c)
{
	return c->out_sent < c->out_len;
}

/* Queue len bytes of text, and a newline when newline is set, for the client. @return 0, or -1 when memory ran out. */
static int append_bytes(struct control_connection *c, const char *text, size_t len, bool newline)
{
	if (c->out_sent == c->out_len)
		c->out_sent = c->out_len = 0;
	if (c->out_len + len + 1 > c->out_cap) {
		size_t cap = c->out_len + len + 1 + 4096;
		char *more = realloc(c->out, cap);

		if (!more)
			return -1;
		c->out = more;
		c->out_cap = cap;
	}
	memcpy(c->out + c->out_len, text, len);
	c->out_len += len;
	if (newline)
		c->out[c->out_len++] = '\n';
	return 0;
}

/* Queue text and a newline (a JSON line) for the client. @return 0, or -1 when memory ran out. */
static int append(struct control_connection *c, const char *text)
{
	return append_bytes(c, text, strlen(text), true);
}

static void respond(struct control_connection *c, json_t *reply)
{
	char *text = json_dumps(reply, JSON_COMPACT | JSON_REAL_PRECISION(10));

	json_decref(reply);
	if (!text || append(c, text) != 0)
		drop(c);
	free(text);
}

static void respond_error(struct control_connection *c, const char *message)
{
	respond(c, json_pack("{sbss}", "ok", 0, "error", message));
}

/* clients as a table: the reply line names the text's length, the text follows raw (control_protocol.h). */
static void respond_with_table(struct control_connection *c, json_t *result)
{
	json_t *table = json_incref(json_object_get(result, "table"));
	size_t len = json_string_length(table);

	if (!json_is_string(table)) {
		json_decref(result);
		respond_error(c, "the clients table was not rendered");
		return;
	}
	json_object_del(result, "table");
	json_object_set_new(result, "table_bytes", json_integer((json_int_t)len));
	respond(c, json_pack("{sbso}", "ok", 1, "result", result));
	if (c->fd >= 0 && append_bytes(c, json_string_value(table), len, false) != 0)
		drop(c);
	json_decref(table);
}

void control_server_publish(const char *line)
{
	for (unsigned int i = 0; i < CONTROL_MAX_CONNECTIONS; i++) {
		struct control_connection *c = &connections[i];

		if (c->fd < 0 || !c->monitoring)
			continue;
		/* A monitor that does not read loses events, not the appliance's memory. */
		if (c->out_len - c->out_sent + strlen(line) > CONTROL_MONITOR_BUFFER_BYTES) {
			c->lost++;
			continue;
		}
		if (c->lost && !pending(c)) {
			char note[96];

			snprintf(note, sizeof(note), "{\"event\":\"lost\",\"count\":%" PRIu64 "}", c->lost);
			append(c, note);
			c->lost = 0;
		}
		append(c, line);
	}
}

/* The `monitor` streams open now. */
static unsigned int monitors(void)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < CONTROL_MAX_CONNECTIONS; i++)
		n += connections[i].fd >= 0 && connections[i].monitoring;
	return n;
}

/* A whole request has come (or the client finished sending): run it. */
static void serve(struct control_connection *c)
{
	struct control_request req;
	char err[4096];
	json_t *result;
	size_t len = c->in_len;

	while (len && (c->in[len - 1] == '\n' || c->in[len - 1] == '\r'))
		len--;
	if (control_request_parse(c->in, len, &req, err, sizeof(err)) != 0) {
		log_info("control: request from pid %d uid %u refused: %s", (int)c->peer.pid, c->peer.uid, err);
		respond_error(c, err);
		return;
	}
	if (req.command != CONTROL_SHOW && req.command != CONTROL_CLIENTS)
		log_info("control: %s from pid %d uid %u", control_command_name(req.command), (int)c->peer.pid,
			 c->peer.uid);
	if (req.command == CONTROL_MONITOR && monitors() >= CONTROL_MAX_MONITORS) {
		snprintf(err, sizeof(err), "%d monitors are connected already; that is the most", CONTROL_MAX_MONITORS);
		respond_error(c, err);
		return;
	}
	result = control_commands_run(&req, c->peer.uid, err, sizeof(err));
	if (!result) {
		respond_error(c, err);
		return;
	}
	if (req.command == CONTROL_CLIENTS && req.table) {
		respond_with_table(c, result);
		return;
	}
	respond(c, json_pack("{sbso}", "ok", 1, "result", result));
	if (req.command == CONTROL_MONITOR && c->fd >= 0)
		c->monitoring = true; /* from here on it gets every event, with no deadline */
}

/* After the answer (or while monitoring): drop what comes until the client closes. */
static void discard_input(struct control_connection *c)
{
	ssize_t n = read(c->fd, c->in, sizeof(c->in));

	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
		drop(c);
}

static void on_readable(struct control_connection *c)
{
	ssize_t n = read(c->fd, c->in + c->in_len, sizeof(c->in) - c->in_len);
	char message[96];

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		if (n == 0 && c->in_len)
			serve(c); /* the client closed its side after the request */
		else
			drop(c);
		return;
	}
	c->in_len += (size_t)n;
	if (memchr(c->in + c->in_len - (size_t)n, '\n', (size_t)n)) {
		serve(c);
	} else if (c->in_len == sizeof(c->in)) {
		snprintf(message, sizeof(message), "request longer than %d bytes", CONTROL_REQUEST_MAX_BYTES);
		log_info("control: request from pid %d refused: %s", (int)c->peer.pid, message);
		respond_error(c, message);
	}
}

static void on_writable(struct control_connection *c)
{
	ssize_t n = write(c->fd, c->out + c->out_sent, c->out_len - c->out_sent);

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		drop(c);
		return;
	}
	c->out_sent += (size_t)n;
	if (!pending(c) && !c->monitoring) {
		c->answered = true;
		shutdown(c->fd, SHUT_WR);
	}
}

/*
 * A slot for a new connection: a free one, or else the one still waiting
 * for its request that has waited longest. So clients that connect and say
 * nothing cannot keep the operator out: each new connection pushes the
 * oldest silent one out. NULL when every slot is busy answering or
 * monitoring.
 */
static struct control_connection *slot_for_new(void)
{
	struct control_connection *oldest = NULL;

	for (unsigned int i = 0; i < CONTROL_MAX_CONNECTIONS; i++) {
		struct control_connection *c = &connections[i];

		if (c->fd < 0)
			return c;
		if (!c->monitoring && !c->answered && !pending(c) && (!oldest || c->deadline_ms < oldest->deadline_ms))
			oldest = c;
	}
	if (oldest) {
		log_debug("control: connection from pid %d closed before its request: a new one needs its slot",
			 (int)oldest->peer.pid);
		drop(oldest);
	}
	return oldest;
}

static void accept_new(uint64_t now_ms)
{
	for (unsigned int accepted = 0; accepted < CONTROL_MAX_CONNECTIONS; accepted++) {
		struct control_connection *c;
		socklen_t len;
		int fd = accept4(listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (fd < 0)
			return;
		c = slot_for_new();
		if (!c) {
			close(fd); /* every slot is answering or monitoring: the client may try again */
			continue;
		}
		len = sizeof(c->peer);
		c->fd = fd;
		if (c->fd < 0) {
			c->fd = -1;
			return;
		}
		if (getsockopt(c->fd, SOL_SOCKET, SO_PEERCRED, &c->peer, &len) != 0) {
			/* Unknown is nobody, never root. */
			c->peer.pid = 0;
			c->peer.uid = (uid_t)-1;
			c->peer.gid = (gid_t)-1;
		}
		c->deadline_ms = now_ms + CONTROL_EXCHANGE_TIMEOUT_MS;
		c->in_len = 0;
	}
}

void control_server_poll(unsigned int timeout_ms, int wake_fd)
{
	struct pollfd fds[CONTROL_MAX_CONNECTIONS + 2];
	struct control_connection *of[CONTROL_MAX_CONNECTIONS + 2];
	unsigned int n = 0;
	uint64_t now_ms;

	for (unsigned int i = 0; i < CONTROL_MAX_CONNECTIONS; i++) {
		struct control_connection *c = &connections[i];

		if (c->fd < 0)
			continue;
		/* POLLIN also while writing to a monitor: its end of stream ends it. */
		fds[n] = (struct pollfd){ .fd = c->fd,
					  .events = pending(c) ? (POLLOUT | (c->monitoring ? POLLIN : 0)) : POLLIN };
		of[n++] = c;
	}
	if (listen_fd >= 0) { /* even when full: a silent connection gives way (slot_for_new) */
		fds[n] = (struct pollfd){ .fd = listen_fd, .events = POLLIN };
		of[n++] = NULL;
	}
	if (wake_fd >= 0) {
		fds[n] = (struct pollfd){ .fd = wake_fd, .events = POLLIN };
		of[n++] = NULL;
	}
	if (poll(fds, n, (int)timeout_ms) <= 0 && n == 0)
		return;
	now_ms = appliance_now_ms();
	for (unsigned int i = 0; i < n; i++) {
		struct control_connection *c = of[i];

		if (!c) {
			if (fds[i].fd == listen_fd && fds[i].revents & POLLIN)
				accept_new(now_ms);
			continue;
		}
		if (fds[i].revents & (POLLERR | POLLNVAL)) {
			drop(c);
		} else if (c->answered || c->monitoring) {
			if (fds[i].revents & POLLOUT)
				on_writable(c);
			if (c->fd >= 0 && fds[i].revents & (POLLIN | POLLHUP))
				discard_input(c);
		} else if (fds[i].revents & (POLLIN | POLLHUP) && !pending(c)) {
			on_readable(c);
			if (c->fd >= 0 && pending(c))
				on_writable(c); /* most answers go out at once */
		} else if (fds[i].revents & (POLLOUT | POLLHUP)) {
			on_writable(c);
		}
		if (c->fd >= 0 && !c->monitoring && now_ms > c->deadline_ms) {
			log_info("control: connection from pid %d closed: no exchange within %d ms",
				 (int)c->peer.pid, CONTROL_EXCHANGE_TIMEOUT_MS);
			drop(c);
		}
	}
}

void control_server_close(void)
{
	for (unsigned int i = 0; i < CONTROL_MAX_CONNECTIONS; i++) {
		struct control_connection *c = &connections[i];
		struct timeval wait = { .tv_sec = 1 };

		if (c->fd < 0)
			continue;
		/* The last events (the stop's disconnects) reach the monitors: a second at most. */
		if (c->monitoring && pending(c) && fcntl(c->fd, F_SETFL, 0) == 0 &&
		    setsockopt(c->fd, SOL_SOCKET, SO_SNDTIMEO, &wait, sizeof(wait)) == 0)
			while (pending(c) && c->fd >= 0)
				on_writable(c);
		if (c->fd >= 0)
			drop(c);
	}
	close_listener();
}
