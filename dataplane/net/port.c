/* SPDX-License-Identifier: BSD-3-Clause */
#include "port.h"

#include <string.h>

#include <rte_ethdev.h>

#include "iface.h"
#include "log.h"

/* Offloads used when the device has them; the datapath does the same work in
 * software when it does not (checksum.h). */
static const uint64_t wanted_rx_offloads = RTE_ETH_RX_OFFLOAD_IPV4_CKSUM | RTE_ETH_RX_OFFLOAD_TCP_CKSUM;
static const uint64_t wanted_tx_offloads = RTE_ETH_TX_OFFLOAD_IPV4_CKSUM | RTE_ETH_TX_OFFLOAD_TCP_CKSUM |
					   RTE_ETH_TX_OFFLOAD_TCP_TSO | RTE_ETH_TX_OFFLOAD_MULTI_SEGS;
static const uint64_t wanted_rss = RTE_ETH_RSS_IP | RTE_ETH_RSS_TCP;

static bool started[CONFIG_PORT_COUNT];

/*
 * Devices whose TSO is narrower than RTE_ETH_TX_OFFLOAD_TCP_TSO says. DPDK
 * 22.11's net_tap segments in software with librte_gso, which cuts TCP over
 * IPv4 only (an IPv6 frame asking for it is silently not sent), and refuses
 * (in its TX burst, counted as an error) a segment size whose frame,
 * Ethernet header included, exceeds the MTU. Found on this lab's net_tap:
 * tests/netns/test_offloads.sh.
 */
static const struct port_quirk {
	const char *driver;
	bool tso_ipv4_only;
	bool tso_frame_within_mtu;
} port_quirks[] = {
	{ "net_tap", true, true },
};

void port_name_of_device(const char *device, char *name, size_t size)
{
	size_t len = strcspn(device, ",");

	if (len >= size)
		len = size - 1;
	memcpy(name, device, len);
	name[len] = '\0';
}

int port_device_is_virtual(const char *device)
{
	return strncmp(device, "net_", 4) == 0;
}

static void log_offloads(const char *role, const struct rte_eth_dev_info *info, uint64_t rx, uint64_t tx)
{
	log_info("%s port (%s): rx offloads: ipv4 checksum %s, tcp checksum %s; "
		 "tx offloads: ipv4 checksum %s, tcp checksum %s, tso %s, multi-segment %s; rss hash %s",
		 role, info->driver_name, rx & RTE_ETH_RX_OFFLOAD_IPV4_CKSUM ? "yes" : "no (software)",
		 rx & RTE_ETH_RX_OFFLOAD_TCP_CKSUM ? "yes" : "no (software)",
		 tx & RTE_ETH_TX_OFFLOAD_IPV4_CKSUM ? "yes" : "no (software)",
		 tx & RTE_ETH_TX_OFFLOAD_TCP_CKSUM ? "yes" : "no (software)",
		 tx & RTE_ETH_TX_OFFLOAD_TCP_TSO ? "yes" : "no (software)",
		 tx & RTE_ETH_TX_OFFLOAD_MULTI_SEGS ? "yes" : "no",
		 info->flow_type_rss_offloads & wanted_rss ? "yes" : "no");
}

void port_start(enum config_port_role role, const struct config_port *config, unsigned int queues,
		struct rte_mempool *pool)
{
	const char *role_name = config_port_role_name(role);
	struct rte_eth_conf conf = { 0 };
	struct rte_eth_dev_info info;
	struct rte_ether_addr mac;
	uint16_t port_id, rxd = (uint16_t)config->rx_descriptors, txd = (uint16_t)config->tx_descriptors;
	char name[RTE_ETH_NAME_MAX_LEN];
	int socket, rc;

	port_name_of_device(config->device, name, sizeof(name));
	if (rte_eth_dev_get_port_by_name(name, &port_id) != 0)
		rte_exit(EXIT_FAILURE, "%s port: no DPDK port named '%s' (device '%s'): is the device "
			 "present and bound to DPDK?\n", role_name, name, config->device);
	rc = rte_eth_dev_info_get(port_id, &info);
	if (rc != 0)
		rte_exit(EXIT_FAILURE, "%s port %s: cannot read device info: %s\n", role_name, name, rte_strerror(-rc));
	if (queues > info.max_rx_queues || queues > info.max_tx_queues)
		rte_exit(EXIT_FAILURE, "%s port %s: %u workers need %u queue pairs, the device has %u rx / %u tx\n",
			 role_name, name, queues, queues, info.max_rx_queues, info.max_tx_queues);

	conf.rxmode.offloads = info.rx_offload_capa & wanted_rx_offloads;
	conf.txmode.offloads = info.tx_offload_capa & wanted_tx_offloads;
	/* RSS on the TCP 4-tuple keeps a connection on one worker (DESIGN.md). */
	if (queues > 1 && (info.flow_type_rss_offloads & wanted_rss)) {
		conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
		conf.rx_adv_conf.rss_conf.rss_hf = info.flow_type_rss_offloads & wanted_rss;
	} else if (queues > 1) {
		log_warn("%s port %s: no RSS; connections are spread by the device's own queue choice", role_name,
			 name);
	}
	log_offloads(role_name, &info, conf.rxmode.offloads, conf.txmode.offloads);

	rc = rte_eth_dev_configure(port_id, (uint16_t)queues, (uint16_t)queues, &conf);
	if (rc != 0)
		rte_exit(EXIT_FAILURE, "%s port %s: configure failed: %s\n", role_name, name, rte_strerror(-rc));
	rc = rte_eth_dev_set_mtu(port_id, (uint16_t)config->mtu);
	if (rc != 0)
		log_warn("%s port %s: cannot set MTU %u (%s); keeping the device's", role_name, name, config->mtu,
			 rte_strerror(-rc));
	rc = rte_eth_dev_adjust_nb_rx_tx_desc(port_id, &rxd, &txd);
	if (rc != 0)
		rte_exit(EXIT_FAILURE, "%s port %s: descriptor counts refused: %s\n", role_name, name,
			 rte_strerror(-rc));
	socket = rte_eth_dev_socket_id(port_id);
	if (socket < 0)
		socket = 0;
	for (uint16_t q = 0; q < queues; q++) {
		struct rte_eth_rxconf rxconf = info.default_rxconf;
		struct rte_eth_txconf txconf = info.default_txconf;

		rxconf.offloads = conf.rxmode.offloads;
		txconf.offloads = conf.txmode.offloads;
		rc = rte_eth_rx_queue_setup(port_id, q, rxd, (unsigned int)socket, &rxconf, pool);
		if (rc != 0)
			rte_exit(EXIT_FAILURE, "%s port %s: rx queue %u: %s\n", role_name, name, q, rte_strerror(-rc));
		rc = rte_eth_tx_queue_setup(port_id, q, txd, (unsigned int)socket, &txconf);
		if (rc != 0)
			rte_exit(EXIT_FAILURE, "%s port %s: tx queue %u: %s\n", role_name, name, q, rte_strerror(-rc));
	}
	rc = rte_eth_dev_start(port_id);
	if (rc != 0)
		rte_exit(EXIT_FAILURE, "%s port %s: start failed: %s\n", role_name, name, rte_strerror(-rc));
	started[role] = true;
	/* The appliance filters by MAC itself (iface_accepts_mac); it needs IPv6
	 * multicast (ND) whatever the device's filters would do. */
	if (rte_eth_promiscuous_enable(port_id) != 0)
		rte_eth_allmulticast_enable(port_id);
	rte_eth_macaddr_get(port_id, &mac);
	iface_init(&ifaces[role], role, port_id, &mac, config);
	ifaces[role].rx_offloads = conf.rxmode.offloads;
	ifaces[role].tx_offloads = conf.txmode.offloads;
	ifaces[role].tso_ipv6 = true;
	for (size_t i = 0; i < RTE_DIM(port_quirks); i++) {
		if (strcmp(info.driver_name, port_quirks[i].driver) != 0 ||
		    !(conf.txmode.offloads & RTE_ETH_TX_OFFLOAD_TCP_TSO))
			continue;
		ifaces[role].tso_ipv6 = !port_quirks[i].tso_ipv4_only;
		ifaces[role].tso_frame_max = port_quirks[i].tso_frame_within_mtu ? (uint16_t)config->mtu : 0;
		log_info("%s port %s: %s's TSO: %s, segments cut to frames of at most %u bytes", role_name, name,
			 info.driver_name, ifaces[role].tso_ipv6 ? "IPv4 and IPv6" : "IPv4 only (IPv6 segmented here)",
			 ifaces[role].tso_frame_max ? ifaces[role].tso_frame_max : config->mtu + RTE_ETHER_HDR_LEN);
	}
	{
		char mac_text[RTE_ETHER_ADDR_FMT_SIZE];

		rte_ether_format_addr(mac_text, sizeof(mac_text), &mac);
		log_info("%s port %s (port %u) started: mac %s, %u queue pair(s), %u/%u descriptors, mtu %u",
			 role_name, name, port_id, mac_text, queues, rxd, txd, config->mtu);
	}
}

void port_stop_all(void)
{
	for (int role = 0; role < CONFIG_PORT_COUNT; role++) {
		if (!started[role])
			continue;
		rte_eth_dev_stop(ifaces[role].port_id);
		rte_eth_dev_close(ifaces[role].port_id);
		started[role] = false;
		log_info("%s port stopped", config_port_role_name(role));
	}
}
