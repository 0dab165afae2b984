/* SPDX-License-Identifier: BSD-3-Clause */
#include "nexthop.h"

#include <string.h>

#include <rte_cycles.h>

#include "arp.h"
#include "nd.h"
#include "iface.h"
#include "net_counters.h"
#include "worker.h"

#define NEXTHOP_VALID_BIT (1ull << 63)

struct nexthop {
	enum config_port_role role;
	bool is_ipv4;
	uint8_t addr[16];
	uint64_t mac_word;         /* atomic: NEXTHOP_VALID_BIT | 48-bit MAC */
	uint64_t confirmed_tsc;    /* atomic */
	uint64_t last_request_tsc; /* worker 0 only */
};

static struct nexthop table[NEXTHOP_MAX];
static unsigned int table_count;

static void add(enum config_port_role role, bool is_ipv4, const void *addr)
{
	struct nexthop *n;

	for (unsigned int i = 0; i < table_count; i++)
		if (table[i].role == role && table[i].is_ipv4 == is_ipv4 &&
		    memcmp(table[i].addr, addr, is_ipv4 ? 4 : 16) == 0)
			return;
	if (table_count == NEXTHOP_MAX)
		return;
	n = &table[table_count++];
	memset(n, 0, sizeof(*n));
	n->role = role;
	n->is_ipv4 = is_ipv4;
	memcpy(n->addr, addr, is_ipv4 ? 4 : 16);
}

void nexthop_table_init(const struct iphttps_config *config)
{
	table_count = 0;
	for (int role = 0; role < CONFIG_PORT_COUNT; role++) {
		const struct config_port *p = &config->ports[role];

		if (p->has_ipv4_gateway)
			add(role, true, &p->ipv4_gateway);
		if (p->has_ipv6_gateway)
			add(role, false, &p->ipv6_gateway);
		for (unsigned int i = 0; i < p->route_count; i++)
			add(role, false, &p->routes[i].via);
	}
}

static uint64_t mac_to_word(const struct rte_ether_addr *mac)
{
	uint64_t word = 0;

	for (int i = 0; i < RTE_ETHER_ADDR_LEN; i++)
		word = (word << 8) | mac->addr_bytes[i];
	return word | NEXTHOP_VALID_BIT;
}

static void word_to_mac(uint64_t word, struct rte_ether_addr *mac)
{
	for (int i = RTE_ETHER_ADDR_LEN - 1; i >= 0; i--) {
		mac->addr_bytes[i] = (uint8_t)word;
		word >>= 8;
	}
}

static bool learn(struct worker *w, const struct iface *ifc, bool is_ipv4, const void *addr,
		  const struct rte_ether_addr *mac)
{
	bool found = false;

	if (!rte_is_valid_assigned_ether_addr(mac))
		return false;
	for (unsigned int i = 0; i < table_count; i++) {
		struct nexthop *n = &table[i];

		if (n->role != ifc->role || n->is_ipv4 != is_ipv4 || memcmp(n->addr, addr, is_ipv4 ? 4 : 16) != 0)
			continue;
		__atomic_store_n(&n->mac_word, mac_to_word(mac), __ATOMIC_RELEASE);
		__atomic_store_n(&n->confirmed_tsc, rte_rdtsc(), __ATOMIC_RELAXED);
		counter(w, nexthop_learned)++;
		found = true;
	}
	return found;
}

bool nexthop_learn_ipv4(struct worker *w, const struct iface *ifc, uint32_t ip, const struct rte_ether_addr *mac)
{
	return learn(w, ifc, true, &ip, mac);
}

bool nexthop_learn_ipv6(struct worker *w, const struct iface *ifc, const uint8_t ip[16],
			const struct rte_ether_addr *mac)
{
	return learn(w, ifc, false, ip, mac);
}

bool nexthop_mac_of_ipv6(enum config_port_role role, const uint8_t addr[16], struct rte_ether_addr *mac)
{
	for (unsigned int i = 0; i < table_count; i++)
		if (table[i].role == role && !table[i].is_ipv4 && memcmp(table[i].addr, addr, 16) == 0)
			return nexthop_mac(i, mac);
	return false;
}

bool nexthop_mac(unsigned int index, struct rte_ether_addr *mac)
{
	uint64_t word;

	if (index >= table_count)
		return false;
	word = __atomic_load_n(&table[index].mac_word, __ATOMIC_ACQUIRE);
	if (!(word & NEXTHOP_VALID_BIT))
		return false;
	word_to_mac(word, mac);
	return true;
}

void nexthop_housekeeping(struct worker *w, uint64_t now)
{
	const uint64_t ms = rte_get_tsc_hz() / 1000;

	if (w->id != 0)
		return;
	for (unsigned int i = 0; i < table_count; i++) {
		struct nexthop *n = &table[i];
		const struct iface *ifc = &ifaces[n->role];
		bool resolved = __atomic_load_n(&n->mac_word, __ATOMIC_ACQUIRE) & NEXTHOP_VALID_BIT;
		uint64_t confirmed = __atomic_load_n(&n->confirmed_tsc, __ATOMIC_RELAXED);

		if (n->last_request_tsc && now - n->last_request_tsc < NEXTHOP_RETRY_MS * ms)
			continue;
		if (resolved && now - confirmed < NEXTHOP_REFRESH_MS * ms)
			continue;
		if (n->is_ipv4) {
			uint32_t target;

			if (!ifc->has_ipv4)
				continue;
			memcpy(&target, n->addr, 4);
			arp_send_request(w, ifc, target);
		} else {
			nd_send_solicitation(w, ifc, n->addr);
		}
		n->last_request_tsc = now;
		counter(w, nexthop_requests_sent)++;
	}
}

unsigned int nexthop_count(void)
{
	return table_count;
}

void nexthop_get(unsigned int index, struct nexthop_view *view)
{
	const struct nexthop *n = &table[index];
	uint64_t confirmed = __atomic_load_n(&n->confirmed_tsc, __ATOMIC_RELAXED);

	memset(view, 0, sizeof(*view));
	view->role = n->role;
	view->is_ipv4 = n->is_ipv4;
	memcpy(view->addr, n->addr, 16);
	view->resolved = nexthop_mac(index, &view->mac);
	view->age_ms = confirmed ? (rte_rdtsc() - confirmed) / (rte_get_tsc_hz() / 1000) : 0;
}
