/* SPDX-License-Identifier: BSD-3-Clause */
#include "net_admin.h"

#include "iface.h"

void net_admin_port(enum config_port_role role, struct net_port_view *view)
{
	const struct iface *ifc = &ifaces[role];

	view->port_id = ifc->port_id;
	view->mac = ifc->mac;
	view->rx_offloads = ifc->rx_offloads;
	view->tx_offloads = ifc->tx_offloads;
}
