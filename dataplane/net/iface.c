/* SPDX-License-Identifier: BSD-3-Clause */
#include "iface.h"

#include <string.h>

#include <rte_byteorder.h>

struct iface ifaces[CONFIG_PORT_COUNT];

static const uint8_t all_nodes[16] = { 0xff, 0x02, [15] = 0x01 };

/* fe80::/64 + modified EUI-64 from the MAC (RFC 4291 appendix A). */
static void link_local_from_mac(const struct rte_ether_addr *mac, uint8_t out[16])
{
	memset(out, 0, 16);
	out[0] = 0xfe;
	out[1] = 0x80;
	out[8] = mac->addr_bytes[0] ^ 0x02;
	out[9] = mac->addr_bytes[1];
	out[10] = mac->addr_bytes[2];
	out[11] = 0xff;
	out[12] = 0xfe;
	out[13] = mac->addr_bytes[3];
	out[14] = mac->addr_bytes[4];
	out[15] = mac->addr_bytes[5];
}

void iface_init(struct iface *ifc, enum config_port_role role, uint16_t port_id,
		const struct rte_ether_addr *mac, const struct config_port *config)
{
	memset(ifc, 0, sizeof(*ifc));
	ifc->role = role;
	ifc->port_id = port_id;
	ifc->mac = *mac;
	ifc->is_router = role == CONFIG_PORT_INTERNAL;
	ifc->mtu = (uint16_t)config->mtu;
	if (config->has_ipv4) {
		ifc->has_ipv4 = true;
		ifc->ipv4 = config->ipv4.addr.s_addr;
		ifc->ipv4_mask = config->ipv4.len ? rte_cpu_to_be_32(~0u << (32 - config->ipv4.len)) : 0;
	}
	for (unsigned int i = 0; i < config->service_address_count; i++) {
		const uint8_t *a = config->service_addresses[i].addr.s6_addr;

		if (IN6_IS_ADDR_V4MAPPED(&config->service_addresses[i].addr))
			memcpy(&ifc->service_ipv4[ifc->service_ipv4_count++], a + 12, 4);
		else
			memcpy(ifc->service_ipv6[ifc->service_ipv6_count++], a, 16);
	}
	link_local_from_mac(mac, ifc->ipv6[0]);
	ifc->ipv6_count = 1;
	for (unsigned int i = 0; i < config->ipv6_count && ifc->ipv6_count < IFACE_MAX_IPV6; i++)
		memcpy(ifc->ipv6[ifc->ipv6_count++], config->ipv6[i].addr.s6_addr, 16);
}

bool iface_owns_ipv6(const struct iface *ifc, const uint8_t addr[16])
{
	for (unsigned int i = 0; i < ifc->ipv6_count; i++)
		if (memcmp(ifc->ipv6[i], addr, 16) == 0)
			return true;
	return false;
}

bool iface_is_solicited_node_of_ours(const struct iface *ifc, const uint8_t addr[16])
{
	uint8_t group[16];

	for (unsigned int i = 0; i < ifc->ipv6_count; i++) {
		ipv6_addr_solicited_node(ifc->ipv6[i], group);
		if (memcmp(group, addr, 16) == 0)
			return true;
	}
	return false;
}

bool iface_serves_ipv4(const struct iface *ifc, uint32_t addr)
{
	if (ifc->has_ipv4 && addr == ifc->ipv4)
		return true;
	for (unsigned int i = 0; i < ifc->service_ipv4_count; i++)
		if (addr == ifc->service_ipv4[i])
			return true;
	return false;
}

static bool serves_ipv6(const struct iface *ifc, const uint8_t addr[16])
{
	for (unsigned int i = 0; i < ifc->service_ipv6_count; i++)
		if (memcmp(ifc->service_ipv6[i], addr, 16) == 0)
			return true;
	return false;
}

bool iface_accepts_ipv6_dst(const struct iface *ifc, const uint8_t addr[16])
{
	if (!ipv6_addr_is_multicast(addr))
		return iface_owns_ipv6(ifc, addr) || serves_ipv6(ifc, addr);
	return memcmp(addr, all_nodes, 16) == 0 || iface_is_solicited_node_of_ours(ifc, addr);
}

bool iface_accepts_mac(const struct iface *ifc, const struct rte_ether_addr *mac)
{
	if (rte_is_same_ether_addr(mac, &ifc->mac) || rte_is_broadcast_ether_addr(mac))
		return true;
	/* IPv6 multicast; the IPv6 layer decides whether the group is ours. */
	return mac->addr_bytes[0] == 0x33 && mac->addr_bytes[1] == 0x33;
}
