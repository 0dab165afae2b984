/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Load for `make bench-tls` (bench/bench_tls.sh), an OpenSSL client on the
 * kernel's TCP, one thread, epoll:
 *
 *   handshakes HOST PORT SECONDS CONCURRENCY
 *       full TLS handshakes (no resumption), CONCURRENCY in flight, each
 *       connection closed once its handshake is done; prints handshakes/s
 *   idle HOST PORT COUNT SECONDS
 *       COUNT sessions brought to LinkUp (200 OK), then held idle SECONDS
 *   bulk HOST PORT SECONDS CIPHER
 *       one session: ICMPv6 echo requests of 1,280 bytes to the server's link
 *       address as fast as the appliance echoes them; prints the goodput of
 *       echoed packets in each direction. CIPHER is an OpenSSL TLS 1.2 cipher
 *       name (TLS 1.2 is then forced) or "tls13" (TLS_AES_128_GCM_SHA256).
 *
 * Each mode prints one JSON line. The client verifies nothing: it measures
 * the appliance, and a chain check would only slow the client down.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

static const char request[] = "POST /IPHTTPS HTTP/1.1\r\nHost: gw\r\nContent-Length: 18446744073709551615\r\n\r\n";

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static struct sockaddr_in target;

static int tcp_connect_nb(void)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0), one = 1;

	if (fd < 0)
		return -1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(fd, (struct sockaddr *)&target, sizeof(target)) != 0 && errno != EINPROGRESS) {
		close(fd);
		return -1;
	}
	return fd;
}

static SSL_CTX *client_ctx(const char *cipher)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());

	SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF); /* every handshake is a full one */
	SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
	if (cipher && strcmp(cipher, "tls13") == 0) {
		SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION);
		SSL_CTX_set_ciphersuites(ctx, "TLS_AES_128_GCM_SHA256");
	} else if (cipher) {
		SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION);
		SSL_CTX_set_security_level(ctx, 0);
		if (SSL_CTX_set_cipher_list(ctx, cipher) != 1) {
			fprintf(stderr, "tls_bench: unknown cipher %s\n", cipher);
			exit(2);
		}
	} else {
		SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION);
		SSL_CTX_set_ciphersuites(ctx, "TLS_AES_128_GCM_SHA256");
		SSL_CTX_set1_groups_list(ctx, "X25519");
	}
	return ctx;
}

/* ---- handshakes ---- */

struct hs_conn {
	int fd;
	SSL *ssl;
};

static int hs_start(SSL_CTX *ctx, int ep, struct hs_conn *c)
{
	struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT, .data.ptr = c};

	c->fd = tcp_connect_nb();
	if (c->fd < 0)
		return -1;
	c->ssl = SSL_new(ctx);
	SSL_set_fd(c->ssl, c->fd);
	SSL_set_connect_state(c->ssl);
	return epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev);
}

static void hs_end(struct hs_conn *c)
{
	SSL_free(c->ssl);
	close(c->fd);
}

static int mode_handshakes(double seconds, int concurrency)
{
	SSL_CTX *ctx = client_ctx(NULL);
	int ep = epoll_create1(0);
	struct hs_conn *conns = calloc((size_t)concurrency, sizeof(*conns));
	struct epoll_event events[256];
	unsigned long done = 0, failed = 0;
	double start = now_s(), end = start + seconds;

	for (int i = 0; i < concurrency; i++)
		if (hs_start(ctx, ep, &conns[i]) != 0)
			return 1;
	while (now_s() < end) {
		int n = epoll_wait(ep, events, 256, 100);

		for (int i = 0; i < n; i++) {
			struct hs_conn *c = events[i].data.ptr;
			int rc = SSL_do_handshake(c->ssl), err;

			if (rc == 1) {
				done++;
			} else {
				err = SSL_get_error(c->ssl, rc);
				if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
					struct epoll_event ev = {
						.events = err == SSL_ERROR_WANT_READ ? EPOLLIN : EPOLLOUT, .data.ptr = c};
					epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
					continue;
				}
				failed++;
				ERR_clear_error();
			}
			hs_end(c); /* the kernel closes: FIN after the handshake */
			if (hs_start(ctx, ep, c) != 0)
				failed++;
		}
	}
	printf("{\"handshakes\": %lu, \"failed\": %lu, \"seconds\": %.3f, \"per_second\": %.1f}\n", done, failed,
	       now_s() - start, (double)done / (now_s() - start));
	return failed > done / 100 ? 1 : 0;
}

/* ---- a blocking session to LinkUp (idle, bulk) ---- */

static SSL *session_open(SSL_CTX *ctx, int *fd_out)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
	char buf[1024];
	size_t have = 0;
	SSL *ssl;

	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(fd, (struct sockaddr *)&target, sizeof(target)) != 0) {
		close(fd);
		return NULL;
	}
	ssl = SSL_new(ctx);
	SSL_set_fd(ssl, fd);
	if (SSL_connect(ssl) != 1 || SSL_write(ssl, request, (int)strlen(request)) <= 0)
		goto fail;
	while (have < sizeof(buf) - 1) {
		int n = SSL_read(ssl, buf + have, (int)(sizeof(buf) - 1 - have));

		if (n <= 0)
			goto fail;
		have += (size_t)n;
		buf[have] = '\0';
		if (strstr(buf, "\r\n\r\n"))
			break;
	}
	if (strncmp(buf, "HTTP/1.1 200 ", 13) != 0)
		goto fail;
	*fd_out = fd;
	return ssl;
fail:
	ERR_clear_error();
	SSL_free(ssl);
	close(fd);
	return NULL;
}

static int mode_idle(int count, double seconds)
{
	SSL_CTX *ctx = client_ctx(NULL);
	SSL **ssl = calloc((size_t)count, sizeof(*ssl));
	int *fd = calloc((size_t)count, sizeof(*fd)), up = 0;

	for (int i = 0; i < count; i++)
		if ((ssl[i] = session_open(ctx, &fd[i])) != NULL)
			up++;
	printf("{\"sessions_up\": %d}\n", up);
	fflush(stdout);
	usleep((useconds_t)(seconds * 1e6));
	for (int i = 0; i < count; i++)
		if (ssl[i]) {
			SSL_free(ssl[i]);
			close(fd[i]);
		}
	return up == count ? 0 : 1;
}

/* ---- bulk ---- */

enum { PACKET_BYTES = 1280 };

static uint16_t checksum16(const uint8_t *p, size_t n, uint32_t sum)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* An ICMPv6 echo request from fe80::2 to fe80::1, PACKET_BYTES long. */
static void echo_packet(uint8_t *p, uint16_t seq)
{
	uint32_t plen = PACKET_BYTES - 40, sum = 0;
	uint16_t c;

	memset(p, 0xab, PACKET_BYTES);
	memset(p, 0, 48);
	p[0] = 0x60, p[4] = (uint8_t)(plen >> 8), p[5] = (uint8_t)plen, p[6] = 58, p[7] = 64;
	p[8] = 0xfe, p[9] = 0x80, p[23] = 2;
	p[24] = 0xfe, p[25] = 0x80, p[39] = 1;
	p[40] = 128, p[46] = (uint8_t)(seq >> 8), p[47] = (uint8_t)seq;
	for (int i = 8; i < 40; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	sum += plen + 58;
	c = checksum16(p + 40, plen, sum);
	p[42] = (uint8_t)(c >> 8), p[43] = (uint8_t)c;
}

static int mode_bulk(double seconds, const char *cipher)
{
	SSL_CTX *ctx = client_ctx(cipher);
	int fd, window = 48; /* packets in flight: enough to keep the pipe full, under the send queue */
	SSL *ssl = session_open(ctx, &fd);
	static uint8_t out[16 * PACKET_BYTES], in[65536];
	unsigned long sent = 0, received = 0, partial = 0;
	double start, end;

	if (!ssl) {
		printf("{\"error\": \"no session\"}\n");
		return 1;
	}
	for (int i = 0; i < 16; i++)
		echo_packet(out + i * PACKET_BYTES, (uint16_t)i);
	start = now_s();
	end = start + seconds;
	while (now_s() < end) {
		/* Keep `window` packets outstanding; 12 per record (15,360 bytes, under 16 KiB). */
		while (sent - received < (unsigned long)window) {
			if (SSL_write(ssl, out, 12 * PACKET_BYTES) <= 0)
				goto broken;
			sent += 12;
		}
		int n = SSL_read(ssl, in, sizeof(in));

		if (n <= 0)
			goto broken;
		partial += (unsigned long)n;
		received += partial / PACKET_BYTES;
		partial %= PACKET_BYTES;
	}
	{
		double t = now_s() - start;
		const char *name = SSL_get_cipher_name(ssl);

		printf("{\"cipher\": \"%s\", \"protocol\": \"%s\", \"packets_echoed\": %lu, \"seconds\": %.3f, "
		       "\"mbit_per_s_each_way\": %.1f, \"packets_per_s\": %.0f}\n",
		       name, SSL_get_version(ssl), received, t, (double)received * PACKET_BYTES * 8 / t / 1e6,
		       (double)received / t);
	}
	SSL_free(ssl);
	close(fd);
	return 0;
broken:
	printf("{\"error\": \"session broke after %lu packets\"}\n", received);
	return 1;
}

int main(int argc, char **argv)
{
	if (argc < 6) {
		fprintf(stderr, "usage: tls_bench handshakes|idle|bulk HOST PORT ARG ARG\n");
		return 2;
	}
	target.sin_family = AF_INET;
	target.sin_port = htons((uint16_t)atoi(argv[3]));
	if (inet_pton(AF_INET, argv[2], &target.sin_addr) != 1)
		return 2;
	if (strcmp(argv[1], "handshakes") == 0)
		return mode_handshakes(atof(argv[4]), atoi(argv[5]));
	if (strcmp(argv[1], "idle") == 0)
		return mode_idle(atoi(argv[4]), atof(argv[5]));
	if (strcmp(argv[1], "bulk") == 0)
		return mode_bulk(atof(argv[4]), argv[5]);
	return 2;
}
