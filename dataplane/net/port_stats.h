/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_PORT_STATS_H
#define IPHTTPS_PORT_STATS_H

/*
 * What a port's device says about itself: link, and the NIC's own counters
 * (rte_eth_stats): what reached the wire and what it dropped before any
 * worker saw it (imissed: an RX queue full; rx_nombuf: the mbuf pool empty).
 * The first thing to look at on a real NIC. Read from any thread (the
 * control plane's metrics), as DPDK's own telemetry does.
 */

#include <stdbool.h>
#include <stdint.h>

#include "appliance_config.h"

enum { PORT_STATS_MAX_QUEUES = 16 }; /* RTE_ETHDEV_QUEUE_STAT_CNTRS */

struct port_stats_view {
	bool link_up;
	uint64_t speed_bytes_per_second; /* 0: the device does not say */
	uint64_t rx_packets, tx_packets, rx_bytes, tx_bytes;
	uint64_t rx_errors, tx_errors;
	uint64_t rx_missed;  /* dropped by the device: the RX queue was full (imissed) */
	uint64_t rx_nombuf;  /* dropped by the device: no mbuf to receive into */
	unsigned int queues; /* queue pairs in use (at most PORT_STATS_MAX_QUEUES are listed) */
	uint64_t queue_rx_packets[PORT_STATS_MAX_QUEUES], queue_tx_packets[PORT_STATS_MAX_QUEUES];
	uint64_t queue_rx_bytes[PORT_STATS_MAX_QUEUES], queue_tx_bytes[PORT_STATS_MAX_QUEUES];
};

/** Whether the port of `role` says its link is up (without waiting for it). */
bool port_link_up(enum config_port_role role);

/** The port of `role`'s link and counters. @return 0, or a negative errno from ethdev. */
int port_stats_read(enum config_port_role role, struct port_stats_view *v);

#endif
