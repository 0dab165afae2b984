/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * iphttps_load: many IP-HTTPS clients in one process, for `make bench-scale`
 * and tests/netns/test_load_generator.sh. One thread, epoll, OpenSSL on the
 * kernel's TCP, every socket non-blocking.
 *
 *   iphttps_load [options] SERVER
 *     --port P            the server's port (443)
 *     --host NAME         SNI and Host header (gw.iphttps.test)
 *     --sessions N        how many clients (1000)
 *     --sources A/COUNT   client i connects from A + (i mod COUNT): many outer
 *                         addresses, so the appliance's per-source cap stays on
 *     --in-flight K       at most K clients between connect and LinkUp (200)
 *     --tls tls13|tls12-null
 *                         TLS 1.3 with AES-128-GCM and X25519 (the server's
 *                         certificate decides RSA or ECDSA), or TLS 1.2 with
 *                         NULL-SHA256 (RSA key transport: Windows 8 and later)
 *     --keepalive T       an echo request on each client every T s (30), as a
 *                         client's liveness check keeps its link
 *     --hold S            how long to hold them all up (10); SIGUSR1 (or SIGINT,
 *                         SIGTERM) ends the hold early, with its figures
 *     --again             after the hold, every client closes and comes back,
 *                         resuming its own session ticket (a storm)
 *     --reconnect         during a hold, a client the server closes (or resets)
 *                         comes back at once, resuming its ticket, and again a
 *                         second after each failed try, as a Windows client
 *                         retries a lost link (a cluster's node going)
 *     --ping ADDR         the echo requests go to ADDR (an intranet host, through
 *                         the appliance's router) instead of the router fe80::1
 *     --mark M            SO_MARK M on the first wave's sockets: a firewall
 *                         rule can then lose their FINs, as a cut link does
 *     --timeout S         a client not at LinkUp S after its connect fails (30)
 *     --up-timeout S      stop bringing clients up after S (900)
 *     --processes P       share the clients among P processes (default: as
 *                         few as the open-file limit allows, since a process
 *                         needs a descriptor per client); their figures are
 *                         merged, and SIGUSR1 to this one reaches them all
 *
 * A client comes up as a Windows client does: TCP, TLS, the POST and its 200,
 * a Router Solicitation from its link-local address, the Router Advertisement's
 * prefix, DAD for its address (answered by a defending NA: it picks another
 * interface identifier), then an echo request to the router (fe80::1); it is
 * at LinkUp when the first echo reply arrives. The client verifies no
 * certificate: it measures the appliance, and a chain check would only slow
 * the load down.
 *
 * Prints JSON lines: {"event": "up", ...} once every client is up or has
 * failed (time to bring them up, handshakes per second, failures by phase),
 * {"event": "hold", ...} at the hold's end (echo round trips p50/p99, losses,
 * clients the server closed, with --reconnect how many came back, resumed,
 * and the longest from a loss to LinkUp again; the clients up by their /64),
 * and with --again {"event": "again", ...} as for "up", with how many
 * resumed. Exits 0 when every client came up every time.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <math.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>

enum {
	PACKET_MAX = 1280 + 40, /* the link MTU, and a header beyond it: nothing larger is framed */
	ECHO_IDENT = 0x10ad,
};

enum phase { IDLE, CONNECTING, HANDSHAKE, REQUEST, SOLICITING, CLAIMING, UP, FAILED };
static const char *const phase_name[] = {"idle", "connect", "tls", "http", "router_solicitation",
					 "address", "up", "failed"};

struct client {
	int fd;
	uint8_t phase;
	bool pinged;       /* an echo request outstanding */
	uint16_t unanswered;   /* echo requests on this connection with no answer in a whole interval */
	uint8_t solicitations; /* Router Solicitations sent on this connection */
	uint16_t ping_seq;
	uint32_t index;        /* in this process's table */
	uint32_t id;           /* across the processes: the IID, the source, the words */
	double started, ping_sent, solicited, first_solicited;
	bool reconnecting;     /* lost during a hold, coming back (--reconnect) */
	bool resumed;          /* this connection's handshake resumed a ticket */
	bool in_keepalive;     /* in the keep-alive FIFO (once at most: it holds a slot per client) */
	double lost_at, retry_at;
	SSL *ssl;
	SSL_SESSION *ticket;   /* the last the server sent: the next connection resumes it */
	uint8_t iid[8];        /* the interface identifier: fe80::IID, PREFIX:IID */
	uint8_t prefix[8];
	uint16_t head_len;     /* bytes of the response head read so far */
	uint32_t head_tail;    /* its last four bytes: "\r\n\r\n" ends it */
	uint16_t partial_len;  /* bytes of a packet cut by a read */
	uint8_t *partial;      /* PACKET_MAX bytes, only while a packet is cut */
};

static struct {
	const char *host;
	int sessions, in_flight, source_count;
	double keepalive, hold, timeout, up_timeout;
	bool again, tls12_null, reconnect;
	bool ping_set;
	uint8_t ping_target[16]; /* --ping: where the echo requests go (the router, fe80::1, by default) */
	int family;
	int mark;      /* SO_MARK of the first wave's sockets (0: none) */
	bool marking;  /* this wave's */
	struct sockaddr_storage server, source;
	socklen_t server_len;
} opt = {.host = "gw.iphttps.test", .sessions = 1000, .in_flight = 200, .keepalive = 30, .hold = 10,
	 .timeout = 30, .up_timeout = 900};

static struct client *clients;
static SSL_CTX *ctx;
static int ep;
static volatile sig_atomic_t stop_hold;
static bool in_hold; /* a client lost now is the hold's (and comes back with --reconnect) */
static uint16_t run_salt; /* in the interface identifiers, so two runs never claim each other's addresses */

/* The round trips of a hold, in buckets 1% wide from 1 us (a process's
 * figures merge by adding them): RTT_BUCKETS reach past 100 s. */
enum { RTT_BUCKETS = 1900 };

/* What a process reports of a wave (bringing every client up, or back) and
 * of the hold after it, to the parent that merges them (one, or many: a
 * process holds at most as many clients as it may open descriptors). */
struct report {
	char event[8]; /* "up", "again" or "hold" */
	/* the wave */
	double start, first_handshake, last_handshake, last_up; /* CLOCK_MONOTONIC: the same in every process */
	double ra_wait_max; /* the longest from a client's first RS to its RA, seconds */
	int sessions, started, up, failed, handshakes, resumed, dad_conflicts, rs_retransmitted;
	int failed_in[FAILED];
	unsigned long tickets;
	char failure[160]; /* the first failure's words */
	/* the hold */
	double hold_seconds, rtt_ms_max, reconnect_max;
	int still_up, reconnected, reconnected_resumed, reconnect_failed;
	uint8_t prefix[4][8]; /* the /64s of the clients up at the hold's end, and how many each */
	int prefix_clients[4];
	/* lost: echoes unanswered on connections up to the hold's end; lost_on_closed: on
	 * those that closed during it (sent to a node just killed, say) */
	unsigned long pings, replies, lost, lost_on_closed, closed_by_server, unexpected_packets, ras;
	uint32_t rtt[RTT_BUCKETS];
};

static struct report wave, hold; /* this process's: the current wave, the current hold */

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- packets ---- */

static uint16_t checksum_icmp6(const uint8_t *ip)
{
	uint32_t plen = (uint32_t)(ip[4] << 8 | ip[5]), sum = plen + 58;

	for (int i = 8; i < 40; i += 2)
		sum += (uint32_t)(ip[i] << 8 | ip[i + 1]);
	for (uint32_t i = 0; i < plen; i += 2)
		sum += (uint32_t)(ip[40 + i] << 8 | (i + 1 < plen ? ip[40 + i + 1] : 0));
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* An ICMPv6 message of body_len bytes (type, code, checksum and the rest) from src to dst. */
static size_t icmp6(uint8_t *p, const uint8_t src[16], const uint8_t dst[16], uint8_t hop, uint8_t type,
		    size_t body_len)
{
	memset(p, 0, 40 + body_len);
	p[0] = 0x60;
	p[4] = (uint8_t)(body_len >> 8), p[5] = (uint8_t)body_len;
	p[6] = 58, p[7] = hop;
	memcpy(p + 8, src, 16);
	memcpy(p + 24, dst, 16);
	p[40] = type;
	return 40 + body_len;
}

static void seal(uint8_t *p)
{
	uint16_t c = checksum_icmp6(p);

	p[42] = (uint8_t)(c >> 8), p[43] = (uint8_t)c;
}

static const uint8_t all_routers[16] = {0xff, 0x02, [15] = 2};
static const uint8_t router[16] = {0xfe, 0x80, [15] = 1};

static void link_local(const struct client *c, uint8_t a[16])
{
	memset(a, 0, 16);
	a[0] = 0xfe, a[1] = 0x80;
	memcpy(a + 8, c->iid, 8);
}

static void global(const struct client *c, uint8_t a[16])
{
	memcpy(a, c->prefix, 8);
	memcpy(a + 8, c->iid, 8);
}

static void new_iid(struct client *c, uint16_t attempt)
{
	/* A unique local interface identifier (u bit clear): salt, attempt, index. */
	c->iid[0] = 0x00, c->iid[1] = 0x1a;
	c->iid[2] = (uint8_t)(run_salt >> 8), c->iid[3] = (uint8_t)run_salt;
	c->iid[4] = (uint8_t)(attempt ^ (c->id >> 24)), c->iid[5] = (uint8_t)(c->id >> 16);
	c->iid[6] = (uint8_t)(c->id >> 8), c->iid[7] = (uint8_t)c->id;
}

/* ---- a client's life ---- */

static void fail(struct client *c, const char *why);

static bool send_packet(struct client *c, const uint8_t *p, size_t n)
{
	int rc = SSL_write(c->ssl, p, (int)n);

	if (rc == (int)n)
		return true;
	/* The packets are a few dozen bytes on an idle socket: a full send
	 * buffer here is a failure worth seeing, not a state to wait in. */
	fail(c, SSL_get_error(c->ssl, rc) == SSL_ERROR_WANT_WRITE ? "send buffer full" : "write failed");
	return false;
}

static bool send_rs(struct client *c)
{
	uint8_t p[48], src[16];

	link_local(c, src);
	icmp6(p, src, all_routers, 255, 133, 8);
	seal(p);
	c->solicitations++;
	c->solicited = now_s();
	if (c->solicitations == 1)
		c->first_solicited = c->solicited;
	if (c->solicitations > 1)
		wave.rs_retransmitted++;
	return send_packet(c, p, sizeof(p));
}

/* An echo request from the client's global address to the router, its
 * sequence the client's next; the reply is awaited from now. @return its length. */
static size_t echo_request(struct client *c, uint8_t *p)
{
	uint8_t src[16];
	size_t n;

	global(c, src);
	n = icmp6(p, src, opt.ping_set ? opt.ping_target : router, 64, 128, 16);
	p[44] = ECHO_IDENT >> 8, p[45] = ECHO_IDENT & 0xff;
	p[46] = (uint8_t)(++c->ping_seq >> 8), p[47] = (uint8_t)c->ping_seq;
	memcpy(p + 48, &c->id, 4);
	seal(p);
	c->pinged = true;
	c->ping_sent = now_s();
	return n;
}

static bool send_dad_and_ping(struct client *c)
{
	uint8_t p[64 + 56], unspecified[16] = {0}, dst[16] = {0xff, 0x02, [11] = 1, [12] = 0xff}, target[16];
	size_t n;

	global(c, target);
	memcpy(dst + 13, target + 13, 3);
	n = icmp6(p, unspecified, dst, 255, 135, 24);
	memcpy(p + 48, target, 16);
	seal(p);
	/* The echo request right behind it: the appliance takes the stream in
	 * order, so the address is bound (or defended) before the echo arrives. */
	n += echo_request(c, p + n);
	return send_packet(c, p, n);
}

static bool send_ping(struct client *c)
{
	uint8_t p[56];
	size_t n = echo_request(c, p);

	hold.pings++;
	return send_packet(c, p, n);
}

/* ---- keep-alive: a FIFO of clients by when their next echo is due ---- */

static struct {
	uint32_t *index;
	double *due;
	uint32_t head, count;
} keepalive;

static void keepalive_push(uint32_t i, double due)
{
	uint32_t slot = (keepalive.head + keepalive.count) % (uint32_t)opt.sessions;

	if (clients[i].in_keepalive)
		return; /* a client back from a loss keeps its place */
	clients[i].in_keepalive = true;
	keepalive.index[slot] = i;
	keepalive.due[slot] = due;
	keepalive.count++;
}

static int rtt_bucket(double ms)
{
	double us = ms * 1000;
	int b = us <= 1 ? 0 : (int)(log(us) / log(1.01));

	return b < RTT_BUCKETS ? b : RTT_BUCKETS - 1;
}

static double rtt_of_bucket(int b)
{
	return pow(1.01, b + 0.5) / 1000;
}

static void rtt_sample(double ms)
{
	hold.rtt[rtt_bucket(ms)]++;
	if (ms > hold.rtt_ms_max)
		hold.rtt_ms_max = ms;
}

static void came_up(struct client *c)
{
	c->phase = UP;
	wave.up++;
	wave.last_up = now_s();
	if (c->reconnecting) {
		double took = wave.last_up - c->lost_at;

		c->reconnecting = false;
		hold.reconnected++;
		hold.reconnected_resumed += c->resumed;
		if (took > hold.reconnect_max)
			hold.reconnect_max = took;
	}
	keepalive_push(c->index, wave.last_up + opt.keepalive);
}

static void on_packet(struct client *c, const uint8_t *p, size_t n)
{
	uint8_t type = n >= 48 && p[6] == 58 ? p[40] : 0;

	if (type == 134 && n >= 56) { /* a Router Advertisement: its /64 prefix */
		hold.ras++;
		for (size_t o = 56; o + 8 <= n && p[o + 1] != 0; o += (size_t)p[o + 1] * 8)
			if (p[o] == 3 && p[o + 1] == 4 && o + 32 <= n && p[o + 2] == 64 && c->phase == SOLICITING) {
				double waited = now_s() - c->first_solicited;

				if (waited > wave.ra_wait_max)
					wave.ra_wait_max = waited;
				memcpy(c->prefix, p + o + 16, 8);
				c->phase = CLAIMING;
				send_dad_and_ping(c);
				return;
			}
		return;
	}
	if (type == 136 && n >= 64 && c->phase == CLAIMING) { /* an NA: someone defends our tentative address */
		uint8_t target[16];

		global(c, target);
		if (memcmp(p + 48, target, 16) == 0) {
			wave.dad_conflicts++;
			new_iid(c, (uint16_t)(wave.dad_conflicts & 0xff));
			send_dad_and_ping(c);
		}
		return;
	}
	if (type == 129 && n >= 56 && (p[44] << 8 | p[45]) == ECHO_IDENT &&
	    (uint16_t)(p[46] << 8 | p[47]) == c->ping_seq && c->pinged) {
		c->pinged = false;
		if (c->phase == CLAIMING) {
			came_up(c);
		} else {
			hold.replies++;
			rtt_sample((now_s() - c->ping_sent) * 1000);
		}
		return;
	}
	hold.unexpected_packets++;
}

/* Cut the stream into IPv6 packets by their Payload Length. */
static void on_stream(struct client *c, const uint8_t *d, size_t n)
{
	while (n > 0 && c->phase != FAILED) {
		if (c->partial_len || n < 40 || n < 40 + (size_t)(d[4] << 8 | d[5])) {
			size_t want, take;

			if (!c->partial && !(c->partial = malloc(PACKET_MAX)))
				abort();
			want = c->partial_len < 40 ? 40 : 40 + (size_t)(c->partial[4] << 8 | c->partial[5]);
			if (want > PACKET_MAX) {
				fail(c, "a packet larger than the link MTU");
				return;
			}
			take = want - c->partial_len < n ? want - c->partial_len : n;
			memcpy(c->partial + c->partial_len, d, take);
			c->partial_len = (uint16_t)(c->partial_len + take), d += take, n -= take;
			if (c->partial_len == 40 && (c->partial[0] >> 4) != 6) {
				fail(c, "the stream holds something other than IPv6");
				return;
			}
			if (c->partial_len >= 40 && c->partial_len == 40 + (c->partial[4] << 8 | c->partial[5])) {
				on_packet(c, c->partial, c->partial_len);
				c->partial_len = 0;
				free(c->partial);
				c->partial = NULL;
			}
			continue;
		}
		size_t len = 40 + (size_t)(d[4] << 8 | d[5]);

		if ((d[0] >> 4) != 6) {
			fail(c, "the stream holds something other than IPv6");
			return;
		}
		on_packet(c, d, len);
		d += len, n -= len;
	}
}

static void watch(struct client *c, uint32_t events, int op)
{
	struct epoll_event ev = {.events = events, .data.u32 = c->index};

	epoll_ctl(ep, op, c->fd, &ev);
}

static void close_client(struct client *c)
{
	if (c->ssl) {
		/* A link that goes without a close_notify is no bad session: as a
		 * client whose network went, keep the ticket resumable (SSL_free
		 * would mark it not resumable otherwise). */
		SSL_set_shutdown(c->ssl, SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
		SSL_free(c->ssl);
	}
	if (c->fd >= 0)
		close(c->fd); /* removes it from epoll */
	c->ssl = NULL;
	c->fd = -1;
	free(c->partial);
	c->partial = NULL;
	c->partial_len = 0;
	c->head_len = 0;
	c->head_tail = 0;
	c->solicitations = 0;
	c->pinged = false;
}

static void fail(struct client *c, const char *why)
{
	if (c->phase == FAILED)
		return;
	if (c->phase == UP) { /* after LinkUp: the hold counts it, not the wave */
		hold.closed_by_server++;
		hold.lost_on_closed += c->unanswered + c->pinged;
		c->unanswered = 0;
		if (opt.reconnect && in_hold) {
			c->reconnecting = true;
			c->lost_at = c->retry_at = now_s();
		}
	} else if (c->reconnecting) {
		hold.reconnect_failed++;
		c->retry_at = now_s() + 1;
	} else {
		wave.failed++;
		wave.failed_in[c->phase]++;
		if (!wave.failure[0])
			snprintf(wave.failure, sizeof(wave.failure), "client %u in %s: %s", c->id,
				 phase_name[c->phase], why);
	}
	c->phase = FAILED;
	close_client(c);
	ERR_clear_error();
}

static int new_session_cb(SSL *ssl, SSL_SESSION *sess)
{
	struct client *c = SSL_get_app_data(ssl);

	wave.tickets++;
	if (c->ticket)
		SSL_SESSION_free(c->ticket);
	c->ticket = sess;
	return 1; /* we keep the reference */
}

static void start(struct client *c)
{
	int one = 1;
	struct sockaddr_storage src = opt.source;

	c->fd = socket(opt.family, SOCK_STREAM | SOCK_NONBLOCK, 0);
	c->phase = CONNECTING;
	c->started = now_s();
	wave.started++;
	if (c->fd < 0) {
		fail(c, strerror(errno));
		return;
	}
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (opt.marking && setsockopt(c->fd, SOL_SOCKET, SO_MARK, &opt.mark, sizeof(opt.mark)) != 0) {
		fail(c, strerror(errno));
		return;
	}
	if (opt.source_count) {
		/* The kernel picks the port at connect (IP_BIND_ADDRESS_NO_PORT), per
		 * source and destination: far more than 64k connections in all. */
		uint32_t k = c->id % (uint32_t)opt.source_count;

		setsockopt(c->fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof(one));
		if (opt.family == AF_INET) {
			struct sockaddr_in *s = (struct sockaddr_in *)&src;

			s->sin_addr.s_addr = htonl(ntohl(s->sin_addr.s_addr) + k);
		} else {
			struct sockaddr_in6 *s = (struct sockaddr_in6 *)&src;
			uint32_t low;

			memcpy(&low, &s->sin6_addr.s6_addr[12], 4);
			low = htonl(ntohl(low) + k);
			memcpy(&s->sin6_addr.s6_addr[12], &low, 4);
		}
		if (bind(c->fd, (struct sockaddr *)&src, opt.server_len) != 0) {
			fail(c, strerror(errno));
			return;
		}
	}
	if (connect(c->fd, (struct sockaddr *)&opt.server, opt.server_len) != 0 && errno != EINPROGRESS) {
		fail(c, strerror(errno));
		return;
	}
	watch(c, EPOLLOUT, EPOLL_CTL_ADD);
}

static void handshake(struct client *c)
{
	int rc = SSL_do_handshake(c->ssl), err;
	char req[256];

	if (rc == 1) {
		double t = now_s();

		if (!wave.first_handshake)
			wave.first_handshake = t;
		wave.last_handshake = t;
		wave.handshakes++;
		c->resumed = SSL_session_reused(c->ssl);
		wave.resumed += c->resumed;
		c->phase = REQUEST;
		snprintf(req, sizeof(req),
			 "POST /IPHTTPS HTTP/1.1\r\nHost: %s\r\nContent-Length: 18446744073709551615\r\n\r\n", opt.host);
		if (SSL_write(c->ssl, req, (int)strlen(req)) <= 0) {
			fail(c, "writing the request");
			return;
		}
		watch(c, EPOLLIN, EPOLL_CTL_MOD);
		return;
	}
	err = SSL_get_error(c->ssl, rc);
	if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
		watch(c, err == SSL_ERROR_WANT_READ ? EPOLLIN : EPOLLOUT, EPOLL_CTL_MOD);
		return;
	}
	fail(c, err == SSL_ERROR_SYSCALL || err == SSL_ERROR_ZERO_RETURN ? "the server closed during the handshake"
									  : "the handshake failed");
}

/* The response head, then the link: everything after the head is packets. */
static void readable(struct client *c)
{
	static uint8_t buf[65536];

	for (int rounds = 0; rounds < 16 && c->phase != FAILED; rounds++) {
		int n = SSL_read(c->ssl, buf, sizeof(buf)), err;
		size_t off = 0;

		if (n <= 0) {
			err = SSL_get_error(c->ssl, n);
			if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE)
				return;
			fail(c, "the server closed");
			return;
		}
		if (c->phase == REQUEST) {
			/* The head may come in pieces: its status line is checked byte by
			 * byte, its end found by the last four bytes read. */
			static const char status[] = "HTTP/1.1 200 ";

			while (off < (size_t)n && c->phase == REQUEST) {
				if (c->head_len < sizeof(status) - 1 && buf[off] != (uint8_t)status[c->head_len]) {
					fail(c, "the server did not answer 200");
					return;
				}
				c->head_len++;
				c->head_tail = c->head_tail << 8 | buf[off++];
				if (c->head_tail == 0x0d0a0d0a)
					c->phase = SOLICITING;
				else if (c->head_len > 1024) {
					fail(c, "a response head over 1 KiB");
					return;
				}
			}
			if (c->phase == SOLICITING && !send_rs(c))
				return;
		}
		if (off < (size_t)n)
			on_stream(c, buf + off, (size_t)n - off);
	}
}

static void on_event(struct client *c, uint32_t events)
{
	if (c->phase == CONNECTING) {
		int err = 0;
		socklen_t len = sizeof(err);

		getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len);
		if (err || (events & (EPOLLERR | EPOLLHUP))) {
			fail(c, strerror(err ? err : ECONNRESET));
			return;
		}
		c->ssl = SSL_new(ctx);
		SSL_set_app_data(c->ssl, c);
		SSL_set_fd(c->ssl, c->fd);
		SSL_set_tlsext_host_name(c->ssl, opt.host);
		if (c->ticket)
			SSL_set_session(c->ssl, c->ticket);
		SSL_set_connect_state(c->ssl);
		c->phase = HANDSHAKE;
	}
	if (c->phase == HANDSHAKE) {
		handshake(c);
		return;
	}
	if (c->phase >= REQUEST && c->phase <= UP)
		readable(c);
}

static void poll_events(int timeout_ms)
{
	struct epoll_event events[512];
	int n = epoll_wait(ep, events, 512, timeout_ms);

	for (int i = 0; i < n; i++)
		on_event(&clients[events[i].data.u32], events[i].events);
}

static void keepalive_poll(double now)
{
	/* A bounded number each call: the loop goes back to its sockets. */
	for (int k = 0; k < 4096 && keepalive.count && keepalive.due[keepalive.head] <= now; k++) {
		struct client *c = &clients[keepalive.index[keepalive.head]];

		keepalive.head = (keepalive.head + 1) % (uint32_t)opt.sessions;
		keepalive.count--;
		c->in_keepalive = false;
		if (c->phase != UP)
			continue;
		if (c->pinged)
			c->unanswered++; /* the last one had no answer in a whole interval */
		if (send_ping(c))
			keepalive_push(c->index, now + opt.keepalive);
	}
}

static SSL_CTX *client_ctx(void)
{
	SSL_CTX *c = SSL_CTX_new(TLS_client_method());

	SSL_CTX_set_verify(c, SSL_VERIFY_NONE, NULL);
	/* Keep each connection's ticket (a client's own cache is its own). */
	SSL_CTX_set_session_cache_mode(c, SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
	SSL_CTX_sess_set_new_cb(c, new_session_cb);
	SSL_CTX_set_mode(c, SSL_MODE_RELEASE_BUFFERS); /* 100,000 idle clients hold no record buffers */
	if (opt.tls12_null) {
		SSL_CTX_set_max_proto_version(c, TLS1_2_VERSION);
		SSL_CTX_set_security_level(c, 0);
		if (SSL_CTX_set_cipher_list(c, "NULL-SHA256") != 1)
			return NULL;
	} else {
		SSL_CTX_set_min_proto_version(c, TLS1_3_VERSION);
		SSL_CTX_set_ciphersuites(c, "TLS_AES_128_GCM_SHA256");
		SSL_CTX_set1_groups_list(c, "X25519");
	}
	return c;
}

/* ---- the waves (in each process) ---- */

static void send_report(int fd, struct report *r, const char *event)
{
	const char *p = (const char *)r;
	size_t left = sizeof(*r);

	snprintf(r->event, sizeof(r->event), "%s", event);
	while (left > 0) {
		ssize_t n = write(fd, p, left);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			exit(3); /* the parent is gone */
		p += n, left -= (size_t)n;
	}
}

/* Bring every client up (or back), at most in_flight at a time. */
static void run_wave(int out, const char *event)
{
	int next = 0, oldest = 0;
	double last_rs_check = 0;

	memset(&wave, 0, sizeof(wave));
	wave.start = now_s();
	wave.sessions = opt.sessions;
	while (wave.up + wave.failed < opt.sessions) {
		double now = now_s();

		while (next < opt.sessions && wave.started - wave.up - wave.failed < opt.in_flight)
			start(&clients[next++]);
		/* Clients start in index order: the oldest still on its way is the first to time out. */
		while (oldest < next && (clients[oldest].phase == UP || clients[oldest].phase == FAILED))
			oldest++;
		/* RFC 4861 6.3.7: a host that hears no RA solicits again after
		 * RTR_SOLICITATION_INTERVAL (4 s), MAX_RTR_SOLICITATIONS (3) in all. */
		if (now - last_rs_check >= 0.5) {
			last_rs_check = now;
			for (int i = oldest; i < next; i++)
				if (clients[i].phase == SOLICITING && clients[i].solicitations < 3 &&
				    now - clients[i].solicited >= 4)
					send_rs(&clients[i]);
		}
		while (oldest < next && now - clients[oldest].started > opt.timeout) {
			if (clients[oldest].phase != UP && clients[oldest].phase != FAILED)
				fail(&clients[oldest], "timed out");
			oldest++;
		}
		if (now - wave.start > opt.up_timeout) {
			for (int i = next; i < opt.sessions; i++)
				clients[i].phase = FAILED, wave.failed++, wave.failed_in[IDLE]++;
			for (int i = oldest; i < next; i++)
				fail(&clients[i], "the wave's time ran out");
			break;
		}
		poll_events(10);
		keepalive_poll(now_s());
	}
	send_report(out, &wave, event);
}

static void on_signal(int sig)
{
	(void)sig;
	stop_hold = 1;
}

static int outstanding_pings(void)
{
	int n = 0;

	for (int i = 0; i < opt.sessions; i++)
		n += clients[i].phase == UP && clients[i].pinged;
	return n;
}

/* --reconnect: the clients lost in this hold start again when due, and
 * those on their way are held to the wave's rules (RS again after 4 s, a
 * timeout). A scan of the table every 100 ms: a cluster test's thousand. */
static void reconnect_poll(double now)
{
	static double last;

	if (!opt.reconnect || now - last < 0.1)
		return;
	last = now;
	for (int i = 0; i < opt.sessions; i++) {
		struct client *c = &clients[i];

		if (!c->reconnecting)
			continue;
		if (c->phase == FAILED && now >= c->retry_at)
			start(c);
		else if (c->phase == SOLICITING && c->solicitations < 3 && now - c->solicited >= 4)
			send_rs(c);
		else if (c->phase != FAILED && c->phase != UP && now - c->started > opt.timeout)
			fail(c, "timed out coming back");
	}
}

/* The clients up now by their /64 (the first four seen; a cluster has a prefix per node). */
static void count_prefixes(void)
{
	for (int i = 0; i < opt.sessions; i++) {
		int p;

		if (clients[i].phase != UP)
			continue;
		for (p = 0; p < 4 && hold.prefix_clients[p] && memcmp(hold.prefix[p], clients[i].prefix, 8) != 0; p++)
			;
		if (p == 4)
			continue;
		memcpy(hold.prefix[p], clients[i].prefix, 8);
		hold.prefix_clients[p]++;
	}
}

static void run_hold(int out)
{
	double start = now_s(), end = start + opt.hold;

	memset(&hold, 0, sizeof(hold));
	hold.pings = (unsigned long)outstanding_pings(); /* sent during the wave: their answers count here */
	in_hold = true;
	while (!stop_hold && now_s() < end) {
		reconnect_poll(now_s());
		poll_events(10);
		keepalive_poll(now_s());
	}
	/* The replies still on their way get 3 s (no new requests): what
	 * has none then is lost. */
	for (double grace_end = now_s() + 3; now_s() < grace_end && outstanding_pings();)
		poll_events(10);
	in_hold = false;
	for (int i = 0; i < opt.sessions; i++) {
		hold.still_up += clients[i].phase == UP;
		if (clients[i].phase == UP)
			hold.lost += clients[i].unanswered + clients[i].pinged;
		clients[i].unanswered = 0;
		clients[i].reconnecting = false;
	}
	count_prefixes();
	hold.hold_seconds = now_s() - start;
	send_report(out, &hold, "hold");
}

/* One process's share: clients first, first + stride, ... (count of them). */
static int run_share(int out, uint32_t first, uint32_t stride, int count)
{
	struct rlimit nofile;
	int all_up;

	/* A descriptor per client, and a few: as many as this process may have. */
	getrlimit(RLIMIT_NOFILE, &nofile);
	nofile.rlim_cur = nofile.rlim_max;
	setrlimit(RLIMIT_NOFILE, &nofile);
	if (nofile.rlim_cur < (rlim_t)count + 64) {
		fprintf(stderr, "iphttps_load: %d clients in one process need %d open files, not %lu\n", count,
			count + 64, (unsigned long)nofile.rlim_cur);
		return 2;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGUSR1, on_signal);
	opt.sessions = count;
	ep = epoll_create1(0);
	clients = calloc((size_t)count, sizeof(*clients));
	keepalive.index = calloc((size_t)count, sizeof(uint32_t));
	keepalive.due = calloc((size_t)count, sizeof(double));
	if (!clients || !keepalive.index || !keepalive.due || ep < 0 || !(ctx = client_ctx()))
		return 2;
	for (int i = 0; i < count; i++) {
		clients[i].index = (uint32_t)i;
		clients[i].id = first + (uint32_t)i * stride;
		clients[i].fd = -1;
		new_iid(&clients[i], 0);
	}
	opt.marking = opt.mark != 0;
	run_wave(out, "up");
	opt.marking = false;
	all_up = wave.up == count;
	run_hold(out);
	if (opt.again) {
		/* Every client goes (a cut link: the connections simply close), and comes back with its ticket. */
		keepalive.head = keepalive.count = 0;
		for (int i = 0; i < count; i++) {
			clients[i].in_keepalive = false;
			close_client(&clients[i]);
			clients[i].phase = IDLE;
		}
		stop_hold = 0;
		run_wave(out, "again");
		all_up = all_up && wave.up == count;
		run_hold(out);
	}
	for (int i = 0; i < count; i++) {
		close_client(&clients[i]);
		if (clients[i].ticket)
			SSL_SESSION_free(clients[i].ticket);
	}
	SSL_CTX_free(ctx);
	return all_up ? 0 : 1;
}

/* ---- the parent: the processes' reports merged, one JSON line each ---- */

static void merge(struct report *m, const struct report *r, bool first)
{
	if (first) {
		*m = *r;
		return;
	}
	m->start = r->start < m->start ? r->start : m->start;
	if (r->first_handshake && (!m->first_handshake || r->first_handshake < m->first_handshake))
		m->first_handshake = r->first_handshake;
	m->last_handshake = r->last_handshake > m->last_handshake ? r->last_handshake : m->last_handshake;
	m->last_up = r->last_up > m->last_up ? r->last_up : m->last_up;
	m->ra_wait_max = r->ra_wait_max > m->ra_wait_max ? r->ra_wait_max : m->ra_wait_max;
	m->sessions += r->sessions, m->started += r->started, m->up += r->up, m->failed += r->failed;
	m->handshakes += r->handshakes, m->resumed += r->resumed, m->dad_conflicts += r->dad_conflicts;
	m->rs_retransmitted += r->rs_retransmitted, m->tickets += r->tickets;
	for (int p = 0; p < FAILED; p++)
		m->failed_in[p] += r->failed_in[p];
	if (!m->failure[0])
		memcpy(m->failure, r->failure, sizeof(m->failure));
	m->hold_seconds = r->hold_seconds > m->hold_seconds ? r->hold_seconds : m->hold_seconds;
	m->rtt_ms_max = r->rtt_ms_max > m->rtt_ms_max ? r->rtt_ms_max : m->rtt_ms_max;
	m->still_up += r->still_up, m->pings += r->pings, m->replies += r->replies, m->lost += r->lost;
	m->lost_on_closed += r->lost_on_closed;
	m->closed_by_server += r->closed_by_server, m->unexpected_packets += r->unexpected_packets, m->ras += r->ras;
	m->reconnected += r->reconnected, m->reconnected_resumed += r->reconnected_resumed;
	m->reconnect_failed += r->reconnect_failed;
	m->reconnect_max = r->reconnect_max > m->reconnect_max ? r->reconnect_max : m->reconnect_max;
	for (int q = 0; q < 4 && r->prefix_clients[q]; q++) {
		int p;

		for (p = 0; p < 4 && m->prefix_clients[p] && memcmp(m->prefix[p], r->prefix[q], 8) != 0; p++)
			;
		if (p < 4) {
			memcpy(m->prefix[p], r->prefix[q], 8);
			m->prefix_clients[p] += r->prefix_clients[q];
		}
	}
	for (int b = 0; b < RTT_BUCKETS; b++)
		m->rtt[b] += r->rtt[b];
}

static double rtt_percentile(const struct report *r, double q)
{
	unsigned long total = 0, seen = 0;

	for (int b = 0; b < RTT_BUCKETS; b++)
		total += r->rtt[b];
	if (!total)
		return 0;
	for (int b = 0; b < RTT_BUCKETS; b++) {
		seen += r->rtt[b];
		if ((double)seen >= q * (double)total)
			return rtt_of_bucket(b);
	}
	return rtt_of_bucket(RTT_BUCKETS - 1);
}

static void print_report(const struct report *r, int processes)
{
	if (strcmp(r->event, "hold") == 0) {
		printf("{\"event\": \"hold\", \"seconds\": %.3f, \"still_up\": %d, \"pings\": %lu, \"replies\": %lu, "
		       "\"lost\": %lu, \"lost_on_closed\": %lu, \"closed_by_server\": %lu, \"router_advertisements\": %lu, "
		       "\"unexpected_packets\": %lu, \"rtt_ms_p50\": %.3f, \"rtt_ms_p99\": %.3f, \"rtt_ms_max\": %.3f, "
		       "\"reconnected\": %d, \"reconnected_resumed\": %d, \"reconnect_failed\": %d, "
		       "\"reconnect_ms_max\": %.1f, \"prefixes\": {",
		       r->hold_seconds, r->still_up, r->pings, r->replies, r->lost, r->lost_on_closed, r->closed_by_server, r->ras,
		       r->unexpected_packets, rtt_percentile(r, 0.5), rtt_percentile(r, 0.99), r->rtt_ms_max,
		       r->reconnected, r->reconnected_resumed, r->reconnect_failed, r->reconnect_max * 1000);
		for (int p = 0; p < 4 && r->prefix_clients[p]; p++) {
			uint8_t a[16] = {0};
			char text[INET6_ADDRSTRLEN];

			memcpy(a, r->prefix[p], 8);
			inet_ntop(AF_INET6, a, text, sizeof(text));
			printf("%s\"%s/64\": %d", p ? ", " : "", text, r->prefix_clients[p]);
		}
		printf("}}\n");
	} else {
		double span = r->last_handshake - r->first_handshake;

		printf("{\"event\": \"%s\", \"sessions\": %d, \"processes\": %d, \"up\": %d, \"failed\": %d, "
		       "\"seconds_to_up\": %.3f, \"handshakes\": %d, \"resumed\": %d, \"handshakes_per_s\": %.1f, "
		       "\"dad_conflicts\": %d, \"rs_retransmitted\": %d, \"ra_wait_ms_max\": %.1f, \"tickets\": %lu, "
		       "\"failed_in\": {",
		       r->event, r->sessions, processes, r->up, r->failed, r->last_up ? r->last_up - r->start : 0.0,
		       r->handshakes, r->resumed, span > 0 ? (r->handshakes - 1) / span : 0.0, r->dad_conflicts,
		       r->rs_retransmitted, r->ra_wait_max * 1000, r->tickets);
		for (int p = IDLE, first = 1; p < UP; p++)
			if (r->failed_in[p]) {
				printf("%s\"%s\": %d", first ? "" : ", ", phase_name[p], r->failed_in[p]);
				first = 0;
			}
		printf("}, \"first_failure\": \"%s\"}\n", r->failure);
	}
	fflush(stdout);
}

static volatile sig_atomic_t forward_signal;

static void on_parent_signal(int sig)
{
	(void)sig;
	forward_signal = 1;
}

/* Fork the processes, merge their reports event by event, forward SIGUSR1. */
static int run_processes(int processes)
{
	pid_t *pid = calloc((size_t)processes, sizeof(pid_t));
	struct pollfd *fds = calloc((size_t)processes, sizeof(struct pollfd));
	struct report *got = calloc((size_t)processes, sizeof(struct report)), merged;
	size_t *have = calloc((size_t)processes, sizeof(size_t));
	int events = opt.again ? 4 : 2, rc = 0;

	if (!pid || !fds || !got || !have)
		return 2;
	for (int k = 0; k < processes; k++) {
		int pipefd[2];
		int count = opt.sessions / processes + (k < opt.sessions % processes);

		if (pipe(pipefd) != 0)
			return 2;
		fflush(stdout);
		pid[k] = fork();
		if (pid[k] < 0)
			return 2;
		if (pid[k] == 0) {
			close(pipefd[0]);
			_exit(run_share(pipefd[1], (uint32_t)k, (uint32_t)processes, count));
		}
		close(pipefd[1]);
		fds[k].fd = pipefd[0];
		fds[k].events = POLLIN;
	}
	signal(SIGINT, on_parent_signal);
	signal(SIGTERM, on_parent_signal);
	signal(SIGUSR1, on_parent_signal);
	for (int e = 0; e < events; e++) {
		int complete = 0;

		memset(have, 0, (size_t)processes * sizeof(size_t));
		while (complete < processes) {
			if (forward_signal) {
				forward_signal = 0;
				for (int k = 0; k < processes; k++)
					kill(pid[k], SIGUSR1);
			}
			if (poll(fds, (nfds_t)processes, 200) < 0 && errno != EINTR)
				return 2;
			for (int k = 0; k < processes; k++) {
				ssize_t n;

				if (!(fds[k].revents & (POLLIN | POLLHUP)) || have[k] == sizeof(struct report))
					continue;
				n = read(fds[k].fd, (char *)&got[k] + have[k], sizeof(struct report) - have[k]);
				if (n <= 0) { /* a process ended early: its exit status says why */
					fds[k].fd = -1;
					have[k] = sizeof(struct report);
					got[k].event[0] = '\0';
					complete++;
					rc = 1;
					continue;
				}
				have[k] += (size_t)n;
				if (have[k] == sizeof(struct report))
					complete++;
			}
		}
		bool first = true;

		for (int k = 0; k < processes; k++)
			if (got[k].event[0]) {
				merge(&merged, &got[k], first);
				first = false;
			}
		if (first)
			break; /* every process ended */
		print_report(&merged, processes);
	}
	for (int k = 0; k < processes; k++) {
		int status;

		while (waitpid(pid[k], &status, 0) < 0 && errno == EINTR)
			;
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			rc = WIFEXITED(status) && WEXITSTATUS(status) == 1 && rc == 0 ? 1 : (rc ? rc : 2);
	}
	return rc;
}

/* ---- set-up ---- */

static int parse_address(const char *s, uint16_t port, struct sockaddr_storage *out, int *family)
{
	struct sockaddr_in *v4 = (struct sockaddr_in *)out;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)out;

	memset(out, 0, sizeof(*out));
	if (inet_pton(AF_INET, s, &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
		v4->sin_port = htons(port);
		*family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, s, &v6->sin6_addr) == 1) {
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons(port);
		*family = AF_INET6;
		return 0;
	}
	return -1;
}

static void usage(void)
{
	fprintf(stderr, "usage: iphttps_load [--port P] [--host NAME] [--sessions N] [--sources ADDR/COUNT] "
			"[--in-flight K] [--tls tls13|tls12-null] [--keepalive S] [--hold S] [--again] "
			"[--timeout S] [--up-timeout S] [--processes P] [--mark M] [--reconnect] [--ping ADDR] SERVER\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option longs[] = {
		{"port", 1, 0, 'p'},     {"host", 1, 0, 'H'},    {"sessions", 1, 0, 'n'},  {"sources", 1, 0, 's'},
		{"in-flight", 1, 0, 'k'}, {"tls", 1, 0, 't'},     {"keepalive", 1, 0, 'K'}, {"hold", 1, 0, 'h'},
		{"again", 0, 0, 'a'},     {"timeout", 1, 0, 'T'}, {"up-timeout", 1, 0, 'U'},
		{"processes", 1, 0, 'P'}, {"mark", 1, 0, 'M'}, {"reconnect", 0, 0, 'r'}, {"ping", 1, 0, 'g'},
		{0, 0, 0, 0},
	};
	const char *sources = NULL;
	int port = 443, o, source_family = 0, processes = 0;

	while ((o = getopt_long(argc, argv, "", longs, NULL)) != -1) {
		switch (o) {
		case 'p': port = atoi(optarg); break;
		case 'H': opt.host = optarg; break;
		case 'n': opt.sessions = atoi(optarg); break;
		case 's': sources = optarg; break;
		case 'k': opt.in_flight = atoi(optarg); break;
		case 't':
			if (strcmp(optarg, "tls12-null") == 0)
				opt.tls12_null = true;
			else if (strcmp(optarg, "tls13") != 0)
				usage();
			break;
		case 'K': opt.keepalive = atof(optarg); break;
		case 'h': opt.hold = atof(optarg); break;
		case 'a': opt.again = true; break;
		case 'T': opt.timeout = atof(optarg); break;
		case 'U': opt.up_timeout = atof(optarg); break;
		case 'P': processes = atoi(optarg); break;
		case 'M': opt.mark = atoi(optarg); break;
		case 'r': opt.reconnect = true; break;
		case 'g':
			if (inet_pton(AF_INET6, optarg, opt.ping_target) != 1) {
				fprintf(stderr, "iphttps_load: --ping wants an IPv6 address, not %s\n", optarg);
				return 2;
			}
			opt.ping_set = true;
			break;
		default: usage();
		}
	}
	if (optind != argc - 1 || opt.sessions < 1 || opt.in_flight < 1 || opt.keepalive <= 0 || port < 1 ||
	    port > 65535)
		usage();
	if (parse_address(argv[optind], (uint16_t)port, &opt.server, &opt.family) != 0) {
		fprintf(stderr, "iphttps_load: %s is no IPv4 or IPv6 address\n", argv[optind]);
		return 2;
	}
	opt.server_len = opt.family == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);
	if (sources) {
		char first[64];
		const char *slash = strchr(sources, '/');

		if (!slash || (size_t)(slash - sources) >= sizeof(first) || (opt.source_count = atoi(slash + 1)) < 1) {
			fprintf(stderr, "iphttps_load: --sources wants ADDRESS/COUNT, not %s\n", sources);
			return 2;
		}
		memcpy(first, sources, (size_t)(slash - sources));
		first[slash - sources] = '\0';
		if (parse_address(first, 0, &opt.source, &source_family) != 0 || source_family != opt.family) {
			fprintf(stderr, "iphttps_load: the sources %s are not of the server's family\n", first);
			return 2;
		}
	}
	if (processes == 0) {
		/* As many processes as the descriptors each may open ask for. */
		struct rlimit nofile;
		long per;

		getrlimit(RLIMIT_NOFILE, &nofile);
		per = (long)(nofile.rlim_max == RLIM_INFINITY ? 1000000 : nofile.rlim_max) - 64;
		if (per < 1)
			return 2;
		processes = (int)((opt.sessions + per - 1) / per);
	}
	if (processes > opt.sessions)
		processes = opt.sessions;
	opt.in_flight = opt.in_flight / processes > 0 ? opt.in_flight / processes : 1;
	signal(SIGPIPE, SIG_IGN);
	RAND_bytes((unsigned char *)&run_salt, sizeof(run_salt));
	return run_processes(processes);
}
