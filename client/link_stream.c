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

/*
 * OpenSSL without read-ahead (its default) asks the BIO for exactly the rest
 * of the record header or body it is reading; a read that would block
 * therefore says how many bytes the record still lacks.
 */
static long note_bytes_wanted(BIO *bio, int oper, const char *argp, size_t len, int argi, long argl, int ret,
			      size_t *processed)
{
	(void)argp, (void)argi, (void)argl, (void)processed;
	if (oper == (BIO_CB_READ | BIO_CB_RETURN) && ret <= 0 && BIO_should_retry(bio)) {
		struct link_stream *s = (struct link_stream *)BIO_get_callback_arg(bio);

		s->tls_bytes_wanted = len;
	}
	return ret;
}

void link_stream_watch_reads(struct link_stream *s)
{
	BIO *rbio = s->ssl != NULL ? SSL_get_rbio(s->ssl) : NULL;

	if (rbio == NULL)
		return;
	BIO_set_callback_arg(rbio, (char *)s);
	BIO_set_callback_ex(rbio, note_bytes_wanted);
}

/* A TLS record: a 5-byte header, at most 2^14 bytes and 2,048 of expansion (RFC 5246 6.2.3). */
enum { TLS_RECORD_MAX_BYTES = 5 + 16384 + 2048 };

void link_stream_wake_on_progress(struct link_stream *s, int drained)
{
	int want = 1;

	if (s->ssl == NULL)
		return;
	if (drained && s->tls_bytes_wanted > 0)
		want = s->tls_bytes_wanted < TLS_RECORD_MAX_BYTES ? (int)s->tls_bytes_wanted : TLS_RECORD_MAX_BYTES;
	if (want == (s->wake_at_bytes ? s->wake_at_bytes : 1))
		return;
	if (setsockopt(s->fd, SOL_SOCKET, SO_RCVLOWAT, &want, sizeof(want)) == 0)
		s->wake_at_bytes = want;
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
