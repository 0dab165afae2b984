/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_NETLINK_CONFIG_H
#define IPHTTPS_NETLINK_CONFIG_H

/*
 * What the client's SLAAC installs in the kernel, through rtnetlink with
 * libmnl (not by running `ip`): the TUN device's MTU, state and the kernel's
 * own autoconfiguration switched off (the client does it, with DAD through
 * the tunnel, which the kernel cannot do on a TUN device), addresses with
 * their lifetimes, and the default route through the server. Each call waits
 * for the kernel's answer and says what failed.
 */

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

/**
 * Prepare the device: no kernel address generation or RA processing, the
 * MTU, up. @return its ifindex, or -1 with why.
 */
int netlink_link_prepare(const char *ifname, unsigned int mtu, char *why, size_t why_len);

/** Set the device's MTU (an RA's MTU option). @return 0 or -1 with why. */
int netlink_link_mtu(int ifindex, unsigned int mtu, char *why, size_t why_len);

/**
 * Add (or refresh the lifetimes of) addr/prefix_len on the device, without
 * the kernel's DAD (the client runs it through the tunnel). Lifetimes in
 * seconds, 0xffffffff for infinity. @return 0 or -1 with why.
 */
int netlink_address_add(int ifindex, const struct in6_addr *addr, unsigned int prefix_len, uint32_t valid_s,
			uint32_t preferred_s, char *why, size_t why_len);

/** Remove addr/prefix_len from the device. @return 0 or -1 with why. */
int netlink_address_delete(int ifindex, const struct in6_addr *addr, unsigned int prefix_len, char *why,
			   size_t why_len);

/** The default route via gateway on the device, beside any other (metric 1024). @return 0 or -1 with why. */
int netlink_default_route(int ifindex, const struct in6_addr *gateway, char *why, size_t why_len);

/** Remove that route (an RA with router lifetime 0). Gone already is not an error. @return 0 or -1 with why. */
int netlink_default_route_delete(int ifindex, const struct in6_addr *gateway, char *why, size_t why_len);

/**
 * The route dst/dst_len via gateway on the device (an RA's Route
 * Information, RFC 4191), metric 1024; a route of the prefix and metric
 * there already (from the last RA, or the host's own) is left as it is, not
 * an error. @return 0 or -1 with why.
 */
int netlink_route(int ifindex, const struct in6_addr *dst, unsigned int dst_len, const struct in6_addr *gateway,
		  char *why, size_t why_len);

/** Remove that route. Gone already is not an error. @return 0 or -1 with why. */
int netlink_route_delete(int ifindex, const struct in6_addr *dst, unsigned int dst_len,
			 const struct in6_addr *gateway, char *why, size_t why_len);

#endif
