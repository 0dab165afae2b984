/* SPDX-License-Identifier: BSD-3-Clause */
#include "link_stream.h"

#include <errno.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

static int tls_result(SSL *ssl, int n)
{
	switch (SSL_get_error(ssl, n)) {
	case SSL_ERROR_WANT_READ:
	case SSL_ERROR_WANT_WRITE:
		return LINK_STREAM_AGAIN;
	case SSL_ERROR_ZERO_RETURN:
		return LINK_STREAM_CLOSED;
	default:
		return LINK_STREAM_FAILED;
	}
}

static int plain_result(ssize_t n)
{
	if (n > 0)
		return (int)n;
	if (n == 0)
		return LINK_STREAM_CLOSED;
	return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? LINK_STREAM_AGAIN : LINK_STREAM_FAILED;
}

int link_stream_read(struct link_stream *s, void *buf, size_t len)
{
	if (s->ssl != NULL) {
		int n = SSL_read(s->ssl, buf, len > 0x7fffffff ? 0x7fffffff : (int)len);

		return n > 0 ? n : tls_result(s->ssl, n);
	}
	return plain_result(recv(s->fd, buf, len, 0));
}

int link_stream_write(struct link_stream *s, const void *buf, size_t len)
{
	if (s->ssl != NULL) {
		int n = SSL_write(s->ssl, buf, len > 0x7fffffff ? 0x7fffffff : (int)len);

		return n > 0 ? n : tls_result(s->ssl, n);
	}
	return plain_result(send(s->fd, buf, len, MSG_NOSIGNAL));
}

int link_stream_pending(const struct link_stream *s)
{
	return s->ssl != NULL && SSL_pending(s->ssl) > 0;
}

void link_stream_describe(const struct link_stream *s, char *out, size_t out_len)
{
	if (s->ssl != NULL)
		snprintf(out, out_len, "%s %s", SSL_get_version(s->ssl), SSL_get_cipher_name(s->ssl));
	else
		snprintf(out, out_len, "plain HTTP");
}

void link_stream_close(struct link_stream *s)
{
	if (s->ssl != NULL) {
		SSL_shutdown(s->ssl);
		SSL_free(s->ssl);
		s->ssl = NULL;
	}
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
}
