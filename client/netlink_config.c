/* SPDX-License-Identifier: BSD-3-Clause */
#include "netlink_config.h"

#include <errno.h>
#include <libmnl/libmnl.h>
#include <net/if.h> /* before the linux headers: it defines what linux/if.h would again */
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* One request, answered by the kernel's ACK or error. @return 0 or -1 with why. */
static int talk(struct nlmsghdr *nlh, const char *what, char *why, size_t why_len)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct mnl_socket *nl = mnl_socket_open(NETLINK_ROUTE);
	unsigned int seq = (unsigned int)time(NULL), portid;
	int rc = -1;
	ssize_t n;

	if (nl == NULL || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		snprintf(why, why_len, "%s: netlink: %s", what, strerror(errno));
		goto out;
	}
	portid = mnl_socket_get_portid(nl);
	nlh->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = seq;
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		snprintf(why, why_len, "%s: netlink send: %s", what, strerror(errno));
		goto out;
	}
	n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
	if (n < 0 || mnl_cb_run(buf, (size_t)n, seq, portid, NULL, NULL) < 0) {
		snprintf(why, why_len, "%s: %s", what, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (nl != NULL)
		mnl_socket_close(nl);
	return rc;
}

static int write_sysctl(const char *ifname, const char *key, const char *value, char *why, size_t why_len)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/%s", ifname, key);
	f = fopen(path, "w");
	if (f == NULL || fputs(value, f) < 0 || fclose(f) != 0) {
		snprintf(why, why_len, "%s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

static struct nlmsghdr *link_message(char *buf, int ifindex)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifi;

	nlh->nlmsg_type = RTM_NEWLINK;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	return nlh;
}

int netlink_link_mtu(int ifindex, unsigned int mtu, char *why, size_t why_len)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = link_message(buf, ifindex);

	mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
	return talk(nlh, "setting the MTU", why, why_len);
}

int netlink_link_prepare(const char *ifname, unsigned int mtu, char *why, size_t why_len)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	int ifindex = (int)if_nametoindex(ifname);
	struct nlmsghdr *nlh;
	struct nlattr *spec, *inet6;

	if (ifindex == 0) {
		snprintf(why, why_len, "%s: %s", ifname, strerror(errno));
		return -1;
	}
	/* The kernel forms no address of its own and ignores RAs: SLAAC is ours. */
	if (write_sysctl(ifname, "accept_ra", "0", why, why_len) != 0 ||
	    write_sysctl(ifname, "autoconf", "0", why, why_len) != 0)
		return -1;
	nlh = link_message(buf, ifindex);
	spec = mnl_attr_nest_start(nlh, IFLA_AF_SPEC);
	inet6 = mnl_attr_nest_start(nlh, AF_INET6);
	mnl_attr_put_u8(nlh, IFLA_INET6_ADDR_GEN_MODE, IN6_ADDR_GEN_MODE_NONE);
	mnl_attr_nest_end(nlh, inet6);
	mnl_attr_nest_end(nlh, spec);
	mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
	if (talk(nlh, "preparing the TUN device", why, why_len) != 0)
		return -1;
	nlh = link_message(buf, ifindex);
	((struct ifinfomsg *)mnl_nlmsg_get_payload(nlh))->ifi_change = IFF_UP;
	((struct ifinfomsg *)mnl_nlmsg_get_payload(nlh))->ifi_flags = IFF_UP;
	if (talk(nlh, "bringing the TUN device up", why, why_len) != 0)
		return -1;
	return ifindex;
}

static struct nlmsghdr *address_message(char *buf, uint16_t type, uint16_t flags, int ifindex,
					 const struct in6_addr *addr, unsigned int prefix_len)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifaddrmsg *ifa;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = AF_INET6;
	ifa->ifa_prefixlen = (unsigned char)prefix_len;
	ifa->ifa_index = (unsigned int)ifindex;
	ifa->ifa_scope = (addr->s6_addr[0] == 0xfe && (addr->s6_addr[1] & 0xc0) == 0x80) ? RT_SCOPE_LINK
											    : RT_SCOPE_UNIVERSE;
	mnl_attr_put(nlh, IFA_LOCAL, sizeof(*addr), addr);
	mnl_attr_put(nlh, IFA_ADDRESS, sizeof(*addr), addr);
	return nlh;
}

int netlink_address_add(int ifindex, const struct in6_addr *addr, unsigned int prefix_len, uint32_t valid_s,
			uint32_t preferred_s, char *why, size_t why_len)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct ifa_cacheinfo life = {.ifa_prefered = preferred_s, .ifa_valid = valid_s};
	struct nlmsghdr *nlh = address_message(buf, RTM_NEWADDR, NLM_F_CREATE | NLM_F_REPLACE, ifindex, addr,
					       prefix_len);

	/* No kernel DAD (it cannot run it on TUN): the client's goes through the tunnel. */
	mnl_attr_put_u32(nlh, IFA_FLAGS, IFA_F_NODAD);
	mnl_attr_put(nlh, IFA_CACHEINFO, sizeof(life), &life);
	return talk(nlh, "adding an address", why, why_len);
}

int netlink_address_delete(int ifindex, const struct in6_addr *addr, unsigned int prefix_len, char *why,
			   size_t why_len)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];

	return talk(address_message(buf, RTM_DELADDR, 0, ifindex, addr, prefix_len), "removing an address", why,
		    why_len);
}

/* RTM_NEWROUTE or RTM_DELROUTE for dst/dst_len via gateway on the device, metric 1024. */
static struct nlmsghdr *route_message(char *buf, uint16_t type, uint16_t flags, int ifindex,
				      const struct in6_addr *dst, unsigned int dst_len, const struct in6_addr *gateway)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtmsg *rtm;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = AF_INET6;
	rtm->rtm_dst_len = (unsigned char)dst_len;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = RTPROT_RA;
	rtm->rtm_scope = RT_SCOPE_UNIVERSE;
	rtm->rtm_type = RTN_UNICAST;
	if (dst_len)
		mnl_attr_put(nlh, RTA_DST, sizeof(*dst), dst);
	mnl_attr_put(nlh, RTA_GATEWAY, sizeof(*gateway), gateway);
	mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t)ifindex);
	mnl_attr_put_u32(nlh, RTA_PRIORITY, 1024);
	return nlh;
}

static struct nlmsghdr *default_route_message(char *buf, uint16_t type, uint16_t flags, int ifindex,
					       const struct in6_addr *gateway)
{
	static const struct in6_addr any;

	return route_message(buf, type, flags, ifindex, &any, 0, gateway);
}

int netlink_route(int ifindex, const struct in6_addr *dst, unsigned int dst_len, const struct in6_addr *gateway,
		  char *why, size_t why_len)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	/* NLM_F_EXCL: a route of the prefix and metric the host has already (its
	 * own, another tunnel's) stays, and ours is not added. Never
	 * NLM_F_REPLACE, which in IPv6 replaces the first route of the prefix and
	 * metric whatever its device; nor a plain append, which joins two such
	 * routes with gateways as ECMP siblings, and a client's packets would
	 * leave by the other device. No RTA_EXPIRES: adding a route again does not
	 * refresh its expiry; the client removes it when its lifetime ends. */
	struct nlmsghdr *nlh = route_message(buf, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, ifindex, dst, dst_len,
					     gateway);

	if (talk(nlh, "adding a route", why, why_len) != 0)
		return errno == EEXIST ? 0 : -1; /* there from the last RA */
	return 0;
}

int netlink_route_delete(int ifindex, const struct in6_addr *dst, unsigned int dst_len,
			 const struct in6_addr *gateway, char *why, size_t why_len)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = route_message(buf, RTM_DELROUTE, 0, ifindex, dst, dst_len, gateway);

	if (talk(nlh, "removing a route", why, why_len) != 0)
		return errno == ESRCH ? 0 : -1; /* already gone (someone removed it, or its device went) */
	return 0;
}

int netlink_default_route(int ifindex, const struct in6_addr *gateway, char *why, size_t why_len)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	/* Added beside any default route the machine has (never replacing one), at
	 * the metric the kernel gives routes learned from RAs. */
	struct nlmsghdr *nlh = default_route_message(buf, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, ifindex, gateway);

	if (talk(nlh, "adding the default route", why, why_len) != 0)
		return errno == EEXIST ? 0 : -1; /* there from the last RA */
	return 0;
}

int netlink_default_route_delete(int ifindex, const struct in6_addr *gateway, char *why, size_t why_len)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = default_route_message(buf, RTM_DELROUTE, 0, ifindex, gateway);

	if (talk(nlh, "removing the default route", why, why_len) != 0)
		return errno == ESRCH ? 0 : -1; /* already gone */
	return 0;
}
