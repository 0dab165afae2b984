/* SPDX-License-Identifier: BSD-3-Clause */
#include "stats_sampler.h"

#include <errno.h>
#include <string.h>

#include <rte_cycles.h>

#include "worker.h"
#include "worker_command.h"

struct sample {
	uint64_t at_ms;
	struct worker_counters sum;
	uint64_t busy_tsc[CONFIG_MAX_WORKERS];
};

static struct sample samples[2]; /* [latest & 1] is the latest */
static unsigned int taken;

static void copy_counters(struct worker *w, void *arg)
{
	*(struct worker_counters *)arg = w->counters;
}

int stats_counters_snapshot(unsigned int id, struct worker_counters *c)
{
	return worker_command_run(&workers[id], copy_counters, c, WORKER_COMMAND_TIMEOUT_MS) == 0 ? 0 : -EAGAIN;
}

static int sum_into(struct worker_counters *sum, uint64_t *busy_tsc)
{
	memset(sum, 0, sizeof(*sum));
	for (unsigned int i = 0; i < worker_count; i++) {
		struct worker_counters c;

		if (stats_counters_snapshot(i, &c) != 0)
			return -EAGAIN;
		if (busy_tsc)
			busy_tsc[i] = counter_in(c, busy_tsc_cycles);
		for (unsigned int k = 0; k < WORKER_COUNTER_COUNT; k++)
			sum->slot[k] += c.slot[k];
	}
	return 0;
}

int stats_counters_sum(struct worker_counters *sum)
{
	return sum_into(sum, NULL);
}

void stats_sampler_tick(uint64_t now_ms)
{
	struct sample *next;

	if (taken && now_ms - samples[(taken - 1) & 1].at_ms < STATS_SAMPLE_INTERVAL_MS)
		return;
	next = &samples[taken & 1];
	if (sum_into(&next->sum, next->busy_tsc) != 0)
		return; /* a worker did not answer: try again next tick */
	next->at_ms = now_ms;
	taken++;
}

void stats_sampler_rates(struct stats_rates *rates)
{
	const struct sample *last, *before;
	double seconds;

	memset(rates, 0, sizeof(*rates));
	if (taken < 2)
		return;
	last = &samples[(taken - 1) & 1];
	before = &samples[taken & 1];
	rates->interval_ms = last->at_ms - before->at_ms;
	seconds = (double)rates->interval_ms / 1000.0;
	if (seconds <= 0)
		return;
#define RATE(name) ((double)(counter_in(last->sum, name) - counter_in(before->sum, name)) / seconds)
	rates->rx_packets = RATE(rx_packets);
	rates->tx_packets = RATE(tx_packets);
	rates->link_rx_bits = RATE(link_rx_bytes) * 8;
	rates->link_tx_bits = RATE(link_tx_bytes) * 8;
	rates->handshakes = RATE(tls_handshakes);
#undef RATE
	for (unsigned int i = 0; i < worker_count; i++)
		rates->busy_percent[i] = 100.0 * (double)(last->busy_tsc[i] - before->busy_tsc[i]) /
					 ((double)rte_get_tsc_hz() * seconds);
}
