/* SPDX-License-Identifier: BSD-3-Clause */
#include "tls_bio.h"

#include "tcp.h"

static BIO_METHOD *tcp_bio_method;

static int tcp_bio_read(BIO *b, char *buf, size_t len, size_t *read)
{
	struct tls_transport *t = BIO_get_data(b);
	uint32_t n;

	BIO_clear_retry_flags(b);
	*read = 0;
	if (!t->conn)
		return 0; /* the connection is gone (a paused job finishing): end of stream */
	n = tcp_read(t->w, t->conn, buf, len > UINT32_MAX ? UINT32_MAX : (uint32_t)len);
	*read = n;
	if (n > 0)
		return 1;
	if (!tcp_peer_closed(t->conn))
		BIO_set_retry_read(b);
	return 0;
}

static int tcp_bio_write(BIO *b, const char *buf, size_t len, size_t *written)
{
	struct tls_transport *t = BIO_get_data(b);
	uint32_t n;

	BIO_clear_retry_flags(b);
	*written = 0;
	if (!t->conn)
		return 0; /* the connection is gone: nowhere to write, and no retry */
	n = tcp_write(t->w, t->conn, buf, len > UINT32_MAX ? UINT32_MAX : (uint32_t)len);
	*written = n;
	if (n > 0)
		return 1;
	BIO_set_retry_write(b);
	return 0;
}

static long tcp_bio_ctrl(BIO *b, int cmd, long num, void *ptr)
{
	struct tls_transport *t = BIO_get_data(b);

	(void)num;
	(void)ptr;
	switch (cmd) {
	case BIO_CTRL_FLUSH: /* tcp_write already handed the bytes to TCP output */
		return 1;
	case BIO_CTRL_EOF: /* how OpenSSL tells a peer's FIN from a read error */
		return !t->conn || (tcp_peer_closed(t->conn) && tcp_readable_bytes(t->conn) == 0);
	default:
		return 0;
	}
}

int tls_bio_init(void)
{
	if (tcp_bio_method)
		return 0;
	tcp_bio_method = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "iphttps tcp");
	if (!tcp_bio_method || !BIO_meth_set_read_ex(tcp_bio_method, tcp_bio_read) ||
	    !BIO_meth_set_write_ex(tcp_bio_method, tcp_bio_write) || !BIO_meth_set_ctrl(tcp_bio_method, tcp_bio_ctrl))
		return -1;
	return 0;
}

BIO *tls_bio_new(struct tls_transport *t)
{
	BIO *b = BIO_new(tcp_bio_method);

	if (!b)
		return NULL;
	BIO_set_data(b, t);
	BIO_set_init(b, 1);
	return b;
}
