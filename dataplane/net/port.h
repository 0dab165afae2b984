/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_PORT_H
#define IPHTTPS_PORT_H

/*
 * The two DPDK ports (external, internal): found by device name, configured
 * with one RX and one TX queue per worker, RSS when there are several
 * workers and the device can, the checksum and segmentation offloads the
 * device offers, started; stopped and closed on shutdown.
 */

#include <stdint.h>

#include <rte_mempool.h>

#include "appliance_config.h"

/** The DPDK port name of a configured device ("net_af_xdp0,iface=x" → "net_af_xdp0"). */
void port_name_of_device(const char *device, char *name, size_t size);

/** Whether a configured device is a virtual device (vdev) rather than a PCI address. */
int port_device_is_virtual(const char *device);

/**
 * Set up and start the port for role; fills ifaces[role]. rte_exit with a
 * message naming the port and the failing step on any error.
 */
void port_start(enum config_port_role role, const struct config_port *config, unsigned int queues,
		struct rte_mempool *pool);

/** Stop and close both ports (shutdown path). */
void port_stop_all(void);

#endif
