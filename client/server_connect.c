/* SPDX-License-Identifier: BSD-3-Clause */
#include "server_connect.h"

#include "client_request.h"
#include "http_status.h"
#include "proxy_auth.h"
#include "socks5.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/rand.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void say(char *why, size_t why_len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, why_len, fmt, ap);
	va_end(ap);
}

/* A TCP connection to host:port within timeout_ms, then blocking with that timeout on every read and write. */
static int tcp_connect(const char *host, const char *port, unsigned int timeout_ms, char *why, size_t why_len)
{
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *res, *ai;
	struct timeval tv = {.tv_sec = timeout_ms / 1000, .tv_usec = (timeout_ms % 1000) * 1000};
	int fd = -1, rc, one = 1;

	rc = getaddrinfo(host, port, &hints, &res);
	if (rc != 0) {
		say(why, why_len, "%s: %s", host, gai_strerror(rc));
		return -1;
	}
	say(why, why_len, "%s: no address", host);
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		struct pollfd p;
		int err = 0;
		socklen_t err_len = sizeof(err);

		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol);
		if (fd < 0)
			continue;
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
			if (errno != EINPROGRESS) {
				err = errno;
			} else {
				p = (struct pollfd){.fd = fd, .events = POLLOUT};
				rc = poll(&p, 1, (int)timeout_ms);
				if (rc == 0)
					err = ETIMEDOUT;
				else if (rc < 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &err_len) != 0)
					err = errno;
			}
		}
		if (err == 0)
			break;
		say(why, why_len, "connect to %s port %s: %s", host, port, strerror(err));
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0)
		return -1;
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return fd;
}

static int send_all(int fd, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	while (len > 0) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);

		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * A proxy's response head. Nothing may follow it before our ClientHello (the
 * server speaks TLS only when spoken to), so bytes after a 2xx head are an
 * error; after any other answer the connection is closed anyway. Bounded by
 * the deadline and by HTTP_STATUS_HEAD_MAX_BYTES.
 */
static int read_head(int fd, uint64_t deadline, struct http_status *st, char *why, size_t why_len)
{
	static char head[HTTP_STATUS_HEAD_MAX_BYTES];
	size_t have = 0;

	for (;;) {
		uint64_t now = now_ms();
		struct pollfd p = {.fd = fd, .events = POLLIN};
		ssize_t n;

		if (now >= deadline || poll(&p, 1, (int)(deadline - now)) == 0) {
			say(why, why_len, "the proxy did not answer in time");
			return -1;
		}
		n = recv(fd, head + have, sizeof(head) - have, 0);
		if (n == 0) {
			say(why, why_len, "the proxy closed the connection before its answer");
			return -1;
		}
		if (n < 0) {
			say(why, why_len, "reading the proxy's answer: %s", strerror(errno));
			return -1;
		}
		have += (size_t)n;
		if (!http_status_parse(head, have, st))
			continue;
		if (st->error != HTTP_STATUS_OK) {
			say(why, why_len, "the proxy's answer is malformed: %s", http_status_error_text(st->error));
			return -1;
		}
		if (st->code / 100 == 2 && have > st->head_bytes) {
			say(why, why_len, "the proxy sent bytes after its %u answer, before TLS began", st->code);
			return -1;
		}
		return 0;
	}
}

/* The strongest answer this client can give to the proxy's challenges: Digest, else Basic. */
static int proxy_credentials(const struct http_status *st, const struct proxy_url *proxy, const char *target,
			     char *out, size_t out_len)
{
	for (unsigned int i = 0; i < st->challenge_count; i++) {
		struct proxy_digest_challenge c;
		uint8_t raw[8];
		char cnonce[17];

		if (proxy_auth_parse_digest(st->challenges[i], &c) != 0)
			continue;
		if (RAND_bytes(raw, sizeof(raw)) != 1)
			return -1;
		for (unsigned int j = 0; j < sizeof(raw); j++)
			snprintf(cnonce + 2 * j, 3, "%02x", raw[j]);
		return proxy_auth_digest(&c, proxy->user, proxy->password, "CONNECT", target, cnonce, 1, out, out_len);
	}
	for (unsigned int i = 0; i < st->challenge_count; i++)
		if (strncasecmp(st->challenges[i], "Basic", 5) == 0)
			return proxy_auth_basic(proxy->user, proxy->password, out, out_len);
	return -1;
}

/* One CONNECT on a new connection to the proxy; st holds its answer. */
static int http_connect_once(const struct server_connect_config *cfg, const struct proxy_url *proxy,
			     const char *target, const char *authorization, struct http_status *st, char *why,
			     size_t why_len)
{
	char request[1024];
	int fd, n;

	fd = tcp_connect(proxy->host, proxy->port, cfg->timeout_ms, why, why_len);
	if (fd < 0)
		return -1;
	n = client_request_connect(request, sizeof(request), target, authorization);
	if (n < 0 || send_all(fd, request, (size_t)n) != 0) {
		say(why, why_len, "the CONNECT request could not be sent");
		close(fd);
		return -1;
	}
	if (read_head(fd, now_ms() + cfg->timeout_ms, st, why, why_len) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static int via_http_proxy(const struct server_connect_config *cfg, const struct proxy_url *proxy, char *why,
			  size_t why_len)
{
	static struct http_status st;
	char target[300], authorization[1024];
	int fd;

	snprintf(target, sizeof(target), strchr(cfg->host, ':') ? "[%s]:%s" : "%s:%s", cfg->host, cfg->port);
	fd = http_connect_once(cfg, proxy, target, NULL, &st, why, why_len);
	if (fd < 0)
		return -1;
	if (st.code == 407) {
		close(fd);
		if (proxy->user[0] == '\0') {
			say(why, why_len, "the proxy asks for credentials (407) and none were given");
			return -1;
		}
		if (proxy_credentials(&st, proxy, target, authorization, sizeof(authorization)) != 0) {
			say(why, why_len, "the proxy asks for credentials (407) in no scheme this client speaks "
					  "(Basic, Digest with MD5)");
			return -1;
		}
		fd = http_connect_once(cfg, proxy, target, authorization, &st, why, why_len);
		if (fd < 0)
			return -1;
		if (st.code == 407) {
			say(why, why_len, "the proxy refused the user name or password (407)");
			close(fd);
			return -1;
		}
	}
	if (st.code / 100 != 2) {
		say(why, why_len, "the proxy answered %u to CONNECT %s", st.code, target);
		close(fd);
		return -1;
	}
	return fd;
}

/* Read one SOCKS5 reply, parsed by parse, into buf; bounded by the socket timeout and the buffer. */
static enum socks5_result socks5_read(int fd, uint8_t *buf, size_t cap, enum socks5_result (*parse)(const uint8_t *,
											size_t, void *),
				      void *arg)
{
	size_t have = 0;

	while (have < cap) {
		ssize_t n = recv(fd, buf + have, cap - have, 0);
		enum socks5_result r;

		if (n <= 0)
			return SOCKS5_MALFORMED;
		have += (size_t)n;
		r = parse(buf, have, arg);
		if (r != SOCKS5_NEED_MORE)
			return r;
	}
	return SOCKS5_MALFORMED;
}

struct socks5_step {
	uint8_t value;
	size_t consumed;
};

static enum socks5_result parse_method(const uint8_t *in, size_t len, void *arg)
{
	struct socks5_step *s = arg;

	return socks5_parse_method(in, len, &s->value, &s->consumed);
}

static enum socks5_result parse_auth(const uint8_t *in, size_t len, void *arg)
{
	struct socks5_step *s = arg;

	return socks5_parse_auth(in, len, &s->consumed);
}

static enum socks5_result parse_connect(const uint8_t *in, size_t len, void *arg)
{
	struct socks5_step *s = arg;

	return socks5_parse_connect(in, len, &s->value, &s->consumed);
}

static int via_socks5(const struct server_connect_config *cfg, const struct proxy_url *proxy, char *why,
		      size_t why_len)
{
	uint8_t msg[SOCKS5_MESSAGE_MAX_BYTES], reply[4 + 1 + 255 + 2];
	struct socks5_step step = {0};
	enum socks5_result r;
	size_t n;
	int fd;

	fd = tcp_connect(proxy->host, proxy->port, cfg->timeout_ms, why, why_len);
	if (fd < 0)
		return -1;
	n = socks5_greeting(msg, proxy->user[0] != '\0');
	if (send_all(fd, msg, n) != 0 || (r = socks5_read(fd, reply, 2, parse_method, &step)) == SOCKS5_MALFORMED) {
		say(why, why_len, "the SOCKS server's answer to the greeting is not SOCKS5");
		goto fail;
	}
	if (r == SOCKS5_REFUSED) {
		say(why, why_len, proxy->user[0] ? "the SOCKS server accepts none of our methods"
						 : "the SOCKS server wants credentials and none were given");
		goto fail;
	}
	if (step.value == 2) {
		n = socks5_auth_request(msg, proxy->user, proxy->password);
		if (n == 0 || send_all(fd, msg, n) != 0 ||
		    (r = socks5_read(fd, reply, 2, parse_auth, &step)) == SOCKS5_MALFORMED) {
			say(why, why_len, "the SOCKS user/password exchange failed");
			goto fail;
		}
		if (r == SOCKS5_REFUSED) {
			say(why, why_len, "the SOCKS server refused the user name or password");
			goto fail;
		}
	}
	n = socks5_connect_request(msg, cfg->host, (uint16_t)atoi(cfg->port));
	if (n == 0 || send_all(fd, msg, n) != 0 ||
	    (r = socks5_read(fd, reply, sizeof(reply), parse_connect, &step)) == SOCKS5_MALFORMED) {
		say(why, why_len, "the SOCKS CONNECT exchange failed");
		goto fail;
	}
	if (r == SOCKS5_REFUSED) {
		say(why, why_len, "the SOCKS server could not connect: %s", socks5_reply_text(step.value));
		goto fail;
	}
	return fd;
fail:
	close(fd);
	return -1;
}

void server_way_describe(const struct server_way *w, char *out, size_t out_len)
{
	const char *v6 = strchr(w->proxy.host, ':');

	if (w->kind == WAY_DIRECT)
		snprintf(out, out_len, "direct");
	else
		snprintf(out, out_len, v6 ? "%s [%s]:%s" : "%s %s:%s", w->kind == WAY_SOCKS5 ? "socks5" : "http proxy",
			 w->proxy.host, w->proxy.port);
}

int server_connect(const struct server_connect_config *cfg, unsigned int *way, char *why, size_t why_len)
{
	size_t used = 0;

	why[0] = '\0';
	for (unsigned int k = 0; k < cfg->way_count; k++) {
		unsigned int i = (*way + k) % cfg->way_count;
		const struct server_way *w = &cfg->ways[i];
		char name[300], reason[SERVER_CONNECT_WHY_MAX_BYTES];
		int fd;

		if (w->kind == WAY_DIRECT)
			fd = tcp_connect(cfg->host, cfg->port, cfg->timeout_ms, reason, sizeof(reason));
		else if (w->kind == WAY_HTTP_PROXY)
			fd = via_http_proxy(cfg, &w->proxy, reason, sizeof(reason));
		else
			fd = via_socks5(cfg, &w->proxy, reason, sizeof(reason));
		if (fd >= 0) {
			*way = i;
			return fd;
		}
		server_way_describe(w, name, sizeof(name));
		if (used < why_len)
			used += (size_t)snprintf(why + used, why_len - used, "%s%s: %s", used ? "; " : "", name, reason);
	}
	return -1;
}
