/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_PROXY_PROTOCOL_H
#define IPHTTPS_PROXY_PROTOCOL_H

/*
 * The PROXY protocol header (HAProxy's proxy-protocol.txt, versions 1 and 2)
 * that a TLS-terminating balancer puts before the HTTP request on a plain
 * listener ([MS-IPHTTPS] §1.3 HTTP encapsulation), so the appliance learns
 * the real client's address. Pure parser: bounded, no I/O, fuzzed by
 * tests/fuzz/fuzz_proxy_protocol.c.
 */

#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

enum proxy_protocol_limits {
	PROXY_V1_MAX_BYTES = 107,        /* the specification's bound, CRLF included */
	PROXY_V2_HEADER_BYTES = 16,
	PROXY_V2_MAX_BYTES = 16 + 1024,  /* addresses and TLVs; a balancer sends a few hundred bytes */
};

enum proxy_protocol_version { PROXY_ACCEPT_V1 = 1, PROXY_ACCEPT_V2 = 2, PROXY_ACCEPT_ANY = 3 };

enum proxy_protocol_error {
	PROXY_OK = 0,
	PROXY_ERROR_NOT_PROXY,       /* the stream does not start with a PROXY signature */
	PROXY_ERROR_VERSION_REFUSED, /* a version this listener is not configured for */
	PROXY_ERROR_MALFORMED,       /* a signature, then nonsense */
	PROXY_ERROR_TOO_LONG,        /* longer than the bounds above */
};

/* PP2_TYPE_SSL's client bits (proxy-protocol.txt 2.2.5). */
enum proxy_protocol_ssl_client {
	PROXY_SSL_CLIENT_SSL = 0x01,       /* the client connected over TLS */
	PROXY_SSL_CLIENT_CERT_CONN = 0x02, /* it presented a certificate on this connection */
	PROXY_SSL_CLIENT_CERT_SESS = 0x04, /* ... on this connection or a session it resumed */
};

enum { PROXY_SSL_CN_MAX_BYTES = 256 };

struct proxy_protocol_result {
	enum proxy_protocol_error error;
	unsigned int version;         /* 1 or 2 */
	int family;                   /* AF_INET, AF_INET6, or AF_UNSPEC (LOCAL / UNKNOWN: keep the TCP peer) */
	struct in6_addr source;       /* IPv4 as ::ffff:a.b.c.d */
	struct in6_addr destination;
	uint16_t source_port, destination_port;
	size_t header_bytes;          /* consumed; the HTTP request starts after them */
	/* PP2_TYPE_SSL, the offloader's word on the client's TLS (v2 only): */
	int ssl_present;              /* the TLV was there */
	uint8_t ssl_client;           /* enum proxy_protocol_ssl_client bits */
	uint32_t ssl_verify;          /* 0: the client certificate was verified */
	char ssl_cn[PROXY_SSL_CN_MAX_BYTES]; /* PP2_SUBTYPE_SSL_CN, NUL-terminated; empty without one */
};

/**
 * Parse a PROXY header at the start of buf.
 * @param accept which versions the listener takes
 * @return 0 when more bytes are needed, 1 when done (res->error says how).
 */
int proxy_protocol_parse(const uint8_t *buf, size_t len, enum proxy_protocol_version accept,
			 struct proxy_protocol_result *res);

const char *proxy_protocol_error_text(enum proxy_protocol_error e);

#endif
