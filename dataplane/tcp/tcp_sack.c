/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The sender's side of SACK (RFC 2018, RFC 6675): a scoreboard of the
 * ranges the peer reported holding above snd_una, and the three questions
 * loss recovery asks of it:
 *   IsLost(seq)  more than (DupThresh - 1) * SMSS bytes above seq are SACKed
 *   pipe         bytes still in the network: the flight, less what is SACKed,
 *                less the holes taken for lost, plus what we retransmitted
 *                into them
 *   NextSeg      the first lost hole above HighRxt (RFC 6675 4, rule 1);
 *                new data (rule 2) is tcp_output's ordinary path
 * The scoreboard keeps TCP_SCOREBOARD_BLOCKS ranges; a peer reporting more
 * loses the lowest ones' detail, which only makes recovery more cautious.
 */
#include <string.h>

#include "tcp_conn.h"

void tcp_sack_clear(struct tcp_conn *c)
{
	c->sacked_count = 0;
}

static void prune(struct tcp_conn *c)
{
	unsigned int out = 0;

	for (unsigned int i = 0; i < c->sacked_count; i++) {
		if (tcp_seq_leq(c->sacked[i][1], c->snd_una))
			continue;
		if (tcp_seq_lt(c->sacked[i][0], c->snd_una))
			c->sacked[i][0] = c->snd_una;
		c->sacked[out][0] = c->sacked[i][0];
		c->sacked[out][1] = c->sacked[i][1];
		out++;
	}
	c->sacked_count = (uint8_t)out;
}

static void insert(struct tcp_conn *c, uint32_t left, uint32_t right)
{
	unsigned int i = 0, n = c->sacked_count;

	/* Merge with every range it touches, then place it in order. */
	while (i < n) {
		if (tcp_seq_leq(left, c->sacked[i][1]) && tcp_seq_leq(c->sacked[i][0], right)) {
			left = tcp_seq_min(left, c->sacked[i][0]);
			right = tcp_seq_max(right, c->sacked[i][1]);
			memmove(&c->sacked[i], &c->sacked[i + 1], (n - i - 1) * sizeof(c->sacked[0]));
			n--;
			continue;
		}
		i++;
	}
	for (i = 0; i < n && tcp_seq_lt(c->sacked[i][0], left); i++)
		;
	if (n == TCP_SCOREBOARD_BLOCKS) {
		if (i == 0)
			return; /* full, and this one is the lowest: keep the higher detail */
		memmove(&c->sacked[0], &c->sacked[1], (i - 1) * sizeof(c->sacked[0]));
		i--;
		n--;
	}
	memmove(&c->sacked[i + 1], &c->sacked[i], (n - i) * sizeof(c->sacked[0]));
	c->sacked[i][0] = left;
	c->sacked[i][1] = right;
	c->sacked_count = (uint8_t)(n + 1);
}

void tcp_sack_update(struct tcp_conn *c, const struct tcp_opts *o)
{
	for (unsigned int i = 0; i < o->sack_count; i++) {
		uint32_t left = o->sack[i][0], right = o->sack[i][1];

		/* RFC 2018 / 6675: only blocks inside what we sent and have not had acked. */
		if (!tcp_seq_lt(left, right) || tcp_seq_leq(right, c->snd_una) || tcp_seq_gt(right, c->snd_max))
			continue;
		insert(c, tcp_seq_max(left, c->snd_una), right);
	}
	prune(c);
}

static uint32_t sacked_above(const struct tcp_conn *c, uint32_t seq)
{
	uint32_t bytes = 0;

	for (unsigned int i = 0; i < c->sacked_count; i++)
		if (tcp_seq_gt(c->sacked[i][1], seq))
			bytes += c->sacked[i][1] - tcp_seq_max(c->sacked[i][0], seq);
	return bytes;
}

uint32_t tcp_sack_bytes(const struct tcp_conn *c)
{
	return sacked_above(c, c->snd_una);
}

bool tcp_sack_is_lost(const struct tcp_conn *c, uint32_t seq)
{
	return sacked_above(c, seq) > (uint32_t)(TCP_DUPACK_THRESHOLD - 1) * c->mss;
}

uint32_t tcp_sack_pipe(const struct tcp_conn *c)
{
	uint32_t pipe = 0, hole = c->snd_una;

	for (unsigned int i = 0; i <= c->sacked_count; i++) {
		uint32_t end = i < c->sacked_count ? c->sacked[i][0] : c->snd_max;

		if (tcp_seq_lt(hole, end)) {
			if (i == c->sacked_count || !tcp_sack_is_lost(c, hole))
				pipe += end - hole; /* not known lost: still in flight */
			if (tcp_seq_gt(c->high_rxt, hole))
				pipe += tcp_seq_min(c->high_rxt, end) - hole; /* our retransmission of it is */
		}
		if (i < c->sacked_count)
			hole = c->sacked[i][1];
	}
	return pipe;
}

bool tcp_sack_next_hole(const struct tcp_conn *c, uint32_t room, uint32_t *seq, uint32_t *len)
{
	uint32_t hole = c->snd_una;

	for (unsigned int i = 0; i < c->sacked_count; i++) {
		uint32_t end = c->sacked[i][0];
		uint32_t start = tcp_seq_max(hole, c->high_rxt);

		if (tcp_seq_lt(start, end) && tcp_sack_is_lost(c, start)) {
			*seq = start;
			*len = RTE_MIN(end - start, room);
			return true;
		}
		hole = c->sacked[i][1];
	}
	return false;
}
