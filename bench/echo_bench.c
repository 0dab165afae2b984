/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The load for make bench-tcp, run in the client namespace against an echo
 * server (the appliance's or the kernel's):
 *   echo_bench stream HOST PORT MIB      one connection: MIB out and back;
 *                                        prints Gbit/s each way
 *   echo_bench rr HOST PORT CONNS SECS   CONNS connections, each a loop of
 *                                        64-byte request / echoed reply;
 *                                        prints transactions per second
 * Bounded in bytes and seconds; exits non-zero if data came back wrong.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int connect_to(const char *host, const char *port, int nonblock)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *ai;
	int fd, one = 1;

	if (getaddrinfo(host, port, &hints, &ai) != 0)
		return -1;
	fd = socket(ai->ai_family, SOCK_STREAM, 0);
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
		freeaddrinfo(ai);
		close(fd);
		return -1;
	}
	freeaddrinfo(ai);
	if (nonblock)
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	return fd;
}

static int stream(const char *host, const char *port, long mib)
{
	size_t total = (size_t)mib << 20, sent = 0, received = 0;
	static char out[1 << 16], in[1 << 18];
	int fd = connect_to(host, port, 1);
	double start, deadline;
	unsigned long long mismatches = 0;

	if (fd < 0) {
		perror("echo_bench: connect");
		return 1;
	}
	for (size_t i = 0; i < sizeof(out); i++)
		out[i] = (char)(i * 7 + 3);
	start = now();
	deadline = start + 120;
	while (received < total && now() < deadline) {
		struct pollfd p = { .fd = fd, .events = POLLIN | (sent < total ? POLLOUT : 0) };

		poll(&p, 1, 1000);
		if ((p.revents & POLLOUT) && sent < total) {
			size_t off = sent % sizeof(out), n = sizeof(out) - off;
			ssize_t w = write(fd, out + off, n < total - sent ? n : total - sent);
			if (w > 0)
				sent += (size_t)w;
		}
		if (p.revents & POLLIN) {
			ssize_t r = read(fd, in, sizeof(in));
			if (r <= 0)
				break;
			for (ssize_t i = 0; i < r; i += 4093) /* spot-check the bytes as they come back */
				if (in[i] != out[(received + (size_t)i) % sizeof(out)])
					mismatches++;
			received += (size_t)r;
		}
	}
	close(fd);
	printf("{\"mode\": \"stream\", \"bytes\": %zu, \"received\": %zu, \"mismatches\": %llu, "
	       "\"gbit_per_s\": %.3f}\n",
	       total, received, mismatches, (double)received * 8 / (now() - start) / 1e9);
	return received == total && mismatches == 0 ? 0 : 1;
}

static int rr(const char *host, const char *port, int conns, double seconds)
{
	int ep = epoll_create1(0), *fds = calloc((size_t)conns, sizeof(int));
	long *got = calloc((size_t)conns, sizeof(long));
	unsigned long long transactions = 0, errors = 0;
	char msg[64], buf[4096];
	double start, end;

	memset(msg, 'r', sizeof(msg));
	for (int i = 0; i < conns; i++) {
		struct epoll_event ev = { .events = EPOLLIN, .data.u32 = (uint32_t)i };

		fds[i] = connect_to(host, port, 1);
		if (fds[i] < 0) {
			fprintf(stderr, "echo_bench: connection %d failed\n", i);
			return 1;
		}
		epoll_ctl(ep, EPOLL_CTL_ADD, fds[i], &ev);
	}
	start = now();
	end = start + seconds;
	for (int i = 0; i < conns; i++)
		if (write(fds[i], msg, sizeof(msg)) != sizeof(msg))
			errors++;
	while (now() < end) {
		struct epoll_event evs[256];
		int n = epoll_wait(ep, evs, 256, 100);

		for (int k = 0; k < n; k++) {
			int i = (int)evs[k].data.u32;
			ssize_t r = read(fds[i], buf, sizeof(buf));

			if (r <= 0) {
				errors++;
				continue;
			}
			got[i] += r;
			while (got[i] >= (long)sizeof(msg)) {
				got[i] -= (long)sizeof(msg);
				transactions++;
				if (write(fds[i], msg, sizeof(msg)) != sizeof(msg))
					errors++;
			}
		}
	}
	end = now();
	for (int i = 0; i < conns; i++)
		close(fds[i]);
	printf("{\"mode\": \"rr\", \"connections\": %d, \"transactions\": %llu, \"errors\": %llu, "
	       "\"per_second\": %.0f}\n",
	       conns, transactions, errors, (double)transactions / (end - start));
	return errors ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc == 5 && strcmp(argv[1], "stream") == 0)
		return stream(argv[2], argv[3], atol(argv[4]));
	if (argc == 6 && strcmp(argv[1], "rr") == 0)
		return rr(argv[2], argv[3], atoi(argv[4]), atof(argv[5]));
	fprintf(stderr, "usage: echo_bench stream HOST PORT MIB | rr HOST PORT CONNS SECS\n");
	return 2;
}
