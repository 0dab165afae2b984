/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TCP loss recovery: RTO with back-off, tail loss probes, fast retransmit,
 * SACK recovery, TSO.
 * One behaviour per case: exact segments in, exact segments out, time moved
 * by hand (tcp_script.h, tcp_test_app.h).
 */
#include "tcp_test_app.h"

/* ---- retransmission ---- */

static void test_rto_backs_off_and_retransmits(void)
{
	struct peer p;
	struct seg out;
	uint32_t rto;

	fresh();
	p = new_peer(4, true);
	handshake(&p, 7);
	rto = conn_of(&p)->rto_ms;
	CU_ASSERT_EQUAL(rto, TCP_RTO_MIN_MS); /* RTT ~0 here */
	CU_ASSERT_EQUAL(tcp_write(harness.w, conn_of(&p), "data", 4), 4);
	CU_ASSERT_EQUAL_FATAL(take(&out), 0);
	CU_ASSERT_EQUAL(out.len, 4);
	/* First a tail loss probe (RFC 8985): 2 SRTT, at least 10 ms, + 50 ms for a lone segment. */
	clock_advance_ms(TCP_TLP_MIN_MS + TCP_TLP_DELACK_MS - 1);
	CU_ASSERT_EQUAL(harness_pending(EXT), 0);
	clock_advance_ms(1);
	CU_ASSERT_EQUAL_FATAL(take(&out), 0);
	CU_ASSERT_EQUAL(out.seq, p.rcv_nxt);
	CU_ASSERT_EQUAL(out.len, 4);
	CU_ASSERT_EQUAL(counter(harness.w, tcp_tail_loss_probes), 1);
	for (unsigned int k = 0; k < 4; k++) {
		clock_advance_ms((rto << k) - 1);
		CU_ASSERT_EQUAL(harness_pending(EXT), 0);
		clock_advance_ms(1);
		CU_ASSERT_EQUAL_FATAL(take(&out), 0);
		CU_ASSERT_EQUAL(out.seq, p.rcv_nxt);
		CU_ASSERT_EQUAL(out.len, 4);
		CU_ASSERT(memcmp(out.payload, "data", 4) == 0);
	}
	CU_ASSERT_EQUAL(counter(harness.w, tcp_rto_expired), 4);
	/* The ACK stops it. */
	p.rcv_nxt += 4;
	peer_send(&p, F_ACK, NULL, 0);
	clock_advance_ms(10000);
	CU_ASSERT_EQUAL(harness_pending(EXT), 0);
	CU_ASSERT_EQUAL(conn_of(&p)->snd_una, p.rcv_nxt);
}

static void test_rto_after_many_segments_resends_first(void)
{
	struct peer p;
	struct seg out;
	static uint8_t data[20000];
	unsigned int sent = 0;

	fresh();
	p = new_peer(4, true);
	handshake(&p, 7);
	CU_ASSERT_EQUAL(tcp_write(harness.w, conn_of(&p), data, sizeof(data)), sizeof(data));
	while (take(&out) == 0)
		sent++;
	CU_ASSERT_EQUAL(sent, TCP_INITIAL_WINDOW_SEGMENTS);
	/* The tail loss probe sends new data when there is some (RFC 8985 7.3). */
	clock_advance_ms(TCP_TLP_MIN_MS);
	CU_ASSERT_EQUAL_FATAL(take(&out), 0);
	CU_ASSERT_EQUAL(out.seq, p.rcv_nxt + TCP_INITIAL_WINDOW_SEGMENTS * 1448);
	CU_ASSERT_EQUAL(harness_pending(EXT), 0);
	clock_advance_ms(TCP_RTO_MIN_MS);
	CU_ASSERT_EQUAL_FATAL(take(&out), 0);
	CU_ASSERT_EQUAL(out.seq, p.rcv_nxt);
	CU_ASSERT_EQUAL(out.len, 1448);
	CU_ASSERT_EQUAL(harness_pending(EXT), 0); /* cwnd is one segment after a timeout */
	/* The ACK of that one lets two more go (slow start). */
	p.rcv_nxt += 1448;
	peer_send(&p, F_ACK, NULL, 0);
	CU_ASSERT_EQUAL_FATAL(take(&out), 0);
	CU_ASSERT_EQUAL(out.seq, p.rcv_nxt);
	CU_ASSERT_EQUAL_FATAL(take(&out), 0);
	CU_ASSERT_EQUAL(out.seq, p.rcv_nxt + 1448);
}

/* ---- loss recovery ---- */

static void test_three_dupacks_fast_retransmit_without_sack(void)
{
	struct peer p;
	struct seg out;
	static uint8_t data[8 * 1460];

	fresh();
	p = new_peer(4, false);
	{
		struct seg syn = syn_of(&p, true, false, false, 7);
		inject(&syn);
		p.snd_nxt++;
		CU_ASSERT_EQUAL_FATAL(take(&out), 0);
		p.rcv_nxt = out.seq + 1;
		peer_send(&p, F_ACK, NULL, 0);
	}
	CU_ASSERT_EQUAL(tcp_write(harness.w, conn_of(&p), data, sizeof(data)), sizeof(data));
	while (take(&out) == 0)
		;
	/* The first segment is lost; three others arrive: three duplicate ACKs. */
	for (int i = 0; i < 2; i++) {
		peer_send(&p, F_ACK, NULL, 0);
		CU_ASSERT_EQUAL(harness_pending(EXT), 0);
	}
	peer_send(&p, F_ACK, NULL, 0);
	CU_ASSERT_EQUAL_FATAL(take(&out), 0);
	CU_ASSERT_EQUAL(out.seq, p.rcv_nxt);
	CU_ASSERT_EQUAL(out.len, 1460);
	CU_ASSERT_EQUAL(counter(harness.w, tcp_fast_retransmits), 1);
}

static void test_early_retransmit_with_small_flight(void)
{
	struct peer p = established(false);
	struct seg out;
	static uint8_t data[2 * 1460];

	/* Two segments, nothing more to send: the first is lost; one duplicate ACK is all
	 * that can come, and RFC 5827 lets it trigger the retransmission. */
	CU_ASSERT_EQUAL(tcp_write(harness.w, conn_of(&p), data, sizeof(data)), sizeof(data));
	while (take(&out) == 0)
		;
	peer_send(&p, F_ACK, NULL, 0);
	CU_ASSERT_EQUAL_FATAL(take(&out), 0);
	CU_ASSERT_EQUAL(out.seq, p.rcv_nxt);
	CU_ASSERT_EQUAL(counter(harness.w, tcp_fast_retransmits), 1);
}

static void test_sack_with_changing_window_enters_recovery(void)
{
	struct peer p = established(false);
	struct seg out, s;
	static uint8_t data[4 * 1460];
	uint32_t base = p.rcv_nxt;

	CU_ASSERT_EQUAL(tcp_write(harness.w, conn_of(&p), data, sizeof(data)), sizeof(data));
	while (take(&out) == 0)
		;
	/* The first is lost; each ACK SACKs one more segment and opens the window a little. */
	for (uint32_t k = 2; k <= 4; k++) {
		p.win = (uint16_t)(p.win - 10 + k);
		s = peer_seg(&p, F_ACK);
		s.options_len = opt_sack(s.options, base + 1460, base + k * 1460);
		inject(&s);
	}
	CU_ASSERT_EQUAL_FATAL(take(&out), 0);
	CU_ASSERT_EQUAL(out.seq, base);
	CU_ASSERT_EQUAL(counter(harness.w, tcp_fast_retransmits), 1);
}

static void test_fin_in_flight_after_recovery_is_retransmitted(void)
{
	struct peer p = established(false);
	struct tcp_conn *c = conn_of(&p);
	struct seg out, s;
	static uint8_t data[6 * 1460];
	uint32_t base = p.rcv_nxt;
	bool fin_again = false;

	peer_send(&p, F_ACK | F_FIN, NULL, 0); /* the peer is done: we go to LAST-ACK after ours */
	CU_ASSERT_EQUAL(tcp_write(harness.w, c, data, sizeof(data)), sizeof(data));
	tcp_shutdown(harness.w, c);
	while (take(&out) == 0)
		;
	CU_ASSERT_EQUAL(c->state, TCP_LAST_ACK);
	/* The first segment is lost; the peer SACKs the rest, data and FIN. */
	s = peer_seg(&p, F_ACK);
	s.options_len = opt_sack(s.options, base + 1460, base + 6 * 1460);
	inject(&s);
	inject(&s);
	inject(&s);
	while (take(&out) == 0)
		;
	/* The repair arrives; the peer acks all data, but its ACK of our FIN is lost. */
	p.rcv_nxt = base + sizeof(data);
	peer_send(&p, F_ACK, NULL, 0);
	while (take(&out) == 0)
		;
	CU_ASSERT(c->t_rexmt != 0); /* something is in flight: a timer must run */
	for (int i = 0; i < 8 && !fin_again; i++) {
		clock_advance_ms(TCP_RTO_MAX_MS / 8);
		while (take(&out) == 0)
			fin_again |= (out.flags & F_FIN) && out.seq == base + sizeof(data);
	}
	CU_ASSERT_TRUE(fin_again);
}

static void test_tso_sends_whole_segments_in_one_chain(void)
{
	struct peer p = established(true);
	uint64_t saved = ifaces[EXT].tx_offloads;
	static uint8_t data[30000], back[20000];
	uint64_t segments_before = counter(harness.w, tcp_tx_segments);
	uint64_t frames_before = counter(harness.w, tcp_tso_frames);
	uint64_t tso_segments_before = counter(harness.w, tcp_tso_segments);
	struct rte_mbuf *m;
	uint32_t payload;

	for (unsigned int i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 13);
	/* The ring port has no TSO; pretend it does, as a NIC that reports it would. */
	ifaces[EXT].tx_offloads |= RTE_ETH_TX_OFFLOAD_TCP_TSO | RTE_ETH_TX_OFFLOAD_TCP_CKSUM;
	CU_ASSERT_EQUAL(tcp_write(harness.w, conn_of(&p), data, sizeof(data)), sizeof(data));
	m = harness_take_mbuf(EXT);
	ifaces[EXT].tx_offloads = saved;
	CU_ASSERT_FATAL(m != NULL);
	CU_ASSERT((m->ol_flags & RTE_MBUF_F_TX_TCP_SEG) != 0);
	CU_ASSERT_EQUAL(m->tso_segsz, 1448);
	CU_ASSERT_EQUAL(m->l2_len, 14);
	CU_ASSERT_EQUAL(m->l3_len, 20);
	CU_ASSERT_EQUAL(m->l4_len, 32);
	CU_ASSERT(m->nb_segs > 1);
	payload = m->pkt_len - 14 - 20 - 32;
	/* The initial window (10 x 1460 bytes) holds 10 whole segments of 1448. */
	CU_ASSERT_EQUAL(payload, 10 * 1448);
	CU_ASSERT_FATAL(payload <= sizeof(back));
	CU_ASSERT(memcmp(rte_pktmbuf_read(m, 66, payload, back), data, payload) == 0);
	CU_ASSERT_EQUAL(counter(harness.w, tcp_tx_segments) - segments_before, 10);
	CU_ASSERT_EQUAL(counter(harness.w, tcp_tso_frames) - frames_before, 1);
	CU_ASSERT_EQUAL(counter(harness.w, tcp_tso_segments) - tso_segments_before, 10);
	rte_pktmbuf_free(m);
	CU_ASSERT_EQUAL(harness_pending(EXT), 0);
}

/* The ring port has no prepare step: this one refuses every frame that asks
 * for TSO, as a NIC does with a segment size or header layout it cannot cut. */
static uint16_t prepare_refusing_tso(void *txq, struct rte_mbuf **pkts, uint16_t n)
{
	(void)txq;
	for (uint16_t i = 0; i < n; i++) {
		if (pkts[i]->ol_flags & RTE_MBUF_F_TX_TCP_SEG) {
			rte_errno = ENOTSUP;
			return i;
		}
	}
	return n;
}

/* A port that offers TSO and then refuses it for a frame (rte_eth_tx_prepare
 * returns it): the frame is dropped and counted, the worker never asks that
 * port for TSO again, and every byte still reaches the peer, in plain
 * segments with their checksums made here. */
static void test_port_refusing_tso_costs_one_frame_and_is_not_asked_again(void)
{
	struct peer p = established(false);
	struct rte_eth_fp_ops *ops = &rte_eth_fp_ops[ifaces[EXT].port_id];
	eth_tx_prep_t saved_prepare = ops->tx_pkt_prepare;
	uint64_t saved = ifaces[EXT].tx_offloads;
	static uint8_t data[30000];
	uint32_t start = p.rcv_nxt;
	struct seg out;
	bool plain = true;

	for (unsigned int i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 7 + 1);
	ifaces[EXT].tx_offloads |= RTE_ETH_TX_OFFLOAD_TCP_TSO;
	ops->tx_pkt_prepare = prepare_refusing_tso;
	CU_ASSERT_EQUAL(tcp_write(harness.w, conn_of(&p), data, sizeof(data)), sizeof(data));
	CU_ASSERT_EQUAL(counter(harness.w, drop_port_offload_refused), 1);
	CU_ASSERT(harness.w->tx_offloads_refused[EXT] & RTE_ETH_TX_OFFLOAD_TCP_TSO);
	CU_ASSERT_EQUAL(harness_pending(EXT), 0);
	/* Loss recovery takes it from here: the peer acknowledges what arrives in order. */
	for (unsigned int round = 0; round < 2000 && p.rcv_nxt - start < sizeof(data); round++) {
		clock_advance_ms(5);
		while (take(&out) == 0) {
			plain = plain && out.checksum_ok && out.len <= 1460;
			if (out.seq == p.rcv_nxt && out.len > 0) {
				CU_ASSERT(memcmp(out.payload, data + (out.seq - start), out.len) == 0);
				p.rcv_nxt += out.len;
			}
		}
		peer_send(&p, F_ACK, NULL, 0);
	}
	ops->tx_pkt_prepare = saved_prepare;
	ifaces[EXT].tx_offloads = saved;
	harness.w->tx_offloads_refused[EXT] = 0;
	CU_ASSERT_EQUAL(p.rcv_nxt - start, sizeof(data));
	CU_ASSERT(plain);
	CU_ASSERT_EQUAL(counter(harness.w, drop_port_offload_refused), 1);
}

static void test_sack_recovery_repairs_two_holes(void)
{
	struct peer p = established(false);
	struct tcp_conn *c = conn_of(&p);
	struct seg out, s;
	static uint8_t data[10 * 1460];
	uint32_t base = p.rcv_nxt, seg = 1460;
	bool resent1 = false, resent4 = false;

	CU_ASSERT_EQUAL(tcp_write(harness.w, c, data, sizeof(data)), sizeof(data));
	while (take(&out) == 0)
		;
	/* Segments 1 and 4 (of 0..9) are lost: the peer acks 0 and SACKs 2-3, then 5-9. */
	p.rcv_nxt = base + seg;
	s = peer_seg(&p, F_ACK);
	s.options_len = opt_sack(s.options, base + 2 * seg, base + 4 * seg);
	inject(&s);
	s = peer_seg(&p, F_ACK);
	s.options_len = opt_sack(s.options, base + 5 * seg, base + 10 * seg);
	inject(&s);
	while (take(&out) == 0) {
		if (out.seq == base + seg)
			resent1 = true;
		if (out.seq == base + 4 * seg)
			resent4 = true;
	}
	CU_ASSERT_TRUE(resent1);
	CU_ASSERT_TRUE(resent4); /* both holes in one round trip, no RTO */
	CU_ASSERT_EQUAL(counter(harness.w, tcp_rto_expired), 0);
	CU_ASSERT_TRUE(c->flags & TCPF_IN_RECOVERY);
	/* Everything acknowledged: recovery ends. */
	p.rcv_nxt = base + 10 * seg;
	peer_send(&p, F_ACK, NULL, 0);
	CU_ASSERT_FALSE(c->flags & TCPF_IN_RECOVERY);
	CU_ASSERT_EQUAL(c->sacked_count, 0);
}

int main(void)
{
	static const struct harness_test tests[] = {
		{ "a tail loss probe, then RTO with back-off; the ACK stops it", test_rto_backs_off_and_retransmits },
		{ "RTO after a flight resends the first segment, cwnd 1", test_rto_after_many_segments_resends_first },
		{ "three duplicate ACKs: fast retransmit (no SACK)", test_three_dupacks_fast_retransmit_without_sack },
		{ "SACK recovery repairs two holes in one round trip", test_sack_recovery_repairs_two_holes },
		{ "early retransmit with two segments in flight (RFC 5827)", test_early_retransmit_with_small_flight },
		{ "a FIN in flight after recovery is retransmitted", test_fin_in_flight_after_recovery_is_retransmitted },
		{ "with TSO, whole segments go in one mbuf chain", test_tso_sends_whole_segments_in_one_chain },
		{ "a port refusing TSO costs one frame and is not asked again",
		  test_port_refusing_tso_costs_one_frame_and_is_not_asked_again },
		{ "ACKs that SACK new data count as duplicates though the window moves",
		  test_sack_with_changing_window_enters_recovery },
	};

	return tcp_test_run("tcp_loss", tests, sizeof(tests) / sizeof(tests[0]));
}
