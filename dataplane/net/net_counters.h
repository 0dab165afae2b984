/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_NET_COUNTERS_H
#define IPHTTPS_NET_COUNTERS_H

/*
 * The net layer's counters: Ethernet, ARP, IPv4, ICMP, IPv6, ICMPv6, Neighbor
 * Discovery, routing and next hops.
 * Each X(name, help) is one per-worker counter: counter(w, name)++ counts it,
 * the control plane exports it under its name with its help. A layer declares
 * the counters it counts; its slots follow those of the layer below, so that
 * a file can count only what its own layer and the ones below declare
 * (dataplane/core/counters.h; dataplane/worker_counters.h collects them all).
 */

#include "counters.h"

#define NET_COUNTERS(X) \
	X(drop_eth_runt, "frame shorter than an Ethernet header") \
	X(drop_eth_other_host, "frame addressed to another host's MAC") \
	X(drop_eth_unknown_ethertype, "ethertype not ARP, IPv4 or IPv6") \
	X(drop_eth_segmented, "frame spread over several mbufs where one is needed") \
	X(drop_arp_truncated, "ARP shorter than its header") \
	X(drop_arp_malformed, "ARP not Ethernet/IPv4, or bad address lengths") \
	X(drop_arp_not_for_us, "ARP for an address that is not ours") \
	X(drop_arp_unhandled_op, "ARP opcode other than request or reply") \
	X(drop_ipv4_truncated, "IPv4 shorter than its header") \
	X(drop_ipv4_bad_version, "IPv4 ethertype with another IP version") \
	X(drop_ipv4_bad_header_length, "IPv4 header length under 20 or beyond the packet") \
	X(drop_ipv4_bad_total_length, "IPv4 total length beyond the frame or under the header") \
	X(drop_ipv4_bad_checksum, "IPv4 header checksum wrong") \
	X(ipv4_rx_checksum_verified_by_port, "IPv4 header checksums the port verified (RX offload): not summed again here") \
	X(ipv4_rx_checksum_bad_by_port, "IPv4 header checksums the port found wrong (RX offload); counted in drop_ipv4_bad_checksum too") \
	X(drop_ipv4_bad_source, "IPv4 source is multicast, broadcast or ours") \
	X(drop_ipv4_fragment, "IPv4 fragment (the appliance does not reassemble)") \
	X(drop_ipv4_not_for_us, "IPv4 to an address that is not ours") \
	X(drop_ipv4_unknown_protocol, "IPv4 protocol the appliance does not serve") \
	X(drop_icmp_truncated, "ICMP shorter than its header") \
	X(drop_icmp_bad_checksum, "ICMP checksum wrong") \
	X(drop_icmp_unhandled_type, "ICMP type other than echo request") \
	X(drop_ipv6_truncated, "IPv6 shorter than its header") \
	X(drop_ipv6_bad_version, "IPv6 ethertype with another IP version") \
	X(drop_ipv6_bad_payload_length, "IPv6 payload length beyond the frame") \
	X(drop_ipv6_bad_source, "IPv6 source is multicast or ours") \
	X(drop_ipv6_not_for_us, "IPv6 to an address that is not ours") \
	X(route_forwarded, "IPv6 packets sent on to the internal network") \
	X(drop_route_no_route, "IPv6 packet for the internal network with no route and no gateway") \
	X(drop_route_unresolved, "IPv6 packet for a next hop whose MAC is not known (yet)") \
	X(drop_route_no_headroom, "IPv6 packet without room for its Ethernet header") \
	X(drop_ipv6_extension_header, "IPv6 extension header before the payload") \
	X(drop_ipv6_unknown_next_header, "IPv6 next header the appliance does not serve") \
	X(drop_icmp6_truncated, "ICMPv6 shorter than its header") \
	X(drop_icmp6_bad_checksum, "ICMPv6 checksum wrong") \
	X(drop_icmp6_unhandled_type, "ICMPv6 type the appliance does not serve") \
	X(drop_icmp6_echo_to_multicast, "ICMPv6 echo request to a multicast group") \
	X(drop_nd_bad_hop_limit, "ND message with hop limit other than 255 (RFC 4861 7.1)") \
	X(drop_nd_bad_code, "ND message with ICMPv6 code other than 0") \
	X(drop_nd_truncated, "ND message shorter than its fixed part") \
	X(drop_nd_bad_option, "ND option of length 0 or running past the message") \
	X(drop_nd_multicast_target, "NS or NA whose target is a multicast address") \
	X(drop_nd_bad_dad, "DAD NS not to a solicited-node group or carrying a source LLA") \
	X(drop_nd_solicited_to_multicast, "NA with the Solicited flag sent to a multicast group") \
	X(drop_nd_target_not_ours, "NS for an address that is not ours") \
	X(drop_nd_unsolicited_na_ignored, "NA for an address that is not a next hop of ours") \
	X(drop_l4_no_service, "UDP, or TCP on a port with no listener and no RST owed") \
	X(arp_requests_answered, "ARP requests answered") \
	X(icmp_echo_answered, "ICMP echo requests answered") \
	X(nd_solicitations_answered, "Neighbor Solicitations answered") \
	X(icmp6_echo_answered, "ICMPv6 echo requests answered") \
	X(nexthop_requests_sent, "ARP requests and NS sent to resolve next hops") \
	X(nexthop_learned, "next-hop MAC addresses learned or confirmed")

enum net_counter {
	NET_COUNTER_BEFORE = CORE_COUNTER_END - 1,
	NET_COUNTERS(COUNTER_ENUM)
	NET_COUNTER_END
};

#endif
