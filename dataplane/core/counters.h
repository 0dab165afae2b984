/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_COUNTERS_H
#define IPHTTPS_COUNTERS_H

/*
 * Per-worker counters. Every drop has its own named counter, so an operator
 * sees why a packet was dropped, not only that it was. One list makes the
 * struct, the names exported to telemetry and the help text.
 * Written only by the owning worker. The control plane never reads them in
 * place: it asks the worker for a copy (worker_command.h).
 */

#include <stdint.h>

/* Failed handshakes, one counter per reason (tls/tls_failure.h): the metric
 * iphttps_tls_handshake_failures_total{reason} has one series per counter,
 * and `show` sums them. */
#define TLS_FAILURE_COUNTERS(X)                                                               \
	X(tls_failed_peer_closed, "TLS handshakes the client abandoned: closed without an alert") \
	X(tls_failed_not_tls, "connections to a TLS listener that did not speak TLS (plain HTTP or other bytes)") \
	X(tls_failed_protocol_version, "TLS handshakes with no version in common (tls.min_version, max_version)") \
	X(tls_failed_no_shared_cipher, "TLS handshakes with no suite, group or signature algorithm in common") \
	X(tls_failed_client_alert_unknown_ca, "the client does not trust the server certificate's CA (its alert unknown_ca)") \
	X(tls_failed_client_alert_bad_certificate, "the client refused the server certificate (alerts bad_certificate, certificate_unknown, revoked)") \
	X(tls_failed_client_alert_certificate_expired, "the client says the server certificate has expired") \
	X(tls_failed_client_alert_other, "the client ended the handshake with another alert") \
	X(tls_failed_client_certificate_missing, "certificates mode: the client presented no certificate") \
	X(tls_failed_client_certificate_unknown_ca, "the client certificate is not from tls.client_ca") \
	X(tls_failed_client_certificate_revoked, "the client certificate (or its issuer) is in tls.client_crl") \
	X(tls_failed_client_certificate_expired, "the client certificate has expired or is not yet valid") \
	X(tls_failed_client_certificate_invalid, "the client certificate failed verification otherwise (CRL, purpose, signature)") \
	X(tls_failed_other, "TLS handshakes that failed otherwise (the log names OpenSSL's error)")

#define WORKER_COUNTERS(X)                                                                    \
	X(rx_packets, "frames received")                                                      \
	X(busy_tsc_cycles, "TSC cycles spent on loop iterations that had frames to handle")   \
	X(tls_handshake_cycles, "TSC cycles spent inside SSL_do_handshake (crypto and TLS state machine)") \
	X(tx_packets, "frames handed to a port")                                              \
	X(tx_dropped_queue_full, "frames the port's TX queue could not take")                 \
	X(mbuf_alloc_failed, "packets not sent because the mbuf pool was empty")              \
	X(log_peer_suppressed, "log lines about a peer's failure not written: over the per-second limit") \
	X(drop_eth_runt, "frame shorter than an Ethernet header")                             \
	X(drop_eth_other_host, "frame addressed to another host's MAC")                       \
	X(drop_eth_unknown_ethertype, "ethertype not ARP, IPv4 or IPv6")                     \
	X(drop_eth_segmented, "frame spread over several mbufs where one is needed")          \
	X(drop_arp_truncated, "ARP shorter than its header")                                  \
	X(drop_arp_malformed, "ARP not Ethernet/IPv4, or bad address lengths")                \
	X(drop_arp_not_for_us, "ARP for an address that is not ours")                         \
	X(drop_arp_unhandled_op, "ARP opcode other than request or reply")                    \
	X(drop_ipv4_truncated, "IPv4 shorter than its header")                                \
	X(drop_ipv4_bad_version, "IPv4 ethertype with another IP version")                    \
	X(drop_ipv4_bad_header_length, "IPv4 header length under 20 or beyond the packet")    \
	X(drop_ipv4_bad_total_length, "IPv4 total length beyond the frame or under the header") \
	X(drop_ipv4_bad_checksum, "IPv4 header checksum wrong")                               \
	X(drop_ipv4_bad_source, "IPv4 source is multicast, broadcast or ours")                \
	X(drop_ipv4_fragment, "IPv4 fragment (the appliance does not reassemble)")            \
	X(drop_ipv4_not_for_us, "IPv4 to an address that is not ours")                        \
	X(drop_ipv4_unknown_protocol, "IPv4 protocol the appliance does not serve")           \
	X(drop_icmp_truncated, "ICMP shorter than its header")                                \
	X(drop_icmp_bad_checksum, "ICMP checksum wrong")                                      \
	X(drop_icmp_unhandled_type, "ICMP type other than echo request")                      \
	X(drop_ipv6_truncated, "IPv6 shorter than its header")                                \
	X(drop_ipv6_bad_version, "IPv6 ethertype with another IP version")                    \
	X(drop_ipv6_bad_payload_length, "IPv6 payload length beyond the frame")              \
	X(drop_ipv6_bad_source, "IPv6 source is multicast or ours")                           \
	X(drop_ipv6_not_for_us, "IPv6 to an address that is not ours")                        \
	X(route_forwarded, "IPv6 packets sent on to the internal network")                     \
	X(drop_route_no_route, "IPv6 packet for the internal network with no route and no gateway") \
	X(drop_route_unresolved, "IPv6 packet for a next hop whose MAC is not known (yet)")    \
	X(drop_route_no_headroom, "IPv6 packet without room for its Ethernet header")          \
	X(drop_ipv6_extension_header, "IPv6 extension header before the payload")            \
	X(drop_ipv6_unknown_next_header, "IPv6 next header the appliance does not serve")     \
	X(drop_icmp6_truncated, "ICMPv6 shorter than its header")                             \
	X(drop_icmp6_bad_checksum, "ICMPv6 checksum wrong")                                   \
	X(drop_icmp6_unhandled_type, "ICMPv6 type the appliance does not serve")              \
	X(drop_icmp6_echo_to_multicast, "ICMPv6 echo request to a multicast group")           \
	X(drop_nd_bad_hop_limit, "ND message with hop limit other than 255 (RFC 4861 7.1)")   \
	X(drop_nd_bad_code, "ND message with ICMPv6 code other than 0")                      \
	X(drop_nd_truncated, "ND message shorter than its fixed part")                        \
	X(drop_nd_bad_option, "ND option of length 0 or running past the message")           \
	X(drop_nd_multicast_target, "NS or NA whose target is a multicast address")           \
	X(drop_nd_bad_dad, "DAD NS not to a solicited-node group or carrying a source LLA")   \
	X(drop_nd_solicited_to_multicast, "NA with the Solicited flag sent to a multicast group") \
	X(drop_nd_target_not_ours, "NS for an address that is not ours")                      \
	X(drop_nd_unsolicited_na_ignored, "NA for an address that is not a next hop of ours") \
	X(drop_l4_no_service, "UDP, or TCP on a port with no listener and no RST owed")      \
	X(drop_tcp_truncated, "TCP shorter than its header")                                  \
	X(drop_tcp_bad_header_length, "TCP data offset under 5 or beyond the segment")        \
	X(drop_tcp_bad_checksum, "TCP checksum wrong")                                        \
	X(drop_tcp_bad_flags, "TCP flag combination no stack sends (SYN+FIN, SYN+RST, none)") \
	X(drop_tcp_multicast_destination, "TCP to a multicast or broadcast address (never answered)") \
	X(drop_tcp_no_listener, "segment for no connection and no listener (RST sent)")       \
	X(drop_tcp_no_connection, "non-SYN segment for no connection (RST sent unless RST)")  \
	X(drop_tcp_conn_limit, "SYN refused: the worker's connection table is full")          \
	X(drop_tcp_source_limit, "SYN refused: too many connections from this address")      \
	X(drop_tcp_paws, "segment with an old timestamp (RFC 7323 PAWS)")                     \
	X(drop_tcp_out_of_window, "segment outside the receive window (ACK sent)")            \
	X(drop_tcp_ack_unsent, "ACK for data not yet sent (RFC 5961 5.2)")                    \
	X(drop_tcp_ack_too_old, "ACK older than the send window allows (RFC 5961 5.2)")       \
	X(drop_tcp_no_ack, "segment without ACK in a synchronized state")                     \
	X(drop_tcp_rst_out_of_window, "RST outside the window")                               \
	X(drop_tcp_bad_syn_ack_ack, "ACK completing a handshake with the wrong number")      \
	X(drop_tcp_rcvq_full, "payload beyond the receive queue (window violated)")          \
	X(drop_tcp_ooo_full, "out-of-order segment whose place lies too far into the list of those waiting") \
	X(drop_tcp_ooo_pressure, "out-of-order segment refused: the worker's TCP mbufs past the high-water mark") \
	X(drop_tcp_rcv_memory, "segment refused: the connection's receive mbufs at their cap (2 x the queue)") \
	X(drop_tcp_rcv_pressure, "in-order segment refused: the worker's TCP mbufs at their budget") \
	X(tcp_ooo_pruned, "out-of-order mbufs freed under pool pressure (the peer sends them again)") \
	X(tcp_recv_window_grown, "connections whose receive window outgrew limits.tcp_recv_queue_bytes as the peer filled it") \
	X(tcp_send_queue_grown, "connections whose send queue outgrew limits.tcp_send_queue_bytes with their cwnd") \
	X(drop_tcp_bad_syncookie, "ACK with an invalid or expired SYN cookie")                \
	X(tcp_rx_segments, "TCP segments received for the appliance")                         \
	X(tcp_segments_handed_over, "segments for no connection here, handed to the next worker") \
	X(tcp_segments_received_from_worker, "segments another worker handed over to this one") \
	X(drop_tcp_handover_full, "segments not handed over: the next worker's inbox was full") \
	X(tcp_tx_segments, "TCP segments sent")                                               \
	X(tcp_tx_bytes, "TCP payload bytes sent, retransmissions included")                   \
	X(tcp_rx_bytes, "TCP payload bytes delivered in order")                               \
	X(tcp_retransmits, "segments retransmitted")                                          \
	X(tcp_rto_expired, "retransmission timeouts")                                         \
	X(tcp_fast_retransmits, "fast retransmits (3 duplicate ACKs)")                        \
	X(tcp_tail_loss_probes, "tail loss probes sent (RFC 8985)")                           \
	X(tcp_ooo_segments, "segments queued out of order")                                   \
	X(tcp_passive_opens, "SYNs accepted (SYN-ACK sent)")                                  \
	X(tcp_established, "connections established")                                         \
	X(tcp_closed, "connections closed in order")                                          \
	X(tcp_resets_received, "connections reset by the peer")                               \
	X(tcp_resets_sent, "RST segments sent")                                               \
	X(tcp_timeouts, "connections dropped after retransmission or keepalive timeouts")     \
	X(tcp_close_timeouts, "connections we shut down, reset past the close deadline or probe limit") \
	X(tcp_challenge_acks, "challenge ACKs sent (RFC 5961)")                               \
	X(drop_tcp_challenge_ack_limit, "challenge ACKs not sent: over the worker's per-second budget") \
	X(drop_tcp_challenge_ack_conn_limit, "challenge ACKs not sent: one went to this connection lately") \
	X(tcp_syncookies_sent, "SYN-ACKs carrying a SYN cookie (RFC 4987)")                   \
	X(tcp_syncookies_accepted, "connections created from a valid SYN cookie")             \
	X(tcp_persist_probes, "zero-window probes sent")                                      \
	X(tcp_keepalive_probes, "keepalive probes sent")                                      \
	X(tcp_time_wait_reused, "TIME_WAIT connections replaced by a new SYN (RFC 6191)")     \
	X(arp_requests_answered, "ARP requests answered")                                     \
	X(icmp_echo_answered, "ICMP echo requests answered")                                  \
	X(nd_solicitations_answered, "Neighbor Solicitations answered")                       \
	X(icmp6_echo_answered, "ICMPv6 echo requests answered")                               \
	X(nexthop_requests_sent, "ARP requests and NS sent to resolve next hops")             \
	X(nexthop_learned, "next-hop MAC addresses learned or confirmed")                     \
	X(session_accepted, "connections taken by an IP-HTTPS listener")                      \
	X(session_refused_not_accepting, "connections reset: the link is disabled or the appliance drains") \
	X(session_events_dropped, "session up/down events lost: the control plane's ring was full (accounting records missing)") \
	X(session_disconnected_by_operator, "sessions ended by the control plane (disconnect, auth-mode, link disable, shutdown)") \
	X(drop_session_pool_full, "connection refused: the worker's session pool is full")    \
	X(tls_handshakes, "TLS handshakes completed")                                         \
	TLS_FAILURE_COUNTERS(X)                                                               \
	X(tls_handshake_timeouts, "TLS handshakes not done within limits.tls_handshake_timeout_ms") \
	X(tls_async_paused, "TLS operations paused by an asynchronous job (SSL_ERROR_WANT_ASYNC)") \
	X(tls_async_resumed, "paused TLS operations resumed to completion or the next pause")  \
	X(tls_errors, "TLS errors on established sessions (bad record, MAC)")                 \
	X(proxy_header_rejected, "PROXY protocol header missing, malformed or of a refused version") \
	X(proxy_untrusted_peer, "connection to a PROXY listener from outside its trusted_proxies (reset)") \
	X(session_refused_stale_trust, "handshakes that ended on a context whose trust (mode, CA, CRL) was since replaced") \
	X(proxy_client_cert_refused, "certificates mode: a PROXY header without the offloader's verified client certificate") \
	X(http_requests_accepted, "IP-HTTPS requests accepted (200 OK)")                     \
	X(http_status_400, "requests answered 400 Bad Request")                               \
	X(http_status_404, "requests answered 404 Not Found (another path)")                  \
	X(http_status_405, "requests answered 405 Method Not Allowed")                        \
	X(http_status_408, "requests answered 408: headers not received in time")             \
	X(http_status_411, "requests answered 411 Length Required")                           \
	X(http_status_414, "requests answered 414 URI Too Long")                              \
	X(http_status_431, "requests answered 431 Request Header Fields Too Large")           \
	X(http_status_501, "requests answered 501 (Transfer-Encoding)")                       \
	X(http_status_505, "requests answered 505 HTTP Version Not Supported")                \
	X(client_table_full, "clients disconnected: the Client Table is full (limits.max_clients)") \
	X(session_link_up, "sessions that reached LinkUp (Client Table entries added)")        \
	X(session_idle_timeouts, "LinkUp sessions closed after limits.idle_session_timeout_s without input") \
	X(session_refusal_events_limited, "refused clients not told to the monitor: over the per-second budget (still counted by reason)") \
	X(session_closed_before_request, "clients gone after TLS, before their HTTP request (a Windows client refusing the server certificate)") \
	X(session_closed, "sessions ended (Client Table entries removed when they had one)")   \
	X(session_body_complete, "sessions whose request body ended (a Content-Length below 2^64-1 ran out)") \
	X(session_bytes_after_body, "sessions that sent bytes after their request body (dropped, session closed)") \
	X(link_rx_packets, "IPv6 packets received from clients")                              \
	X(link_rx_bytes, "bytes of IPv6 packets received from clients")                       \
	X(link_tx_packets, "IPv6 packets sent to clients")                                    \
	X(link_tx_bytes, "bytes of IPv6 packets sent to clients")                             \
	X(link_echo_answered, "ICMPv6 echo requests to the server's link address answered")   \
	X(link_rs_received, "Router Solicitations from clients")                            \
	X(link_ra_sent, "Router Advertisements sent to clients (solicited and periodic)")      \
	X(link_dad_claimed, "DAD probes that claimed a free address for their client") \
	X(link_dad_defended, "DAD probes for another client's address answered with its NA")  \
	X(link_neighbor_solicitations_answered, "Neighbor Solicitations for the router's own addresses answered (NUD, resolution)") \
	X(link_router_address_defended, "DAD probes for the router's addresses answered: no client takes one") \
	X(drop_link_reserved_source, "client packet from the router's addresses or the subnet-router anycast") \
	X(drop_link_ra_guard, "Router Advertisement or Redirect from a client: never forwarded (RFC 6105)") \
	X(drop_link_nd_not_own_target, "client NA for an address that is not its own (mode certificates)") \
	X(drop_link_spoofed_source, "client packet from an address another client has, or off the link (mode none)") \
	X(drop_link_address_limit, "client packet from a new address: the index is full, or the client replaces addresses too fast") \
	X(link_address_evicted, "client addresses given up for a newer one: the client was at its cap (LRU)") \
	X(link_address_aged_out, "client addresses forgotten after address_idle_timeout_s unused") \
	X(link_address_held, "addresses of a client that went, held for it for address_grace_s") \
	X(link_address_hold_full, "addresses of a client that went, not held: the hold table was full") \
	X(link_address_hold_returned, "held addresses bound again by their previous owner") \
	X(link_address_hold_refused, "held addresses another client tried to take (its DAD answered, packets dropped)") \
	X(link_address_hold_expired, "holds that ran out unclaimed") \
	X(drop_link_link_local, "client link-local unicast not to the server (mode none)")     \
	X(drop_link_link_local_source, "client packet from a link-local source to be routed off the link") \
	X(drop_link_multicast, "client multicast other than RS and DAD NS (mode none)")        \
	X(link_multicast_forwarded, "copies of a client's multicast sent to other clients (mode certificates)") \
	X(drop_link_multicast_rate, "client multicast over its rate (LINK_MULTICAST_PER_CLIENT_PER_SECOND; mode certificates)") \
	X(drop_link_bad_nd, "client RS or NS with a bad hop limit, code, length, checksum or group") \
	X(link_forwarded_to_internal, "client packets routed to the internal network")       \
	X(link_forwarded_to_client, "packets routed to a client (from the internal network or another client)") \
	X(link_hop_limit_exceeded, "packets whose hop limit ran out here (Time Exceeded)")    \
	X(link_packet_too_big, "packets to a client over the link MTU (Packet Too Big)")      \
	X(link_icmp_errors_sent, "ICMPv6 errors the router sent")                              \
	X(link_icmp_errors_limited, "ICMPv6 errors not sent: over their source's or the worker's per-second limit") \
	X(link_icmp_errors_not_allowed, "ICMPv6 errors not sent: about an error, a multicast or unspecified source, or to multicast (RFC 4443 2.4(e))") \
	X(drop_link_no_client, "packet to a client-prefix address no client has (Destination Unreachable)") \
	X(link_multicast_handed_over, "copies of a client's multicast handed to other workers for their clients") \
	X(link_multicast_received, "client multicast other workers handed to this one") \
	X(link_handed_over, "packets handed to the worker that owns their client's session")   \
	X(link_handover_received, "packets other workers handed to this one for its clients") \
	X(drop_link_handover_full, "packets not handed over: the owner's inbox was full")     \
	X(drop_link_chained, "client packet longer than one mbuf: not forwarded")             \
	X(drop_link_no_service, "client packet to the server other than echo and ND")         \
	X(drop_framer_not_ipv6, "client sent a packet whose version is not 6 (session ended)") \
	X(drop_framer_jumbogram, "client sent a jumbogram (session ended)")                   \
	X(drop_framer_too_big, "client packet longer than the link MTU: dropped, answered with Packet Too Big") \
	X(drop_link_mbuf_alloc, "client packet dropped: no mbuf to hold it")                  \
	X(drop_link_no_route, "client packet not for the server itself (forwarding not built)") \
	X(drop_link_bad_packet, "client packet with a bad ICMPv6 length or checksum to the server") \
	X(drop_link_session_not_up, "packet to a client whose session is not (or no longer) up") \
	X(drop_link_send_queue_full, "packet to a client dropped: its TCP send queue is full")

struct worker_counters {
#define COUNTER_FIELD(name, help) uint64_t name;
	WORKER_COUNTERS(COUNTER_FIELD)
#undef COUNTER_FIELD
};

#endif
