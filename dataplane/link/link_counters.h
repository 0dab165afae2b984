/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_LINK_COUNTERS_H
#define IPHTTPS_LINK_COUNTERS_H

/*
 * The link layer's counters: the IP-HTTPS link and its router (RS/RA, DAD,
 * ND, address checks, multicast, forwarding, ICMPv6 errors, handovers).
 * Each X(name, help) is one per-worker counter: counter(w, name)++ counts it,
 * the control plane exports it under its name with its help. A layer declares
 * the counters it counts; its slots follow those of the layer below, so that
 * a file can count only what its own layer and the ones below declare
 * (dataplane/core/counters.h; dataplane/worker_counters.h collects them all).
 */

#include "session_counters.h"

#define LINK_COUNTERS(X) \
	X(link_rx_packets, "IPv6 packets received from clients") \
	X(link_rx_bytes, "bytes of IPv6 packets received from clients") \
	X(link_echo_answered, "ICMPv6 echo requests to the server's link address answered") \
	X(link_rs_received, "Router Solicitations from clients") \
	X(link_ra_sent, "Router Advertisements sent to clients (solicited and periodic)") \
	X(link_ra_refreshes, "changes of the Router Advertisement's options (a reload) sent again to every client") \
	X(link_dad_claimed, "DAD probes that claimed a free address for their client") \
	X(link_dad_defended, "DAD probes for another client's address answered with its NA") \
	X(link_neighbor_solicitations_answered, "Neighbor Solicitations for the router's own addresses answered (NUD, resolution)") \
	X(link_router_address_defended, "DAD probes for the router's addresses answered: no client takes one") \
	X(link_holder_probed, "sessions sent an RA because another claimed their address: a stale one's client answers with a reset") \
	X(link_holder_gone_ra_sent, "RAs sent to a client whose packet from a held source was dropped, once the holder went") \
	X(link_holder_wait_expired, "clients that waited LINK_HOLDER_WAIT_MS for a holder of their source that stayed") \
	X(link_holder_wait_full, "clients not remembered for the RA a holder's going owes them: the worker's waiters were full") \
	X(drop_link_reserved_source, "client packet from the router's addresses or the subnet-router anycast") \
	X(drop_link_ra_guard, "Router Advertisement or Redirect from a client: never forwarded (RFC 6105)") \
	X(drop_link_nd_not_own_target, "client NA for an address that is not its own (mode certificates)") \
	X(drop_link_spoofed_source, "client packet from an address another client has, or off the link (mode none)") \
	X(drop_link_session_rate_up, "client packet over its session's limits.session_up_kbit_per_second") \
	X(drop_link_session_rate_down, "packet for a client over its session's limits.session_down_kbit_per_second") \
	X(drop_link_address_limit, "client packet from a new address: the index is full, or the client replaces addresses too fast") \
	X(link_address_hold_expired, "holds that ran out unclaimed") \
	X(drop_link_link_local, "client link-local unicast not to the server (mode none)") \
	X(drop_link_link_local_source, "client packet from a link-local source to be routed off the link") \
	X(drop_link_multicast, "client multicast other than RS and DAD NS (mode none)") \
	X(link_multicast_forwarded, "copies of a client's multicast sent to other clients (mode certificates)") \
	X(drop_link_multicast_rate, "client multicast over its rate (LINK_MULTICAST_PER_CLIENT_PER_SECOND; mode certificates)") \
	X(drop_link_bad_nd, "client RS or NS with a bad hop limit, code, length, checksum or group") \
	X(link_forwarded_to_internal, "client packets routed to the internal network") \
	X(link_forwarded_to_client, "packets routed to a client (from the internal network or another client)") \
	X(link_hop_limit_exceeded, "packets whose hop limit ran out here (Time Exceeded)") \
	X(link_packet_too_big, "packets to a client over the link MTU (Packet Too Big)") \
	X(link_icmp_errors_sent, "ICMPv6 errors the router sent") \
	X(link_icmp_errors_limited, "ICMPv6 errors not sent: over their source's or the worker's per-second limit") \
	X(link_icmp_errors_not_allowed, "ICMPv6 errors not sent: about an error, a multicast or unspecified source, or to multicast (RFC 4443 2.4(e))") \
	X(drop_link_no_client, "packet to a client-prefix address no client has (Destination Unreachable)") \
	X(link_multicast_handed_over, "copies of a client's multicast handed to other workers for their clients") \
	X(link_multicast_received, "client multicast other workers handed to this one") \
	X(link_handed_over, "packets handed to the worker that owns their client's session") \
	X(link_handover_received, "packets other workers handed to this one for its clients") \
	X(drop_link_handover_full, "packets not handed over: the owner's inbox was full") \
	X(drop_link_chained, "client packet longer than one mbuf: not forwarded") \
	X(drop_link_no_service, "client packet to the server other than echo and ND") \
	X(drop_link_bad_packet, "client packet with a bad ICMPv6 length or checksum to the server")

enum link_counter {
	LINK_COUNTER_BEFORE = SESSION_COUNTER_END - 1,
	LINK_COUNTERS(COUNTER_ENUM)
	LINK_COUNTER_END
};

#endif
