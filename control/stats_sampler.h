/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_STATS_SAMPLER_H
#define IPHTTPS_STATS_SAMPLER_H

/*
 * The workers' counters as the control plane reads them: a copy made by
 * each worker between two bursts (worker_command.h), and, once a second, a
 * sample kept by the main lcore so that `show` (and the metrics) can give
 * rates (packets, bits and handshakes per second, each worker's load) over
 * the last second without waiting a second.
 */

#include <stdint.h>

#include "worker_counters.h"
#include "appliance_limits.h"

enum { STATS_SAMPLE_INTERVAL_MS = 1000 };

/** Worker id's counters as of now. @return 0, or -EAGAIN when it did not answer. */
int stats_counters_snapshot(unsigned int id, struct worker_counters *c);

/** Every worker's counters, summed. @return 0 or -EAGAIN. */
int stats_counters_sum(struct worker_counters *sum);

/** Take a sample when STATS_SAMPLE_INTERVAL_MS has passed since the last (the main loop). */
void stats_sampler_tick(uint64_t now_ms);

/* Per-second rates between the last two samples. */
struct stats_rates {
	uint64_t interval_ms; /* 0: fewer than two samples yet */
	double rx_packets, tx_packets;   /* frames on the ports */
	double link_rx_bits, link_tx_bits; /* inner packets from and to the clients */
	double handshakes;
	double busy_percent[CONFIG_MAX_WORKERS]; /* share of the interval a worker had frames to handle */
};

/** The rates between the last two samples. */
void stats_sampler_rates(struct stats_rates *rates);

#endif
