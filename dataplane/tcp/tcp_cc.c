/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Congestion control: NewReno (RFC 5681 slow start and congestion
 * avoidance, RFC 6582 fast recovery), initial window of 10 segments
 * (RFC 6928). When the peer does SACK, recovery follows RFC 6675 instead:
 * the same entry and exit, but what is sent is governed by pipe
 * (tcp_sack.c), so several holes are repaired in one round trip.
 *
 * Why NewReno and not CUBIC (RFC 9438): every step is specified exactly and
 * can be checked segment by segment in the scripted tests; CUBIC's gains are
 * on long fat paths, and its cubic growth and fast convergence add state and
 * floating-point-free arithmetic that deserve their own careful tests. The
 * functions here are the whole interface, so CUBIC can replace them.
 */
#include "tcp_conn.h"
#include "tcp_counters.h"
#include "worker.h"

void tcp_cc_init(struct tcp_conn *c)
{
	c->cwnd = (uint32_t)TCP_INITIAL_WINDOW_SEGMENTS * c->mss;
	c->ssthresh = UINT32_MAX;
}

/*
 * RFC 5681 3.1: new data acknowledged outside recovery. The window grows only
 * while it is what limits the sender (RFC 7661 "cwnd-limited"): a sender that
 * has less to send than cwnd allows learns nothing about the path, and a
 * window grown without bound by an application-limited stream (or by a peer
 * acknowledging one byte at a time) would later burst into the network.
 * flight_before: bytes in flight before this ACK.
 */
void tcp_cc_ack(struct tcp_conn *c, uint32_t acked, uint32_t flight_before)
{
	if (flight_before + c->mss < c->cwnd)
		return;
	if (c->cwnd < c->ssthresh) {
		c->cwnd += RTE_MIN(acked, (uint32_t)c->mss); /* slow start */
	} else {
		/* Congestion avoidance: about one MSS per RTT. */
		uint32_t add = (uint32_t)((uint64_t)c->mss * c->mss / c->cwnd);

		c->cwnd += add ? add : 1;
	}
	/* The send queue follows: what is in flight and as much again waiting (tcp_memory_snd_cap). */
	if (c->cwnd <= UINT32_MAX / 2 && 2 * c->cwnd > c->sndq_grown)
		c->sndq_grown = 2 * c->cwnd;
}

/*
 * RFC 5827 early retransmit: with fewer than four segments in flight and
 * nothing new to send, three duplicates can never come; one fewer than the
 * segments in flight will do.
 */
static unsigned int dupack_threshold(const struct tcp_conn *c)
{
	uint32_t flight = tcp_flight(c);
	uint32_t segments = (flight + c->mss - 1) / c->mss;

	if (segments < 4 && c->sndq.bytes <= flight)
		return segments > 1 ? segments - 1 : 1;
	return TCP_DUPACK_THRESHOLD;
}

/* RFC 6675 IsLost(HighACK + 1), with the threshold early retransmit allows. */
static bool sacked_enough(const struct tcp_conn *c)
{
	return tcp_sack_bytes(c) > (dupack_threshold(c) - 1) * (uint32_t)c->mss;
}

/* RFC 6582 3.2 step 2-3: duplicate ACKs. */
void tcp_cc_dupack(struct worker *w, struct tcp_conn *c)
{
	if (c->flags & TCPF_IN_RECOVERY) {
		/* NewReno step 3: each further dupack lets one segment out. With SACK,
		 * pipe (tcp_sack.c) already accounts for what left the network. */
		if (!(c->flags & TCPF_SACK_OK))
			c->cwnd += c->mss;
		return;
	}
	/* RFC 6675 5: DupThresh duplicates, or the scoreboard already shows the first segment lost. */
	if (++c->dupacks < dupack_threshold(c) &&
	    !((c->flags & TCPF_SACK_OK) && sacked_enough(c)))
		return;
	/* RFC 6582 step 2: only when the ACK covers more than the last recovery point (a guard
	 * against retransmitting what the last recovery already resent). With SACK the
	 * scoreboard says what is really missing, and RFC 6675 has no such guard: a loss
	 * right at the old recovery point must not wait for an RTO. */
	if (!(c->flags & TCPF_SACK_OK) && tcp_seq_leq(c->snd_una, c->recover) && c->recover != c->iss)
		return;
	c->ssthresh = RTE_MAX(tcp_flight(c) / 2, 2u * c->mss);
	c->recover = c->snd_max;
	/* NewReno inflates by the three segments that left; SACK recovery counts pipe instead. */
	c->cwnd = (c->flags & TCPF_SACK_OK) ? c->ssthresh : c->ssthresh + 3u * c->mss;
	c->high_rxt = c->snd_una;
	c->flags |= TCPF_IN_RECOVERY;
	counter(w, tcp_fast_retransmits)++;
	tcp_retransmit_first(w, c);
}

/*
 * An ACK of new data during recovery (RFC 6582 3.2 steps 5-6). Returns true
 * when recovery goes on (a partial ACK).
 */
bool tcp_cc_recovery_ack(struct worker *w, struct tcp_conn *c, uint32_t acked)
{
	if ((c->flags & TCPF_SACK_OK) && tcp_seq_lt(c->snd_una, c->recover)) {
		/* RFC 6675 5 (C): a partial ACK; tcp_output sends by pipe, holes first. */
		c->high_rxt = tcp_seq_max(c->high_rxt, c->snd_una);
		return true;
	}
	if (tcp_seq_geq(c->snd_una, c->recover)) {
		/* Full ACK: deflate. */
		c->cwnd = RTE_MIN(c->ssthresh, tcp_flight(c) + c->mss);
		c->flags &= (uint16_t)~TCPF_IN_RECOVERY;
		c->dupacks = 0;
		return false;
	}
	/* Partial ACK: the next hole is lost too; retransmit it, deflate by what was acked. */
	tcp_retransmit_first(w, c);
	c->cwnd = c->cwnd > acked ? c->cwnd - acked : 0;
	if (acked >= c->mss)
		c->cwnd += c->mss;
	if (c->cwnd < c->mss)
		c->cwnd = c->mss;
	return true;
}

/* RFC 5681 3.1 (4): on a retransmission timeout. */
void tcp_cc_timeout(struct tcp_conn *c)
{
	if (c->backoff <= 1)
		c->ssthresh = RTE_MAX(tcp_flight(c) / 2, 2u * c->mss);
	c->cwnd = c->mss;
	c->recover = c->snd_max;
	c->flags &= (uint16_t)~TCPF_IN_RECOVERY;
	/* RFC 6675 5.1: after a timeout the scoreboard may be wrong (reneging); start over. */
	tcp_sack_clear(c);
	c->high_rxt = c->snd_una;
}
