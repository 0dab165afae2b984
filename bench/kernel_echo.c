/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The baseline for make bench-tcp: an echo server on the Linux kernel's TCP,
 * one thread with epoll (as the appliance has one worker), for the same
 * veths and offloads. usage: kernel_echo PORT  (runs until killed)
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

enum { MAX_EVENTS = 256, BUF_BYTES = 256 * 1024 };

struct conn {
	int fd;
	char *pending; /* bytes read but not yet written back */
	size_t off, len;
};

static void set_nonblock(int fd)
{
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

static void close_conn(int ep, struct conn *c)
{
	epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	free(c->pending);
	free(c);
}

/* Write what is pending; then read and write back until the socket would block. */
static void pump(int ep, struct conn *c)
{
	for (;;) {
		while (c->off < c->len) {
			ssize_t n = write(c->fd, c->pending + c->off, c->len - c->off);
			if (n < 0) {
				if (errno == EAGAIN) {
					struct epoll_event ev = { .events = EPOLLOUT | EPOLLIN | EPOLLRDHUP, .data.ptr = c };
					epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
					return;
				}
				close_conn(ep, c);
				return;
			}
			c->off += (size_t)n;
		}
		ssize_t n = read(c->fd, c->pending, BUF_BYTES);
		if (n == 0 || (n < 0 && errno != EAGAIN)) {
			close_conn(ep, c);
			return;
		}
		if (n < 0) {
			struct epoll_event ev = { .events = EPOLLIN | EPOLLRDHUP, .data.ptr = c };
			epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
			return;
		}
		c->off = 0;
		c->len = (size_t)n;
	}
}

int main(int argc, char **argv)
{
	struct sockaddr_in6 addr = { .sin6_family = AF_INET6 };
	struct epoll_event events[MAX_EVENTS], ev = { .events = EPOLLIN };
	int one = 1, lfd, ep;

	if (argc != 2) {
		fprintf(stderr, "usage: kernel_echo PORT\n");
		return 2;
	}
	addr.sin6_port = htons((uint16_t)atoi(argv[1]));
	lfd = socket(AF_INET6, SOCK_STREAM, 0);
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&addr, sizeof(addr)) != 0 || listen(lfd, 4096) != 0) {
		perror("kernel_echo: listen");
		return 1;
	}
	set_nonblock(lfd);
	ep = epoll_create1(0);
	ev.data.ptr = NULL;
	epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev);
	for (;;) {
		int n = epoll_wait(ep, events, MAX_EVENTS, -1);

		for (int i = 0; i < n; i++) {
			if (events[i].data.ptr == NULL) {
				int fd;
				while ((fd = accept(lfd, NULL, NULL)) >= 0) {
					struct conn *c = calloc(1, sizeof(*c));
					struct epoll_event cev = { .events = EPOLLIN | EPOLLRDHUP };

					c->fd = fd;
					c->pending = malloc(BUF_BYTES);
					set_nonblock(fd);
					setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
					cev.data.ptr = c;
					epoll_ctl(ep, EPOLL_CTL_ADD, fd, &cev);
				}
				continue;
			}
			pump(ep, events[i].data.ptr);
		}
	}
}
