/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * iphttps-client, first cut: one IP-HTTPS link over a direct TLS connection
 * ([MS-IPHTTPS] 3.1), bridged to a kernel TUN device. It verifies the server's
 * certificate and its name (4.2.3: a rogue server is refused), sends the POST
 * with the 2^64-1 Content-Length, waits for 200 (LinkUp), then carries IPv6
 * packets both ways, delimited in the response body by their Payload Length
 * with the appliance's own framer (proto/framer.c). A failed attempt, or a
 * LinkUp connection lost, waits for the reconnect timer (3.1.2.1, 3.1.5.4:
 * client/reconnect_timer.c).
 *
 * The TCP connection is made directly, through a web proxy (CONNECT, a 407
 * answered with Basic or Digest credentials) or through SOCKS5, in that
 * order, whichever of them works (client/server_connect.c); --proxy or
 * https_proxy names the proxies.
 *
 * The kernel does the rest for now, as it does behind tests/lib/tun_bridge.py:
 * with accept_ra=2 on the TUN device it takes the server's Router
 * Advertisement, forms its address and routes. SLAAC through netlink, a
 * config file and `status` are issue #15's remaining steps.
 *
 * Prints one JSON line when the link is up ({"up": true, ...}), as
 * tun_bridge.py does, so the tests and benchmarks can run either.
 */
#include "framer.h"
#include "http_status.h"
#include "reconnect_timer.h"
#include "server_connect.h"
#include "tun_device.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum {
	/* The largest IPv6 packet without a jumbogram: what one TUN read can hold. */
	PACKET_MAX_BYTES = 65535 + FRAMER_IPV6_HEADER_BYTES,
	/* Packets from TUN are gathered into one TLS write of up to this many bytes. */
	UPLINK_BATCH_BYTES = 256 * 1024,
	TLS_READ_BYTES = 64 * 1024,
	CONNECT_TIMEOUT_MS = 10000,
};

struct options {
	const char *server;      /* host name or address to connect to */
	const char *port;
	const char *server_name; /* the name the certificate must carry; default: server */
	const char *ca_file;
	const char *cert_file, *key_file;
	const char *tun_name;
	const char *uri;
	const char *ciphers;     /* TLS 1.2 suites, OpenSSL names */
	int tls_max_12;
	unsigned int mtu;
	double seconds;          /* 0: until SIGTERM */
	int once;                /* one attempt, no reconnect: exit 1 if the link never came up */
	double schedule_scale;   /* tests only: the reconnect schedule runs this many times faster */
	struct server_connect_config reach; /* the ways to the server: direct, web proxy, SOCKS5 */
	unsigned int way;        /* the way that worked last: tried first */
};

struct link_stats {
	uint64_t up_packets, up_bytes, down_packets, down_bytes, down_dropped;
};

/* The framer hands over one packet at a time: a single buffer is its sink. */
struct downlink {
	int tun;
	uint8_t packet[PACKET_MAX_BYTES];
	uint32_t have, want;
	struct link_stats *stats;
};

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *sink_begin(void *ctx, uint32_t packet_bytes)
{
	struct downlink *d = ctx;

	d->have = 0;
	d->want = packet_bytes;
	return d->packet;
}

static void sink_append(void *ctx, void *packet, const uint8_t *data, uint32_t len)
{
	struct downlink *d = ctx;

	(void)packet;
	if (d->have + len <= sizeof(d->packet)) {
		memcpy(d->packet + d->have, data, len);
		d->have += len;
	}
}

static void sink_end(void *ctx, void *packet)
{
	struct downlink *d = ctx;

	(void)packet;
	/* A full TUN queue drops the packet, as a full NIC ring would: IP copes. */
	if (d->have == d->want && write(d->tun, d->packet, d->have) == (ssize_t)d->have) {
		d->stats->down_packets++;
		d->stats->down_bytes += d->have;
	} else {
		d->stats->down_dropped++;
	}
}

static void sink_abandon(void *ctx, void *packet)
{
	(void)ctx;
	(void)packet;
}

static const struct framer_sink downlink_sink = {
	.begin = sink_begin, .append = sink_append, .end = sink_end, .abandon = sink_abandon,
};

static void print_tls_errors(const char *what)
{
	unsigned long e;
	char text[256];

	fprintf(stderr, "iphttps-client: %s", what);
	while ((e = ERR_get_error()) != 0) {
		ERR_error_string_n(e, text, sizeof(text));
		fprintf(stderr, ": %s", text);
	}
	fprintf(stderr, "\n");
}

static SSL_CTX *tls_context(const struct options *o)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());

	if (ctx == NULL)
		return NULL;
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	if (o->tls_max_12)
		SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION);
	/* Non-blocking writes of a batch that may be retried from a moved buffer. */
	SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	if (SSL_CTX_load_verify_locations(ctx, o->ca_file, NULL) != 1) {
		print_tls_errors("the CA file cannot be read");
		goto fail;
	}
	if (o->ciphers != NULL && SSL_CTX_set_cipher_list(ctx, o->ciphers) != 1) {
		print_tls_errors("no usable suite in --ciphers");
		goto fail;
	}
	if (o->cert_file != NULL &&
	    (SSL_CTX_use_certificate_chain_file(ctx, o->cert_file) != 1 ||
	     SSL_CTX_use_PrivateKey_file(ctx, o->key_file ? o->key_file : o->cert_file, SSL_FILETYPE_PEM) != 1)) {
		print_tls_errors("the client certificate or key cannot be used");
		goto fail;
	}
	return ctx;
fail:
	SSL_CTX_free(ctx);
	return NULL;
}

/* The server's name is checked as an IP address when it is one, else as a DNS name. */
static int expect_server_name(SSL *ssl, const char *name)
{
	X509_VERIFY_PARAM *param = SSL_get0_param(ssl);
	struct in6_addr a6;
	struct in_addr a4;

	if (inet_pton(AF_INET6, name, &a6) == 1 || inet_pton(AF_INET, name, &a4) == 1)
		return X509_VERIFY_PARAM_set1_ip_asc(param, name);
	SSL_set_tlsext_host_name(ssl, name);
	return SSL_set1_host(ssl, name);
}

/*
 * The request of 3.1.5.1 and the server's answer. Returns 0 on 200 with any
 * body bytes that came with the head pushed through the framer.
 */
static int open_link(SSL *ssl, const struct options *o, struct framer *framer, struct downlink *down)
{
	char request[1024], head[HTTP_STATUS_HEAD_MAX_BYTES];
	static struct http_status st;
	size_t have = 0;
	int n;

	n = snprintf(request, sizeof(request),
		     "POST %s HTTP/1.1\r\nHost: %s\r\nContent-Length: 18446744073709551615\r\n\r\n", o->uri,
		     o->server_name);
	if (n <= 0 || (size_t)n >= sizeof(request) || SSL_write(ssl, request, n) != n) {
		print_tls_errors("the request could not be sent");
		return -1;
	}
	for (;;) {
		n = SSL_read(ssl, head + have, (int)(sizeof(head) - have));
		if (n <= 0) {
			print_tls_errors("the server closed the connection before its answer");
			return -1;
		}
		have += (size_t)n;
		if (http_status_parse(head, have, &st))
			break;
	}
	if (st.error != HTTP_STATUS_OK) {
		fprintf(stderr, "iphttps-client: the server's answer is malformed: %s\n",
			http_status_error_text(st.error));
		return -1;
	}
	if (st.code != 200) {
		fprintf(stderr, "iphttps-client: the server answered %u, not 200\n", st.code);
		return -1;
	}
	if (have > st.head_bytes &&
	    framer_push(framer, (const uint8_t *)head + st.head_bytes, have - st.head_bytes, &downlink_sink, down) !=
		    FRAMER_OK) {
		fprintf(stderr, "iphttps-client: the server sent something that is not an IPv6 packet\n");
		return -1;
	}
	return 0;
}

/* Reads TUN packets into `out` while a whole packet still fits. */
static size_t gather_uplink(int tun, uint8_t *out, size_t used, struct link_stats *stats)
{
	while (used + PACKET_MAX_BYTES <= UPLINK_BATCH_BYTES) {
		ssize_t n = read(tun, out + used, PACKET_MAX_BYTES);

		if (n <= 0)
			break;
		if ((out[used] >> 4) != 6) /* 3.1.5.3: only IPv6 crosses the link */
			continue;
		used += (size_t)n;
		stats->up_packets++;
		stats->up_bytes += (uint64_t)n;
	}
	return used;
}

/* The bridge. Returns why it ended, in words. */
static const char *carry_packets(SSL *ssl, int sock, int tun, double end, struct framer *framer,
				 struct downlink *down, struct link_stats *stats)
{
	static uint8_t out[UPLINK_BATCH_BYTES], in[TLS_READ_BYTES];
	size_t out_used = 0, out_sent = 0;

	while (!stop_requested) {
		struct pollfd fds[2] = {
			{.fd = sock, .events = POLLIN | (out_sent < out_used ? POLLOUT : 0)},
			{.fd = tun, .events = out_used == 0 ? POLLIN : 0},
		};

		if (end > 0 && now_seconds() >= end)
			return "the time given with --seconds passed";
		if (SSL_pending(ssl) == 0 && poll(fds, 2, 200) < 0 && errno != EINTR)
			return "poll failed";
		if (out_used == 0)
			out_used = gather_uplink(tun, out, 0, stats);
		while (out_sent < out_used) {
			int n = SSL_write(ssl, out + out_sent, (int)(out_used - out_sent));

			if (n <= 0) {
				int e = SSL_get_error(ssl, n);

				if (e == SSL_ERROR_WANT_WRITE || e == SSL_ERROR_WANT_READ)
					break;
				return "the connection failed while sending";
			}
			out_sent += (size_t)n;
		}
		if (out_sent == out_used)
			out_sent = out_used = 0;
		for (int i = 0; i < 64; i++) {
			int n = SSL_read(ssl, in, sizeof(in));

			if (n <= 0) {
				int e = SSL_get_error(ssl, n);

				if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE)
					break;
				return e == SSL_ERROR_ZERO_RETURN ? "the server closed the link"
								  : "the connection failed while receiving";
			}
			if (framer_push(framer, in, (size_t)n, &downlink_sink, down) != FRAMER_OK)
				return "the server sent something that is not an IPv6 packet of the link's MTU";
		}
	}
	return "stopped by a signal";
}

static void usage(FILE *f)
{
	fprintf(f, "usage: iphttps-client SERVER --ca FILE [--port 443] [--server-name NAME] [--tun iphttps0]\n"
		   "         [--uri /IPHTTPS] [--cert FILE [--key FILE]] [--tls-max 1.2|1.3] [--ciphers LIST]\n"
		   "         [--mtu 1280] [--seconds S] [--proxy URL]... [--no-direct] [--connect-timeout S]\n"
		   "  --proxy http://[user:password@]host[:port] or socks5://...: tried after a direct\n"
		   "  connection, web proxy first; without one, https_proxy (or HTTPS_PROXY) names the web proxy\n");
}

static int parse_options(int argc, char **argv, struct options *o)
{
	static const struct option longs[] = {
		{"ca", required_argument, NULL, 'a'},      {"port", required_argument, NULL, 'p'},
		{"server-name", required_argument, NULL, 'n'}, {"tun", required_argument, NULL, 't'},
		{"uri", required_argument, NULL, 'u'},     {"cert", required_argument, NULL, 'c'},
		{"key", required_argument, NULL, 'k'},     {"tls-max", required_argument, NULL, 'x'},
		{"ciphers", required_argument, NULL, 'C'}, {"mtu", required_argument, NULL, 'm'},
		{"seconds", required_argument, NULL, 's'}, {"help", no_argument, NULL, 'h'},
		{"once", no_argument, NULL, 'o'},          {"schedule-scale", required_argument, NULL, 'S'},
		{"proxy", required_argument, NULL, 'P'},   {"no-direct", no_argument, NULL, 'D'},
		{"connect-timeout", required_argument, NULL, 'T'},
		{NULL, 0, NULL, 0},
	};
	struct proxy_url http_proxy, socks_proxy;
	int c, have_http = 0, have_socks = 0, direct = 1;
	double connect_timeout = 10;
	const char *env;

	*o = (struct options){.port = "443", .tun_name = "iphttps0", .uri = "/IPHTTPS", .mtu = 1280, .schedule_scale = 1};
	while ((c = getopt_long(argc, argv, "h", longs, NULL)) != -1) {
		switch (c) {
		case 'a': o->ca_file = optarg; break;
		case 'p': o->port = optarg; break;
		case 'n': o->server_name = optarg; break;
		case 't': o->tun_name = optarg; break;
		case 'u': o->uri = optarg; break;
		case 'c': o->cert_file = optarg; break;
		case 'k': o->key_file = optarg; break;
		case 'C': o->ciphers = optarg; break;
		case 'x':
			if (strcmp(optarg, "1.2") != 0 && strcmp(optarg, "1.3") != 0) {
				fprintf(stderr, "iphttps-client: --tls-max is 1.2 or 1.3, not \"%s\"\n", optarg);
				return -1;
			}
			o->tls_max_12 = strcmp(optarg, "1.2") == 0;
			break;
		case 'm': {
			char *end;
			unsigned long v = strtoul(optarg, &end, 10);

			if (*end != '\0' || v < 1280 || v > 65535) {
				fprintf(stderr, "iphttps-client: --mtu is 1280..65535, not \"%s\"\n", optarg);
				return -1;
			}
			o->mtu = (unsigned int)v;
			break;
		}
		case 's': {
			char *end;

			o->seconds = strtod(optarg, &end);
			if (*end != '\0' || o->seconds < 0) {
				fprintf(stderr, "iphttps-client: --seconds is a number of seconds, not \"%s\"\n", optarg);
				return -1;
			}
			break;
		}
		case 'o': o->once = 1; break;
		case 'D': direct = 0; break;
		case 'P': {
			struct proxy_url u;
			const char *err = proxy_url_parse(optarg, &u);

			if (err != NULL) {
				fprintf(stderr, "iphttps-client: --proxy \"%s\": %s\n", optarg, err);
				return -1;
			}
			if (u.kind == PROXY_SOCKS5)
				socks_proxy = u, have_socks = 1;
			else
				http_proxy = u, have_http = 1;
			break;
		}
		case 'T': {
			char *end;

			connect_timeout = strtod(optarg, &end);
			if (*end != '\0' || connect_timeout < 0.1 || connect_timeout > 300) {
				fprintf(stderr, "iphttps-client: --connect-timeout is 0.1..300 seconds, not \"%s\"\n", optarg);
				return -1;
			}
			break;
		}
		case 'S': {
			char *end;

			o->schedule_scale = strtod(optarg, &end);
			if (*end != '\0' || o->schedule_scale < 1 || o->schedule_scale > 10000) {
				fprintf(stderr, "iphttps-client: --schedule-scale is 1..10000, not \"%s\"\n", optarg);
				return -1;
			}
			break;
		}
		case 'h': usage(stdout); exit(0);
		default: usage(stderr); return -1;
		}
	}
	if (optind != argc - 1 || o->ca_file == NULL) {
		usage(stderr);
		return -1;
	}
	o->server = argv[optind];
	if (o->server_name == NULL)
		o->server_name = o->server;
	/* The web proxy the environment names, as curl and most tools take it. */
	if (!have_http && ((env = getenv("https_proxy")) != NULL || (env = getenv("HTTPS_PROXY")) != NULL) && *env) {
		const char *err = proxy_url_parse(env, &http_proxy);

		if (err != NULL) {
			fprintf(stderr, "iphttps-client: https_proxy \"%s\": %s\n", env, err);
			return -1;
		}
		if (http_proxy.kind == PROXY_SOCKS5)
			socks_proxy = http_proxy, have_socks = 1;
		else
			have_http = 1;
	}
	o->reach = (struct server_connect_config){.host = o->server, .port = o->port,
						  .timeout_ms = (unsigned int)(connect_timeout * 1000)};
	if (direct)
		o->reach.ways[o->reach.way_count++] = (struct server_way){.kind = WAY_DIRECT};
	if (have_http)
		o->reach.ways[o->reach.way_count++] = (struct server_way){.kind = WAY_HTTP_PROXY, .proxy = http_proxy};
	if (have_socks)
		o->reach.ways[o->reach.way_count++] = (struct server_way){.kind = WAY_SOCKS5, .proxy = socks_proxy};
	if (o->reach.way_count == 0) {
		fprintf(stderr, "iphttps-client: --no-direct and no proxy: no way to the server\n");
		return -1;
	}
	return 0;
}

/*
 * One connection: TCP, TLS with the server's certificate and name verified,
 * the request and the 200. Returns NULL with *sslp and *sockp set when the
 * link is up, or why it failed, in words (printed already where TLS says more).
 */
static const char *connect_link(SSL_CTX *ctx, struct options *o, struct framer *framer,
				struct downlink *down, SSL **sslp, int *sockp)
{
	struct timeval no_timeout = {0};
	char why[SERVER_CONNECT_WHY_MAX_BYTES];
	SSL *ssl;
	int sock;

	sock = server_connect(&o->reach, &o->way, why, sizeof(why));
	if (sock < 0) {
		fprintf(stderr, "iphttps-client: the server cannot be reached: %s\n", why);
		return "the server cannot be reached";
	}
	if (why[0] != '\0') /* the ways tried before the one that worked */
		fprintf(stderr, "iphttps-client: reached the server after: %s\n", why);
	ssl = SSL_new(ctx);
	if (ssl == NULL || expect_server_name(ssl, o->server_name) != 1 || SSL_set_fd(ssl, sock) != 1) {
		print_tls_errors("TLS set-up failed");
		goto fail;
	}
	if (SSL_connect(ssl) != 1) {
		long v = SSL_get_verify_result(ssl);

		if (v != X509_V_OK)
			fprintf(stderr, "iphttps-client: the server's certificate was refused: %s\n",
				X509_verify_cert_error_string(v));
		else
			print_tls_errors("the TLS handshake failed");
		goto fail;
	}
	framer_init(framer, o->mtu);
	if (open_link(ssl, o, framer, down) != 0)
		goto fail;
	/* From here on both directions are non-blocking, driven by poll. */
	setsockopt(sock, SOL_SOCKET, SO_SNDTIMEO, &no_timeout, sizeof(no_timeout));
	setsockopt(sock, SOL_SOCKET, SO_RCVTIMEO, &no_timeout, sizeof(no_timeout));
	if (fcntl(sock, F_SETFL, O_NONBLOCK) != 0)
		goto fail;
	*sslp = ssl;
	*sockp = sock;
	return NULL;
fail:
	SSL_free(ssl);
	close(sock);
	return "the link could not be opened";
}

/* The reconnect timer's clock: monotonic milliseconds, sped up by --schedule-scale for tests. */
static uint64_t schedule_now_ms(const struct options *o)
{
	return (uint64_t)(now_seconds() * 1000.0 * o->schedule_scale);
}

int main(int argc, char **argv)
{
	static struct downlink down;
	struct link_stats stats = {0};
	struct reconnect_timer timer;
	struct framer framer;
	struct options o;
	char error[256], via[320];
	const char *ended = "stopped by a signal";
	double end;
	SSL_CTX *ctx;
	int tun, link_ups = 0;

	if (parse_options(argc, argv, &o) != 0)
		return 2;
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	signal(SIGPIPE, SIG_IGN);

	tun = tun_device_open(o.tun_name, error, sizeof(error));
	if (tun < 0) {
		fprintf(stderr, "iphttps-client: %s\n", error);
		return 1;
	}
	ctx = tls_context(&o);
	if (ctx == NULL)
		return 1;
	down.tun = tun;
	down.stats = &stats;
	end = o.seconds > 0 ? now_seconds() + o.seconds : 0;
	reconnect_timer_init(&timer);

	/* Enabled → LinkDown → Established → LinkUp (3.1.1); every failure, and every
	 * LinkUp connection lost, waits for the reconnect timer (3.1.2.1, 3.1.5.4). */
	while (!stop_requested) {
		SSL *ssl = NULL;
		int sock = -1;
		const char *failed;

		if (end > 0 && now_seconds() >= end) {
			ended = "the time given with --seconds passed";
			break;
		}
		if (!reconnect_timer_due(&timer, schedule_now_ms(&o))) {
			usleep(50 * 1000);
			continue;
		}
		failed = connect_link(ctx, &o, &framer, &down, &ssl, &sock);
		if (failed != NULL) {
			if (o.once) {
				ended = failed;
				break;
			}
			reconnect_timer_failure(&timer, schedule_now_ms(&o));
			fprintf(stderr, "iphttps-client: %s; next attempt in %.1f s\n", failed,
				(double)timer.timeout_ms / 1000.0 / o.schedule_scale);
			continue;
		}
		reconnect_timer_success(&timer);
		link_ups++;
		server_way_describe(&o.reach.ways[o.way], via, sizeof(via));
		printf("{\"up\": true, \"tun\": \"%s\", \"version\": \"%s\", \"cipher\": \"%s\", \"via\": \"%s\", "
		       "\"link_ups\": %d}\n",
		       o.tun_name, SSL_get_version(ssl), SSL_get_cipher_name(ssl), via, link_ups);
		fflush(stdout);
		ended = carry_packets(ssl, sock, tun, end, &framer, &down, &stats);
		framer_reset(&framer, &downlink_sink, &down);
		SSL_shutdown(ssl);
		SSL_free(ssl);
		close(sock);
		if (stop_requested || strstr(ended, "--seconds") != NULL || o.once)
			break;
		reconnect_timer_failure(&timer, schedule_now_ms(&o));
		fprintf(stderr, "iphttps-client: link lost: %s; next attempt in %.1f s\n", ended,
			(double)timer.timeout_ms / 1000.0 / o.schedule_scale);
	}
	fprintf(stderr, "iphttps-client: link down: %s\n", ended);
	printf("{\"up_packets\": %llu, \"up_bytes\": %llu, \"down_packets\": %llu, \"down_bytes\": %llu, "
	       "\"down_dropped\": %llu, \"link_ups\": %d}\n",
	       (unsigned long long)stats.up_packets, (unsigned long long)stats.up_bytes,
	       (unsigned long long)stats.down_packets, (unsigned long long)stats.down_bytes,
	       (unsigned long long)stats.down_dropped, link_ups);
	SSL_CTX_free(ctx);
	close(tun);
	/* With --once, a link that never came up is a failure; otherwise only a signal or --seconds end it. */
	return o.once && link_ups == 0 ? 1 : 0;
}
