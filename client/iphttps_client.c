/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * iphttps-client: one IP-HTTPS link ([MS-IPHTTPS] 3.1) bridged to a kernel
 * TUN device. The state machine of 3.1.1 (Enabled, LinkDown, Established,
 * LinkUp, Disabled) lives here: connect (directly, through a web proxy or
 * SOCKS5: server_connect.c), TLS with the server's certificate and name
 * verified (4.2.3: a rogue server is refused; client_tls.c), the POST with the
 * 2^64-1 Content-Length, 200 for LinkUp, then the packets both ways
 * (tunnel_io.c) while the link's router is probed when quiet
 * (link_liveness.c) and SLAAC keeps the address (slaac.c). A failed attempt
 * waits for the reconnect timer (3.1.2.1); a LinkUp connection lost is tried
 * again at once, after a random delay (3.1.5.4: reconnect_timer.c).
 *
 * The state is logged and saved for `iphttps-client status`
 * (client_status.c). One JSON line is printed when the link is up
 * ({"up": true, ...}), as tests/lib/tun_bridge.py does, so the tests and
 * benchmarks can run either.
 */
#include "version.h"
#include "client_config.h"
#include "client_request.h"
#include "client_status.h"
#include "client_options.h"
#include "client_tls.h"
#include "framer.h"
#include "http_status.h"
#include "link_apply.h"
#include "link_liveness.h"
#include "link_stream.h"
#include "reconnect_timer.h"
#include "server_connect.h"
#include "slaac.h"
#include "tls_null_suites.h"
#include "tun_device.h"
#include "tun_offload.h"
#include "tunnel_io.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <ifaddrs.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

enum {
	TLS_READ_BYTES = 64 * 1024,
	CONNECT_TIMEOUT_MS = 10000,
};

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}


/* ---- what a person sees: the state, in the log and in the status file ---- */

static struct client_status status;
/* The routes and DNS of the link's RAs (NULL with --kernel-slaac: the kernel's then). */
static struct link_apply *link_setup;
static const char *status_path;

static void status_save(void)
{
	if (status_path != NULL && client_status_save(status_path, &status) != 0)
		fprintf(stderr, "iphttps-client: cannot write %s: %s\n", status_path, strerror(errno));
}

/*
 * Enter a state (3.1.1), saying so in the log; reason is why, when it is a
 * failure or an end; retry_s > 0 is when the reconnect timer tries again.
 */
static void set_state_retry(enum client_state state, const char *reason, double retry_s)
{
	char retry[64] = "";

	if (retry_s > 0)
		snprintf(retry, sizeof(retry), "; next attempt in %.1f s", retry_s);
	if (state != status.state || retry_s > 0)
		fprintf(stderr, "iphttps-client: %s -> %s%s%s%s\n", client_state_name(status.state),
			client_state_name(state), reason && *reason ? ": " : "", reason ? reason : "", retry);
	status.state = state;
	status.since = (int64_t)time(NULL);
	if (reason != NULL)
		snprintf(status.reason, sizeof(status.reason), "%s", reason);
	status.next_attempt = retry_s > 0 ? status.since + (int64_t)(retry_s + 0.5) : 0;
	status_save();
}

static void set_state(enum client_state state, const char *reason)
{
	set_state_retry(state, reason, 0);
}

/* The TUN device's global IPv6 address, formed by SLAAC from the server's RA. */
static void read_link_address(const char *tun, char *out, size_t len)
{
	struct ifaddrs *list, *a;

	out[0] = '\0';
	if (getifaddrs(&list) != 0)
		return;
	for (a = list; a != NULL; a = a->ifa_next) {
		const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)a->ifa_addr;

		if (a->ifa_addr == NULL || a->ifa_addr->sa_family != AF_INET6 || strcmp(a->ifa_name, tun) != 0 ||
		    IN6_IS_ADDR_LINKLOCAL(&sin6->sin6_addr))
			continue;
		inet_ntop(AF_INET6, &sin6->sin6_addr, out, (socklen_t)len);
		break;
	}
	freeifaddrs(list);
}

/*
 * The request of 3.1.5.1 and the server's answer. Returns 0 on 200 with any
 * body bytes that came with the head pushed through the framer; else -1
 * with why, in words.
 */
static int open_link(struct link_stream *stream, const struct options *o, struct framer *framer,
		     struct downlink *down, char *why, size_t why_len)
{
	char request[1024], head[HTTP_STATUS_HEAD_MAX_BYTES], tls[256];
	static struct http_status st;
	size_t have = 0;
	int n;

	n = client_request_post(request, sizeof(request), o->uri, o->server_name);
	if (n < 0) {
		snprintf(why, why_len, "the URI \"%s\" or server name \"%s\" cannot go into a request line", o->uri,
			 o->server_name);
		return -1;
	}
	if (link_stream_write(stream, request, (size_t)n) != n) {
		snprintf(why, why_len, "the request could not be sent: %s", client_tls_error_text(tls, sizeof(tls)));
		return -1;
	}
	for (;;) {
		n = link_stream_read(stream, head + have, sizeof(head) - have);
		if (n <= 0) {
			snprintf(why, why_len, "the server closed the connection before its answer: %s",
				 client_tls_error_text(tls, sizeof(tls)));
			return -1;
		}
		have += (size_t)n;
		if (http_status_parse(head, have, &st))
			break;
	}
	if (st.error != HTTP_STATUS_OK) {
		snprintf(why, why_len, "the server's answer is malformed: %s", http_status_error_text(st.error));
		return -1;
	}
	if (st.code == 503) {
		/* An iphttps appliance's refusal of a session beyond limits.sessions_per_subject. */
		snprintf(why, why_len, "the server answered 503 Service Unavailable: it has as many sessions of this "
			 "client certificate as it allows (is the certificate in use on another host?)");
		return -1;
	}
	if (st.code != 200) {
		snprintf(why, why_len, "the server answered %u, not 200 (is the URI %s right?)", st.code, o->uri);
		return -1;
	}
	if (have > st.head_bytes &&
	    framer_push(framer, (const uint8_t *)head + st.head_bytes, have - st.head_bytes, &downlink_sink, down) !=
		    FRAMER_OK) {
		snprintf(why, why_len, "the server sent something that is not an IPv6 packet");
		return -1;
	}
	return 0;
}

struct link_stats;
static void status_refresh(const struct options *o, const struct downlink *down);

/* The bridge. Returns why it ended, in words. */
static const char *carry_packets(const struct options *o, struct link_stream *stream, int tun, double end,
				 struct framer *framer, struct downlink *down, struct link_stats *stats)
{
	static uint8_t out[UPLINK_BATCH_BYTES], in[TLS_READ_BYTES];
	static char lost[128];
	size_t out_used = 0, out_sent = 0;
	double next_refresh = 0;
	struct link_liveness alive;

	/* Liveness needs the client's own SLAAC: its link-local address is the probe's source. */
	link_liveness_start(&alive, &o->liveness, monotonic_seconds());
	if (!down->slaac)
		alive.config.idle_s = 0;

	while (!stop_requested) {
		struct pollfd fds[2] = {
			{.fd = stream->fd, .events = POLLIN | (out_sent < out_used ? POLLOUT : 0)},
			{.fd = tun, .events = out_used == 0 ? POLLIN : 0},
		};

		if (monotonic_seconds() >= next_refresh) {
			status_refresh(o, down);
			next_refresh = monotonic_seconds() + 1;
		}
		if (end > 0 && monotonic_seconds() >= end)
			return "the time given with --seconds passed";
		/* No wait while SLAAC has a packet for the server (the RS at LinkUp, a DAD NS). */
		if (!link_stream_pending(stream) &&
		    poll(fds, 2, down->slaac && down->slaac->pending_count ? 0 : 200) < 0 && errno != EINTR)
			return "poll failed";
		if (down->slaac)
			slaac_poll(down->slaac, monotonic_seconds());
		if (link_setup)
			link_apply_poll(link_setup, monotonic_seconds());
		switch (link_liveness_poll(&alive, monotonic_seconds())) {
		case LIVENESS_PROBE:
			slaac_probe_router(down->slaac);
			status.probes_sent++;
			break;
		case LIVENESS_LOST:
			snprintf(lost, sizeof(lost), "nothing from the server for %u s, %u probes to the router unanswered",
				 link_liveness_deadline_s(&o->liveness), o->liveness.probes);
			return lost;
		case LIVENESS_QUIET:
			break;
		}
		if (out_used == 0)
			out_used = gather_uplink(tun, down, o->mtu, out, 0, stats);
		while (out_sent < out_used) {
			int n = link_stream_write(stream, out + out_sent, out_used - out_sent);

			if (n == LINK_STREAM_AGAIN)
				break;
			if (n < 0)
				return "the connection failed while sending";
			out_sent += (size_t)n;
		}
		if (out_sent == out_used)
			out_sent = out_used = 0;
		int drained = 0;

		for (int i = 0; i < 64; i++) {
			int n = link_stream_read(stream, in, sizeof(in));

			if (n == LINK_STREAM_AGAIN) {
				drained = 1;
				break;
			}
			if (n < 0)
				return n == LINK_STREAM_CLOSED ? "the server closed the link"
							       : "the connection failed while receiving";
			link_liveness_heard(&alive, monotonic_seconds());
			/* The link's MTU is the router's word (its RA's MTU option, which
			 * SLAAC set on the TUN device): packets up to it are the link's. */
			if (down->slaac)
				framer->mtu = down->slaac->mtu;
			if (framer_push(framer, in, (size_t)n, &downlink_sink, down) != FRAMER_OK)
				return "the server sent something that is not an IPv6 packet of the link's MTU";
		}
		downlink_flush(down); /* what was joined goes to the kernel before the next wait */
		link_stream_wake_on_progress(stream, drained);
	}
	return "stopped by a signal";
}

/*
 * One connection: TCP (directly or through a proxy), TLS with the server's
 * certificate and name verified unless plain HTTP is configured (LinkDown ->
 * Established), the request and the 200. Returns 0 with *stream open when
 * the link is up, or -1 with why, in words.
 */
static int connect_link(SSL_CTX *ctx, struct options *o, struct framer *framer, struct downlink *down,
			struct link_stream *stream, char *why, size_t why_len)
{
	struct timeval no_timeout = {0};
	char reach_why[SERVER_CONNECT_WHY_MAX_BYTES], tls[256];

	*stream = (struct link_stream){.ssl = NULL, .fd = -1};
	stream->fd = server_connect(&o->reach, &o->way, reach_why, sizeof(reach_why));
	if (stream->fd < 0) {
		snprintf(why, why_len, "the server cannot be reached: %s", reach_why);
		return -1;
	}
	if (reach_why[0] != '\0') /* the ways tried before the one that worked */
		fprintf(stderr, "iphttps-client: reached the server after: %s\n", reach_why);
	if (!o->plain_http) {
		SSL *ssl = SSL_new(ctx);

		stream->ssl = ssl;
		if (ssl == NULL || client_tls_expect_server_name(ssl, o->server_name) != 1 || SSL_set_fd(ssl, stream->fd) != 1) {
			snprintf(why, why_len, "TLS set-up failed: %s", client_tls_error_text(tls, sizeof(tls)));
			goto fail;
		}
		if (SSL_connect(ssl) != 1) {
			long v = SSL_get_verify_result(ssl);

			if (v != X509_V_OK)
				snprintf(why, why_len, "the server's certificate was refused: %s (expected name %s)",
					 X509_verify_cert_error_string(v), o->server_name);
			else
				snprintf(why, why_len, "the TLS handshake failed: %s", client_tls_error_text(tls, sizeof(tls)));
			goto fail;
		}
	}
	server_way_describe(&o->reach.ways[o->way], status.via, sizeof(status.via));
	link_stream_describe(stream, status.transport, sizeof(status.transport));
	set_state(CLIENT_ESTABLISHED, NULL);
	framer_init(framer, o->mtu);
	if (open_link(stream, o, framer, down, why, why_len) != 0)
		goto fail;
	/* From here on both directions are non-blocking, driven by poll. */
	setsockopt(stream->fd, SOL_SOCKET, SO_SNDTIMEO, &no_timeout, sizeof(no_timeout));
	setsockopt(stream->fd, SOL_SOCKET, SO_RCVTIMEO, &no_timeout, sizeof(no_timeout));
	if (fcntl(stream->fd, F_SETFL, O_NONBLOCK) != 0)
		goto fail;
	link_stream_watch_reads(stream);
	return 0;
fail:
	if (stream->ssl != NULL) { /* no close_notify on a handshake that failed */
		SSL_free(stream->ssl);
		stream->ssl = NULL;
	}
	link_stream_close(stream);
	return -1;
}

/* The delay before trying again after a lost link: uniform in 0..RECONNECT_JITTER_MAX_MS, on the schedule's clock. */
static uint64_t reconnect_jitter_ms(void)
{
	uint32_t r = 0;

	if (RAND_bytes((unsigned char *)&r, sizeof(r)) != 1)
		r = (uint32_t)getpid() * 2654435761u;
	return r % (RECONNECT_JITTER_MAX_MS + 1);
}

/* The reconnect timer's clock: monotonic milliseconds, sped up by --schedule-scale for tests. */
static uint64_t schedule_now_ms(const struct options *o)
{
	return (uint64_t)(monotonic_seconds() * 1000.0 * o->schedule_scale);
}

/* The counters and the address into the status, saved: each second while LinkUp, and at every change. */
static void status_refresh(const struct options *o, const struct downlink *down)
{
	const struct link_stats *stats = down->stats;

	status.up_bytes = stats->up_bytes;
	status.up_packets = stats->up_packets;
	status.down_bytes = stats->down_bytes;
	status.down_packets = stats->down_packets;
	/* The client's own SLAAC knows its address; only the kernel's must be asked for (a netlink dump). */
	if (down->slaac) {
		snprintf(status.address, sizeof(status.address), "%s", down->slaac->has_address ? down->slaac->text : "");
		if (down->slaac->policy.has_router)
			inet_ntop(AF_INET6, &down->slaac->policy.router, status.router, sizeof(status.router));
		status.ras_ignored = down->slaac->policy.ignored;
		snprintf(status.dns, sizeof(status.dns), "%s", link_setup->dns.applied);
		snprintf(status.routes, sizeof(status.routes), "%s", link_setup->routes);
	} else
		read_link_address(o->tun_name, status.address, sizeof(status.address));
	status_save();
}

/* `iphttps-client status [--tun NAME | --status-file PATH] [--json]`: what the client is doing, for a person. */
static int status_command(int argc, char **argv)
{
	static const struct option longs[] = {
		{"tun", required_argument, NULL, 't'},
		{"status-file", required_argument, NULL, 'f'},
		{"json", no_argument, NULL, 'j'},
		{NULL, 0, NULL, 0},
	};
	const char *tun = "iphttps0", *file = NULL;
	char path[256], why[512];
	struct client_status st;
	int c, json = 0, running;

	while ((c = getopt_long(argc, argv, "", longs, NULL)) != -1) {
		switch (c) {
		case 't': tun = optarg; break;
		case 'f': file = optarg; break;
		case 'j': json = 1; break;
		default:
			fprintf(stderr, "usage: iphttps-client status [--tun NAME | --status-file PATH] [--json]\n");
			return 2;
		}
	}
	if (file == NULL) {
		snprintf(path, sizeof(path), "/run/iphttps-client/%s.json", tun);
		file = path;
	}
	if (access(file, F_OK) != 0) {
		printf("no client has run for %s (no %s)\n", tun, file);
		return 3;
	}
	if (client_status_load(file, &st, why, sizeof(why)) != 0) {
		fprintf(stderr, "iphttps-client: %s\n", why);
		return 1;
	}
	running = st.state != CLIENT_DISABLED && st.pid > 0 && (kill(st.pid, 0) == 0 || errno == EPERM);
	if (json) {
		FILE *f = fopen(file, "r");
		char buf[4096];
		size_t n;

		while (f != NULL && (n = fread(buf, 1, sizeof(buf), f)) > 0)
			fwrite(buf, 1, n, stdout);
		if (f != NULL)
			fclose(f);
		printf("\n");
	} else {
		client_status_print(stdout, &st, time(NULL), running);
	}
	/* As systemctl is-active: 0 when the link is up, 3 otherwise. */
	return running && st.state == CLIENT_LINK_UP ? 0 : 3;
}

int main(int argc, char **argv)
{
	static struct downlink down;
	struct link_stats stats = {0};
	struct reconnect_timer timer;
	struct framer framer;
	struct options o;
	char error[256], why[1024];
	const char *ended = "stopped by a signal";
	double end;
	SSL_CTX *ctx;
	int tun, link_ups = 0;
	uint64_t link_up_ms = 0;

	if (argc > 1 && strcmp(argv[1], "status") == 0)
		return status_command(argc - 1, argv + 1);
	if (client_options_parse(argc, argv, &o) != 0)
		return 2;
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	signal(SIGPIPE, SIG_IGN);

	if (o.check) {
		char way[320];

		ctx = o.plain_http ? NULL : client_tls_context(&o);
		if (!o.plain_http && ctx == NULL)
			return 1;
		printf("configuration OK: server %s port %s, certificate name %s, URI %s, %s, TUN %s (MTU %u)\n",
		       o.server, o.port, o.server_name, o.uri, o.plain_http ? "plain HTTP" : "TLS", o.tun_name, o.mtu);
		for (unsigned int i = 0; i < o.reach.way_count; i++) {
			server_way_describe(&o.reach.ways[i], way, sizeof(way));
			printf("  way %u: %s\n", i + 1, way);
		}
		SSL_CTX_free(ctx);
		return 0;
	}
	/* Enabled (3.1.1): the preconditions are a TUN device, a TLS context and the status file. */
	status.state = CLIENT_ENABLED;
	status.pid = (int)getpid();
	snprintf(status.server, sizeof(status.server), "%s port %s (certificate name %s, URI %s)", o.server, o.port,
		 o.server_name, o.uri);
	if (o.status_file != NULL) {
		status_path = o.status_file;
	} else {
		mkdir("/run/iphttps-client", 0755);
		snprintf(o.status_path, sizeof(o.status_path), "/run/iphttps-client/%s.json", o.tun_name);
		status_path = o.status_path;
	}
	set_state(CLIENT_ENABLED, "starting");
	down.offload = !o.no_tun_offload;
	tun = tun_device_open(o.tun_name, &down.offload, error, sizeof(error));
	if (tun < 0) {
		fprintf(stderr, "iphttps-client: %s\n", error);
		set_state(CLIENT_DISABLED, error);
		return 1;
	}
	if (!o.kernel_slaac) {
		static struct slaac slaac;

		if (slaac_start(&slaac, o.tun_name, o.mtu, error, sizeof(error)) != 0) {
			fprintf(stderr, "iphttps-client: %s\n", error);
			set_state(CLIENT_DISABLED, error);
			return 1;
		}
		if (o.first_iid != NULL) { /* "::1234:5678:9abc:def0" */
			struct in6_addr a;

			if (inet_pton(AF_INET6, o.first_iid, &a) != 1) {
				fprintf(stderr, "iphttps-client: --first-interface-id is an IPv6 address such as ::1:2:3:4\n");
				return 2;
			}
			memcpy(slaac.first_iid, &a.s6_addr[8], 8);
			slaac.has_first_iid = true;
		}
		down.slaac = &slaac;
		{
			static struct link_apply setup;

			link_apply_init(&setup, slaac.ifindex, o.tun_name, o.dns_routing_only);
			slaac.on_advert = link_apply_advert;
			slaac.on_advert_ctx = &setup;
			link_setup = &setup;
		}
	}
	ctx = o.plain_http ? NULL : client_tls_context(&o);
	if (!o.plain_http && ctx == NULL) {
		set_state(CLIENT_DISABLED, "the TLS settings cannot be used (see the log)");
		return 1;
	}
	down.tun = tun;
	down.stats = &stats;
	end = o.seconds > 0 ? monotonic_seconds() + o.seconds : 0;
	reconnect_timer_init(&timer);
	set_state(CLIENT_LINK_DOWN, "");

	/* Enabled -> LinkDown -> Established -> LinkUp (3.1.1); every failure waits for
	 * the reconnect timer (3.1.2.1), a lost LinkUp connection only the jitter (3.1.5.4). */
	while (!stop_requested) {
		struct link_stream stream;

		if (end > 0 && monotonic_seconds() >= end) {
			ended = "the time given with --seconds passed";
			break;
		}
		if (!reconnect_timer_due(&timer, schedule_now_ms(&o))) {
			usleep(50 * 1000);
			continue;
		}
		if (connect_link(ctx, &o, &framer, &down, &stream, why, sizeof(why)) != 0) {
			if (o.once) {
				set_state(CLIENT_LINK_DOWN, why);
				ended = why;
				break;
			}
			reconnect_timer_failure(&timer, schedule_now_ms(&o));
			set_state_retry(CLIENT_LINK_DOWN, why, (double)timer.timeout_ms / 1000.0 / o.schedule_scale);
			continue;
		}
		reconnect_timer_success(&timer);
		link_up_ms = schedule_now_ms(&o);
		link_ups++;
		status.link_ups = (unsigned int)link_ups;
		set_state(CLIENT_LINK_UP, NULL);
		if (down.slaac)
			slaac_link_up(down.slaac, monotonic_seconds());
		printf("{\"up\": true, \"tun\": \"%s\", \"version\": \"%s\", \"cipher\": \"%s\", \"via\": \"%s\", "
		       "\"link_ups\": %d}\n",
		       o.tun_name, stream.ssl ? SSL_get_version(stream.ssl) : "plain HTTP",
		       stream.ssl ? SSL_get_cipher_name(stream.ssl) : "none", status.via, link_ups);
		fflush(stdout);
		ended = carry_packets(&o, &stream, tun, end, &framer, &down, &stats);
		if (down.slaac)
			slaac_link_down(down.slaac);
		if (link_setup)
			link_apply_link_down(link_setup);
		framer_reset(&framer, &downlink_sink, &down);
		link_stream_close(&stream);
		status_refresh(&o, &down);
		if (stop_requested || strstr(ended, "--seconds") != NULL || o.once)
			break;
		/* 3.1.5.4: the client MUST try again, and does, after a random
		 * delay (reconnect_timer.h); the timer governs only failed attempts. */
		uint64_t up_ms = schedule_now_ms(&o) - link_up_ms;
		bool prompt = reconnect_timer_link_lost(&timer, schedule_now_ms(&o), up_ms, reconnect_jitter_ms());

		if (prompt)
			snprintf(why, sizeof(why), "link lost: %s", ended);
		else
			snprintf(why, sizeof(why), "link lost: %s (after less than %u s of LinkUp: counted as a failed attempt)",
				 ended, RECONNECT_STABLE_LINK_MS / 1000);
		set_state_retry(CLIENT_LINK_DOWN, why, (double)timer.timeout_ms / 1000.0 / o.schedule_scale + 1e-9);
	}
	status_refresh(&o, &down);
	set_state(CLIENT_DISABLED, ended);
	fprintf(stderr, "iphttps-client: link down: %s\n", ended);
	printf("{\"up_packets\": %llu, \"up_bytes\": %llu, \"up_dropped\": %llu, \"down_packets\": %llu, "
	       "\"down_bytes\": %llu, \"down_dropped\": %llu, \"link_ups\": %d}\n",
	       (unsigned long long)stats.up_packets, (unsigned long long)stats.up_bytes,
	       (unsigned long long)stats.up_dropped,
	       (unsigned long long)stats.down_packets, (unsigned long long)stats.down_bytes,
	       (unsigned long long)stats.down_dropped, link_ups);
	SSL_CTX_free(ctx);
	close(tun);
	/* With --once, a link that never came up is a failure; otherwise only a signal or --seconds end it. */
	return o.once && link_ups == 0 ? 1 : 0;
}
