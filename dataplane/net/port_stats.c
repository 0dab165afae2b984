/* SPDX-License-Identifier: BSD-3-Clause */
#include "port_stats.h"

#include <string.h>

#include <rte_ethdev.h>

#include "iface.h"

bool port_link_up(enum config_port_role role)
{
	struct rte_eth_link link;

	return rte_eth_link_get_nowait(ifaces[role].port_id, &link) == 0 && link.link_status == RTE_ETH_LINK_UP;
}

int port_stats_read(enum config_port_role role, struct port_stats_view *v)
{
	uint16_t port_id = ifaces[role].port_id;
	struct rte_eth_dev_info info;
	struct rte_eth_link link;
	struct rte_eth_stats s;
	int rc;

	memset(v, 0, sizeof(*v));
	rc = rte_eth_stats_get(port_id, &s);
	if (rc != 0)
		return rc;
	if (rte_eth_link_get_nowait(port_id, &link) == 0) {
		v->link_up = link.link_status == RTE_ETH_LINK_UP;
		if (link.link_speed != RTE_ETH_SPEED_NUM_NONE && link.link_speed != RTE_ETH_SPEED_NUM_UNKNOWN)
			v->speed_bytes_per_second = (uint64_t)link.link_speed * 1000000 / 8; /* Mbit/s */
	}
	v->rx_packets = s.ipackets;
	v->tx_packets = s.opackets;
	v->rx_bytes = s.ibytes;
	v->tx_bytes = s.obytes;
	v->rx_errors = s.ierrors;
	v->tx_errors = s.oerrors;
	v->rx_missed = s.imissed;
	v->rx_nombuf = s.rx_nombuf;
	if (rte_eth_dev_info_get(port_id, &info) == 0)
		v->queues = RTE_MIN(RTE_MIN(info.nb_rx_queues, info.nb_tx_queues), (uint16_t)PORT_STATS_MAX_QUEUES);
	for (unsigned int q = 0; q < v->queues; q++) {
		v->queue_rx_packets[q] = s.q_ipackets[q];
		v->queue_tx_packets[q] = s.q_opackets[q];
		v->queue_rx_bytes[q] = s.q_ibytes[q];
		v->queue_tx_bytes[q] = s.q_obytes[q];
	}
	return 0;
}
