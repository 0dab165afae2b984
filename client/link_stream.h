/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_LINK_STREAM_H
#define IPHTTPS_LINK_STREAM_H

/*
 * The byte stream the link's HTTP runs over: TLS (the normal case, 4.2.3) or
 * plain TCP, when configured for a server behind a TLS-offloading front
 * ([MS-IPHTTPS] 2.1 allows HTTP; the appliance's http listeners take it). The
 * rest of the client reads and writes through these and never asks which.
 */

#include <openssl/ssl.h>
#include <stddef.h>

struct link_stream {
	SSL *ssl; /* NULL: plain HTTP */
	int fd;
	size_t tls_bytes_wanted; /* what TLS asked the socket for when it last ran dry (its record's rest) */
	int wake_at_bytes;       /* the socket's SO_RCVLOWAT as last set (0: never set, the kernel's 1) */
};

enum link_stream_result {
	LINK_STREAM_AGAIN = 0,   /* non-blocking: nothing now, poll and retry */
	LINK_STREAM_CLOSED = -1, /* the peer closed the stream cleanly */
	LINK_STREAM_FAILED = -2, /* an error: TLS alert, reset, timeout */
};

/** Read up to len bytes. @return bytes (> 0) or an enum link_stream_result. */
int link_stream_read(struct link_stream *s, void *buf, size_t len);

/** Write up to len bytes. @return bytes (> 0) or an enum link_stream_result. */
int link_stream_write(struct link_stream *s, const void *buf, size_t len);

/** Whether bytes already decrypted wait to be read (poll would not say so). */
int link_stream_pending(const struct link_stream *s);

/**
 * From now on, note how many bytes TLS still needs whenever the socket runs
 * dry (a BIO callback), for link_stream_wake_on_progress.
 */
void link_stream_watch_reads(struct link_stream *s);

/**
 * Before waiting in poll: have the kernel report the socket readable only
 * once TLS can make progress. A record of 16 KiB arrives as a dozen TCP
 * segments, and without this each wakes the client to read a piece TLS cannot
 * use yet (each wakeup is an IPI and a context switch on both cores of the
 * lab). drained says the last read ran dry (it returned LINK_STREAM_AGAIN);
 * otherwise the kernel's default, any byte, comes back.
 */
void link_stream_wake_on_progress(struct link_stream *s, int drained);

/** "TLSv1.3 TLS_AES_128_GCM_SHA256" or "plain HTTP". */
void link_stream_describe(const struct link_stream *s, char *out, size_t out_len);

/** Close the stream (a TLS close_notify first) and free it. */
void link_stream_close(struct link_stream *s);

#endif
