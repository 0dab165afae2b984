/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_TEST_HARNESS_H
#define IPHTTPS_TEST_HARNESS_H

/*
 * A datapath test harness: EAL in memory without hugepages, a real mbuf pool,
 * and the appliance's two ports as DPDK ring ports (net_ring), so the code
 * under test transmits through the real ethdev TX path and the test reads
 * back the exact frames it sent. Frames are injected straight into
 * eth_input, as the worker loop would after an RX burst. Configuration comes
 * from config/lab.yaml through the real loader.
 *
 * Used by the CUnit datapath tests; the TCP tests build on it (inject a
 * segment, assert the exact segments out, advance a clock).
 */

#include <arpa/inet.h>
#include <stdint.h>
#include <string.h>

#include "unit_runner.h"

#include <CUnit/Basic.h>

#include <rte_eal.h>
#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "eth.h"
#include "iface.h"
#include "address_hold.h"
#include "appliance_config.h"
#include "client_index.h"
#include "link.h"
#include "nexthop.h"
#include "published_config.h"
#include "session.h"
#include "subject_sessions.h"
#include "tcp.h"
#include "tcp_conn.h"
#include "worker.h"

struct harness {
	struct iphttps_config config;
	struct rte_mempool *pool;
	struct rte_ring *rx_ring[CONFIG_PORT_COUNT];
	struct rte_ring *tx_ring[CONFIG_PORT_COUNT];
	struct worker *w;
};

static struct harness harness;

/* The MACs the ring ports get are random; tests refer to these instead. */
static const struct rte_ether_addr harness_peer_mac = { .addr_bytes = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x02 } };

/* The lcores EAL gets: one by default; a test that runs the worker loop on a
 * second lcore defines this first ("0@0,1@0": both on the first CPU). */
#ifndef HARNESS_EAL_LCORES
#define HARNESS_EAL_LCORES "0"
#endif

static inline int harness_start(void)
{
	static char *eal_argv[] = { "test", "--lcores", HARNESS_EAL_LCORES, "--no-huge", "-m", "256", "--no-pci", "--no-shconf",
				    "--no-telemetry", "--file-prefix", "iphttps-unit", "--log-level", "4", NULL };
	static struct config_errors errors;
	static const char *names[CONFIG_PORT_COUNT] = { "ext", "int" };

	if (rte_eal_init((int)(sizeof(eal_argv) / sizeof(eal_argv[0])) - 1, eal_argv) < 0)
		return -1;
	if (config_load("config/lab.yaml", &harness.config, &errors) != 0)
		return -1;
	/* A smaller flow table than the lab's: the tests hold a handful of connections. */
	harness.config.limits.max_connections_per_worker = 4096;
	harness.pool = rte_pktmbuf_pool_create("harness", 8192, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
	if (!harness.pool)
		return -1;
	for (int role = 0; role < CONFIG_PORT_COUNT; role++) {
		char name[32];
		struct rte_eth_conf conf = { 0 };
		struct rte_ether_addr mac;
		int port;

		snprintf(name, sizeof(name), "%s_rx", names[role]);
		harness.rx_ring[role] = rte_ring_create(name, 1024, SOCKET_ID_ANY, RING_F_SP_ENQ | RING_F_SC_DEQ);
		snprintf(name, sizeof(name), "%s_tx", names[role]);
		harness.tx_ring[role] = rte_ring_create(name, 1024, SOCKET_ID_ANY, RING_F_SP_ENQ | RING_F_SC_DEQ);
		if (!harness.rx_ring[role] || !harness.tx_ring[role])
			return -1;
		port = rte_eth_from_rings(names[role], &harness.rx_ring[role], 1, &harness.tx_ring[role], 1,
					  SOCKET_ID_ANY);
		if (port < 0 || rte_eth_dev_configure((uint16_t)port, 1, 1, &conf) != 0 ||
		    rte_eth_rx_queue_setup((uint16_t)port, 0, 256, SOCKET_ID_ANY, NULL, harness.pool) != 0 ||
		    rte_eth_tx_queue_setup((uint16_t)port, 0, 256, SOCKET_ID_ANY, NULL) != 0 ||
		    rte_eth_dev_start((uint16_t)port) != 0)
			return -1;
		rte_eth_macaddr_get((uint16_t)port, &mac);
		iface_init(&ifaces[role], role, (uint16_t)port, &mac, &harness.config.ports[role]);
	}
	nexthop_table_init(&harness.config);
	published_config_set(&harness.config);
	worker_count = 1;
	{
		uint16_t port_ids[CONFIG_PORT_COUNT] = { ifaces[0].port_id, ifaces[1].port_id };

		if (worker_init(&workers[0], 0, 0, harness.pool, port_ids) != 0)
			return -1;
	}
	harness.w = &workers[0];
	/* The loop would read it once per iteration; a test changes harness.config in place. */
	harness.w->config = &harness.config;
	if (tcp_start() != 0 || tcp_worker_init(harness.w, &harness.config) != 0)
		return -1;
	return 0;
}

static inline size_t put_eth(uint8_t *f, const struct rte_ether_addr *dst, const struct rte_ether_addr *src, uint16_t type)
{
	memcpy(f, dst->addr_bytes, 6);
	memcpy(f + 6, src->addr_bytes, 6);
	f[12] = (uint8_t)(type >> 8);
	f[13] = (uint8_t)type;
	return 14;
}

/*
 * The layers above TCP, as datapath.c starts them: the link, the listeners
 * and TLS context, a small client index (the worker a reader of it), the
 * address holds, the worker's session state. @return 0, or -1 with why on stderr.
 */
static inline int harness_start_sessions(const char *test)
{
	char err[512] = "";

	link_start();
	if (session_listeners_start(&harness.config, err, sizeof(err)) != 0 ||
	    client_index_create(64, CLIENT_INDEX_ADDRESSES_PER_CLIENT, 1) != 0 || address_hold_create(1024) != 0 ||
	    subject_sessions_create(64) != 0 ||
	    session_worker_init(harness.w, &harness.config) != 0 || link_worker_init(harness.w, &harness.config) != 0) {
		fprintf(stderr, "%s: the session layer did not start: %s\n", test, err);
		return -1;
	}
	return 0;
}

/* What the worker loop does at the end of an iteration before its TX buffers
 * go out: the receive batch ended (tcp_input_batch_end), each session's held
 * packets written (session_flush_sends). */
static inline void harness_end_iteration(void)
{
	tcp_input_batch_end(harness.w);
	session_flush_sends(harness.w);
}

/* Drain and free anything still queued, and zero the counters. */
static inline void harness_reset(void)
{
	struct rte_mbuf *m;

	for (int role = 0; role < CONFIG_PORT_COUNT; role++) {
		rte_eth_tx_buffer_flush(ifaces[role].port_id, 0, harness.w->tx_buffer[role]);
		while (rte_ring_dequeue(harness.tx_ring[role], (void **)&m) == 0)
			rte_pktmbuf_free(m);
	}
	memset(&harness.w->counters, 0, sizeof(harness.w->counters));
}

/* Hand a frame to the datapath as if it had arrived on the port of role. */
static inline void harness_inject(enum config_port_role role, const void *frame, size_t len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(harness.pool);
	void *data = rte_pktmbuf_append(m, (uint16_t)len);

	memcpy(data, frame, len);
	eth_input(harness.w, &ifaces[role], m);
	harness_end_iteration();
}

/* Copy the next frame the datapath sent on the port of role into buf; its length, or -1 if none. */
static inline int harness_take(enum config_port_role role, uint8_t *buf, size_t size)
{
	struct rte_mbuf *m;
	int len;

	harness_end_iteration();
	rte_eth_tx_buffer_flush(ifaces[role].port_id, 0, harness.w->tx_buffer[role]);
	if (rte_ring_dequeue(harness.tx_ring[role], (void **)&m) != 0)
		return -1;
	len = (int)rte_pktmbuf_pkt_len(m);
	if ((size_t)len > size)
		len = (int)size;
	memcpy(buf, rte_pktmbuf_mtod(m, void *), (size_t)len);
	rte_pktmbuf_free(m);
	return len;
}

/* The next frame sent on the port of role, as the mbuf itself (offload flags, chains); NULL if none. */
static inline struct rte_mbuf *harness_take_mbuf(enum config_port_role role)
{
	struct rte_mbuf *m;

	harness_end_iteration();
	rte_eth_tx_buffer_flush(ifaces[role].port_id, 0, harness.w->tx_buffer[role]);
	return rte_ring_dequeue(harness.tx_ring[role], (void **)&m) == 0 ? m : NULL;
}

/* Frames waiting on the port of role. */
static inline unsigned int harness_pending(enum config_port_role role)
{
	harness_end_iteration();
	rte_eth_tx_buffer_flush(ifaces[role].port_id, 0, harness.w->tx_buffer[role]);
	return rte_ring_count(harness.tx_ring[role]);
}

/* RFC 1071 over a buffer, written independently of dataplane/net/checksum.h. */
static inline uint16_t reference_checksum(const uint8_t *data, size_t len, uint32_t sum)
{
	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(data[i] << 8 | data[i + 1]);
	if (len & 1)
		sum += (uint32_t)(data[len - 1] << 8);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/* A 20-byte IPv4 header at ip (TTL 64, no options) with its checksum filled. */
static inline void put_ipv4(uint8_t *ip, const char *src, const char *dst, uint8_t proto, uint32_t l4_len)
{
	uint16_t sum;

	memset(ip, 0, 20);
	ip[0] = 0x45;
	ip[2] = (uint8_t)((20 + l4_len) >> 8), ip[3] = (uint8_t)(20 + l4_len);
	ip[8] = 64;
	ip[9] = proto;
	inet_pton(AF_INET, src, ip + 12);
	inet_pton(AF_INET, dst, ip + 16);
	sum = (uint16_t)~reference_checksum(ip, 20, 0);
	ip[10] = (uint8_t)(sum >> 8), ip[11] = (uint8_t)sum;
}

#define harness_test unit_test

/* Run a table of tests as one CUnit suite, then shut EAL down. @return the exit status. */
static inline int harness_run(const char *suite_name, const struct harness_test *tests, size_t count)
{
	int rc = unit_run(suite_name, tests, count);

	rte_eal_cleanup();
	return rc;
}

/* The IPv6 pseudo-header sum (RFC 8200 8.1) of an IPv6 packet at ip. */
static inline uint32_t reference_pseudo_sum(const uint8_t *ip)
{
	uint32_t len = (uint32_t)(ip[4] << 8 | ip[5]);

	return reference_checksum(ip + 8, 32, 0) + (len >> 16) + (len & 0xffff) + ip[6];
}

#endif
