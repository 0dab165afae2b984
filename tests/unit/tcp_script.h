/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_TEST_TCP_SCRIPT_H
#define IPHTTPS_TEST_TCP_SCRIPT_H

/*
 * Scripted-segment TCP tests, in the manner of packetdrill: the test plays
 * the remote peer (192.0.2.2 or 2001:db8:e::2), injects exact segments into
 * the appliance's datapath, advances a fake clock, and reads back the exact
 * segments the stack emitted (through the real ethdev TX path, harness.h).
 */

#include <arpa/inet.h>

#include <rte_ip.h>
#include <rte_tcp.h>

#include "harness.h"
#include "tcp.h"
#include "tcp_conn.h"

#define F_FIN RTE_TCP_FIN_FLAG
#define F_SYN RTE_TCP_SYN_FLAG
#define F_RST RTE_TCP_RST_FLAG
#define F_PSH RTE_TCP_PSH_FLAG
#define F_ACK RTE_TCP_ACK_FLAG

/* A segment as the peer sends it or as we read it back. */
struct seg {
	int family;
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags;
	uint16_t win;
	uint8_t options[40];
	uint8_t options_len;
	uint8_t payload[2048];
	uint32_t len;
	const char *dst; /* the destination address, when not the appliance's (a multicast group) */
	/* Parsed from what the stack sent. */
	struct tcp_opts opts;
	int checksum_ok;
	uint8_t ttl;
};

static uint16_t peer_port = 40000;

/* The clock the stack sees: tests move it by hand. */
static inline void clock_set_ms(uint64_t ms)
{
	harness.w->now_ms = ms;
	harness.w->now_us = ms * 1000;
}

static inline void clock_advance_ms(uint64_t ms)
{
	clock_set_ms(harness.w->now_ms + ms);
	tcp_timer_run(harness.w);
}

static inline size_t build_frame(uint8_t *f, const struct seg *s)
{
	const char *src = s->family == 6 ? "2001:db8:e::2" : "192.0.2.2";
	const char *dst = s->dst ? s->dst : s->family == 6 ? "2001:db8:e::1" : "192.0.2.1";
	uint32_t l4 = 20 + s->options_len + s->len;
	size_t n = put_eth(f, &ifaces[EXT].mac, &harness_peer_mac, s->family == 6 ? 0x86dd : 0x0800);
	uint8_t *ip = f + n, *th;
	uint32_t sum;

	if (s->family == 6) {
		memset(ip, 0, 40);
		ip[0] = 0x60;
		ip[4] = (uint8_t)(l4 >> 8), ip[5] = (uint8_t)l4;
		ip[6] = 6;
		ip[7] = 64;
		inet_pton(AF_INET6, src, ip + 8);
		inet_pton(AF_INET6, dst, ip + 24);
		th = ip + 40;
	} else {
		put_ipv4(ip, src, dst, 6, l4);
		th = ip + 20;
	}
	th[0] = (uint8_t)(s->sport >> 8), th[1] = (uint8_t)s->sport;
	th[2] = (uint8_t)(s->dport >> 8), th[3] = (uint8_t)s->dport;
	for (int i = 0; i < 4; i++) {
		th[4 + i] = (uint8_t)(s->seq >> (24 - 8 * i));
		th[8 + i] = (uint8_t)(s->ack >> (24 - 8 * i));
	}
	th[12] = (uint8_t)(((20 + s->options_len) / 4) << 4);
	th[13] = s->flags;
	th[14] = (uint8_t)(s->win >> 8), th[15] = (uint8_t)s->win;
	th[16] = th[17] = th[18] = th[19] = 0;
	memcpy(th + 20, s->options, s->options_len);
	memcpy(th + 20 + s->options_len, s->payload, s->len);
	if (s->family == 6) {
		sum = (uint16_t)~reference_checksum(th, l4, reference_pseudo_sum(ip));
	} else {
		uint32_t pseudo = reference_checksum(ip + 12, 8, 0) + 6 + l4;
		sum = (uint16_t)~reference_checksum(th, l4, pseudo);
	}
	th[16] = (uint8_t)(sum >> 8), th[17] = (uint8_t)sum;
	return (size_t)(th - f) + l4;
}

/* The peer sends a segment to the appliance. */
static inline void inject(const struct seg *s)
{
	uint8_t f[2200];

	harness_inject(EXT, f, build_frame(f, s));
}

/* Read the next segment the appliance sent; 0 if there was one. */
static inline int take(struct seg *s)
{
	uint8_t f[2200];
	int len = harness_take(EXT, f, sizeof(f));
	uint8_t *ip = f + 14, *th;
	uint32_t l4, hdr;

	memset(s, 0, sizeof(*s));
	if (len < 0)
		return -1;
	if ((ip[0] >> 4) == 6) {
		s->family = 6;
		l4 = (uint32_t)(ip[4] << 8 | ip[5]);
		th = ip + 40;
		s->ttl = ip[7];
		s->checksum_ok = reference_checksum(th, l4, reference_pseudo_sum(ip)) == 0xffff;
	} else {
		uint32_t pseudo;

		s->family = 4;
		l4 = (uint32_t)(ip[2] << 8 | ip[3]) - 20;
		th = ip + 20;
		s->ttl = ip[8];
		pseudo = reference_checksum(ip + 12, 8, 0) + 6 + l4;
		s->checksum_ok = reference_checksum(th, l4, pseudo) == 0xffff &&
				 reference_checksum(ip, 20, 0) == 0xffff;
	}
	s->sport = (uint16_t)(th[0] << 8 | th[1]);
	s->dport = (uint16_t)(th[2] << 8 | th[3]);
	s->seq = (uint32_t)th[4] << 24 | (uint32_t)th[5] << 16 | (uint32_t)th[6] << 8 | th[7];
	s->ack = (uint32_t)th[8] << 24 | (uint32_t)th[9] << 16 | (uint32_t)th[10] << 8 | th[11];
	hdr = (uint32_t)(th[12] >> 4) * 4;
	s->flags = th[13];
	s->win = (uint16_t)(th[14] << 8 | th[15]);
	s->options_len = (uint8_t)(hdr - 20);
	memcpy(s->options, th + 20, s->options_len);
	tcp_options_parse(s->options, s->options_len, &s->opts);
	s->len = l4 - hdr;
	memcpy(s->payload, th + hdr, s->len);
	return 0;
}

/* Option builders for the peer's SYN. */
static inline uint8_t opt_mss(uint8_t *p, uint16_t mss)
{
	p[0] = 2, p[1] = 4, p[2] = (uint8_t)(mss >> 8), p[3] = (uint8_t)mss;
	return 4;
}

static inline uint8_t opt_ts(uint8_t *p, uint32_t val, uint32_t ecr)
{
	p[0] = 1, p[1] = 1, p[2] = 8, p[3] = 10;
	for (int i = 0; i < 4; i++) {
		p[4 + i] = (uint8_t)(val >> (24 - 8 * i));
		p[8 + i] = (uint8_t)(ecr >> (24 - 8 * i));
	}
	return 12;
}

static inline uint8_t opt_ws(uint8_t *p, uint8_t shift)
{
	p[0] = 1, p[1] = 3, p[2] = 3, p[3] = shift;
	return 4;
}

static inline uint8_t opt_sack_permitted(uint8_t *p)
{
	p[0] = 1, p[1] = 1, p[2] = 4, p[3] = 2;
	return 4;
}

static inline uint8_t opt_sack(uint8_t *p, uint32_t left, uint32_t right)
{
	p[0] = 1, p[1] = 1, p[2] = 5, p[3] = 10;
	for (int i = 0; i < 4; i++) {
		p[4 + i] = (uint8_t)(left >> (24 - 8 * i));
		p[8 + i] = (uint8_t)(right >> (24 - 8 * i));
	}
	return 12;
}

/* A peer-side view of one connection under test. */
struct peer {
	int family;
	uint16_t sport, dport;
	uint32_t iss;        /* the peer's */
	uint32_t snd_nxt;    /* the peer's next sequence number */
	uint32_t rcv_nxt;    /* what the peer has received of ours (next expected) */
	uint32_t our_iss;    /* the appliance's ISS */
	bool ts;
	uint32_t tsval;
	uint32_t last_tsval_seen;
	uint16_t win;
};

static inline struct seg peer_seg(struct peer *p, uint8_t flags)
{
	struct seg s;

	memset(&s, 0, sizeof(s));
	s.family = p->family;
	s.sport = p->sport;
	s.dport = p->dport;
	s.seq = p->snd_nxt;
	s.ack = (flags & F_ACK) ? p->rcv_nxt : 0;
	s.flags = flags;
	s.win = p->win;
	if (p->ts)
		s.options_len = opt_ts(s.options, ++p->tsval, p->last_tsval_seen);
	return s;
}

/* The peer sends data (and flags) from its snd_nxt. */
static inline void peer_send(struct peer *p, uint8_t flags, const void *data, uint32_t len)
{
	struct seg s = peer_seg(p, flags);

	if (len)
		memcpy(s.payload, data, len);
	s.len = len;
	inject(&s);
	p->snd_nxt += len + ((flags & F_FIN) ? 1 : 0);
}

#endif
