/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Sessions on the appliance's TCP with an in-process OpenSSL client, through
 * the real datapath (harness.h: scripted TCP segments, net_ring ports): the
 * TLS handshake, the request, framed packets echoed back, and the
 * SSL_MODE_ASYNC path. For that path the server's certificate callback runs
 * inside OpenSSL's asynchronous job and pauses it with ASYNC_pause_job(), as
 * an offload engine does while a key operation is in flight: the handshake
 * returns SSL_ERROR_WANT_ASYNC, the worker serves another client meanwhile,
 * and session_poll resumes the job.
 */
#define EXT CONFIG_PORT_EXTERNAL
#define INT CONFIG_PORT_INTERNAL

#include <openssl/async.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "address_hold.h"
#include "client_table.h"
#include "link.h"
#include "link_holder.h"
#include "link_multicast.h"
#include "link_nd.h"
#include "nexthop.h"
#include "session.h"
#include "session_admin.h"
#include "session_events.h"
#include "tls_admission.h"
#include "tls_context.h"
#include "tls_ticket_keys.h"
#include "tcp_script.h"
#include "worker_counters.h"

enum { T0_MS = 5000000, MAX_PEERS = 8 };

/* A TLS client: its TCP as scripted segments, its TLS as an OpenSSL SSL on a BIO pair. */
struct tls_peer {
	struct peer tcp;
	SSL *ssl;
	BIO *net; /* our end of the pair: what the client sends / receives on the wire */
	uint8_t plain[70000]; /* a 65,535-byte packet and some */
	uint32_t plain_len;
};

static struct tls_peer peers[MAX_PEERS];
static unsigned int peer_count;
static SSL_CTX *client_ctx;

/* The pause: the certificate callback of one chosen handshake pauses its job while `hold` is set. */
static struct {
	bool hold;
	const SSL *target; /* NULL: the next handshake to get here becomes the target */
	bool armed;
	unsigned int pauses;
} async_gate;

/* Wraps the appliance's own certificate callback (the admission of full handshakes, tls_admission.h). */
static int pausing_cert_cb(SSL *ssl, void *arg)
{
	if (!async_gate.armed)
		return tls_admission_cert_cb(ssl, arg);
	if (!async_gate.target)
		async_gate.target = ssl;
	if (ssl != async_gate.target)
		return tls_admission_cert_cb(ssl, arg);
	while (async_gate.hold) {
		CU_ASSERT_PTR_NOT_NULL_FATAL(ASYNC_get_current_job()); /* SSL_MODE_ASYNC runs us in a job */
		async_gate.pauses++;
		ASYNC_pause_job();
	}
	return tls_admission_cert_cb(ssl, arg);
}

static struct session *session_of(const struct tls_peer *tp)
{
	struct client_table_shard *t = client_table_shard_of(harness.w);

	for (uint32_t i = 0; i < t->capacity; i++) {
		struct session *s = &t->slots[i];
		struct in6_addr a;
		uint16_t port;

		if (!s->conn)
			continue;
		tcp_peer_address(s->conn, &a, &port);
		if (port == tp->tcp.sport)
			return s;
	}
	return NULL;
}

/* Move bytes both ways until nothing moves: client → segments → appliance → segments → client. */
static void pump(void)
{
	for (int round = 0; round < 64; round++) {
		bool moved = false;
		struct seg out;

		for (unsigned int i = 0; i < peer_count; i++) {
			struct tls_peer *tp = &peers[i];
			uint8_t buf[1200];
			int n;

			while ((n = BIO_read(tp->net, buf, sizeof(buf))) > 0) {
				peer_send(&tp->tcp, F_ACK | F_PSH, buf, (uint32_t)n);
				moved = true;
			}
		}
		while (take(&out) == 0) {
			for (unsigned int i = 0; i < peer_count; i++) {
				struct tls_peer *tp = &peers[i];

				if (out.dport != tp->tcp.sport || out.len == 0)
					continue;
				if (out.seq == tp->tcp.rcv_nxt) {
					CU_ASSERT_EQUAL(BIO_write(tp->net, out.payload, (int)out.len), (int)out.len);
					tp->tcp.rcv_nxt += out.len;
					peer_send(&tp->tcp, F_ACK, NULL, 0);
					moved = true;
				}
			}
		}
		for (unsigned int i = 0; i < peer_count; i++) {
			struct tls_peer *tp = &peers[i];
			int n;

			if (!SSL_is_init_finished(tp->ssl)) {
				SSL_do_handshake(tp->ssl);
				continue;
			}
			while ((n = SSL_read(tp->ssl, tp->plain + tp->plain_len,
					     (int)(sizeof(tp->plain) - tp->plain_len))) > 0) {
				tp->plain_len += (uint32_t)n;
				moved = true;
			}
		}
		ERR_clear_error();
		if (!moved && round > 1)
			return;
	}
}

/* A TCP connection to 443 and a ClientHello, offering to resume a session (or NULL). */
/* A TLS client from the test's IPv4 (192.0.2.2) or IPv6 (2001:db8:e::2) address: two sources. */
static struct tls_peer *tls_connect_from(int family, SSL_SESSION *resume)
{
	struct tls_peer *tp;
	struct seg syn, out;
	BIO *inner;

	CU_ASSERT_FATAL(peer_count < MAX_PEERS);
	tp = &peers[peer_count++];
	memset(tp, 0, sizeof(*tp));
	tp->tcp = (struct peer){ .family = family, .sport = ++peer_port, .dport = 443, .iss = 7000000, .win = 65535 };
	tp->tcp.snd_nxt = tp->tcp.iss;
	syn = peer_seg(&tp->tcp, F_SYN);
	syn.ack = 0;
	syn.options_len = opt_mss(syn.options, 1400);
	inject(&syn);
	tp->tcp.snd_nxt++;
	CU_ASSERT_EQUAL_FATAL(take(&out), 0);
	CU_ASSERT_EQUAL_FATAL(out.flags, F_SYN | F_ACK);
	tp->tcp.rcv_nxt = out.seq + 1;
	peer_send(&tp->tcp, F_ACK, NULL, 0);
	tp->ssl = SSL_new(client_ctx);
	CU_ASSERT_FATAL(BIO_new_bio_pair(&inner, 1 << 17, &tp->net, 1 << 17) == 1);
	SSL_set_bio(tp->ssl, inner, inner);
	SSL_set_connect_state(tp->ssl);
	if (resume)
		CU_ASSERT_FATAL(SSL_set_session(tp->ssl, resume) == 1);
	SSL_do_handshake(tp->ssl);
	return tp;
}

static struct tls_peer *tls_connect_resuming(SSL_SESSION *resume)
{
	return tls_connect_from(4, resume);
}

static struct tls_peer *tls_connect(void)
{
	return tls_connect_resuming(NULL);
}

static void tls_send(struct tls_peer *tp, const void *data, int len)
{
	CU_ASSERT_EQUAL(SSL_write(tp->ssl, data, len), len);
}

static const char request[] = "POST /IPHTTPS HTTP/1.1\r\nHost: gw\r\nContent-Length: 18446744073709551615\r\n\r\n";

static bool got_200(const struct tls_peer *tp)
{
	return tp->plain_len >= 15 && memcmp(tp->plain, "HTTP/1.1 200 OK", 15) == 0 &&
	       memmem(tp->plain, tp->plain_len, "\r\n\r\n", 4) != NULL;
}

/* Forget the session events the tests before posted (the control plane would take them). */
static void drain_events(void)
{
	struct session_event *e;

	while ((e = session_events_take()) != NULL)
		free(e);
}

static void fresh(void)
{
	session_admission_set(SESSION_ADMISSION_OPEN); /* a test that failed half-way may have left it closed */
	for (unsigned int i = 0; i < peer_count; i++) {
		struct session *s = session_of(&peers[i]);

		if (s)
			session_close(harness.w, s);
		SSL_free(peers[i].ssl);
		BIO_free(peers[i].net);
	}
	peer_count = 0;
	/* Connections left over are torn down by TCP's own timers: run them out. */
	clock_advance_ms(120000);
	for (int i = 0; i < 5; i++)
		clock_advance_ms(60000);
	harness_reset();
	address_hold_clear(); /* what the sessions above left held: each test starts with none */
	memset(&async_gate, 0, sizeof(async_gate));
	clock_set_ms(T0_MS);
	tcp_worker_of(harness.w)->wheel_tick = T0_MS;
}

/* An ICMPv6 echo request from fe80::2 to fe80::1 with 8 bytes of data: 56 bytes. */
static void echo_request(uint8_t pkt[56])
{
	uint32_t sum = 0;

	memset(pkt, 0, 56);
	pkt[0] = 0x60, pkt[5] = 16, pkt[6] = 58, pkt[7] = 64;
	pkt[8] = 0xfe, pkt[9] = 0x80, pkt[23] = 2;  /* fe80::2 */
	pkt[24] = 0xfe, pkt[25] = 0x80, pkt[39] = 1; /* fe80::1 */
	pkt[40] = 128;
	for (int i = 8; i < 40; i += 2)
		sum += (uint32_t)(pkt[i] << 8 | pkt[i + 1]);
	sum += 16 + 58;
	for (int i = 40; i < 56; i += 2)
		sum += (uint32_t)(pkt[i] << 8 | pkt[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	pkt[42] = (uint8_t)(~sum >> 8), pkt[43] = (uint8_t)~sum;
}

/* Content-Length other than 2^64-1 is honoured: the body carries one echo
 * request, the link's uplink ends with it, and what follows is dropped with
 * the session. */
static void test_content_length_ends_the_body(void)
{
	static const char short_request[] = "POST /IPHTTPS HTTP/1.1\r\nHost: gw\r\nContent-Length: 56\r\n\r\n";
	uint8_t pkt[56], two[112];
	struct tls_peer *tp;
	struct session *s;

	fresh();
	tp = tls_connect();
	pump();
	tls_send(tp, short_request, (int)strlen(short_request));
	pump();
	CU_ASSERT_TRUE_FATAL(got_200(tp));
	s = session_of(tp);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	echo_request(pkt);
	memcpy(two, pkt, 56);
	memcpy(two + 56, pkt, 56); /* the second is past the body */
	tp->plain_len = 0;
	tls_send(tp, two, sizeof(two));
	pump();
	CU_ASSERT_EQUAL(counter(harness.w, link_echo_answered), 1);
	CU_ASSERT_EQUAL(counter(harness.w, session_body_complete), 1);
	CU_ASSERT_EQUAL(counter(harness.w, session_bytes_after_body), 1);
	CU_ASSERT_TRUE(session_of(tp) == NULL || session_of(tp)->state == SESSION_CLOSING);
}

/* A full handshake that leaves a ticket with the client: its session. */
static SSL_SESSION *session_with_ticket(void)
{
	struct tls_peer *tp = tls_connect();

	pump();
	CU_ASSERT_FATAL(SSL_is_init_finished(tp->ssl));
	tls_send(tp, request, (int)strlen(request));
	pump(); /* the TLS 1.3 ticket comes after the handshake, read with the 200 */
	CU_ASSERT_FATAL(got_200(tp));
	return SSL_get1_session(tp->ssl);
}

/* Whether a client offering sess resumes it. */
static bool resumes(SSL_SESSION *sess)
{
	struct tls_peer *tp = tls_connect_resuming(sess);

	pump();
	return SSL_is_init_finished(tp->ssl) && SSL_session_reused(tp->ssl);
}

/* Ticket keys rotate: a ticket opens under the key that sealed it and the
 * one after it (and is renewed), not after two rotations. */
static void test_ticket_keys_rotate(void)
{
	SSL_SESSION *sess;

	fresh();
	sess = session_with_ticket();
	CU_ASSERT_TRUE(resumes(sess));
	CU_ASSERT_EQUAL_FATAL(tls_ticket_keys_rotate(), 0);
	CU_ASSERT_TRUE(resumes(sess)); /* the previous key still opens it */
	CU_ASSERT_EQUAL_FATAL(tls_ticket_keys_rotate(), 0);
	CU_ASSERT_FALSE(resumes(sess)); /* two rotations on: a full handshake */
	SSL_SESSION_free(sess);
	fresh();
}

/* Three keys as an operator's file gives them (previous, current, next), each
 * all `fill` but for its name's first byte. */
static void set_file_keys(unsigned char previous, unsigned char current, unsigned char next)
{
	unsigned char k[3][TLS_TICKET_KEY_BYTES];
	const unsigned char fill[3] = { previous, current, next };

	for (int i = 0; i < 3; i++)
		memset(k[i], fill[i], sizeof(k[i]));
	tls_ticket_keys_set(k[0], k[1], k[2]);
}

/*
 * The operator's key file (tls.ticket_keys_file): the current key seals,
 * previous and next open. A rotation (previous <- current <- next <- new)
 * keeps a ticket resuming once more; a node that already rotated seals with
 * what is still "next" here, which opens; three rotations on, nothing does.
 * The keys drawn by the process before the file took over open nothing.
 */
static void test_ticket_keys_from_a_file(void)
{
	SSL_SESSION *drawn, *sess, *ahead;
	unsigned char name[16];

	fresh();
	drawn = session_with_ticket();
	set_file_keys(1, 2, 3);
	tls_ticket_keys_current_name(name);
	CU_ASSERT_EQUAL(name[0], 2); /* the middle of the three seals */
	CU_ASSERT_FALSE(resumes(drawn));
	sess = session_with_ticket(); /* sealed with 2 */
	CU_ASSERT_TRUE(resumes(sess));
	set_file_keys(2, 3, 4); /* rotated */
	CU_ASSERT_TRUE(resumes(sess)); /* 2 is the previous now */
	ahead = session_with_ticket(); /* sealed with 3, as by a node that rotated first */
	set_file_keys(1, 2, 3); /* a node that has not rotated yet */
	CU_ASSERT_TRUE(resumes(ahead)); /* 3 is its next */
	set_file_keys(3, 4, 5);
	set_file_keys(4, 5, 6);
	CU_ASSERT_FALSE(resumes(sess)); /* three rotations on: a full handshake */
	SSL_SESSION_free(drawn);
	SSL_SESSION_free(sess);
	SSL_SESSION_free(ahead);
	CU_ASSERT_EQUAL(tls_ticket_keys_init(), 0); /* the next test's keys are drawn again */
	fresh();
}

/* ---- the link: neighbor discovery and mode-none rules ([MS-IPHTTPS] 3.2.5.2.2) ---- */

/* An IPv6 packet carrying one ICMPv6 message, checksum computed here (not by the datapath). */
static size_t icmp6_packet(uint8_t *p, const char *src, const char *dst, uint8_t hop_limit, uint8_t type,
			   const uint8_t *body, size_t body_len)
{
	size_t len = 4 + body_len;
	uint16_t sum;

	memset(p, 0, 40 + len);
	p[0] = 0x60;
	p[4] = (uint8_t)(len >> 8), p[5] = (uint8_t)len;
	p[6] = 58;
	p[7] = hop_limit;
	inet_pton(AF_INET6, src, p + 8);
	inet_pton(AF_INET6, dst, p + 24);
	p[40] = type;
	memcpy(p + 44, body, body_len);
	sum = (uint16_t)~reference_checksum(p + 40, len, reference_pseudo_sum(p));
	p[42] = (uint8_t)(sum >> 8), p[43] = (uint8_t)sum;
	return 40 + len;
}

/* A LinkUp session, its 200 read and its plaintext emptied. */
static struct tls_peer *link_up_peer(void)
{
	struct tls_peer *tp = tls_connect();

	pump();
	tls_send(tp, request, (int)strlen(request));
	pump();
	CU_ASSERT_FATAL(got_200(tp));
	tp->plain_len = 0;
	return tp;
}

static bool addr_is(const uint8_t *a, const char *text)
{
	uint8_t b[16];

	inet_pton(AF_INET6, text, b);
	return memcmp(a, b, 16) == 0;
}

/* A Router Solicitation gets the link's Router Advertisement: from fe80::1
 * to ff02::1, the client prefix (on-link clear, autonomous set), the link MTU. */
static void test_router_solicitation_gets_advertisement(void)
{
	static const uint8_t rs_body[4];
	uint8_t pkt[128];
	const uint8_t *ra, *opt;
	struct tls_peer *tp;

	fresh();
	tp = link_up_peer();
	tls_send(tp, pkt, (int)icmp6_packet(pkt, "::", "ff02::2", 255, 133, rs_body, sizeof(rs_body)));
	pump();
	CU_ASSERT_EQUAL(counter(harness.w, link_ra_sent), 1);
	CU_ASSERT_EQUAL_FATAL(tp->plain_len, 40 + 16 + 32 + 8);
	ra = tp->plain;
	CU_ASSERT_TRUE(addr_is(ra + 8, "fe80::1"));
	CU_ASSERT_TRUE(addr_is(ra + 24, "ff02::1"));
	CU_ASSERT_EQUAL(ra[7], 255);
	CU_ASSERT_EQUAL(ra[40], 134);
	CU_ASSERT_EQUAL(reference_checksum(ra + 40, 56, reference_pseudo_sum(ra)), 0xffff);
	CU_ASSERT_EQUAL(ra[46] << 8 | ra[47], 1800); /* router lifetime */
	opt = ra + 56;
	CU_ASSERT_EQUAL(opt[0], 3);                  /* Prefix Information */
	CU_ASSERT_EQUAL(opt[2], 64);
	CU_ASSERT_EQUAL(opt[3], 0x40);               /* L clear, A set */
	CU_ASSERT_TRUE(memcmp(opt + 16, harness.config.iphttps.client_prefix.addr.s6_addr, 8) == 0);
	opt += 32;
	CU_ASSERT_EQUAL(opt[0], 5);                  /* MTU */
	CU_ASSERT_EQUAL((uint32_t)(opt[4] << 24 | opt[5] << 16 | opt[6] << 8 | opt[7]), 1280);
	/* One with a hop limit below 255 is no ND message (RFC 4861 6.1.1). */
	tp->plain_len = 0;
	tls_send(tp, pkt, (int)icmp6_packet(pkt, "::", "ff02::2", 64, 133, rs_body, sizeof(rs_body)));
	pump();
	CU_ASSERT_EQUAL(tp->plain_len, 0);
	CU_ASSERT_EQUAL(counter(harness.w, drop_link_bad_nd), 1);
}

/* Unsolicited RAs (RFC 4861 6.2.4; 6.2.1 MaxRtrAdvInterval) reach every
 * LinkUp session once an interval, the first an interval after its LinkUp
 * (it had one in answer to its RS then); sessions that came up together (a
 * reconnect storm) are not all advertised in one loop iteration, which at
 * 100,000 sessions held the worker for the whole of one. */
static void test_unsolicited_ras_are_spread_over_the_interval(void)
{
	enum { N = 8 };
	struct tls_peer *tp[N];
	unsigned int got[N] = { 0 }, most_in_a_tick = 0, ticks = (2 * LINK_RA_INTERVAL_S + 2) * 10;
	uint64_t sent_before, up_ms, first_ra_ms = 0;

	fresh();
	for (int i = 0; i < N; i++)
		tp[i] = link_up_peer(); /* all in the same millisecond, as a storm */
	up_ms = harness.w->now_ms;
	link_poll(harness.w); /* the first poll starts the ticks */
	for (unsigned int tick = 0; tick < ticks; tick++) {
		clock_advance_ms(LINK_RA_TICK_MS);
		sent_before = counter(harness.w, link_ra_sent);
		link_poll(harness.w);
		pump();
		if (counter(harness.w, link_ra_sent) - sent_before > most_in_a_tick)
			most_in_a_tick = (unsigned int)(counter(harness.w, link_ra_sent) - sent_before);
		for (int i = 0; i < N; i++) {
			if (tp[i]->plain_len == 0)
				continue;
			CU_ASSERT_EQUAL(tp[i]->plain_len, 40 + 16 + 32 + 8);
			CU_ASSERT_EQUAL(tp[i]->plain[40], 134);
			tp[i]->plain_len = 0;
			got[i]++;
			if (!first_ra_ms)
				first_ra_ms = harness.w->now_ms;
		}
	}
	for (int i = 0; i < N; i++)
		CU_ASSERT_EQUAL(got[i], 2); /* each, once an interval */
	CU_ASSERT_EQUAL(most_in_a_tick, 1); /* 8 came due together: one a tick */
	CU_ASSERT(first_ra_ms >= up_ms + LINK_RA_INTERVAL_S * 1000);
	fresh();
}

/* Ticks over one refresh: each peer's RAs counted, and the RDNSS option of its last kept. */
static void ras_over_a_refresh(struct tls_peer **tp, int n, unsigned int *got, uint8_t (*rdnss)[24])
{
	memset(got, 0, sizeof(*got) * (size_t)n);
	for (unsigned int ms = 0; ms <= LINK_RA_REFRESH_MS; ms += LINK_RA_TICK_MS) {
		clock_advance_ms(LINK_RA_TICK_MS);
		link_poll(harness.w);
		pump();
		for (int i = 0; i < n; i++) {
			if (tp[i]->plain_len == 0)
				continue;
			CU_ASSERT_EQUAL_FATAL(tp[i]->plain_len, 40 + 56 + 24); /* the plain RA and one RDNSS */
			memcpy(rdnss[i], tp[i]->plain + 40 + 56, 24);
			tp[i]->plain_len = 0;
			got[i]++;
		}
	}
}

/* A reload that changes what the RA carries (here its DNS server) reaches
 * every LinkUp client within LINK_RA_REFRESH_MS, not at its next interval
 * 200 s on; what a later reload takes away goes out once more with lifetime
 * 0 (RFC 8106 5.1: the address "MUST no longer be used"), and only while
 * the refresh lasts. */
static void test_a_reload_of_the_ra_options_reaches_every_client(void)
{
	enum { N = 4 };
	const struct config_iphttps saved = harness.config.iphttps;
	struct tls_peer *tp[N];
	unsigned int got[N];
	uint8_t rdnss[N][24];
	uint64_t refreshes;

	fresh();
	for (int i = 0; i < N; i++)
		tp[i] = link_up_peer();
	link_poll(harness.w); /* the first poll starts the ticks */
	refreshes = counter(harness.w, link_ra_refreshes);
	harness.config.iphttps.dns_server_count = 1;
	inet_pton(AF_INET6, "2001:db8:53::1", &harness.config.iphttps.dns_servers[0]);
	ras_over_a_refresh(tp, N, got, rdnss);
	for (int i = 0; i < N; i++) {
		CU_ASSERT_EQUAL(got[i], 1);
		CU_ASSERT_EQUAL(rdnss[i][0], 25);
		CU_ASSERT_TRUE(addr_is(rdnss[i] + 8, "2001:db8:53::1"));
	}
	CU_ASSERT_EQUAL(counter(harness.w, link_ra_refreshes), refreshes + 1);
	/* Taken away: the RDNSS once more, with lifetime 0, to each. */
	harness.config.iphttps.dns_server_count = 0;
	memset(&harness.config.iphttps.dns_servers[0], 0, sizeof(harness.config.iphttps.dns_servers[0]));
	ras_over_a_refresh(tp, N, got, rdnss);
	for (int i = 0; i < N; i++) {
		CU_ASSERT_EQUAL(got[i], 1);
		CU_ASSERT_EQUAL(rdnss[i][0], 25);
		CU_ASSERT_EQUAL(rdnss[i][4] | rdnss[i][5] | rdnss[i][6] | rdnss[i][7], 0);
	}
	/* The refresh over, an RS is answered with the plain RA: the withdrawal is not said forever. */
	{
		static const uint8_t rs_body[4];
		uint8_t pkt[128];

		tls_send(tp[0], pkt, (int)icmp6_packet(pkt, "::", "ff02::2", 255, 133, rs_body, sizeof(rs_body)));
		pump();
		CU_ASSERT_EQUAL(tp[0]->plain_len, 40 + 56);
	}
	harness.config.iphttps = saved;
	fresh();
}

/*
 * A client whose link was cut comes back on a new connection while its old
 * one, which no FIN or RST ended, still holds its addresses: its RS is
 * dropped (the source is another session's) and its DAD defended. The
 * holder then gets an unsolicited RA, once per LINK_HOLDER_PROBE_INTERVAL_MS:
 * a live client takes it, a client kernel without the connection resets it
 * (and the stale session goes with its addresses). The client is owed the
 * RA its dropped RS asked for: it gets it once the holder is gone, without
 * waiting 4 s to solicit again (link_holder.h).
 */
static void test_a_stale_holder_is_probed_when_its_address_is_claimed(void)
{
	uint8_t rs[4] = { 0 }, echo[8] = { 0 }, ns[4 + 20] = { 0 }, pkt[128];
	struct tls_peer *old, *fresh_conn;
	uint64_t dropped;

	fresh();
	old = link_up_peer();
	fresh_conn = link_up_peer();
	tls_send(old, pkt, (int)icmp6_packet(pkt, "fe80::abc", "fe80::1", 64, 128, echo, sizeof(echo)));
	pump();
	tls_send(old, pkt, (int)icmp6_packet(pkt, "2001:db8:c1::abc", "fe80::1", 64, 128, echo, sizeof(echo)));
	pump();
	old->plain_len = 0;
	dropped = counter(harness.w, drop_link_spoofed_source);
	/* The client, on its new connection: an RS from its link-local address. */
	tls_send(fresh_conn, pkt, (int)icmp6_packet(pkt, "fe80::abc", "ff02::2", 255, 133, rs, sizeof(rs)));
	pump();
	CU_ASSERT_EQUAL(counter(harness.w, drop_link_spoofed_source), dropped + 1);
	CU_ASSERT_EQUAL(fresh_conn->plain_len, 0); /* no RA for a source another session has */
	CU_ASSERT_EQUAL(counter(harness.w, link_holder_probed), 1);
	CU_ASSERT_EQUAL_FATAL(old->plain_len, 40 + 16 + 32 + 8); /* the holder's probe: an RA */
	CU_ASSERT_EQUAL(old->plain[40], 134);
	old->plain_len = 0;
	/* Its DAD for the global address a moment later: defended, and no second probe yet. */
	inet_pton(AF_INET6, "2001:db8:c1::abc", ns + 4);
	tls_send(fresh_conn, pkt, (int)icmp6_packet(pkt, "::", "ff02::1:ff00:abc", 255, 135, ns, sizeof(ns)));
	pump();
	CU_ASSERT_EQUAL(counter(harness.w, link_dad_defended), 1);
	CU_ASSERT_EQUAL(counter(harness.w, link_holder_probed), 1);
	CU_ASSERT_EQUAL(old->plain_len, 0);
	/* The RS again after RFC 4861's 4 s: probed again. */
	clock_advance_ms(4000);
	tls_send(fresh_conn, pkt, (int)icmp6_packet(pkt, "fe80::abc", "ff02::2", 255, 133, rs, sizeof(rs)));
	pump();
	CU_ASSERT_EQUAL(counter(harness.w, link_holder_probed), 2);
	CU_ASSERT_EQUAL(old->plain_len, 40 + 16 + 32 + 8);
	/* While the holder stays, the waiting client hears nothing (past the NA that defended its DAD). */
	fresh_conn->plain_len = 0;
	clock_advance_ms(LINK_HOLDER_WAIT_TICK_MS);
	link_poll(harness.w);
	pump();
	CU_ASSERT_EQUAL(fresh_conn->plain_len, 0);
	/* The stale one goes (its client's kernel reset it): the RA its RS asked for comes at the next tick. */
	session_close(harness.w, session_of(old));
	pump();
	clock_advance_ms(LINK_HOLDER_WAIT_TICK_MS);
	link_poll(harness.w);
	pump();
	CU_ASSERT_EQUAL(counter(harness.w, link_holder_gone_ra_sent), 1);
	CU_ASSERT_EQUAL_FATAL(fresh_conn->plain_len, 40 + 16 + 32 + 8);
	CU_ASSERT_EQUAL(fresh_conn->plain[40], 134);
	/* Once: the next tick sends nothing more; and a later RS is answered as any. */
	fresh_conn->plain_len = 0;
	clock_advance_ms(LINK_HOLDER_WAIT_TICK_MS);
	link_poll(harness.w);
	pump();
	CU_ASSERT_EQUAL(fresh_conn->plain_len, 0);
	CU_ASSERT_EQUAL(counter(harness.w, link_holder_gone_ra_sent), 1);
	tls_send(fresh_conn, pkt, (int)icmp6_packet(pkt, "fe80::abc", "ff02::2", 255, 133, rs, sizeof(rs)));
	pump();
	CU_ASSERT_EQUAL(fresh_conn->plain_len, 40 + 16 + 32 + 8);
	CU_ASSERT_EQUAL(fresh_conn->plain[40], 134);
	fresh();
}

/*
 * Hostile clients that claim a live client's address (mode none: anyone is
 * an authenticated client) cannot make it a target: 6 of them, 10 packets
 * each from the victim's address, draw one RA to the victim in a probe
 * interval; each attacker waits once (one wait a session) and is owed
 * nothing while the victim lives: their waits run out after
 * LINK_HOLDER_WAIT_MS, counted, and the victim's session and address stay.
 */
static void test_hostile_claims_of_a_live_address_are_bounded(void)
{
	enum { ATTACKERS = 6, PACKETS = 10 };
	uint8_t echo[8] = { 0 }, pkt[128];
	struct tls_peer *victim, *attackers[ATTACKERS];
	uint32_t ras = 0;

	fresh();
	victim = link_up_peer();
	for (int i = 0; i < ATTACKERS; i++)
		attackers[i] = link_up_peer();
	tls_send(victim, pkt, (int)icmp6_packet(pkt, "2001:db8:c1::77", "fe80::1", 64, 128, echo, sizeof(echo)));
	pump();
	victim->plain_len = 0;
	for (int round = 0; round < 2; round++) {
		for (int p = 0; p < PACKETS; p++)
			for (int i = 0; i < ATTACKERS; i++) {
				tls_send(attackers[i], pkt,
					 (int)icmp6_packet(pkt, "2001:db8:c1::77", "fe80::1", 64, 128, echo, sizeof(echo)));
				pump();
			}
		for (uint32_t at = 0; at + 52 + 44 <= victim->plain_len; at += 40 + 16 + 32 + 8)
			ras += victim->plain[at + 40] == 134;
		victim->plain_len = 0;
		CU_ASSERT_EQUAL(ras, (uint32_t)round + 1); /* one probe an interval, whatever the attackers send */
		clock_advance_ms(LINK_HOLDER_PROBE_INTERVAL_MS);
	}
	CU_ASSERT_EQUAL(counter(harness.w, link_holder_probed), 2);
	CU_ASSERT_EQUAL(counter(harness.w, drop_link_spoofed_source), 2 * PACKETS * ATTACKERS);
	/* Their waits: polled until they run out, none owed an RA. */
	for (uint64_t t = 0; t <= LINK_HOLDER_WAIT_MS; t += 1000) {
		clock_advance_ms(1000);
		link_poll(harness.w);
		pump();
	}
	CU_ASSERT_EQUAL(counter(harness.w, link_holder_wait_expired), ATTACKERS);
	CU_ASSERT_EQUAL(counter(harness.w, link_holder_gone_ra_sent), 0);
	CU_ASSERT_EQUAL(counter(harness.w, link_holder_wait_full), 0);
	CU_ASSERT_PTR_NOT_NULL(session_of(victim));
	CU_ASSERT_EQUAL(session_of(victim)->state, SESSION_LINK_UP);
	fresh();
}

/* DAD: a free target becomes the client's (the Neighbor Cache); a second
 * client probing the same target gets the NA its holder would send, from the
 * target to ff02::1, Router clear, no Target Link-Layer option; and may not
 * send from it. */
static void test_dad_claims_and_defends(void)
{
	static const char target[] = "2001:db8:c1::abcd";
	uint8_t ns[4 + 20] = { 0 }, pkt[128];
	const uint8_t *na;
	struct tls_peer *a, *b;
	struct client_ref ref;
	struct in6_addr t;

	fresh();
	a = link_up_peer();
	b = link_up_peer();
	inet_pton(AF_INET6, target, ns + 4);
	tls_send(a, pkt, (int)icmp6_packet(pkt, "::", "ff02::1:ff00:abcd", 255, 135, ns, sizeof(ns)));
	pump();
	inet_pton(AF_INET6, target, &t);
	CU_ASSERT_TRUE_FATAL(client_index_lookup(&t, &ref));
	CU_ASSERT_EQUAL(ref.slot, session_of(a)->slot);
	CU_ASSERT_EQUAL(a->plain_len, 0); /* nothing answers a free target */
	CU_ASSERT_EQUAL(counter(harness.w, link_dad_claimed), 1);
	tls_send(b, pkt, (int)icmp6_packet(pkt, "::", "ff02::1:ff00:abcd", 255, 135, ns, sizeof(ns)));
	pump();
	CU_ASSERT_EQUAL(counter(harness.w, link_dad_defended), 1);
	CU_ASSERT_EQUAL_FATAL(b->plain_len, 40 + 24);
	na = b->plain;
	CU_ASSERT_TRUE(addr_is(na + 8, target));
	CU_ASSERT_TRUE(addr_is(na + 24, "ff02::1"));
	CU_ASSERT_EQUAL(na[40], 136);
	CU_ASSERT_EQUAL(na[44] & 0x80, 0);           /* Router flag clear */
	CU_ASSERT_EQUAL(na[44] & 0x40, 0);           /* not solicited: multicast */
	CU_ASSERT_TRUE(addr_is(na + 48, target));
	CU_ASSERT_EQUAL(reference_checksum(na + 40, 24, reference_pseudo_sum(na)), 0xffff);
	/* b sending from a's address is a spoofed source. */
	tls_send(b, pkt, (int)icmp6_packet(pkt, target, "fe80::1", 64, 128, ns, 8));
	pump();
	CU_ASSERT_EQUAL(counter(harness.w, drop_link_spoofed_source), 1);
	CU_ASSERT_EQUAL(counter(harness.w, link_echo_answered), 0);
}

/* The one NA the router sends for itself, checked whole: from src to dst,
 * for target, with flags (R 0x80, S 0x40, O 0x20), no option, valid. */
static void check_router_na(const struct tls_peer *tp, const char *src, const char *dst, const char *target,
			    uint8_t flags)
{
	const uint8_t *na = tp->plain;

	CU_ASSERT_EQUAL_FATAL(tp->plain_len, 40 + 24); /* no Target Link-Layer option: the link has none */
	CU_ASSERT_TRUE(addr_is(na + 8, src));
	CU_ASSERT_TRUE(addr_is(na + 24, dst));
	CU_ASSERT_EQUAL(na[7], 255);
	CU_ASSERT_EQUAL(na[40], 136);
	CU_ASSERT_EQUAL(na[41], 0);
	CU_ASSERT_EQUAL(na[44], flags);
	CU_ASSERT_TRUE(addr_is(na + 48, target));
	CU_ASSERT_EQUAL(reference_checksum(na + 40, 24, reference_pseudo_sum(na)), 0xffff);
}

/*
 * The server is a router on the link and answers for itself (RFC 4861): a
 * host resolves its router's address and, when no upper layer confirms it,
 * probes it (7.3, NUD; Windows does, and DirectAccess's IPsec gives no TCP
 * hints). 7.2.4: "If the source of the solicitation is the unspecified
 * address, the node MUST set the Solicited flag to zero and multicast the
 * advertisement to the all-nodes address. Otherwise, the node MUST set the
 * Solicited flag to one and unicast the advertisement to the target address
 * [source] of the solicitation." The Router flag is set: it is the router.
 * Its addresses and the subnet-router anycast are defended against DAD and
 * never a client's, in both modes.
 */
static void router_answers_for_itself(enum config_auth_mode mode)
{
	uint8_t ns[20] = { 0 }, pkt[128], body[8] = { 0 };
	struct tls_peer *a, *b;
	struct in6_addr t;
	struct client_ref ref;

	fresh();
	harness.config.iphttps.authentication = mode;
	a = link_up_peer();
	b = link_up_peer();
	/* Address resolution: multicast to fe80::1's solicited-node group. */
	inet_pton(AF_INET6, "fe80::1", ns + 4);
	tls_send(a, pkt, (int)icmp6_packet(pkt, "fe80::a", "ff02::1:ff00:1", 255, 135, ns, sizeof(ns)));
	pump();
	check_router_na(a, "fe80::1", "fe80::a", "fe80::1", 0x80 | 0x40 | 0x20);
	CU_ASSERT_EQUAL(b->plain_len, 0); /* not forwarded to the other client */
	a->plain_len = 0;
	/* NUD: unicast to the router. */
	tls_send(a, pkt, (int)icmp6_packet(pkt, "fe80::a", "fe80::1", 255, 135, ns, sizeof(ns)));
	pump();
	check_router_na(a, "fe80::1", "fe80::a", "fe80::1", 0x80 | 0x40 | 0x20);
	a->plain_len = 0;
	/* NUD for the router's address in the prefix, from a global address. */
	inet_pton(AF_INET6, "2001:db8:c1::1", ns + 4);
	tls_send(a, pkt, (int)icmp6_packet(pkt, "2001:db8:c1::a", "2001:db8:c1::1", 255, 135, ns, sizeof(ns)));
	pump();
	check_router_na(a, "2001:db8:c1::1", "2001:db8:c1::a", "2001:db8:c1::1", 0x80 | 0x40 | 0x20);
	a->plain_len = 0;
	CU_ASSERT_EQUAL(counter(harness.w, link_neighbor_solicitations_answered), 3);
	/* DAD for the router's addresses: defended, and the prober gets none. */
	tls_send(b, pkt, (int)icmp6_packet(pkt, "::", "ff02::1:ff00:1", 255, 135, ns, sizeof(ns)));
	pump();
	check_router_na(b, "2001:db8:c1::1", "ff02::1", "2001:db8:c1::1", 0x80 | 0x20);
	b->plain_len = 0;
	inet_pton(AF_INET6, "fe80::1", ns + 4);
	tls_send(b, pkt, (int)icmp6_packet(pkt, "::", "ff02::1:ff00:1", 255, 135, ns, sizeof(ns)));
	pump();
	check_router_na(b, "fe80::1", "ff02::1", "fe80::1", 0x80 | 0x20);
	b->plain_len = 0;
	/* The subnet-router anycast (RFC 4291 2.6.1): from fe80::1, Override clear. */
	inet_pton(AF_INET6, "2001:db8:c1::", ns + 4);
	tls_send(b, pkt, (int)icmp6_packet(pkt, "::", "ff02::1:ff00:0", 255, 135, ns, sizeof(ns)));
	pump();
	check_router_na(b, "fe80::1", "ff02::1", "2001:db8:c1::", 0x80);
	b->plain_len = 0;
	CU_ASSERT_EQUAL(counter(harness.w, link_router_address_defended), 3);
	CU_ASSERT_EQUAL(counter(harness.w, link_dad_claimed), 0);
	CU_ASSERT_EQUAL(a->plain_len, 0); /* the probes went to no other client either */
	inet_pton(AF_INET6, "2001:db8:c1::", &t);
	CU_ASSERT_FALSE(client_index_lookup(&t, &ref));
	inet_pton(AF_INET6, "fe80::1", &t);
	CU_ASSERT_FALSE(client_index_lookup(&t, &ref));
	/* Nor does traffic from them make them a client's. */
	tls_send(b, pkt, (int)icmp6_packet(pkt, "2001:db8:c1::", "fe80::1", 64, 128, body, sizeof(body)));
	tls_send(b, pkt, (int)icmp6_packet(pkt, "2001:db8:c1::1", "fe80::1", 64, 128, body, sizeof(body)));
	tls_send(b, pkt, (int)icmp6_packet(pkt, "fe80::1", "fe80::1", 64, 128, body, sizeof(body)));
	pump();
	CU_ASSERT_EQUAL(counter(harness.w, drop_link_reserved_source), 3);
	CU_ASSERT_EQUAL(counter(harness.w, link_echo_answered), 0);
	CU_ASSERT_EQUAL(a->plain_len, 0);
	CU_ASSERT_EQUAL(b->plain_len, 0);
	CU_ASSERT_FALSE(client_index_lookup(&t, &ref));
	harness.config.iphttps.authentication = CONFIG_AUTH_NONE;
}

static void test_router_answers_for_itself_mode_none(void)
{
	router_answers_for_itself(CONFIG_AUTH_NONE);
}

static void test_router_answers_for_itself_mode_certificates(void)
{
	router_answers_for_itself(CONFIG_AUTH_CERTIFICATES);
}

/* Mode none (§3.2.5.2.2): link-local unicast only to the server, multicast
 * only RS and DAD NS, sources only on the link and not another client's. */
static void test_mode_none_rules(void)
{
	uint8_t body[8] = { 0 }, pkt[128];
	struct tls_peer *tp;

	fresh();
	tp = link_up_peer();
	tls_send(tp, pkt, (int)icmp6_packet(pkt, "fe80::2", "fe80::5", 64, 128, body, sizeof(body)));
	tls_send(tp, pkt, (int)icmp6_packet(pkt, "fe80::2", "ff02::1", 64, 128, body, sizeof(body)));
	tls_send(tp, pkt, (int)icmp6_packet(pkt, "2001:db8:dead::1", "2001:db8:c1::1", 64, 128, body, sizeof(body)));
	pump();
	CU_ASSERT_EQUAL(counter(harness.w, drop_link_link_local), 1);
	CU_ASSERT_EQUAL(counter(harness.w, drop_link_multicast), 1);
	CU_ASSERT_EQUAL(counter(harness.w, drop_link_spoofed_source), 1);
	CU_ASSERT_EQUAL(tp->plain_len, 0);
	/* From an address on the link, to the server: answered, and the address learned. */
	tls_send(tp, pkt, (int)icmp6_packet(pkt, "2001:db8:c1::77", "2001:db8:c1::1", 64, 128, body, sizeof(body)));
	pump();
	CU_ASSERT_EQUAL(counter(harness.w, link_echo_answered), 1);
	CU_ASSERT_EQUAL(counter(harness.w, link_dad_claimed), 0); /* learned from traffic, not claimed by DAD */
	CU_ASSERT_EQUAL(session_of(tp)->address_count, 2);              /* fe80::2 and 2001:db8:c1::77 */
}

/* From nothing, in certificates mode: three clients at LinkUp. */
static void certificate_clients(struct tls_peer **a, struct tls_peer **b, struct tls_peer **c)
{
	fresh();
	harness.config.iphttps.authentication = CONFIG_AUTH_CERTIFICATES;
	*a = link_up_peer();
	*b = link_up_peer();
	*c = link_up_peer();
}

/*
 * Certificates mode: one multicast packet in is a TLS record out to every
 * other client, so each client's fan-out is rated (issue #22: "Multicast
 * fan-out in certificates mode has no rate"): 20 a second are copied, the
 * rest dropped and counted; the next second has its own 20.
 */
static void test_certificates_mode_multicast_is_rated(void)
{
	uint8_t body[8] = { 0 }, pkt[128];
	struct tls_peer *a, *b, *c;

	certificate_clients(&a, &b, &c);
	for (int i = 0; i < LINK_MULTICAST_PER_CLIENT_PER_SECOND + 5; i++) {
		tls_send(a, pkt, (int)icmp6_packet(pkt, "2001:db8:c1::a", "ff02::1", 64, 128, body, sizeof(body)));
		pump();
	}
	CU_ASSERT_EQUAL(b->plain_len, LINK_MULTICAST_PER_CLIENT_PER_SECOND * (40 + 12));
	CU_ASSERT_EQUAL(c->plain_len, LINK_MULTICAST_PER_CLIENT_PER_SECOND * (40 + 12));
	CU_ASSERT_EQUAL(counter(harness.w, drop_link_multicast_rate), 5);
	CU_ASSERT_EQUAL(counter(harness.w, link_multicast_forwarded), 2 * LINK_MULTICAST_PER_CLIENT_PER_SECOND);
	/* b's budget is its own. */
	b->plain_len = c->plain_len = 0;
	tls_send(b, pkt, (int)icmp6_packet(pkt, "2001:db8:c1::b", "ff02::1", 64, 128, body, sizeof(body)));
	pump();
	CU_ASSERT_EQUAL(c->plain_len, 40 + 12);
	clock_advance_ms(1000);
	c->plain_len = 0;
	tls_send(a, pkt, (int)icmp6_packet(pkt, "2001:db8:c1::a", "ff02::1", 64, 128, body, sizeof(body)));
	pump();
	CU_ASSERT_EQUAL(c->plain_len, 40 + 12);
	harness.config.iphttps.authentication = CONFIG_AUTH_NONE;
}

/*
 * Certificates mode with two workers (§3.2.5.2.2: "all other clients"): a
 * client's multicast also goes to the other worker, through its inbox, and
 * that worker gives a copy to each of its clients; a DAD probe for an address
 * a client of the other worker holds goes to that worker only (to the
 * holder), and the prober has the answer from here. (Multicast once reached
 * only the clients of the receiving worker, and a DAD for a holder on another
 * worker was dropped.)
 */
static void test_certificates_mode_multicast_reaches_other_workers(void)
{
	uint16_t port_ids[CONFIG_PORT_COUNT] = { ifaces[0].port_id, ifaces[1].port_id };
	uint8_t body[8] = { 0 }, ns[4 + 20] = { 0 }, pkt[128];
	struct worker *other = &workers[1];
	struct client_ref elsewhere = { .worker = 1, .slot = 0, .generation = 1 };
	struct tls_peer *a, *b, *c;
	struct in6_addr t;
	void *handed = NULL;

	certificate_clients(&a, &b, &c);
	CU_ASSERT_EQUAL_FATAL(worker_init(other, 1, 0, harness.pool, port_ids), 0);
	other->config = &harness.config;
	worker_count = 2;
	tls_send(a, pkt, (int)icmp6_packet(pkt, "2001:db8:c1::a", "ff02::1", 64, 128, body, sizeof(body)));
	pump();
	CU_ASSERT_EQUAL(b->plain_len, 40 + 12);
	CU_ASSERT_EQUAL(c->plain_len, 40 + 12);
	CU_ASSERT_EQUAL(counter(harness.w, link_multicast_handed_over), 1);
	CU_ASSERT_EQUAL_FATAL(rte_ring_dequeue(other->inbox, &handed), 0);
	CU_ASSERT_EQUAL(((struct rte_mbuf *)handed)->hash.usr & WORKER_INBOX_KIND_MASK, WORKER_INBOX_MULTICAST);
	CU_ASSERT_EQUAL(rte_pktmbuf_pkt_len((struct rte_mbuf *)handed), 40 + 12);
	/* What the other worker does with it, played here: each of its clients gets a copy. */
	a->plain_len = b->plain_len = c->plain_len = 0;
	link_multicast_handed_over(harness.w, handed);
	pump();
	CU_ASSERT_EQUAL(a->plain_len, 40 + 12);
	CU_ASSERT_EQUAL(b->plain_len, 40 + 12);
	CU_ASSERT_EQUAL(c->plain_len, 40 + 12);
	CU_ASSERT_EQUAL(counter(harness.w, link_multicast_received), 1);

	/* c probes an address a client of the other worker holds. */
	inet_pton(AF_INET6, "2001:db8:c1::e1", &t);
	inet_pton(AF_INET6, "2001:db8:c1::e1", ns + 4);
	CU_ASSERT_EQUAL_FATAL(client_index_add(&t, &elsewhere), 0);
	a->plain_len = b->plain_len = c->plain_len = 0;
	tls_send(c, pkt, (int)icmp6_packet(pkt, "::", "ff02::1:ff00:e1", 255, 135, ns, sizeof(ns)));
	pump();
	CU_ASSERT_EQUAL(a->plain_len + b->plain_len, 0); /* not to this worker's others */
	CU_ASSERT_EQUAL(c->plain_len, 40 + 24);           /* the answer, from here */
	CU_ASSERT_EQUAL(c->plain[40], 136);
	CU_ASSERT_EQUAL_FATAL(rte_ring_dequeue(other->inbox, &handed), 0); /* and the probe, to the holder's worker */
	CU_ASSERT_EQUAL(rte_ring_count(other->inbox), 0);
	client_index_remove(&t, &elsewhere);
	/* On a holder's worker, a probe handed over goes to the holder alone. */
	inet_pton(AF_INET6, "2001:db8:c1::a", ns + 4);
	rte_pktmbuf_free(handed);
	tls_send(a, pkt, (int)icmp6_packet(pkt, "2001:db8:c1::a", "ff02::1", 64, 128, body, sizeof(body))); /* a has ::a */
	pump();
	CU_ASSERT_EQUAL_FATAL(rte_ring_dequeue(other->inbox, &handed), 0);
	rte_pktmbuf_free(handed);
	a->plain_len = b->plain_len = c->plain_len = 0;
	handed = rte_pktmbuf_alloc(harness.pool);
	CU_ASSERT_PTR_NOT_NULL_FATAL(handed);
	{
		size_t len = icmp6_packet(pkt, "::", "ff02::1:ff00:a", 255, 135, ns, sizeof(ns));

		memcpy(rte_pktmbuf_append(handed, (uint16_t)len), pkt, len);
	}
	link_multicast_handed_over(harness.w, handed);
	pump();
	CU_ASSERT_EQUAL(a->plain_len, 40 + 28);
	CU_ASSERT_EQUAL(b->plain_len + c->plain_len, 0);
	worker_count = 1;
	worker_free(other);
	harness.config.iphttps.authentication = CONFIG_AUTH_NONE;
}

/* Certificates mode (§3.2.5.2.2): a client's multicast goes to every other
 * client; a DAD probe for a target in the Neighbor Cache goes only to the
 * client that has it (which defends it itself: no NA from the server). */
static void test_certificates_mode_multicast(void)
{
	uint8_t body[8] = { 0 }, ns[4 + 20] = { 0 }, pkt[128];
	struct tls_peer *a, *b, *c;

	certificate_clients(&a, &b, &c);
	tls_send(a, pkt, (int)icmp6_packet(pkt, "2001:db8:c1::a", "ff02::1", 64, 128, body, sizeof(body)));
	pump();
	CU_ASSERT_EQUAL(a->plain_len, 0);
	CU_ASSERT_EQUAL(b->plain_len, 40 + 12);
	CU_ASSERT_EQUAL(c->plain_len, 40 + 12);
	CU_ASSERT_EQUAL(counter(harness.w, link_multicast_forwarded), 2);
	b->plain_len = c->plain_len = 0;
	/* c probes a's address: only a sees it, and c gets the NA a would send
	 * (a's own NA names a target only a holds: by §3.2.5.2.2 it reaches
	 * nobody, so the server answers, or c's duplicate goes unnoticed). */
	inet_pton(AF_INET6, "2001:db8:c1::a", ns + 4);
	tls_send(c, pkt, (int)icmp6_packet(pkt, "::", "ff02::1:ff00:a", 255, 135, ns, sizeof(ns)));
	pump();
	CU_ASSERT_EQUAL(a->plain_len, 40 + 28 /* the probe as sent */);
	CU_ASSERT_EQUAL(b->plain_len, 0);
	CU_ASSERT_EQUAL(c->plain_len, 40 + 24);
	CU_ASSERT_EQUAL(c->plain[40], 136);
	CU_ASSERT_EQUAL(c->plain[44] & 0x80, 0); /* as the client would: Router clear */
	CU_ASSERT_EQUAL(counter(harness.w, link_dad_defended), 1);
	a->plain_len = c->plain_len = 0;
	/* b probes a free target: everyone else sees it, and it is b's from then on. */
	inet_pton(AF_INET6, "2001:db8:c1::bb", ns + 4);
	tls_send(b, pkt, (int)icmp6_packet(pkt, "::", "ff02::1:ff00:bb", 255, 135, ns, sizeof(ns)));
	pump();
	CU_ASSERT_EQUAL(a->plain_len, 40 + 28 /* the probe as sent */);
	CU_ASSERT_EQUAL(c->plain_len, 40 + 28 /* the probe as sent */);
	CU_ASSERT_EQUAL(b->plain_len, 0);
	CU_ASSERT_EQUAL(counter(harness.w, link_dad_claimed), 1);
	harness.config.iphttps.authentication = CONFIG_AUTH_NONE;
}

/*
 * A link MTU above one TLS record (iphttps.link_mtu allows 65,535): a
 * 60,000-byte multicast from one client reaches the others whole. Such a
 * packet was once copied into the worker's 16 KiB TLS batch after the
 * flush, some 44 KB of a client's bytes over what follows it (the sanitizer
 * tier runs this case).
 */
static void test_packet_larger_than_a_tls_record_is_sent_whole(void)
{
	enum { PACKET = 60000 };
	static uint8_t body[PACKET - 44], pkt[PACKET];
	static struct session_worker next_worker; /* the state after this worker's: untouched */
	uint32_t mtu = harness.config.iphttps.link_mtu;
	struct tls_peer *a, *b, *c;
	size_t len;

	fresh();
	harness.config.iphttps.authentication = CONFIG_AUTH_CERTIFICATES;
	harness.config.iphttps.link_mtu = 65535; /* before LinkUp: each session's framer takes it then */
	a = link_up_peer();
	b = link_up_peer();
	c = link_up_peer();
	for (size_t i = 0; i < sizeof(body); i++)
		body[i] = (uint8_t)(i * 13 + 5);
	len = icmp6_packet(pkt, "2001:db8:c1::a", "ff02::1", 64, 128, body, sizeof(body));
	CU_ASSERT_EQUAL_FATAL(len, PACKET);
	/* The worker states are one array: ASan sees no border between them, so
	 * the next one is compared whole. */
	memcpy(&next_worker, &session_workers[harness.w->id + 1], sizeof(next_worker));
	for (size_t off = 0; off < len; off += 8192) { /* what the BIO pair holds at a time */
		tls_send(a, pkt + off, (int)RTE_MIN((size_t)8192, len - off));
		pump();
	}
	CU_ASSERT_EQUAL(b->plain_len, PACKET);
	CU_ASSERT_EQUAL(c->plain_len, PACKET);
	CU_ASSERT(b->plain_len == PACKET && memcmp(b->plain, pkt, PACKET) == 0);
	CU_ASSERT(c->plain_len == PACKET && memcmp(c->plain, pkt, PACKET) == 0);
	CU_ASSERT_EQUAL(counter(harness.w, link_multicast_forwarded), 2);
	CU_ASSERT(memcmp(&next_worker, &session_workers[harness.w->id + 1], sizeof(next_worker)) == 0);
	CU_ASSERT_PTR_NOT_NULL(session_of(b));
	CU_ASSERT_PTR_NOT_NULL(session_of(c));
	harness.config.iphttps.link_mtu = mtu;
	harness.config.iphttps.authentication = CONFIG_AUTH_NONE;
}

/*
 * A packet over the link MTU from a client (a misconfigured MTU): dropped,
 * counted and answered with Packet Too Big giving the link MTU; the session
 * stays, and the next packet on the stream is served. (It once ended the
 * session, and such a client reconnected in a loop.)
 */
static void test_packet_over_the_link_mtu_from_a_client_gets_packet_too_big(void)
{
	static uint8_t body[1400 - 44], pkt[1400];
	uint8_t echo[56];
	struct tls_peer *tp;
	size_t len;

	fresh();
	tp = link_up_peer();
	len = icmp6_packet(pkt, "2001:db8:c1::77", "fd00:c0::2", 64, 128, body, sizeof(body));
	tls_send(tp, pkt, (int)len);
	echo_request(echo);
	tls_send(tp, echo, sizeof(echo));
	pump();
	CU_ASSERT_EQUAL(counter(harness.w, drop_framer_too_big), 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(session_of(tp));
	CU_ASSERT_EQUAL(session_of(tp)->state, SESSION_LINK_UP);
	/* Packet Too Big (RFC 4443 3.2), from the router's address in the prefix,
	 * quoting the start of the packet, then the echo's reply. */
	CU_ASSERT_FATAL(tp->plain_len > 48 + 40);
	CU_ASSERT_TRUE(addr_is(tp->plain + 8, "2001:db8:c1::1"));
	CU_ASSERT_TRUE(addr_is(tp->plain + 24, "2001:db8:c1::77"));
	CU_ASSERT_EQUAL(tp->plain[40], 2);
	CU_ASSERT_EQUAL(tp->plain[41], 0);
	CU_ASSERT_EQUAL((uint32_t)tp->plain[44] << 24 | tp->plain[45] << 16 | tp->plain[46] << 8 | tp->plain[47], 1280);
	CU_ASSERT_TRUE(memcmp(tp->plain + 48, pkt, 40) == 0);
	len = 40 + ((size_t)tp->plain[4] << 8 | tp->plain[5]);
	CU_ASSERT(len <= 1280);
	CU_ASSERT_EQUAL(reference_checksum(tp->plain + 40, len - 40, reference_pseudo_sum(tp->plain)), 0xffff);
	CU_ASSERT_EQUAL_FATAL(tp->plain_len, len + 56);
	CU_ASSERT_EQUAL(tp->plain[len + 40], 129); /* the echo that followed on the stream: answered */
}

/*
 * RA guard and ND protection (RFC 6105), mode certificates, where every
 * client is authenticated and still no router: a client's Router
 * Advertisement or Redirect reaches nobody (once one client's RA with valid
 * lifetime 1 s removed everybody's address), and an NA reaches the others
 * only for the sender's own address (once any client's NA for a prober's
 * target failed its DAD).
 */
static void test_ra_guard_and_na_only_for_own_address(void)
{
	uint8_t ra[12] = { 64, 0, 0x07, 0x08 }, redirect[36] = { 0 }, na[20] = { 0 }, ns[20] = { 0 }, pkt[128];
	struct tls_peer *a, *b, *c;

	certificate_clients(&a, &b, &c);
	tls_send(a, pkt, (int)icmp6_packet(pkt, "fe80::a", "ff02::1", 255, 134, ra, sizeof(ra)));
	tls_send(a, pkt, (int)icmp6_packet(pkt, "2001:db8:c1::a", "2001:db8:c1::b", 255, 137, redirect, sizeof(redirect)));
	pump();
	CU_ASSERT_EQUAL(b->plain_len + c->plain_len, 0);
	CU_ASSERT_EQUAL(counter(harness.w, drop_link_ra_guard), 2);
	/* b probes a free target, and has it; c's NA for it is no defence. */
	inet_pton(AF_INET6, "2001:db8:c1::bb", ns + 4);
	tls_send(b, pkt, (int)icmp6_packet(pkt, "::", "ff02::1:ff00:bb", 255, 135, ns, sizeof(ns)));
	pump();
	CU_ASSERT_EQUAL(counter(harness.w, link_dad_claimed), 1);
	a->plain_len = c->plain_len = 0;
	na[0] = 0x20; /* Override */
	inet_pton(AF_INET6, "2001:db8:c1::bb", na + 4);
	tls_send(c, pkt, (int)icmp6_packet(pkt, "fe80::c", "ff02::1", 255, 136, na, sizeof(na)));
	/* Nor for a target nobody holds (a newcomer's, mid-DAD). */
	inet_pton(AF_INET6, "2001:db8:c1::cafe", na + 4);
	tls_send(c, pkt, (int)icmp6_packet(pkt, "fe80::c", "ff02::1", 255, 136, na, sizeof(na)));
	pump();
	CU_ASSERT_EQUAL(a->plain_len + b->plain_len, 0);
	CU_ASSERT_EQUAL(counter(harness.w, drop_link_nd_not_own_target), 2);
	/* An NA for the sender's own address reaches the others. */
	inet_pton(AF_INET6, "2001:db8:c1::a", na + 4);
	tls_send(a, pkt, (int)icmp6_packet(pkt, "2001:db8:c1::a", "ff02::1", 255, 136, na, sizeof(na)));
	pump();
	CU_ASSERT_EQUAL(b->plain_len, 40 + 24);
	CU_ASSERT_EQUAL(c->plain_len, 40 + 24);
	/* A client sources only its own addresses, in this mode too: not an
	 * internal server's, not another client's. */
	tls_send(a, pkt, (int)icmp6_packet(pkt, "fd00:c0::2", "2001:db8:c1::b", 64, 128, na, 8));
	tls_send(c, pkt, (int)icmp6_packet(pkt, "2001:db8:c1::a", "fe80::1", 64, 128, na, 8));
	b->plain_len = c->plain_len = 0;
	pump();
	CU_ASSERT_EQUAL(counter(harness.w, drop_link_spoofed_source), 2);
	CU_ASSERT_EQUAL(b->plain_len + c->plain_len, 0);
	/* Mode none: an RA is dropped by the guard too. */
	harness.config.iphttps.authentication = CONFIG_AUTH_NONE;
	b->plain_len = c->plain_len = 0;
	tls_send(a, pkt, (int)icmp6_packet(pkt, "fe80::a", "ff02::1", 255, 134, ra, sizeof(ra)));
	pump();
	CU_ASSERT_EQUAL(b->plain_len + c->plain_len, 0);
	CU_ASSERT_EQUAL(counter(harness.w, drop_link_ra_guard), 3);
}

/* Who a peer's client is, as session_owner_key would say for another certificate subject. */
static void set_owner(struct tls_peer *tp, uint64_t key)
{
	session_of(tp)->owner_key = key;
	session_of(tp)->owner_key_known = true;
	session_of(tp)->owner_has_subject = true;
}

/*
 * Issue #22: "an address freed by a disconnect is held for its previous
 * owner for a grace period (in certificates mode: for the same certificate
 * subject), so nobody takes a reconnecting client's address." A's session
 * ends; B (another subject) probes A's address: its DAD is answered as for a
 * taken address, and packets from it are dropped; A reconnects and gets it
 * back. Once the grace period has run out unclaimed, anyone may take it.
 * Link-local addresses are not held; in mode none nothing is (no identity
 * survives a roaming client's new outer address).
 */
static void test_a_gone_clients_addresses_are_held_for_it(void)
{
	static const char target[] = "2001:db8:c1::beef";
	uint8_t ns[4 + 20] = { 0 }, body[8] = { 0 }, pkt[128];
	uint32_t grace = harness.config.iphttps.address_grace_s;
	struct tls_peer *a, *b, *again;
	struct client_ref ref;
	struct in6_addr t;

	fresh();
	harness.config.iphttps.authentication = CONFIG_AUTH_CERTIFICATES;
	harness.config.iphttps.address_grace_s = 60;
	inet_pton(AF_INET6, target, &t);
	inet_pton(AF_INET6, target, ns + 4);
	a = link_up_peer();
	set_owner(a, 1);
	tls_send(a, pkt, (int)icmp6_packet(pkt, target, "fe80::1", 64, 128, body, sizeof(body)));
	tls_send(a, pkt, (int)icmp6_packet(pkt, "fe80::abc", "fe80::1", 64, 128, body, sizeof(body)));
	pump();
	CU_ASSERT_TRUE_FATAL(client_index_lookup(&t, &ref));
	session_close(harness.w, session_of(a));
	pump();
	CU_ASSERT_FALSE(client_index_lookup(&t, &ref)); /* §3.2.7.2: gone from the Neighbor Cache */
	CU_ASSERT_EQUAL(counter(harness.w, link_address_held), 1); /* the link-local one is not held */
	CU_ASSERT_EQUAL(address_hold_count(), 1);

	b = link_up_peer();
	set_owner(b, 2);
	tls_send(b, pkt, (int)icmp6_packet(pkt, "::", "ff02::1:ff00:beef", 255, 135, ns, sizeof(ns)));
	pump();
	CU_ASSERT_EQUAL(counter(harness.w, link_dad_defended), 1);
	CU_ASSERT_EQUAL_FATAL(b->plain_len, 40 + 24); /* the NA its owner would send: B's DAD fails */
	CU_ASSERT_EQUAL(b->plain[40], 136);
	CU_ASSERT_TRUE(addr_is(b->plain + 48, target));
	b->plain_len = 0;
	tls_send(b, pkt, (int)icmp6_packet(pkt, target, "fe80::1", 64, 128, body, sizeof(body)));
	pump();
	CU_ASSERT_EQUAL(b->plain_len, 0);
	CU_ASSERT_EQUAL(counter(harness.w, drop_link_spoofed_source), 1);
	/* A's link-local address is free for anyone (clients may share a fixed one). */
	tls_send(b, pkt, (int)icmp6_packet(pkt, "fe80::abc", "fe80::1", 64, 128, body, sizeof(body)));
	pump();
	CU_ASSERT_EQUAL(b->plain_len, 52);
	b->plain_len = 0;
	CU_ASSERT_EQUAL(counter(harness.w, link_address_hold_refused), 2);
	CU_ASSERT_FALSE(client_index_lookup(&t, &ref));

	again = link_up_peer(); /* A, reconnected */
	set_owner(again, 1);
	tls_send(again, pkt, (int)icmp6_packet(pkt, target, "fe80::1", 64, 128, body, sizeof(body)));
	pump();
	CU_ASSERT_EQUAL(again->plain_len, 52); /* its echo answered: the address is its own again */
	CU_ASSERT_EQUAL(again->plain[40], 129);
	CU_ASSERT_EQUAL(counter(harness.w, link_address_hold_returned), 1);
	CU_ASSERT_TRUE(client_index_lookup(&t, &ref));
	CU_ASSERT_EQUAL(ref.slot, session_of(again)->slot);
	CU_ASSERT_EQUAL(address_hold_count(), 0);

	/* Gone again, and nobody comes back within the grace period: B may have it. */
	session_close(harness.w, session_of(again));
	pump();
	clock_advance_ms(61 * 1000);
	link_poll(harness.w);
	CU_ASSERT_EQUAL(counter(harness.w, link_address_hold_expired), 1);
	CU_ASSERT_EQUAL(address_hold_count(), 0);
	b->plain_len = 0;
	tls_send(b, pkt, (int)icmp6_packet(pkt, target, "fe80::1", 64, 128, body, sizeof(body)));
	pump();
	CU_ASSERT_EQUAL(b->plain_len, 52);
	CU_ASSERT_TRUE(client_index_lookup(&t, &ref));
	CU_ASSERT_EQUAL(ref.slot, session_of(b)->slot);

	/* Mode none: b goes, and its address is nobody's at once. */
	harness.config.iphttps.authentication = CONFIG_AUTH_NONE;
	session_close(harness.w, session_of(b));
	pump();
	CU_ASSERT_EQUAL(counter(harness.w, link_address_held), 2);
	CU_ASSERT_EQUAL(address_hold_count(), 0);
	again = link_up_peer();
	set_owner(again, 3);
	tls_send(again, pkt, (int)icmp6_packet(pkt, target, "fe80::1", 64, 128, body, sizeof(body)));
	pump();
	CU_ASSERT_EQUAL(again->plain_len, 52);
	harness.config.iphttps.address_grace_s = grace;
}

/*
 * A thousand hostile clients that each claim addresses and go cannot make
 * the appliance hold more than its table: the rest are simply not held
 * (counted), and nothing else changes.
 */
static void test_address_holds_are_bounded(void)
{
	uint32_t room = 0;
	struct in6_addr a;

	address_hold_clear();
	memset(&a, 0, sizeof(a));
	a.s6_addr[0] = 0x20;
	for (uint32_t i = 0; i < 4096; i++) {
		a.s6_addr[12] = (uint8_t)(i >> 8);
		a.s6_addr[13] = (uint8_t)i;
		if (address_hold_put(&a, 7, T0_MS + 1000) == 0)
			room++;
	}
	CU_ASSERT(room < 4096);
	CU_ASSERT(room >= 1024); /* the table's size here */
	CU_ASSERT_EQUAL(address_hold_count(), room);
	CU_ASSERT_EQUAL(address_hold_sweep(T0_MS + 999, 1u << 20), 0); /* none has run out yet */
	CU_ASSERT_EQUAL(address_hold_sweep(T0_MS + 1000, 1u << 20), room);
	CU_ASSERT_EQUAL(address_hold_count(), 0);
}

/*
 * The Neighbor Cache's aging takes a slice of the sessions each tick
 * (LINK_ADDRESS_AGING_TICK_MS), not all of them in one loop iteration: at
 * 100,000 sessions that would be 1.6 million compares in one go, every
 * second. Eight sessions, each with an address unused for longer than the
 * timeout: one ages a tick (ceil(8 x 100 / 1000)), all within a sweep; a
 * session that ends mid-walk leaves the walk on the next one. The old
 * once-a-second sweep aged all eight in one tick.
 */
static void test_address_aging_takes_a_slice_each_tick(void)
{
	enum { N = 8 };
	uint8_t body[8] = { 0 }, pkt[128];
	uint32_t idle = harness.config.iphttps.address_idle_timeout_s;
	struct tls_peer *tp[N];
	uint64_t before, most_in_a_tick = 0;
	unsigned int ticks = 0;
	char addr[64];

	/* The sweep's period: a sixteenth of the timeout, 1 s to a minute (the
	 * default day: a minute, so that 100,000 sessions cost no visit a second). */
	CU_ASSERT_EQUAL(link_address_sweep_ms(86400), 60000);
	CU_ASSERT_EQUAL(link_address_sweep_ms(60), 3750);
	CU_ASSERT_EQUAL(link_address_sweep_ms(2), 1000);
	fresh();
	harness.config.iphttps.address_idle_timeout_s = 60;
	for (int i = 0; i < N; i++) {
		tp[i] = link_up_peer();
		snprintf(addr, sizeof(addr), "2001:db8:c1::%x", 0x200 + i);
		tls_send(tp[i], pkt, (int)icmp6_packet(pkt, addr, "fe80::1", 64, 128, body, sizeof(body)));
		pump();
		tp[i]->plain_len = 0;
	}
	CU_ASSERT_EQUAL_FATAL(client_index_count(), N);
	link_poll(harness.w);
	clock_advance_ms(61 * 1000);
	before = counter(harness.w, link_address_aged_out);
	/* The third session goes before its turn: the walk must not lose its place. */
	session_close(harness.w, session_of(tp[2]));
	pump();
	CU_ASSERT_EQUAL(client_index_count(), N - 1);
	while (client_index_count() > 0 && ticks < 2 * link_address_sweep_ms(60) / LINK_ADDRESS_AGING_TICK_MS) {
		uint64_t tick_before = counter(harness.w, link_address_aged_out);

		link_poll(harness.w);
		if (counter(harness.w, link_address_aged_out) - tick_before > most_in_a_tick)
			most_in_a_tick = counter(harness.w, link_address_aged_out) - tick_before;
		clock_advance_ms(LINK_ADDRESS_AGING_TICK_MS);
		ticks++;
	}
	CU_ASSERT_EQUAL(client_index_count(), 0);
	CU_ASSERT_EQUAL(counter(harness.w, link_address_aged_out) - before, N - 1);
	CU_ASSERT_EQUAL(most_in_a_tick, 1);
	CU_ASSERT(ticks <= link_address_sweep_ms(60) / LINK_ADDRESS_AGING_TICK_MS); /* all within one sweep */
	harness.config.iphttps.address_idle_timeout_s = idle;
	fresh();
}

/*
 * The Neighbor Cache holds what real hosts use: a Windows client keeps a
 * link-local, a stable address and a new temporary address every day, each
 * valid for a week (RFC 8981). 16 addresses on one session are all bound;
 * a 17th takes the place of the least recently used one; addresses unused
 * for iphttps.address_idle_timeout_s age out, and come back when used.
 */
static void test_neighbor_cache_sixteen_addresses_lru_and_aging(void)
{
	uint8_t body[8] = { 0 }, pkt[128];
	uint32_t idle = harness.config.iphttps.address_idle_timeout_s;
	struct tls_peer *tp;
	struct client_ref ref;
	struct in6_addr t;
	char addr[64];

	fresh();
	harness.config.iphttps.address_idle_timeout_s = 3600;
	tp = link_up_peer();
	for (int i = 1; i <= 16; i++) {
		snprintf(addr, sizeof(addr), "2001:db8:c1::%x", 0x100 + i);
		tls_send(tp, pkt, (int)icmp6_packet(pkt, addr, "fe80::1", 64, 128, body, sizeof(body)));
		pump();
		clock_advance_ms(1000); /* each its own second of last use */
	}
	CU_ASSERT_EQUAL(counter(harness.w, link_echo_answered), 16);
	CU_ASSERT_EQUAL(session_of(tp)->address_count, 16);
	CU_ASSERT_EQUAL(client_index_count(), 16);
	/* The first is used again: the second is now the least recently used. */
	tls_send(tp, pkt, (int)icmp6_packet(pkt, "2001:db8:c1::101", "fe80::1", 64, 128, body, sizeof(body)));
	pump();
	tls_send(tp, pkt, (int)icmp6_packet(pkt, "2001:db8:c1::999", "fe80::1", 64, 128, body, sizeof(body)));
	pump();
	CU_ASSERT_EQUAL(counter(harness.w, link_echo_answered), 18); /* the 17th address served too */
	CU_ASSERT_EQUAL(counter(harness.w, link_address_evicted), 1);
	CU_ASSERT_EQUAL(session_of(tp)->address_count, 16);
	inet_pton(AF_INET6, "2001:db8:c1::102", &t);
	CU_ASSERT_FALSE(client_index_lookup(&t, &ref));
	inet_pton(AF_INET6, "2001:db8:c1::101", &t);
	CU_ASSERT_TRUE(client_index_lookup(&t, &ref));
	/* An hour unused: every address ages out at the next sweep. */
	clock_advance_ms(3600 * 1000);
	link_poll(harness.w);
	CU_ASSERT_EQUAL(session_of(tp)->address_count, 0);
	CU_ASSERT_EQUAL(client_index_count(), 0);
	CU_ASSERT_EQUAL(counter(harness.w, link_address_aged_out), 16);
	/* And one comes back when it is used. */
	tls_send(tp, pkt, (int)icmp6_packet(pkt, "2001:db8:c1::101", "fe80::1", 64, 128, body, sizeof(body)));
	pump();
	CU_ASSERT_TRUE(client_index_lookup(&t, &ref));
	CU_ASSERT_EQUAL(counter(harness.w, link_echo_answered), 19);
	harness.config.iphttps.address_idle_timeout_s = idle;
}

/*
 * A handshake begun on a context whose trust is then replaced (an auth-mode
 * change to certificates, here) followed the old rules: it asked for no
 * certificate. As it ends it is refused, so nothing admitted under the old
 * trust slips in behind the mode change's disconnect walk.
 */
static void test_handshake_begun_under_a_replaced_trust_is_refused(void)
{
	static struct iphttps_config next;
	struct tls_peer *tp;
	SSL_CTX *fresh_ctx, *old;
	char err[256];

	fresh();
	tp = tls_connect(); /* its server side is on the mode-none context */
	next = harness.config;
	next.iphttps.authentication = CONFIG_AUTH_CERTIFICATES;
	snprintf(next.tls.client_ca, sizeof(next.tls.client_ca), "config/pki/ca.crt");
	fresh_ctx = tls_context_create(&next, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(fresh_ctx);
	old = tls_context_swap(fresh_ctx);
	pump();
	tls_send(tp, request, (int)strlen(request));
	pump();
	CU_ASSERT_FALSE(got_200(tp));
	CU_ASSERT_EQUAL(counter(harness.w, session_refused_stale_trust), 1);
	CU_ASSERT(!session_of(tp) || session_of(tp)->state != SESSION_LINK_UP);
	/* A certificate rotation keeps the trust: a handshake across it is served. */
	tls_context_free(tls_context_swap(old));
	tp = tls_connect();
	fresh_ctx = tls_context_create(&harness.config, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(fresh_ctx);
	SSL_CTX_set_cert_cb(fresh_ctx, pausing_cert_cb, NULL);
	old = tls_context_swap(fresh_ctx);
	pump();
	tls_send(tp, request, (int)strlen(request));
	pump();
	CU_ASSERT_TRUE(got_200(tp));
	CU_ASSERT_EQUAL(counter(harness.w, session_refused_stale_trust), 1);
	tls_context_free(old);
}

/* ---- the router: client <-> internal network <-> client ---- */

static const struct rte_ether_addr corp_mac = { .addr_bytes = { 0x02, 0, 0, 0, 0xc0, 0x02 } };

/* The internal gateway fd00:c0::2 (lab.yaml: the route fd00::/8 and the gateway) resolved. */
static void corp_resolved(void)
{
	uint8_t corp[16];

	inet_pton(AF_INET6, "fd00:c0::2", corp);
	CU_ASSERT_TRUE_FATAL(nexthop_learn_ipv6(harness.w, &ifaces[INT], corp, &corp_mac));
}

/* The next frame sent on the internal port, in buf: its IPv6 packet, or NULL. */
static const uint8_t *internal_frame(uint8_t *buf, size_t size, int *len)
{
	*len = harness_take(INT, buf, size);
	if (*len < 14 + 40)
		return NULL;
	CU_ASSERT_TRUE(memcmp(buf, corp_mac.addr_bytes, 6) == 0);
	CU_ASSERT_TRUE(memcmp(buf + 6, ifaces[INT].mac.addr_bytes, 6) == 0);
	CU_ASSERT_EQUAL(buf[12] << 8 | buf[13], 0x86dd);
	return buf + 14;
}

/* A frame from corp to the appliance's internal port carrying the IPv6 packet pkt. */
static void from_corp(const uint8_t *pkt, size_t len)
{
	uint8_t f[2100];

	put_eth(f, &ifaces[INT].mac, &corp_mac, 0x86dd);
	memcpy(f + 14, pkt, len);
	harness_inject(INT, f, 14 + len);
}

/* Client -> internal: the hop limit goes down by one and the packet leaves the
 * internal port for the route's next hop; with the hop limit at 1, Time
 * Exceeded comes back down the session instead. */
static void test_client_to_internal(void)
{
	uint8_t body[8] = { 0, 7, 0, 1 }, pkt[128], frame[2100];
	const uint8_t *out;
	struct tls_peer *tp;
	int len;

	fresh();
	counter(harness.w, route_forwarded) = 0;
	tp = link_up_peer();
	tls_send(tp, pkt, (int)icmp6_packet(pkt, "2001:db8:c1::77", "fd00:c0::2", 64, 128, body, sizeof(body)));
	pump();
	CU_ASSERT_EQUAL(counter(harness.w, drop_route_unresolved), 1); /* the next hop's MAC is not known yet */
	corp_resolved();
	tls_send(tp, pkt, (int)icmp6_packet(pkt, "2001:db8:c1::77", "fd00:c0::2", 64, 128, body, sizeof(body)));
	pump();
	out = internal_frame(frame, sizeof(frame), &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	CU_ASSERT_EQUAL(len, 14 + 40 + 12);
	CU_ASSERT_EQUAL(out[7], 63);
	CU_ASSERT_TRUE(addr_is(out + 8, "2001:db8:c1::77"));
	CU_ASSERT_TRUE(addr_is(out + 24, "fd00:c0::2"));
	CU_ASSERT_EQUAL(counter(harness.w, link_forwarded_to_internal), 1);
	tp->plain_len = 0;
	tls_send(tp, pkt, (int)icmp6_packet(pkt, "2001:db8:c1::77", "fd00:c0::2", 1, 128, body, sizeof(body)));
	pump();
	CU_ASSERT_EQUAL_FATAL(tp->plain_len, 40 + 8 + 40 + 12);
	CU_ASSERT_EQUAL(tp->plain[40], 3); /* Time Exceeded */
	CU_ASSERT_TRUE(addr_is(tp->plain + 8, "2001:db8:c1::1"));
	CU_ASSERT_TRUE(addr_is(tp->plain + 24, "2001:db8:c1::77"));
	CU_ASSERT_EQUAL(reference_checksum(tp->plain + 40, 60, reference_pseudo_sum(tp->plain)), 0xffff);
}

/*
 * ICMPv6 errors as RFC 4443 2.4 has them. (f): "an IPv6 node MUST limit the
 * rate of ICMPv6 error messages it originates", here by source as well as
 * per worker, so one client sending to unused addresses cannot silence the
 * errors others need (Packet Too Big to corp, here). (e): "An ICMPv6 error
 * message MUST NOT be originated as a result of receiving ... an ICMPv6
 * error message", nor (e.3) a packet destined to a multicast address
 * (Packet Too Big aside).
 */
static void test_icmp_errors_per_source_and_never_about_errors(void)
{
	static uint8_t big[1400 + 40];
	uint8_t body[8] = { 0, 7, 0, 3 }, pkt[128], frame[2100], unreachable_body[8] = { 0 };
	struct tls_peer *tp;
	const uint8_t *out;
	char dst[64];
	int len;

	fresh();
	corp_resolved();
	tp = link_up_peer();
	for (int i = 0; i < 50; i++) {
		snprintf(dst, sizeof(dst), "2001:db8:c1::dead:%x", i + 1);
		tls_send(tp, pkt, (int)icmp6_packet(pkt, "2001:db8:c1::a", dst, 64, 128, body, sizeof(body)));
		pump();
	}
	CU_ASSERT_EQUAL(counter(harness.w, drop_link_no_client), 50);
	CU_ASSERT_EQUAL(counter(harness.w, link_icmp_errors_sent), 10); /* the source's budget this second */
	CU_ASSERT_EQUAL(counter(harness.w, link_icmp_errors_limited), 40);
	CU_ASSERT_EQUAL(tp->plain_len, 10 * (40 + 8 + 40 + 12));
	/* Corp's Packet Too Big is still sent, the same second. */
	icmp6_packet(big, "fd00:c0::2", "2001:db8:c1::a", 64, 128, body, sizeof(body));
	big[4] = (uint8_t)(1400 >> 8), big[5] = (uint8_t)1400;
	from_corp(big, sizeof(big));
	out = internal_frame(frame, sizeof(frame), &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	CU_ASSERT_EQUAL(out[40], 2);
	/* A new second: an error about an error is never sent. */
	clock_advance_ms(1000);
	tp->plain_len = 0;
	tls_send(tp, pkt, (int)icmp6_packet(pkt, "2001:db8:c1::a", "2001:db8:c1::dead:99", 64, 1, unreachable_body,
					      sizeof(unreachable_body)));
	pump();
	CU_ASSERT_EQUAL(tp->plain_len, 0);
	CU_ASSERT_EQUAL(counter(harness.w, link_icmp_errors_not_allowed), 1);
	/* While an echo to the same address is answered. */
	tls_send(tp, pkt, (int)icmp6_packet(pkt, "2001:db8:c1::a", "2001:db8:c1::dead:99", 64, 128, body, sizeof(body)));
	pump();
	CU_ASSERT_EQUAL(tp->plain_len, 40 + 8 + 40 + 12);
}

/* RFC 4291 2.5.6: "Routers must not forward any packets with Link-Local
 * source or destination addresses to other links." An echo from fe80::77 to
 * corp stays on the link, in both modes (once it reached corp: in mode none
 * traffic nobody could trace to a client). */
static void test_link_local_source_is_not_routed(void)
{
	uint8_t body[8] = { 0, 7, 0, 1 }, pkt[128], frame[2100];
	enum config_auth_mode modes[] = { CONFIG_AUTH_NONE, CONFIG_AUTH_CERTIFICATES };
	struct tls_peer *tp;
	int len;

	for (unsigned int i = 0; i < 2; i++) {
		fresh();
		harness.config.iphttps.authentication = modes[i];
		corp_resolved();
		tp = link_up_peer();
		tls_send(tp, pkt, (int)icmp6_packet(pkt, "fe80::77", "fd00:c0::2", 64, 128, body, sizeof(body)));
		tls_send(tp, pkt, (int)icmp6_packet(pkt, "fe80::77", "2001:db8:c1::99", 64, 128, body, sizeof(body)));
		pump();
		CU_ASSERT_PTR_NULL(internal_frame(frame, sizeof(frame), &len));
		CU_ASSERT_EQUAL(counter(harness.w, link_forwarded_to_internal), 0);
		CU_ASSERT_EQUAL(counter(harness.w, drop_link_link_local_source), 2);
		/* The same client from its global address is routed. */
		tls_send(tp, pkt, (int)icmp6_packet(pkt, "2001:db8:c1::77", "fd00:c0::2", 64, 128, body, sizeof(body)));
		pump();
		CU_ASSERT_PTR_NOT_NULL(internal_frame(frame, sizeof(frame), &len));
	}
	harness.config.iphttps.authentication = CONFIG_AUTH_NONE;
}

/* Internal -> client: down the session of the client that has the address;
 * to an address no client has, Destination Unreachable; over the link MTU,
 * Packet Too Big (both back out the internal port). */
static void test_internal_to_client(void)
{
	static uint8_t big[1400 + 40];
	uint8_t body[8] = { 0, 7, 0, 2 }, pkt[128], frame[2100];
	const uint8_t *out;
	struct tls_peer *tp;
	int len;

	fresh();
	corp_resolved();
	tp = link_up_peer();
	tls_send(tp, pkt, (int)icmp6_packet(pkt, "2001:db8:c1::77", "2001:db8:c1::1", 64, 128, body, sizeof(body)));
	pump(); /* the client's address is learned from its echo */
	tp->plain_len = 0;
	from_corp(pkt, icmp6_packet(pkt, "fd00:c0::2", "2001:db8:c1::77", 64, 128, body, sizeof(body)));
	pump();
	CU_ASSERT_EQUAL_FATAL(tp->plain_len, 40 + 12);
	CU_ASSERT_EQUAL(tp->plain[7], 63);
	CU_ASSERT_TRUE(addr_is(tp->plain + 8, "fd00:c0::2"));
	CU_ASSERT_EQUAL(counter(harness.w, link_forwarded_to_client), 1);
	from_corp(pkt, icmp6_packet(pkt, "fd00:c0::2", "2001:db8:c1::99", 64, 128, body, sizeof(body)));
	out = internal_frame(frame, sizeof(frame), &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	CU_ASSERT_EQUAL(out[40], 1); /* Destination Unreachable */
	CU_ASSERT_EQUAL(out[41], 3); /* address unreachable */
	CU_ASSERT_TRUE(addr_is(out + 24, "fd00:c0::2"));
	CU_ASSERT_EQUAL(counter(harness.w, drop_link_no_client), 1);
	icmp6_packet(big, "fd00:c0::2", "2001:db8:c1::77", 64, 128, body, sizeof(body));
	big[4] = (uint8_t)(1400 >> 8), big[5] = (uint8_t)1400; /* a 1,440-byte packet */
	from_corp(big, sizeof(big));
	out = internal_frame(frame, sizeof(frame), &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	CU_ASSERT_EQUAL(out[40], 2); /* Packet Too Big */
	CU_ASSERT_EQUAL((uint32_t)(out[44] << 24 | out[45] << 16 | out[46] << 8 | out[47]), 1280);
	CU_ASSERT_EQUAL(len, 14 + 1280); /* the error quotes what fits in 1,280 bytes */
	CU_ASSERT_EQUAL(reference_checksum(out + 40, (size_t)len - 14 - 40, reference_pseudo_sum(out)), 0xffff);
}

/*
 * limits.session_up/down_kbit_per_second: each session is policed each way
 * by a token bucket (a tenth of a second at the rate, at least two packets of
 * the link MTU: 2,560 bytes here); what is over is dropped and counted, the
 * session stays, and the bucket refills at the rate.
 */
static void test_session_rate_limits_each_way(void)
{
	uint32_t up = harness.config.limits.session_up_kbit_per_second;
	uint32_t down = harness.config.limits.session_down_kbit_per_second;
	uint8_t body[8] = { 0, 7, 0, 3 }, burst[60 * 52], pkt[128];
	uint64_t answered;
	struct tls_peer *tp;
	size_t n = 0;

	fresh();
	corp_resolved();
	harness.config.limits.session_up_kbit_per_second = 8;   /* 1,000 bytes a second */
	harness.config.limits.session_down_kbit_per_second = 8;
	tp = link_up_peer();
	for (int i = 0; i < 60; i++) /* 60 echo requests of 52 bytes to the router: 3,120 bytes at once */
		n += icmp6_packet(burst + n, "2001:db8:c1::77", "2001:db8:c1::1", 64, 128, body, sizeof(body));
	tls_send(tp, burst, (int)n);
	pump();
	CU_ASSERT_EQUAL(counter(harness.w, link_echo_answered), 49); /* 49 x 52 = 2,548 of the 2,560 */
	CU_ASSERT_EQUAL(counter(harness.w, drop_link_session_rate_up), 11);
	clock_advance_ms(1000); /* 1,000 bytes more, and the 12 left: 19 packets */
	answered = counter(harness.w, link_echo_answered);
	tls_send(tp, burst, (int)n);
	pump();
	CU_ASSERT_EQUAL(counter(harness.w, link_echo_answered) - answered, 19);
	CU_ASSERT_EQUAL(counter(harness.w, drop_link_session_rate_up), 11 + 41);

	/* Down: what the intranet sends the client, in its own bucket. */
	for (int i = 0; i < 60; i++)
		from_corp(pkt, icmp6_packet(pkt, "fd00:c0::2", "2001:db8:c1::77", 64, 128, body, sizeof(body)));
	pump();
	CU_ASSERT_EQUAL(counter(harness.w, link_forwarded_to_client), 49);
	CU_ASSERT_EQUAL(counter(harness.w, drop_link_session_rate_down), 11);
	CU_ASSERT_PTR_NOT_NULL(session_of(tp)); /* policed, not closed */
	CU_ASSERT_EQUAL(session_of(tp)->state, SESSION_LINK_UP);
	harness.config.limits.session_up_kbit_per_second = up;
	harness.config.limits.session_down_kbit_per_second = down;
}

/* Client -> client inside the prefix, through the router. */
static void test_client_to_client(void)
{
	uint8_t body[8] = { 0, 7, 0, 3 }, pkt[128];
	struct tls_peer *a, *b;

	fresh();
	a = link_up_peer();
	b = link_up_peer();
	tls_send(a, pkt, (int)icmp6_packet(pkt, "2001:db8:c1::a", "2001:db8:c1::1", 64, 128, body, sizeof(body)));
	pump();
	a->plain_len = 0;
	tls_send(b, pkt, (int)icmp6_packet(pkt, "2001:db8:c1::b", "2001:db8:c1::a", 64, 128, body, sizeof(body)));
	pump();
	CU_ASSERT_EQUAL_FATAL(a->plain_len, 40 + 12);
	CU_ASSERT_TRUE(addr_is(a->plain + 8, "2001:db8:c1::b"));
	CU_ASSERT_EQUAL(a->plain[7], 63);
}

static void test_handshake_request_and_echo(void)
{
	struct tls_peer *tp;
	uint8_t pkt[48 + 8];
	struct session *s;

	fresh();
	tp = tls_connect();
	pump();
	CU_ASSERT_TRUE_FATAL(SSL_is_init_finished(tp->ssl));
	CU_ASSERT_EQUAL(counter(harness.w, tls_handshakes), 1);
	tls_send(tp, request, (int)strlen(request));
	pump();
	CU_ASSERT_TRUE_FATAL(got_200(tp));
	s = session_of(tp);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_EQUAL(s->state, SESSION_LINK_UP);
	CU_ASSERT_TRUE(s->in_client_table);
	/* An echo request to fe80::1, in two records cut inside the header. */
	echo_request(pkt);
	tp->plain_len = 0;
	tls_send(tp, pkt, 5);
	tls_send(tp, pkt + 5, (int)sizeof(pkt) - 5);
	pump();
	CU_ASSERT_EQUAL(counter(harness.w, link_echo_answered), 1);
	CU_ASSERT_EQUAL_FATAL(tp->plain_len, sizeof(pkt));
	CU_ASSERT_EQUAL(tp->plain[40], 129);
	CU_ASSERT_EQUAL(tp->plain[23], 1); /* from fe80::1 */
	CU_ASSERT_EQUAL(tp->plain[39], 2); /* to fe80::2 */
}

/* A new IPv4 peer to port 443 with its ISS, and the SYN it opens with. */
static struct seg new_peer_syn(struct peer *peer, uint32_t iss)
{
	struct seg syn;

	*peer = (struct peer){ .family = 4, .sport = ++peer_port, .dport = 443, .iss = iss, .win = 65535 };
	peer->snd_nxt = peer->iss;
	syn = peer_seg(peer, F_SYN);
	syn.ack = 0;
	return syn;
}

/* The control plane's view and actions: the listing, disconnect by id and by address, admission. */
static void test_session_admin_list_disconnect_admission(void)
{
	struct tls_peer *a, *b;
	struct session *sa, *sb;
	struct session_view *views;
	struct session_filter f = { .by_id = true };
	struct peer peer;
	struct seg syn, out;
	uint32_t count;
	uint64_t refused, unanswered;

	fresh();
	a = link_up_peer();
	b = link_up_peer();
	sa = session_of(a);
	sb = session_of(b);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sa);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sb);
	CU_ASSERT_NOT_EQUAL(sa->id, sb->id);
	CU_ASSERT_EQUAL(session_admin_count(NULL), 2);
	CU_ASSERT_EQUAL_FATAL(session_admin_list(NULL, 0, &views, &count), 0);
	CU_ASSERT_EQUAL_FATAL(count, 2);
	for (uint32_t i = 0; i < count; i++) {
		CU_ASSERT_EQUAL(views[i].state, SESSION_LINK_UP);
		CU_ASSERT_STRING_EQUAL(views[i].tls.version, "TLSv1.3");
		CU_ASSERT_TRUE(views[i].tls.suite[0] != '\0');
		CU_ASSERT_TRUE(views[i].id == sa->id || views[i].id == sb->id);
	}
	free(views);
	/* Filtered on the workers (`iphttpsctl clients --...`): every criterion given must hold. */
	f.id = sb->id;
	CU_ASSERT_EQUAL_FATAL(session_admin_list(&f, 0, &views, &count), 0);
	CU_ASSERT_EQUAL(count, 1);
	CU_ASSERT_TRUE(count == 1 && views[0].id == sb->id);
	free(views);
	f.by_state = true;
	f.state = SESSION_HTTP_REQUEST;
	CU_ASSERT_EQUAL_FATAL(session_admin_list(&f, 0, &views, &count), 0);
	CU_ASSERT_EQUAL(count, 0); /* its id, but not that state */
	free(views);
	f = (struct session_filter){ .by_state = true, .state = SESSION_LINK_UP };
	CU_ASSERT_EQUAL_FATAL(session_admin_list(&f, 1, &views, &count), 0);
	CU_ASSERT_EQUAL(count, 1); /* two match; the limit is one */
	free(views);
	f = (struct session_filter){ .by_subject = true };
	snprintf(f.subject, sizeof(f.subject), "CN=nobody");
	CU_ASSERT_EQUAL_FATAL(session_admin_list(&f, 0, &views, &count), 0);
	CU_ASSERT_EQUAL(count, 0); /* mode none: no certificate, no subject */
	CU_ASSERT_EQUAL(session_admin_disconnect(&f, SESSION_END_DISCONNECTED), 0);
	free(views);
	f = (struct session_filter){ .by_id = true };

	/* By id: only that one. */
	f.id = sa->id;
	CU_ASSERT_EQUAL(session_admin_disconnect(&f, SESSION_END_DISCONNECTED), 1);
	CU_ASSERT_EQUAL(sa->state, SESSION_CLOSING);
	CU_ASSERT_EQUAL(sb->state, SESSION_LINK_UP);
	CU_ASSERT_EQUAL(session_admin_disconnect(&f, SESSION_END_DISCONNECTED), 0); /* closing already: not counted twice */
	/* By an address it bound: b's link-local, learned from its traffic. */
	f.by_id = false;
	f.by_address = true;
	inet_pton(AF_INET6, "2001:db8:c1::dead", &f.address);
	CU_ASSERT_EQUAL(session_admin_disconnect(&f, SESSION_END_DISCONNECTED), 0);
	CU_ASSERT_EQUAL(sb->state, SESSION_LINK_UP);
	f.address = sb->client; /* its outer address */
	CU_ASSERT_EQUAL(session_admin_disconnect(&f, SESSION_END_DISCONNECTED), 1);
	CU_ASSERT_EQUAL(sb->state, SESSION_CLOSING);
	CU_ASSERT_EQUAL(counter(harness.w, session_disconnected_by_operator), 2);

	/* The link disabled (REFUSE): a new connection is reset when it completes, counted. */
	pump(); /* the two closes go out first */
	while (take(&out) == 0)
		;
	refused = counter(harness.w, session_refused_not_accepting);
	session_admission_set(SESSION_ADMISSION_REFUSE);
	syn = new_peer_syn(&peer, 9000000);
	inject(&syn);
	peer.snd_nxt++;
	CU_ASSERT_EQUAL(take(&out), 0);
	CU_ASSERT_EQUAL(out.flags, F_SYN | F_ACK);
	peer.rcv_nxt = out.seq + 1;
	peer_send(&peer, F_ACK, NULL, 0);
	CU_ASSERT_EQUAL(take(&out), 0);
	CU_ASSERT_TRUE((out.flags & F_RST) != 0);
	CU_ASSERT_EQUAL(counter(harness.w, session_refused_not_accepting), refused + 1);

	/* Stopping or draining (QUIET): a SYN gets no answer at all, counted, so
	 * that the client's kernel sends it again a second later (to the next
	 * process) instead of the client taking a reset as a failed attempt
	 * ([MS-IPHTTPS] 3.1.2.1: its next try 30 s later). */
	unanswered = counter(harness.w, drop_tcp_syn_unanswered);
	session_admission_set(SESSION_ADMISSION_QUIET);
	syn = new_peer_syn(&peer, 9100000);
	inject(&syn);
	CU_ASSERT_NOT_EQUAL(take(&out), 0); /* nothing sent: no SYN-ACK, no reset */
	CU_ASSERT_EQUAL(counter(harness.w, drop_tcp_syn_unanswered), unanswered + 1);
	session_admission_set(SESSION_ADMISSION_OPEN);
	inject(&syn); /* its retransmission, once open: answered */
	CU_ASSERT_EQUAL(take(&out), 0);
	CU_ASSERT_EQUAL(out.flags, F_SYN | F_ACK);
}

/* The control plane hears of each session twice: at LinkUp, and when its entry ends, with the reason. */
static void test_session_events_up_and_down(void)
{
	struct tls_peer *tp;
	struct session *s;
	struct session_event *e;
	struct session_filter f = { .by_id = true };
	uint8_t pkt[48 + 8];
	uint64_t id;

	fresh();
	drain_events();
	tp = link_up_peer();
	s = session_of(tp);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	id = s->id;
	e = session_events_take();
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT_EQUAL(e->kind, SESSION_EVENT_UP);
	CU_ASSERT_EQUAL(e->id, id);
	CU_ASSERT_STRING_EQUAL(e->tls.version, "TLSv1.3");
	CU_ASSERT_TRUE(e->time_ms > 1700000000000ull); /* wall clock, in ms */
	free(e);
	echo_request(pkt);
	tls_send(tp, pkt, (int)sizeof(pkt));
	pump();
	f.id = id;
	CU_ASSERT_EQUAL(session_admin_disconnect(&f, SESSION_END_AUTH_MODE_CHANGE), 1);
	e = session_events_take();
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT_EQUAL(e->kind, SESSION_EVENT_DOWN);
	CU_ASSERT_EQUAL(e->id, id);
	CU_ASSERT_EQUAL(e->reason, SESSION_END_AUTH_MODE_CHANGE);
	CU_ASSERT_STRING_EQUAL(session_end_reason_name(e->reason), "auth_mode_change");
	CU_ASSERT_EQUAL(e->rx_packets, 1);
	CU_ASSERT_EQUAL(e->rx_bytes, sizeof(pkt));
	CU_ASSERT_EQUAL(e->tx_packets, 1);
	free(e);
	CU_ASSERT_PTR_NULL(session_events_take()); /* one each: closing again posts nothing */
	session_close(harness.w, s);
	CU_ASSERT_PTR_NULL(session_events_take());
}

/* Refused clients told to the monitor: at most SESSION_REFUSAL_EVENTS_PER_SECOND a second per worker, the
 * rest counted, so that a flood of bad handshakes costs one counter each, not a malloc and a ring slot. */
static void test_refusal_events_are_rated(void)
{
	struct session *s;
	struct session_event *e;
	uint64_t limited;
	unsigned int taken = 0;

	fresh();
	s = session_of(link_up_peer());
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	drain_events();
	limited = counter(harness.w, session_refusal_events_limited);
	for (unsigned int i = 0; i < SESSION_REFUSAL_EVENTS_PER_SECOND + 50; i++)
		session_events_refused(harness.w, s, "protocol_version", "no TLS version in common", "");
	while ((e = session_events_take()) != NULL) {
		CU_ASSERT_EQUAL(e->kind, SESSION_EVENT_REFUSED);
		CU_ASSERT_STRING_EQUAL(e->refusal.reason, "protocol_version");
		CU_ASSERT_TRUE(memcmp(&e->outer_address, &s->client, sizeof(s->client)) == 0);
		taken++;
		free(e);
	}
	CU_ASSERT_EQUAL(taken, SESSION_REFUSAL_EVENTS_PER_SECOND);
	CU_ASSERT_EQUAL(counter(harness.w, session_refusal_events_limited) - limited, 50);
	harness.w->now_ms += 1000; /* the next second has its own budget */
	session_events_refused(harness.w, s, "http_404", "another path", "subject=CN = x; issuer=CN = y");
	e = session_events_take();
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT_STRING_EQUAL(e->refusal.certificate, "subject=CN = x; issuer=CN = y");
	free(e);
}

static void test_idle_session_closed_after_timeout(void)
{
	struct tls_peer *tp;
	struct session *s;
	static const uint8_t empty_packet[40] = {0x60, 0, 0, 0, 0, 0, 59, 64}; /* No Next Header, :: to :: */

	uint32_t idle_timeout_s = harness.config.limits.idle_session_timeout_s;

	fresh();
	harness.config.limits.idle_session_timeout_s = 1;
	tp = tls_connect();
	pump();
	tls_send(tp, request, (int)strlen(request));
	pump();
	CU_ASSERT_TRUE_FATAL(got_200(tp));
	s = session_of(tp);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	clock_advance_ms(600);
	tls_send(tp, empty_packet, sizeof(empty_packet)); /* activity: the idle clock restarts */
	pump();
	clock_advance_ms(600);
	session_poll(harness.w);
	CU_ASSERT_EQUAL(s->state, SESSION_LINK_UP);
	clock_advance_ms(500);
	session_poll(harness.w);
	CU_ASSERT_EQUAL(s->state, SESSION_CLOSING);
	CU_ASSERT_EQUAL(counter(harness.w, session_idle_timeouts), 1);
	CU_ASSERT_FALSE(s->in_client_table);
	harness.config.limits.idle_session_timeout_s = idle_timeout_s;
}

static void test_async_pause_serves_others_then_resumes(void)
{
	struct tls_peer *a, *b;
	struct session *sa;

	fresh();
	async_gate.armed = true;
	async_gate.hold = true;
	a = tls_connect();
	pump();
	sa = session_of(a);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sa);
	CU_ASSERT_PTR_EQUAL(async_gate.target, sa->tls.ssl);
	CU_ASSERT_EQUAL(sa->state, SESSION_TLS_HANDSHAKE);
	CU_ASSERT_TRUE(sa->on_async_list);
	CU_ASSERT_EQUAL(counter(harness.w, tls_async_paused), 1);
	CU_ASSERT_FALSE(SSL_is_init_finished(a->ssl));

	/* While A's job is paused, B connects and is served all the way to LinkUp;
	 * the worker loop resumes A on each iteration and the engine pauses it again. */
	b = tls_connect();
	for (int i = 0; i < 5; i++) {
		pump();
		session_poll(harness.w);
	}
	tls_send(b, request, (int)strlen(request));
	pump();
	CU_ASSERT_TRUE(got_200(b));
	CU_ASSERT_EQUAL(counter(harness.w, tls_handshakes), 1);
	CU_ASSERT_EQUAL(sa->state, SESSION_TLS_HANDSHAKE);
	CU_ASSERT_TRUE(counter(harness.w, tls_async_resumed) >= 5);
	CU_ASSERT_TRUE(async_gate.pauses >= 6);

	/* The "engine" finishes: the next poll resumes the job and A completes. */
	async_gate.hold = false;
	session_poll(harness.w);
	pump();
	CU_ASSERT_TRUE_FATAL(SSL_is_init_finished(a->ssl));
	CU_ASSERT_FALSE(sa->on_async_list);
	tls_send(a, request, (int)strlen(request));
	pump();
	CU_ASSERT_TRUE(got_200(a));
	CU_ASSERT_EQUAL(counter(harness.w, tls_handshakes), 2);
	CU_ASSERT_EQUAL(counter(harness.w, session_link_up), 2);
}

static void test_async_paused_past_deadline_is_aborted_on_resume(void)
{
	struct tls_peer *a;
	struct session *sa;
	struct seg out;
	bool rst = false;

	fresh();
	async_gate.armed = true;
	async_gate.hold = true;
	a = tls_connect();
	pump();
	sa = session_of(a);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sa);
	CU_ASSERT_TRUE_FATAL(sa->on_async_list);
	/* The handshake deadline passes while the job is paused: the session is not
	 * freed under the paused job; it stays parked. */
	clock_set_ms(T0_MS + harness.config.limits.tls_handshake_timeout_ms + 1);
	async_gate.hold = true;
	session_poll(harness.w);
	CU_ASSERT_PTR_EQUAL(session_of(a), sa);
	CU_ASSERT_EQUAL(harness_pending(EXT), 0); /* no RST yet */
	CU_ASSERT_EQUAL(counter(harness.w, tls_handshake_timeouts), 0);
	/* The job completes: the session goes, with an RST. */
	async_gate.hold = false;
	session_poll(harness.w);
	CU_ASSERT_EQUAL(counter(harness.w, tls_handshake_timeouts), 1);
	CU_ASSERT_PTR_NULL(session_of(a));
	while (take(&out) == 0)
		rst |= (out.flags & F_RST) != 0;
	CU_ASSERT_TRUE(rst);
}

static void test_reset_during_paused_job_frees_after_the_job(void)
{
	struct tls_peer *a;
	struct session *sa;
	uint32_t free_before;
	uint64_t closed_before;

	fresh();
	free_before = client_table_shard_of(harness.w)->free_count;
	closed_before = counter(harness.w, session_closed);
	async_gate.armed = true;
	async_gate.hold = true;
	a = tls_connect();
	pump();
	sa = session_of(a);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sa);
	CU_ASSERT_TRUE_FATAL(sa->on_async_list);
	/* The client resets while its handshake's job is paused in the "engine". */
	peer_send(&a->tcp, F_RST, NULL, 0);
	CU_ASSERT_TRUE(sa->orphaned);
	CU_ASSERT_EQUAL(client_table_shard_of(harness.w)->free_count, free_before - 1); /* the slot waits for the job */
	session_poll(harness.w); /* still paused: resumed and paused again */
	CU_ASSERT_TRUE(sa->on_async_list);
	CU_ASSERT_EQUAL(counter(harness.w, session_closed), closed_before);
	async_gate.hold = false;
	session_poll(harness.w); /* the job ends, writes nowhere, and the session goes */
	CU_ASSERT_FALSE(sa->on_async_list);
	CU_ASSERT_EQUAL(client_table_shard_of(harness.w)->free_count, free_before);
	CU_ASSERT_EQUAL(counter(harness.w, session_closed), closed_before + 1);
	SSL_free(a->ssl);
	BIO_free(a->net);
	peer_count = 0;
}

/*
 * Admission control: a worker admits limits.full_handshakes_per_second full
 * handshakes (a bucket of a tenth of a second's worth); the rest wait in a
 * FIFO, holding nothing but their connection, and get their turns as the
 * budget refills. A resumption is never held, however many wait.
 */
static void test_full_handshakes_over_the_budget_wait_their_turn(void)
{
	uint32_t rate = harness.config.limits.full_handshakes_per_second;
	struct tls_peer *tp[4], *resumer, *stale;
	struct session *held[2];
	struct session_list *queue;
	SSL_SESSION *ticket;

	fresh();
	harness.config.limits.full_handshakes_per_second = 10; /* a bucket of 10 / 10 + 1 = 2 */
	clock_advance_ms(2000);                                /* the bucket full */
	for (int i = 0; i < 4; i++)
		tp[i] = tls_connect();
	pump();
	CU_ASSERT_TRUE(SSL_is_init_finished(tp[0]->ssl) && SSL_is_init_finished(tp[1]->ssl));
	CU_ASSERT_FALSE(SSL_is_init_finished(tp[2]->ssl) || SSL_is_init_finished(tp[3]->ssl));
	CU_ASSERT_EQUAL(counter(harness.w, tls_full_handshakes_admitted), 2);
	CU_ASSERT_EQUAL(counter(harness.w, tls_full_handshakes_deferred), 2);
	held[0] = session_of(tp[2]), held[1] = session_of(tp[3]);
	CU_ASSERT_FATAL(held[0] && held[1] && held[0]->on_admission_list && held[1]->on_admission_list);
	queue = &session_worker_of(harness.w)->admission_waiting[held[0]->admission_queue];
	CU_ASSERT_EQUAL(TAILQ_FIRST(queue), held[0]); /* one source: one FIFO */

	/* A client resuming its ticket goes ahead of them: it costs no signature. */
	tls_send(tp[0], request, (int)strlen(request));
	pump();
	CU_ASSERT_FATAL(got_200(tp[0]));
	ticket = SSL_get1_session(tp[0]->ssl);
	resumer = tls_connect_resuming(ticket);
	pump();
	CU_ASSERT_TRUE(SSL_is_init_finished(resumer->ssl) && SSL_session_reused(resumer->ssl));
	CU_ASSERT_EQUAL(counter(harness.w, tls_handshakes_resumed), 1);
	CU_ASSERT_EQUAL(counter(harness.w, tls_full_handshakes_admitted), 2);

	/* A ticket the appliance can no longer open (two rotations on: a hostile
	 * client's made-up one is the same) is a full handshake, and queues. */
	CU_ASSERT_EQUAL_FATAL(tls_ticket_keys_rotate(), 0);
	CU_ASSERT_EQUAL_FATAL(tls_ticket_keys_rotate(), 0);
	stale = tls_connect_resuming(ticket);
	pump();
	CU_ASSERT_FALSE(SSL_is_init_finished(stale->ssl));
	CU_ASSERT_EQUAL(counter(harness.w, tls_full_handshakes_deferred), 3);
	CU_ASSERT_PTR_EQUAL(TAILQ_LAST(queue, session_list), session_of(stale));

	/* Nothing moves until the budget refills; then one turn per 100 ms, in order. */
	session_poll(harness.w);
	pump();
	CU_ASSERT_FALSE(SSL_is_init_finished(tp[2]->ssl));
	clock_advance_ms(100);
	session_poll(harness.w);
	pump();
	CU_ASSERT_TRUE(SSL_is_init_finished(tp[2]->ssl));
	CU_ASSERT_FALSE(SSL_is_init_finished(tp[3]->ssl));
	CU_ASSERT_FALSE(held[0]->on_admission_list);
	clock_advance_ms(100);
	session_poll(harness.w);
	pump();
	CU_ASSERT_TRUE(SSL_is_init_finished(tp[3]->ssl));
	CU_ASSERT_FALSE(SSL_is_init_finished(stale->ssl));
	clock_advance_ms(100);
	session_poll(harness.w);
	pump();
	CU_ASSERT_TRUE(SSL_is_init_finished(stale->ssl) && !SSL_session_reused(stale->ssl));
	CU_ASSERT_TRUE(TAILQ_EMPTY(queue));
	CU_ASSERT_EQUAL(tls_admission_held(harness.w), 0);
	CU_ASSERT_EQUAL(counter(harness.w, tls_full_handshakes_admitted), 5);
	CU_ASSERT_EQUAL(counter(harness.w, tls_full_handshakes_deferred), 3); /* each once */
	tls_send(tp[3], request, (int)strlen(request));
	pump();
	CU_ASSERT_TRUE(got_200(tp[3]));
	SSL_SESSION_free(ticket);
	harness.config.limits.full_handshakes_per_second = rate;
}

/*
 * Fairness between sources: one source (a hostile host's thousand
 * connections, here 6) holding the queue delays another source's handshake
 * by one turn, not by all of them: the turns go round the per-source
 * queues. Within a source, first come first served still.
 */
static void test_held_handshakes_take_turns_by_source(void)
{
	uint32_t rate = harness.config.limits.full_handshakes_per_second;
	struct tls_peer *first, *flood[6], *other;
	int flood_done = 0;
	uint64_t abandoned;

	fresh();
	harness.config.limits.full_handshakes_per_second = 1; /* a bucket of one: a turn a second */
	clock_advance_ms(2000);
	first = tls_connect();
	for (int i = 0; i < 6; i++)
		flood[i] = tls_connect(); /* all from 192.0.2.2 */
	pump();
	CU_ASSERT_TRUE(SSL_is_init_finished(first->ssl));
	other = tls_connect_from(6, NULL); /* from 2001:db8:e::2, after the six */
	pump();
	CU_ASSERT_FATAL(session_of(other) && session_of(other)->on_admission_list);
	CU_ASSERT_NOT_EQUAL(session_of(other)->admission_queue, session_of(flood[0])->admission_queue);
	CU_ASSERT_EQUAL(tls_admission_held(harness.w), 7);
	/* The flood's last gives up (a FIN while it waits): its place goes at once, counted. */
	abandoned = counter(harness.w, session_held_handshake_abandoned);
	peer_send(&flood[5]->tcp, F_FIN | F_ACK, NULL, 0);
	pump();
	CU_ASSERT_EQUAL(tls_admission_held(harness.w), 6);
	CU_ASSERT_EQUAL(counter(harness.w, session_held_handshake_abandoned), abandoned + 1);
	/* Two turns: one is the flood's oldest, the other is the other source's. */
	for (int turn = 0; turn < 2; turn++) {
		clock_advance_ms(1000);
		session_poll(harness.w);
		pump();
	}
	CU_ASSERT_TRUE(SSL_is_init_finished(other->ssl));
	for (int i = 0; i < 6; i++)
		flood_done += SSL_is_init_finished(flood[i]->ssl);
	CU_ASSERT_EQUAL(flood_done, 1);
	CU_ASSERT_TRUE(SSL_is_init_finished(flood[0]->ssl)); /* in order within the source */
	/* The rest of the flood, one a turn, in order (the one that gave up is gone). */
	for (int turn = 0; turn < 4; turn++) {
		clock_advance_ms(1000);
		session_poll(harness.w);
		pump();
		CU_ASSERT_TRUE(SSL_is_init_finished(flood[turn + 1]->ssl));
		if (turn + 2 < 5)
			CU_ASSERT_FALSE(SSL_is_init_finished(flood[turn + 2]->ssl));
	}
	CU_ASSERT_EQUAL(tls_admission_held(harness.w), 0);
	harness.config.limits.full_handshakes_per_second = rate;
}

/* A held handshake keeps its deadline (every state has an upper lifetime):
 * past it, the client is reset and leaves the queue, and the next one is
 * admitted as soon as the budget allows (the queue's count stays true). */
static void test_a_held_handshake_times_out_and_leaves_the_queue(void)
{
	uint32_t rate = harness.config.limits.full_handshakes_per_second;
	uint64_t timeouts = counter(harness.w, tls_handshake_timeouts);
	struct tls_peer *first, *held[3], *later;
	struct seg out;
	int rsts = 0;

	fresh();
	harness.config.limits.full_handshakes_per_second = 1; /* a bucket of one */
	clock_advance_ms(2000);
	first = tls_connect();
	for (int i = 0; i < 3; i++)
		held[i] = tls_connect();
	pump();
	CU_ASSERT_TRUE(SSL_is_init_finished(first->ssl));
	for (int i = 0; i < 3; i++)
		CU_ASSERT_FATAL(session_of(held[i]) && session_of(held[i])->on_admission_list);
	/* The deadline passes: the refill (one) gives the oldest its turn, but it
	 * cannot finish in time either; all three are reset. */
	clock_set_ms(harness.w->now_ms + harness.config.limits.tls_handshake_timeout_ms + 1);
	session_poll(harness.w);
	for (int i = 0; i < 3; i++)
		CU_ASSERT_PTR_NULL(session_of(held[i]));
	CU_ASSERT_EQUAL(counter(harness.w, tls_handshake_timeouts), timeouts + 3);
	while (take(&out) == 0)
		rsts += (out.flags & F_RST) != 0;
	CU_ASSERT_EQUAL(rsts, 3);
	CU_ASSERT_EQUAL(tls_admission_held(harness.w), 0);
	clock_advance_ms(1000);
	while (take(&out) == 0) /* first, which sent no request, has had its 408 and FIN */
		CU_ASSERT_EQUAL(out.dport, first->tcp.sport);
	later = tls_connect();
	pump();
	CU_ASSERT_TRUE(SSL_is_init_finished(later->ssl)); /* not queued behind the gone */
	harness.config.limits.full_handshakes_per_second = rate;
}

int main(void)
{
	static const struct harness_test tests[] = {
		{ "TLS handshake, 200 OK, and a framed echo through the datapath", test_handshake_request_and_echo },
		{ "control plane: sessions listed, disconnected by id and address; admission closed resets",
		  test_session_admin_list_disconnect_admission },
		{ "control plane: a session's LinkUp and its end (with the reason) are posted once each",
		  test_session_events_up_and_down },
		{ "control plane: refused clients are told at most 100 a second per worker, the rest counted",
		  test_refusal_events_are_rated },
		{ "a LinkUp session silent for the idle timeout is closed; activity restarts the clock",
		  test_idle_session_closed_after_timeout },
		{ "SSL_ERROR_WANT_ASYNC: a paused handshake waits, another client is served, then it resumes",
		  test_async_pause_serves_others_then_resumes },
		{ "a handshake paused past its deadline is not freed under the job; it goes when the job ends",
		  test_async_paused_past_deadline_is_aborted_on_resume },
		{ "a Router Solicitation gets the link's Router Advertisement", test_router_solicitation_gets_advertisement },
		{ "a reload of the RA's options reaches every client within LINK_RA_REFRESH_MS, removals with lifetime 0",
		  test_a_reload_of_the_ra_options_reaches_every_client },
		{ "unsolicited RAs reach each session once an interval, spread over it (RFC 4861 6.2.4)",
		  test_unsolicited_ras_are_spread_over_the_interval },
		{ "DAD: a free target is claimed, a taken one defended with its holder's NA", test_dad_claims_and_defends },
		{ "mode none: link-local, multicast and source rules", test_mode_none_rules },
		{ "mode certificates: multicast to the other clients, DAD to the holder", test_certificates_mode_multicast },
		{ "mode certificates: each client's multicast fan-out is rated, the excess counted",
		  test_certificates_mode_multicast_is_rated },
		{ "mode certificates, two workers: multicast and DAD reach the other worker's clients through its inbox",
		  test_certificates_mode_multicast_reaches_other_workers },
		{ "mode none: the router answers NS for its addresses (R, S as RFC 4861 7.2.4) and defends them",
		  test_router_answers_for_itself_mode_none },
		{ "mode certificates: the same", test_router_answers_for_itself_mode_certificates },
		{ "a gone client's addresses are held for it: another's DAD fails, it gets them back, then they expire",
		  test_a_gone_clients_addresses_are_held_for_it },
		{ "a stale holder of a claimed address is probed with an RA, at most once per interval",
		  test_a_stale_holder_is_probed_when_its_address_is_claimed },
		{ "hostile claims of a live client's address: one RA to it an interval, their waits run out, counted",
		  test_hostile_claims_of_a_live_address_are_bounded },
		{ "ticket keys from the operator's file: current seals, previous and next open, a rotation keeps one",
		  test_ticket_keys_from_a_file },
		{ "the Neighbor Cache's aging takes a slice of the sessions each tick, all within a sweep",
		  test_address_aging_takes_a_slice_each_tick },
		{ "address holds are bounded by their table: 1,000 hostile clients fill it and nothing else",
		  test_address_holds_are_bounded },
		{ "the Neighbor Cache: 16 addresses a client, the least recently used gives way, unused ones age out",
		  test_neighbor_cache_sixteen_addresses_lru_and_aging },
		{ "RA guard: a client's RA or Redirect reaches nobody; an NA only for the sender's own address",
		  test_ra_guard_and_na_only_for_own_address },
		{ "a handshake begun under a trust since replaced is refused as it ends; a certificate rotation is not",
		  test_handshake_begun_under_a_replaced_trust_is_refused },
		{ "a packet larger than one TLS record (link_mtu 65535) reaches the other clients whole",
		  test_packet_larger_than_a_tls_record_is_sent_whole },
		{ "client to internal: hop limit, route, next hop; Time Exceeded", test_client_to_internal },
		{ "a packet over the link MTU from a client: Packet Too Big, and the session stays",
		  test_packet_over_the_link_mtu_from_a_client_gets_packet_too_big },
		{ "ICMPv6 errors: a budget per source, none about an error (RFC 4443 2.4)",
		  test_icmp_errors_per_source_and_never_about_errors },
		{ "a link-local source is never routed off the link (RFC 4291 2.5.6), in both modes",
		  test_link_local_source_is_not_routed },
		{ "internal to client: the client's session; Unreachable; Packet Too Big", test_internal_to_client },
		{ "client to client through the router", test_client_to_client },
		{ "a session's rate is limited each way (token buckets): the excess dropped and counted, the session stays",
		  test_session_rate_limits_each_way },
		{ "session ticket keys rotate: the previous key still opens, the one before does not",
		  test_ticket_keys_rotate },
		{ "a Content-Length below 2^64-1 ends the client's half of the link where it says",
		  test_content_length_ends_the_body },
		{ "admission: full handshakes over the worker's budget wait in order; a resumption goes ahead",
		  test_full_handshakes_over_the_budget_wait_their_turn },
		{ "admission: a held handshake keeps its deadline; reset, it leaves the queue",
		  test_a_held_handshake_times_out_and_leaves_the_queue },
		{ "admission: held handshakes take turns by source; one source's flood delays another by one turn; "
		  "one that gives up leaves at once",
		  test_held_handshakes_take_turns_by_source },
		/* Last: it frees its own peers, the others' are freed by the next test's fresh(). */
		{ "a reset during a paused job: the session waits for the job, then is freed",
		  test_reset_during_paused_job_frees_after_the_job },
	};
	int rc;

	if (harness_start() != 0) {
		fprintf(stderr, "test_session: harness setup failed (run from the repository root after make)\n");
		return 1;
	}
	if (harness_start_sessions("test_session") != 0)
		return 1;
	client_index_reader_online(0);
	SSL_CTX_set_cert_cb(tls_context_current(), pausing_cert_cb, NULL);
	client_ctx = SSL_CTX_new(TLS_client_method());
	SSL_CTX_set_verify(client_ctx, SSL_VERIFY_NONE, NULL);
	rc = unit_run("session", tests, sizeof(tests) / sizeof(tests[0]));
	session_events_free(); /* what the last tests posted */
	rte_eal_cleanup();
	SSL_CTX_free(client_ctx);
	OPENSSL_thread_stop(); /* this thread was the worker: its pool of asynchronous jobs goes */
	return rc;
}
